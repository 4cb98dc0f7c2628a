#!/bin/sh
# make fuzz: boot an ISO whose init runs only `test_fuzz CALLS SEED FLAGS`
# (user/test_fuzz.c) and judge its serial log: "@@PASS fuzz", no PANIC, no
# @@FAIL, "@@DONE failures=0".  Prints test_fuzz's summary and its calls
# per second.  Settings: FUZZ_CALLS (10000000), FUZZ_SEED (1), FUZZ_FLAGS
# (1: NT on; 2 TF, 4 kills, 8 trace), FUZZ_MEM (512M), FUZZ_TIMEOUT
# (seconds, 14400), and lib.sh's SMP, ACCEL, QEMU_CPU, QEMU_EXTRA.
cd "$(dirname "$0")/../.." || exit 1
. tests/qemu/lib.sh
CALLS=${FUZZ_CALLS:-10000000}
SEED=${FUZZ_SEED:-1}
FLAGS=${FUZZ_FLAGS:-1}
MEM=${FUZZ_MEM:-512M}
TIMEOUT=${FUZZ_TIMEOUT:-14400}
mkdir -p "$BUILD/qemu"
log=$BUILD/qemu/fuzz.log
mkiso "$BUILD/qemu/fuzz.iso" 1 "only test_fuzz $CALLS $SEED $FLAGS" || exit 1
echo "fuzz: $CALLS calls, seed $SEED, flags $FLAGS, $SMP CPUs, $MEM (log $log)"
boot "$BUILD/qemu/fuzz.iso" "$MEM" "$log" "$TIMEOUT"
rc=$?
grep -E '^fuzz: [0-9]+ calls|calls per second|killed|^@@|PANIC' "$log" | grep -v '^fuzz: worker [0-9]*:' | tail -20
why=""
[ $rc = 124 ] && why="timed out after ${TIMEOUT}s"
grep -q '^@@DONE failures=0$' "$log" || why="${why:-no @@DONE failures=0 line}"
grep -qx '@@PASS fuzz' "$log" || why="${why:-no @@PASS fuzz line}"
grep -q 'PANIC' "$log" && why="PANIC in the log"
grep -q '@@FAIL' "$log" && why="${why:-@@FAIL in the log}"
[ $rc != 1 ] && why="${why:-QEMU exit status $rc}"
[ $rc = 0 ] && why="$why; QEMU exit status 0: the machine reset (a triple fault?)"
if [ -z "$why" ]; then
	echo "PASS fuzz"
	echo "1 passed, 0 failed, 0 skipped"
else
	echo "FAIL fuzz: $why (log $log)"
	echo "0 passed, 1 failed, 0 skipped"
	exit 1
fi
