#!/bin/sh
# make bench-linux: Linux 6.1's side of bench_pager's fault figures, in the
# same QEMU on this host (TCG, -cpu qemu64, 512M; SMP, ACCEL, QEMU_EXTRA as
# for the other benchmarks, so ICOUNT=1 counts Linux's instructions too).
# Fetches Debian 12's kernel package once (apt-get download, no root
# needed), builds linux_pager.c static as /init of an initramfs, boots it
# and prints its RESULT lines (name=linux_*).  Benchmarks never fail.
cd "$(dirname "$0")/../../.." || exit 1
. tests/qemu/lib.sh
. tests/linux/kernel.sh
linux_kernel || exit 0
dir=$PWD/$BUILD/linux
cc -O2 -static -o "$dir/init" tests/bench/linux/linux_pager.c || exit 1
python3 tests/bench/linux/mkcpio.py "$dir/init" "$dir/initrd.cpio" || exit 1
if [ "$ACCEL" = kvm ]; then accel="-accel kvm"; else accel="-accel tcg"; fi
echo "# Linux $(basename "$kernel" | sed 's/vmlinuz-//') accel=$ACCEL cpu=$QEMU_CPU smp=$SMP, host: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
timeout 600 qemu-system-x86_64 $accel -cpu "$QEMU_CPU" -smp "$SMP" -m 512M \
	-kernel "$kernel" -initrd "$dir/initrd.cpio" \
	-append "console=ttyS0 quiet panic=-1" -display none -monitor none \
	-serial "file:$dir/boot.log" -no-reboot $QEMU_EXTRA </dev/null
tr -d '\r' < "$dir/boot.log" | grep '^RESULT '
