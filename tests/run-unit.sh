#!/bin/sh
# Run the host Check binaries given as arguments; ends "N passed, N failed,
# 0 skipped" (the closing-line form of every stage of make test),
# summing Check's own "Checks: N, Failures: N, Errors: N" lines.
pass=0 fail=0
for t in "$@"; do
	out=$("$t" 2>&1)
	rc=$?
	echo "$out" | grep -E '^[0-9]+%: Checks|:[EF]:' | sed "s|^|$(basename "$t"): |"
	line=$(echo "$out" | grep -E '^[0-9]+%: Checks: ' | tail -1)
	if [ -z "$line" ]; then
		echo "$(basename "$t"): crashed or printed no summary (status $rc)"
		echo "$out" | tail -20
		fail=$((fail + 1))
		continue
	fi
	n=$(echo "$line" | sed -E 's/.*Checks: ([0-9]+).*/\1/')
	f=$(echo "$line" | sed -E 's/.*Failures: ([0-9]+).*/\1/')
	e=$(echo "$line" | sed -E 's/.*Errors: ([0-9]+).*/\1/')
	pass=$((pass + n - f - e))
	fail=$((fail + f + e))
	[ $rc != 0 ] && [ $((f + e)) = 0 ] && fail=$((fail + 1))
done
echo "$pass passed, $fail failed, 0 skipped"
[ $fail = 0 ]
