#!/bin/sh
# make test: host unit tests, the QEMU tests, then the shell tests (sh
# driven over the serial line); over all three a line "N skipped" and then
# the closing line "N passed, N failed" (each stage ends with a line
# "N passed, N failed, N skipped"; the skipped count may be missing there).
BUILD=$1 ISO=$2
shift 2
total_p=0 total_f=0 total_s=0
add() {
	line=$(tail -n 1 "$1")
	re='^([0-9]+) passed, ([0-9]+) failed(, ([0-9]+) skipped)?$'
	p=$(echo "$line" | sed -nE "s/$re/\\1/p")
	f=$(echo "$line" | sed -nE "s/$re/\\2/p")
	s=$(echo "$line" | sed -nE "s/$re/\\4/p")
	if [ -z "$p" ]; then p=0; f=1; fi
	total_p=$((total_p + p)); total_f=$((total_f + f)); total_s=$((total_s + ${s:-0}))
}
mkdir -p "$BUILD"
echo "== host unit tests (Check, ASan + UBSan)"
sh tests/run-unit.sh "$@" | tee "$BUILD/unit.out" | sed '$d'
add "$BUILD/unit.out"
echo "== QEMU tests"
BUILD=$BUILD sh tests/qemu/run.sh | tee "$BUILD/qemu.out" | sed '$d'
add "$BUILD/qemu.out"
echo "== shell tests (expect, over the serial line)"
BUILD=$BUILD sh tests/shell/run.sh "$ISO" | tee "$BUILD/shell.out" | sed '$d'
add "$BUILD/shell.out"
echo "$total_s skipped (a test that needs more CPUs than this boot has)"
echo "$total_p passed, $total_f failed"
[ $total_f = 0 ]
