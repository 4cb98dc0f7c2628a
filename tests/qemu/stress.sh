#!/bin/sh
# make stress SECS=600: boot an ISO whose init runs only test_stress for
# SECS seconds (4 CPUs, MEM), then judge the serial log: its "@@PASS
# stress" line, no @@FAIL, no PANIC, no "kobj: put on dead" complaint,
# "@@DONE failures=0", QEMU's status for a clean exit, and the kernel's
# free frames once the workers ended back to what they were before, but
# for page tables the pager's window keeps and pages its tables grew by (the program's own line; it
# also checks the pager holds exactly the frames it held).  Ends with "N passed, N failed" like the other
# test scripts.
cd "$(dirname "$0")/../.." || exit 1
. tests/qemu/lib.sh
SECS=${SECS:-600}
MEM=${MEM:-512M}
# the run ends itself after SECS of guest time; the bound is only against
# a hang, 10x over (a loaded host slows the guest a lot)
TIMEOUT=${STRESS_TIMEOUT:-$((SECS * 10 + 600))}
log=$BUILD/qemu/stress.log
mkdir -p "$BUILD/qemu"
mkiso "$BUILD/qemu/stress.iso" 1 "stress=$SECS" || exit 1
echo "stress: $SECS s on $SMP CPUs, $MEM (log $log)"
boot "$BUILD/qemu/stress.iso" "$MEM" "$log" "$TIMEOUT"
rc=$?
pass=0 fail=0
ok() { echo "PASS $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1${2:+: $2}"; fail=$((fail + 1)); }
if grep -qx '@@PASS stress' "$log"; then ok stress
else bad stress "$(grep -m1 '@@FAIL' "$log")"; fi
# page tables the pager's window keeps for frames it had never held before
# may stay, and pages the pager's node tables grew by (held by a process
# that lives on); every other frame must be back
frames=$(sed -nE 's/.*free frames ([0-9]+) before, ([0-9]+) after \(page tables ([-+][0-9]+), pager tables ([-+][0-9]+).*/\1 \2 \3 \4/p' "$log")
set -- $frames
kept=$(( (${3:-0} > 0 ? ${3:-0} : 0) + (${4:-0} > 0 ? ${4:-0} : 0) ))
if [ -n "$frames" ] && [ $(($2 + kept)) -ge "$1" ]; then
	ok "stress_frames_back ($1 before, $2 after, page tables $3, pager tables $4)"
else bad stress_frames_back "free frames before, after, page tables, pager tables: ${frames:-no line}"; fi
why=""
[ $rc = 124 ] && why="timed out after ${TIMEOUT}s"
grep -q '^@@DONE failures=0' "$log" || why="${why:-no @@DONE failures=0 line}"
grep -q 'PANIC' "$log" && why="PANIC in the log"
# a reference dropped twice is a kernel bug even when nothing crashes
grep -q '^kobj: put on dead' "$log" && why="${why:-$(grep -m1 '^kobj: put on dead' "$log")}"
grep -q '@@FAIL' "$log" && why="${why:-@@FAIL in the log}"
[ $rc != 1 ] && [ -z "$why" ] && why="QEMU exit status $rc"
if [ -z "$why" ]; then ok stress_boot; else bad stress_boot "$why (log $log)"; fi
grep -m1 '^stress: .* workers' "$log"
echo "$pass passed, $fail failed"
[ $fail = 0 ]
