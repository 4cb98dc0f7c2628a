#!/bin/sh
# Boot the test entry in QEMU and judge the serial log.  A test passes only on
# its own "@@PASS name" line; one that prints "@@SKIP name: reason" instead
# (it needs more CPUs than SMP gives) is skipped; a boot fails on any
# @@FAIL, PANIC, a missing line, a missing @@DONE or a time-out.  Ends with
# "N passed, N failed, N skipped".
cd "$(dirname "$0")/../.." || exit 1
. tests/qemu/lib.sh
MEMS=${TEST_MEMS:-"128M 1G 4G"}
TIMEOUT=${TEST_TIMEOUT:-1200} # per boot: a liveness bound, generous (a loaded 2-core host took over 600 s at 4G)
mkdir -p "$BUILD/qemu"
pass=0 fail=0 skip=0
ok() { echo "PASS $1"; pass=$((pass + 1)); }
skipped() { echo "SKIP $1${2:+: $2}"; skip=$((skip + 1)); }
bad() { echo "FAIL $1${2:+: $2}"; fail=$((fail + 1)); }

# A user's programs (make test PROGRAMS=dir): the @@PASS names their
# test_*.c print literally must appear too.
programs_tests=$BUILD/qemu/programs.tests
: > "$programs_tests"
if [ -n "$PROGRAMS" ]; then
	cat "$PROGRAMS"/test_*.c 2>/dev/null | grep -o '@@PASS [A-Za-z0-9_.-]*' |
		sed 's/^@@PASS //' | sort -u > "$programs_tests"
fi
mkiso "$BUILD/qemu/test.iso" 1 "" || exit 1
for mem in $MEMS; do
	log=$BUILD/qemu/test-$mem.log
	boot "$BUILD/qemu/test.iso" "$mem" "$log" "$TIMEOUT"
	rc=$?
	# kernel.tests: the in-kernel tests; user.tests: the ring-3 test
	# programs the pager runs (user/test_*.c)
	for list in tests/qemu/kernel.tests tests/qemu/user.tests "$programs_tests"; do
		while read -r name; do
			[ -n "$name" ] || continue
			if grep -qx "@@PASS $name" "$log"; then ok "$name@$mem"
			elif grep -q "^@@SKIP $name: " "$log"; then
				skipped "$name@$mem" "$(grep -m1 "^@@SKIP $name: " "$log" |
							sed "s/^@@SKIP $name: //")"
			else bad "$name@$mem" "$(grep -m1 "@@FAIL $name" "$log")"; fi
		done < "$list"
	done
	# the pager's one-line kill notices for the deliberate faults
	if grep -Eq '^pid [0-9]+ killed: general protection addr 0x[0-9a-f]+ rip 0x[0-9a-f]+$' "$log" &&
	   grep -Eq '^pid [0-9]+ killed: page fault \(read, protection\) addr 0xffff800000000000 rip 0x[0-9a-f]+$' "$log"
	then ok "kill_notices@$mem"
	else bad "kill_notices@$mem" "no 'pid N killed: ...' lines (log $log)"; fi
	why=""
	[ $rc = 124 ] && why="timed out after ${TIMEOUT}s"
	grep -q '^@@DONE' "$log" || why="${why:-no @@DONE line}"
	grep -q 'PANIC' "$log" && why="PANIC in the log"
	# a kernel object's reference dropped or taken when dead is a kernel
	# bug even when nothing crashed (yet)
	grep -Eq '^kobj: .* (on dead|while in use)' "$log" &&
		why="${why:-$(grep -Em1 '^kobj: .* (on dead|while in use)' "$log")}"
	grep -q '@@FAIL' "$log" && why="${why:-@@FAIL in the log}"
	[ $rc != 1 ] && [ -z "$why" ] && why="QEMU exit status $rc"
	if [ -z "$why" ]; then ok "boot@$mem"; else bad "boot@$mem" "$why (log $log)"; fi
done

# A ring-0 exception must print vector, error code, RIP, CR2, the registers,
# then PANIC, and end the run: judged from the log of a deliberate ud2.
mkiso "$BUILD/qemu/test-exc.iso" 1 "exception" || exit 1
log=$BUILD/qemu/test-exception.log
boot "$BUILD/qemu/test-exc.iso" 128M "$log" "$TIMEOUT"
rc=$?
if grep -q 'EXCEPTION #UD invalid opcode (vector 6) error 0x0 rip 0x' "$log" &&
   grep -q '  r13 ' "$log" && grep -q 'cr2 ' "$log" &&
   grep -q '^PANIC: unhandled exception 6' "$log" && [ $rc = 7 ]; then
	ok exception_dump
else
	bad exception_dump "no full dump and panic (status $rc, log $log)"
fi
# A kernel stack that overflows must hit its guard page and panic with
# "kernel stack overflow", not corrupt what lies below it.
mkiso "$BUILD/qemu/test-kso.iso" 1 "kstack_overflow" || exit 1
log=$BUILD/qemu/test-kstack-overflow.log
boot "$BUILD/qemu/test-kso.iso" 128M "$log" "$TIMEOUT"
rc=$?
if grep -q '^PANIC: kernel stack overflow' "$log" && [ $rc = 7 ]; then
	ok kstack_overflow
else
	bad kstack_overflow "no kernel stack overflow panic (status $rc, log $log)"
fi
# Ticks far apart (the "slowtick" boots: every 20 ms, as a loaded host or
# a LAPIC timer calibrated slow gives) must not keep a running thread from
# being preempted by its equals: two spinners pinned to one CPU both count
# (test_sched: one never ran), a sleeper beside a thread calling a server
# in a loop wakes in time (test_starve: only once the looper gave up), and
# hunt16_mtfault's main thread gets the CPU its spinning readers hold (it
# waited for good).  All three failed before runq_charge knew the CPU's
# previous tick.
for spec in "test_sched sched" "test_starve starve_ipc_loop starve_pager_loop" \
	    "test_hunt16_mtfault hunt16_mtfault"; do
	set -- $spec
	prog=$1
	shift
	mkiso "$BUILD/qemu/test-slowtick.iso" 1 "slowtick only $prog" || exit 1
	log=$BUILD/qemu/test-slowtick-$prog.log
	boot "$BUILD/qemu/test-slowtick.iso" 128M "$log" 600
	rc=$?
	why=""
	grep -q '^kernel: slowtick: the timer ticks every 20 ms' "$log" || why="no slowtick line"
	for name in "$@"; do
		grep -qx "@@PASS $name" "$log" || why="${why:-no @@PASS $name}"
	done
	grep -q '@@FAIL' "$log" && why="${why:-$(grep -m1 '@@FAIL' "$log")}"
	[ $rc != 1 ] && why="${why:-QEMU exit status $rc}"
	if [ -z "$why" ]; then ok "slowtick_${prog#test_}"
	else bad "slowtick_${prog#test_}" "$why (status $rc, log $log)"; fi
done
echo "$pass passed, $fail failed, $skip skipped"
[ $fail = 0 ]
