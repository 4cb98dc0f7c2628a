#!/bin/sh
# make stress SECS=600: boot an ISO whose init runs only test_stress for
# SECS seconds (4 CPUs, MEM), then judge the serial log: its "@@PASS
# stress" line, no @@FAIL, no PANIC, no "kobj: ... on dead" or "... while in use" complaint,
# "@@DONE failures=0" and QEMU's status for a clean exit.  test_stress
# itself checks that the frames came back once its workers ended.  Ends
# with "N passed, N failed, N skipped" like the other test scripts.
cd "$(dirname "$0")/../.." || exit 1
. tests/qemu/lib.sh
SECS=${SECS:-600}
MEM=${MEM:-512M}
# the run ends itself after SECS of guest time; the bound is only against
# a hang, 10x over (a loaded host slows the guest a lot)
TIMEOUT=${STRESS_TIMEOUT:-$((SECS * 10 + 600))}
log=$BUILD/qemu/stress.log
mkdir -p "$BUILD/qemu"
mkiso "$BUILD/qemu/stress.iso" 1 "only test_stress $SECS" || exit 1
echo "stress: $SECS s on $SMP CPUs, $MEM (log $log)"
boot "$BUILD/qemu/stress.iso" "$MEM" "$log" "$TIMEOUT"
rc=$?
pass=0 fail=0
ok() { echo "PASS $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1${2:+: $2}"; fail=$((fail + 1)); }
if grep -qx '@@PASS stress' "$log"; then ok stress
else bad stress "$(grep -m1 '@@FAIL' "$log")"; fi
why=""
[ $rc = 124 ] && why="timed out after ${TIMEOUT}s"
grep -q '^@@DONE failures=0' "$log" || why="${why:-no @@DONE failures=0 line}"
grep -q 'PANIC' "$log" && why="PANIC in the log"
# a reference dropped twice is a kernel bug even when nothing crashes
grep -Eq '^kobj: .* (on dead|while in use)' "$log" &&
	why="${why:-$(grep -Em1 '^kobj: .* (on dead|while in use)' "$log")}"
grep -q '@@FAIL' "$log" && why="${why:-@@FAIL in the log}"
[ $rc != 1 ] && [ -z "$why" ] && why="QEMU exit status $rc"
if [ -z "$why" ]; then ok stress_boot; else bad stress_boot "$why (log $log)"; fi
grep -m1 '^stress: .* workers' "$log"
echo "$pass passed, $fail failed, 0 skipped"
[ $fail = 0 ]
