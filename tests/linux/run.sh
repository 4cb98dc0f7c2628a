#!/bin/sh
# make linux-check PROG=user/test_x.c: run a test written as a plain Linux
# program under Linux 6.1 itself in the same QEMU (as root; /proc, /sys,
# /dev and /tmp mounted), to check that what it asserts is what Linux
# does before it judges this system.  The program is built static with
# the host's gcc and glibc as /init's test_main (tests/linux/wrap.c); its
# output and exit status are printed.  Programs that run themselves
# (exec, spawn of argv[0]) cannot run this way.
cd "$(dirname "$0")/../.." || exit 1
. tests/qemu/lib.sh
. tests/linux/kernel.sh
prog=${1:?usage: run.sh PROGRAM.c}
linux_kernel || exit 1
dir=$BUILD/linux/check
mkdir -p "$dir"
cc -O2 -static -w -Dmain=test_main -c "$prog" -o "$dir/test.o" &&
cc -O2 -static -o "$dir/init" tests/linux/wrap.c "$dir/test.o" -lpthread -lm -lrt -latomic || exit 1
python3 tests/bench/linux/mkcpio.py "$dir/init" "$dir/initrd.cpio" || exit 1
if [ "$ACCEL" = kvm ]; then accel="-accel kvm"; else accel="-accel tcg"; fi
timeout 600 qemu-system-x86_64 $accel -cpu "$QEMU_CPU" -smp "$SMP" -m "${MEM:-512M}" \
	-kernel "$kernel" -initrd "$dir/initrd.cpio" \
	-append "console=ttyS0 quiet panic=-1" -display none -monitor none \
	-serial "file:$dir/boot.log" -no-reboot </dev/null
tr -d '\r' < "$dir/boot.log" | grep -v '^\[ *[0-9]' | grep -v '^\x1b'
grep -q 'linux-run: exit 0' "$dir/boot.log"
