# fault_pages.py TRACE [-v] [-f k:NAME|p:NAME]: per-symbol instruction
# counts of one window of fault_pages.so's TRACE and its distinct pages per
# address-space segment (run from the worktree; B = the build directory).
import os, sys, bisect, subprocess, collections
wt = '.'
def syms(elf):
    out = subprocess.run(['nm', '-n', elf], capture_output=True, text=True).stdout
    l = []
    for line in out.splitlines():
        p = line.split()
        if len(p) == 3 and p[1] in 'tTwW':
            l.append((int(p[0], 16), p[2]))
    return l
K = syms(wt + '/' + os.environ.get('B','build') + '/kernel.elf'); P = syms(wt + '/' + os.environ.get('B','build') + '/pager.elf'); B = syms(wt + '/' + os.environ.get('B','build') + '/initrd/bench_pager')
def name(tab, pc):
    i = bisect.bisect_right([a for a, _ in tab], pc) - 1
    return tab[i][1] if i >= 0 else '?'
Kaddr = [a for a, _ in K]
def sym(seg, pc):
    if pc >= 0xffff800000000000:
        return 'k:' + name(K, pc)
    return ('p:' if seg % 2 else 'b:') + name(P if seg % 2 else B, pc)
lines = open(sys.argv[1]).read().split('END\n')[0].splitlines()
hdr = lines[0]; ev = [l.split() for l in lines[1:]]
print(hdr)
cnt = collections.Counter(); order = []
for k, s, a in ev:
    if k == 'I':
        n = sym(int(s), int(a, 16)); cnt[n] += 1
        if not order or order[-1][0] != n: order.append([n, 0])
        order[-1][1] += 1
for n, c in cnt.most_common(): print('%5d %s' % (c, n))
segs = collections.defaultdict(lambda: {'I': set(), 'D': set()})
allp = set()
for k, s, a in ev:
    a = int(a, 16); s = int(s)
    kern = a >= 0xffff800000000000
    segs[s][k].add(a >> 12)
    allp.add(('K' if kern else str(s % 2), a >> 12))
tot = 0
for s in sorted(segs):
    u = segs[s]['I'] | segs[s]['D']; tot += len(u)
    print('seg %d: code pages %d, data pages %d, distinct %d (kernel %d, user %d)' % (s, len(segs[s]['I']), len(segs[s]['D']), len(u), sum(1 for p in u if p >= 0xffff800000000), sum(1 for p in u if p < 0xffff800000000)))
print('sum over CR3 segments of distinct pages (soft-TLB refills, about):', tot, '; distinct over the window:', len(allp))
if '-v' in sys.argv:
    for s in sorted(segs):
        for k in 'ID':
            print(s, k, ' '.join('%x' % p for p in sorted(segs[s][k])))
    print(' -> '.join('%s(%d)' % (n, c) for n, c in order))
if '-f' in sys.argv:
    fn = sys.argv[sys.argv.index('-f') + 1]
    pcs = collections.Counter()
    for k, s, a in ev:
        if k == 'I' and sym(int(s), int(a, 16)) == fn: pcs[int(a, 16)] += 1
    elf = {'k': wt + '/' + os.environ.get('B','build') + '/kernel.elf', 'p': wt + '/' + os.environ.get('B','build') + '/pager.elf', 'b': wt + '/' + os.environ.get('B','build') + '/initrd/bench_pager'}[fn[0]]
    dis = subprocess.run(['objdump', '-d', '--no-show-raw-insn', '-l', elf, '--disassemble=' + fn[2:]], capture_output=True, text=True).stdout
    for line in dis.splitlines():
        t = line.strip().split(':')[0]
        try: a = int(t, 16)
        except ValueError:
            if line.startswith('/'): print('   ', line.split('/')[-1]); 
            continue
        if a in pcs: print('%3d %s' % (pcs[a], line.strip()))
