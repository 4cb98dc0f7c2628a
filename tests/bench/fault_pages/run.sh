#!/bin/sh
# Trace one fault of bench_pager with fault_pages.so and summarise it.
#   sh tests/bench/fault_pages/run.sh read|zero|cow [WINDOW]
# (from the worktree, after `make iso`; BUILD as for make).  -icount, -smp 1,
# 512M, as BENCHMARKS.md's figures.  The PCs are those of bench_pager's
# loops, looked up in its disassembly: the rdtsc before the access (the
# store itself for COW, whose loop reads the clock first) and the one after.
cd "$(dirname "$0")/../../.." || exit 1
. tests/qemu/lib.sh
kind=${1:-read} win=${2:-100}
fp_dir=$PWD/$BUILD/fault_pages
mkdir -p "$fp_dir"
cc -O2 -shared -fPIC -o "$fp_dir/fault_pages.so" tests/bench/fault_pages/fault_pages.c || exit 1
dis=$(objdump -d --no-show-raw-insn "$BUILD/initrd/bench_pager")
pc() { echo "$dis" | awk -v f="<$1>:" '$2 == f {on = 1; next} on && /^$/ {exit} on' ; }
fm=$(pc fault_median)
read_pc=$(echo "$fm" | awk '/movzbl \(%rax\),%eax/ {sub(":", "", $1); print $1; exit}')
write_pc=$(echo "$fm" | awk '/movb +\$0x1,\(%rax\)/ {sub(":", "", $1); print $1; exit}')
start=$(echo "$fm" | awk '/rdtsc/ {sub(":", "", $1); a[n++] = $1} END {print a[1]}')
end=$(echo "$fm" | awk '/rdtsc/ {sub(":", "", $1); print $1; exit}')
case $kind in
read) args="start=$start,end=$end,mark=$read_pc" ;;
zero) args="start=$start,end=$end,mark=$write_pc" ;;
cow)
	store=$(echo "$dis" | awk '/movb +\$0x2,\(%rax\)/ {sub(":", "", $1); print $1; exit}')
	after=$(echo "$dis" | grep -A1 "$store:" | tail -1 | awk '{sub(":", "", $1); print $1}')
	before=$(echo "$dis" | grep -B1 "$store:" | head -1 | awk '{sub(":", "", $1); print $1}')
	args="start=$before,end=$after,mark=$store" ;;
*) echo "usage: $0 read|zero|cow [WINDOW]"; exit 2 ;;
esac
# the start instruction's bytes: the pager's text has other code at the
# same address, which must not open a window
start=${args#start=}; start=${start%%,*}
sb=$(objdump -d "$BUILD/initrd/bench_pager" | awk -v a="$start:" '$1 == a {for (i = 2; i <= NF && $i ~ /^[0-9a-f][0-9a-f]$/; i++) printf "%s", $i; exit}')
args="$args,startbytes=$sb"
fp_out=$fp_dir/$kind.txt
QEMU_EXTRA="-icount shift=0,sleep=off -plugin $fp_dir/fault_pages.so,$args,skip=$win,n=1,out=$fp_out"
SMP=1
mkiso "$fp_dir/bench.iso" 2 "only bench_pager" || exit 1
boot "$fp_dir/bench.iso" 512M "$fp_dir/boot.log" 900
B=$BUILD python3 tests/bench/fault_pages/fault_pages.py "$fp_out"
