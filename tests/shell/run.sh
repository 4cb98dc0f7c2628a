#!/bin/sh
# The shell tests: boot the ISO's default (interactive) entry and drive sh
# over the serial line with tests/shell/shell.exp (expect).  One line per
# test, then "N passed, N failed, N skipped" (shell.exp's "SKIP name" lines
# are the skipped ones; its own tally line has no skipped count).  The conversation is kept in
# $BUILD/shell/session.log.
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
ISO=${1:-$BUILD/os.iso}
mkdir -p "$BUILD/shell"
if ! command -v expect >/dev/null 2>&1; then
	echo "FAIL shell: expect is not installed (make deps)"
	echo "0 passed, 1 failed, 0 skipped"
	exit 1
fi
out=$BUILD/shell/results
expect tests/shell/shell.exp "$ISO" "$BUILD/shell/session.log" > "$out" 2>&1
rc=$?
# everything but a last tally line passes through; a crashed script counts
# as one failure on top of what it judged
sed -n '$!p' "$out"
last=$(tail -n 1 "$out")
s=$(grep -c '^SKIP ' "$out")
if echo "$last" | grep -Eq '^[0-9]+ passed, [0-9]+ failed$'; then
	echo "$last, $s skipped"
else
	echo "$last"
	p=$(grep -c '^PASS ' "$out")
	f=$(grep -c '^FAIL ' "$out")
	echo "FAIL shell_script: expect ended without a tally (status $rc)"
	echo "$p passed, $((f + 1)) failed, $s skipped"
	exit 1
fi
[ $rc = 0 ]
