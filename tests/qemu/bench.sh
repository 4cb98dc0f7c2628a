#!/bin/sh
# make bench, QEMU part: boot the bench entry and print its RESULT lines.
# Benchmarks report; they never pass or fail.  BENCH_MEMS lists the guest
# RAM sizes whose boot-to-frames-ready time is measured.
cd "$(dirname "$0")/../.." || exit 1
. tests/qemu/lib.sh
MEM=${MEM:-512M}
BENCH_MEMS=${BENCH_MEMS:-"128M 1G 4G 16G"}
mkdir -p "$BUILD/qemu"
echo "# QEMU accel=$ACCEL cpu=$QEMU_CPU smp=$SMP, host: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
mkiso "$BUILD/qemu/bench.iso" 2 "" || exit 1
log=$BUILD/qemu/bench-$MEM.log
boot "$BUILD/qemu/bench.iso" "$MEM" "$log" 600
grep '^RESULT ' "$log" | sed "s/name=boot_to_frames_ready/&_$MEM/"
grep -q '@@BENCH_DONE' "$log" || echo "# bench run did not finish (log $log)"
mkiso "$BUILD/qemu/bench-boot.iso" 2 "boot-only" || exit 1
for mem in $BENCH_MEMS; do
	log=$BUILD/qemu/bench-boot-$mem.log
	boot "$BUILD/qemu/bench-boot.iso" "$mem" "$log" 600
	grep '^RESULT name=boot_to' "$log" | sed "s/name=boot_to_frames_ready/&_$mem/"
done
