/* A QEMU TCG plugin for one fault's trace (BENCHMARKS.md, "Fewer
 * instructions and pages per fault"): every instruction executed and every
 * data address accessed between a start PC and an end PC of the benchmark
 * (user addresses), the window split at each `mov %reg, %cr3`.  Arguments:
 * start=HEX, end=HEX, mark=HEX (optional: only windows that execute it),
 * skip=N (windows to skip), n=N (windows to write), out=FILE.  The end and
 * mark PCs count only in even segments (the benchmark's address space; the
 * pager's text is at the same addresses); with startbytes=HEX (the start
 * instruction's bytes) an instruction at the start PC with other bytes
 * (the pager's) does not open a window.  QEMU exits after the last
 * window.  Build: cc -O2 -shared -fPIC -o fault_pages.so fault_pages.c */
#include "qemu_plugin_min.h"
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
__attribute__((visibility("default"))) int qemu_plugin_version = 1;
static uint64_t start_pc, end_pc, mark_pc;
static unsigned char start_bytes[16];
static size_t start_len;
#define NOT_START (1ull << 62) /* in a callback's (user) pc: bytes not the
				* start's; kernel pcs have bits 63 and 62 */
static long skip, nwin = 20, seen;
static FILE *out;
static int in_win, marked, seg;
static long icount;
#define MAXE 200000
static struct ev { uint64_t pc; uint64_t addr; int seg; char kind; } ev[MAXE];
static long nev;
static void record(char kind, uint64_t a)
{
	if (in_win && nev < MAXE) ev[nev++] = (struct ev){ 0, a, seg, kind };
}
static void dump(void)
{
	fprintf(out, "WINDOW %ld insns %ld segs %d\n", seen, icount, seg + 1);
	for (long i = 0; i < nev; i++)
		fprintf(out, "%c %d %lx\n", ev[i].kind, ev[i].seg, (unsigned long)ev[i].addr);
	fprintf(out, "END\n");
	fflush(out);
}
static void on_insn(unsigned vcpu, void *ud)
{
	uint64_t pc = (uint64_t)(uintptr_t)ud;
	bool other = pc >> 62 == 1;
	if (other)
		pc &= ~NOT_START;
	if (!in_win) {
		if (other)
			return;
		if (pc == start_pc) { in_win = 1; marked = 0; seg = 0; icount = 0; nev = 0; }
		else return;
	}
	icount++;
	record('I', pc);
	if (pc == mark_pc && seg % 2 == 0) marked = 1;
	if (pc == end_pc && icount > 1 && seg % 2 == 0) {
		in_win = 0;
		if (mark_pc && !marked) return;
		seen++;
		if (seen > skip && seen <= skip + nwin) dump();
		if (seen == skip + nwin) { fclose(out); exit(0); }
	}
}
static void on_cr3(unsigned vcpu, void *ud) { if (in_win) seg++; }
static void on_mem(unsigned vcpu, qemu_plugin_meminfo_t info, uint64_t va, void *ud)
{
	record('D', va);
}
static void trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	size_t n = qemu_plugin_tb_n_insns(tb);
	for (size_t i = 0; i < n; i++) {
		struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
		uint64_t pc = qemu_plugin_insn_vaddr(insn);
		const unsigned char *d = qemu_plugin_insn_data(insn);
		size_t sz = qemu_plugin_insn_size(insn);
		uint64_t ud = pc;
		if (pc == start_pc && start_len && (sz != start_len || memcmp(d, start_bytes, sz)))
			ud |= NOT_START;
		qemu_plugin_register_vcpu_insn_exec_cb(insn, on_insn, QEMU_PLUGIN_CB_NO_REGS, (void *)(uintptr_t)ud);
		/* mov %reg,%cr3: 0f 22 /3 (modrm reg field 3) */
		if (sz >= 3 && d[0] == 0x0f && d[1] == 0x22 && ((d[2] >> 3) & 7) == 3)
			qemu_plugin_register_vcpu_insn_exec_cb(insn, on_cr3, QEMU_PLUGIN_CB_NO_REGS, NULL);
		qemu_plugin_register_vcpu_mem_cb(insn, on_mem, QEMU_PLUGIN_CB_NO_REGS, QEMU_PLUGIN_MEM_RW, NULL);
	}
}
__attribute__((visibility("default")))
int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc, char **argv)
{
	const char *file = "fault_pages.txt";
	for (int i = 0; i < argc; i++) {
		char *v = strchr(argv[i], '=');
		if (!v) continue;
		*v++ = 0;
		if (!strcmp(argv[i], "start")) start_pc = strtoull(v, 0, 16);
		else if (!strcmp(argv[i], "end")) end_pc = strtoull(v, 0, 16);
		else if (!strcmp(argv[i], "mark")) mark_pc = strtoull(v, 0, 16);
		else if (!strcmp(argv[i], "skip")) skip = atol(v);
		else if (!strcmp(argv[i], "n")) nwin = atol(v);
		else if (!strcmp(argv[i], "out")) file = v;
		else if (!strcmp(argv[i], "startbytes"))
			for (start_len = 0; start_len < sizeof start_bytes && v[2 * start_len] &&
			     v[2 * start_len + 1]; start_len++) {
				char h[3] = { v[2 * start_len], v[2 * start_len + 1], 0 };
				start_bytes[start_len] = (unsigned char)strtoul(h, 0, 16);
			}
	}
	out = fopen(file, "w");
	qemu_plugin_register_vcpu_tb_trans_cb(id, trans);
	return 0;
}
