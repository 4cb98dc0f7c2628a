/* hostile19_cpu: ring 3 tries the CPU instructions and vectors a kernel
 * must turn away, as an ordinary Linux program (signals as Linux 6.1's):
 *   hostile19_cpu_insns   privileged and system instructions (hlt, cli,
 *                         in/out, rdmsr, lgdt, mov to cr3 and dr7, swapgs,
 *                         sysret, sysenter, xsetbv, invlpg, wbinvd, clts,
 *                         iretq and lretq to the kernel's selectors or a
 *                         non-canonical rip, far jumps to the TSS, loads of
 *                         kernel, system and LDT selectors into ds and ss,
 *                         fxrstor of kernel and non-canonical addresses...)
 *                         each raise a signal the program catches (SIGSEGV
 *                         or SIGILL, as Linux), and it goes on; a popf
 *                         that tries to set IOPL leaves it 0 (cli faults);
 *                         set_fs_base refuses non-canonical, kernel and
 *                         top-page bases (E_INVAL), TLS intact
 *   hostile19_cpu_vectors `int $N` for every N: SIGSEGV (a #GP through a
 *                         gate ring 3 may not use), but int3's SIGTRAP, and
 *                         `int $4` (#OF through its DPL-3 gate: the pager
 *                         had no signal for it and killed the process);
 *                         a single step (TF) is SIGTRAP, caught (killed
 *                         too); icebp SIGTRAP (QEMU's TCG: #UD, SIGILL)
 *   hostile19_cpu_deaths  with no way to take the signal (the stack
 *                         pointer at a kernel, non-canonical, unmapped or
 *                         read-only address, or an alternate stack that
 *                         is unmapped, read-only or ends at the top of
 *                         the user half), a child whose ud2 faults is
 *                         killed by SIGSEGV, as Linux's force_sigsegv (the
 *                         pager had it killed by the fault's SIGILL), with
 *                         a reason line; a push with a
 *                         non-canonical rsp on an alternate stack is
 *                         caught (#SS, SIGBUS; TCG raises #GP: SIGSEGV);
 *                         every frame comes back */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>
#define T "hostile19_cpu"
#include "linux_frames.h"
#if FRAMES
#include "sys/syscall.h"
#endif

static int fails;
#define FAIL(part, ...) do { printf("@@FAIL " part ": " __VA_ARGS__); printf("\n"); \
	fails++; fflush(stdout); } while (0)

static sigjmp_buf env;
static volatile int got_sig, got_code;

static void catcher(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	got_sig = sig;
	got_code = si->si_code;
	siglongjmp(env, 1);
}

static void on_all(int flags)
{
	static const int sigs[] = { SIGSEGV, SIGILL, SIGBUS, SIGTRAP, SIGFPE };
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = catcher;
	sa.sa_flags = SA_SIGINFO | flags;
	sigemptyset(&sa.sa_mask);
	for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaction(sigs[i], &sa, NULL);
}

uint8_t scratch[64] __attribute__((aligned(64))); /* named in the probes' asm */

/* One probe: a function that executes the hostile instruction. */
struct probe {
	const char *name;
	void (*run)(void);
	int sig; /* Linux's */
};

/* every probe clobbers what any of them uses */
#define PROBE(nm, asmtext) static void p_##nm(void) \
	{ __asm__ volatile(asmtext ::: "rax", "rcx", "rdx", "rsi", "memory", "cc"); }
PROBE(hlt, "hlt")
PROBE(cli, "cli")
PROBE(sti, "sti")
PROBE(inb, "inb $0x80, %%al")
PROBE(outb, "outb %%al, $0x80")
PROBE(inl_dx, "mov $0xcf8, %%edx; inl %%dx, %%eax")
PROBE(outsb, "lea scratch(%%rip), %%rsi; mov $0x3f8, %%edx; outsb")
PROBE(rdmsr, "mov $0xc0000101, %%ecx; rdmsr")
PROBE(wrmsr, "mov $0xc0000102, %%ecx; xor %%eax, %%eax; xor %%edx, %%edx; wrmsr")
PROBE(lgdt, "lgdt scratch(%%rip)")
PROBE(lidt, "lidt scratch(%%rip)")
PROBE(ltr, "mov $0x30, %%eax; ltr %%ax")
PROBE(lldt, "xor %%eax, %%eax; lldt %%ax")
PROBE(invlpg, "invlpg scratch(%%rip)")
PROBE(movcr0, "mov %%cr0, %%rax")
PROBE(movcr3, "xor %%eax, %%eax; mov %%rax, %%cr3")
PROBE(movcr4, "mov %%cr4, %%rax; mov %%rax, %%cr4")
PROBE(movdr7, "mov $0x3ff, %%eax; mov %%rax, %%db7")
PROBE(clts, "clts")
PROBE(wbinvd, "wbinvd")
PROBE(invd, "invd")
PROBE(swapgs, "swapgs")
PROBE(sysret, "sysretq")
PROBE(sysexit, "sysexitq")
PROBE(sysenter, "sysenter")
PROBE(rdpmc, "xor %%ecx, %%ecx; rdpmc")
PROBE(xsetbv, "xor %%ecx, %%ecx; mov $3, %%eax; xor %%edx, %%edx; xsetbv")
PROBE(rdfsbase, "rdfsbase %%rax")
PROBE(wrgsbase, "mov $-4096, %%rax; wrgsbase %%rax")
PROBE(monitor, "lea scratch(%%rip), %%rax; xor %%ecx, %%ecx; xor %%edx, %%edx; monitor")
PROBE(mwait, "xor %%eax, %%eax; xor %%ecx, %%ecx; mwait")
PROBE(vmcall, "vmcall")
PROBE(ud2, "ud2")
PROBE(ud1, ".byte 0x0f, 0xb9, 0xc0")
PROBE(lock_nop, ".byte 0xf0, 0x90")
PROBE(into, ".byte 0xce")
PROBE(stac, "stac")
PROBE(clac, "clac")
PROBE(rsm, "rsm")
PROBE(hlt_iopl, "pushfq; orq $0x3000, (%%rsp); popfq; cli")
PROBE(ldmxcsr, "movl $0xffff0000, scratch(%%rip); ldmxcsr scratch(%%rip)")
PROBE(fxrstor_kernel, "mov $0xffffffff80100000, %%rax; fxrstorq (%%rax)")
PROBE(fxrstor_noncanon, "mov $0x8000000000000000, %%rax; fxrstorq (%%rax)")
PROBE(read_kernel, "mov $0xffffffff80100000, %%rax; mov (%%rax), %%rax")
PROBE(read_noncanon, "mov $0x0000800000000000, %%rax; mov (%%rax), %%rax")
PROBE(jmp_kernel, "mov $0xffffffff80100000, %%rax; jmp *%%rax")
PROBE(jmp_noncanon, "mov $0x0000800000000000, %%rax; jmp *%%rax")
/* iretq to the kernel's code selector: ss, rsp, rflags, cs, rip pushed */
PROBE(iret_kcs, "mov %%rsp, %%rax; pushq $0x23; pushq %%rax; pushfq; pushq $0x08; "
		"lea 1f(%%rip), %%rax; pushq %%rax; iretq; 1:")
PROBE(iret_tss, "mov %%rsp, %%rax; pushq $0x23; pushq %%rax; pushfq; pushq $0x33; "
		"lea 1f(%%rip), %%rax; pushq %%rax; iretq; 1:")
PROBE(iret_kss, "mov %%rsp, %%rax; pushq $0x10; pushq %%rax; pushfq; pushq $0x2b; "
		"lea 1f(%%rip), %%rax; pushq %%rax; iretq; 1:")
PROBE(iret_noncanon, "mov %%rsp, %%rax; pushq $0x23; pushq %%rax; pushfq; pushq $0x2b; "
		"mov $0x0000800000000000, %%rax; pushq %%rax; iretq")
PROBE(lret_kcs, "pushq $0x08; lea 1f(%%rip), %%rax; pushq %%rax; lretq; 1:")
PROBE(ljmp_tss, "movl $0, scratch(%%rip); movw $0x33, scratch+4(%%rip); ljmp *scratch(%%rip)")
PROBE(lcall_tss, "movl $0, scratch(%%rip); movw $0x33, scratch+4(%%rip); lcall *scratch(%%rip)")
/* data segment loads; ds is put back (a load that succeeds changes nothing
 * 64-bit code uses) */
PROBE(ds_kdata, "mov $0x13, %%eax; mov %%ax, %%ds")
PROBE(ds_tss, "mov $0x33, %%eax; mov %%ax, %%ds")
PROBE(ds_sysdesc, "mov $0x1b, %%eax; mov %%ax, %%ds")
PROBE(ds_ldt, "mov $0x27, %%eax; mov %%ax, %%ds")
PROBE(ds_beyond, "mov $0xfff3, %%eax; mov %%ax, %%es")
PROBE(ss_null, "xor %%eax, %%eax; mov %%ax, %%ss")
PROBE(ss_code, "mov $0x2b, %%eax; mov %%ax, %%ss")
PROBE(ss_sysdesc, "mov $0x1b, %%eax; mov %%ax, %%ss")
PROBE(gs_kdata, "mov $0x10, %%eax; mov %%ax, %%gs")

static const struct probe probes[] = {
#define P(nm, s) { #nm, p_##nm, s }
	P(hlt, SIGSEGV), P(cli, SIGSEGV), P(sti, SIGSEGV), P(inb, SIGSEGV), P(outb, SIGSEGV),
	P(inl_dx, SIGSEGV), P(outsb, SIGSEGV), P(rdmsr, SIGSEGV), P(wrmsr, SIGSEGV),
	P(lgdt, SIGSEGV), P(lidt, SIGSEGV), P(ltr, SIGSEGV), P(lldt, SIGSEGV),
	P(invlpg, SIGSEGV), P(movcr0, SIGSEGV), P(movcr3, SIGSEGV), P(movcr4, SIGSEGV),
	P(movdr7, SIGSEGV), P(clts, SIGSEGV), P(wbinvd, SIGSEGV), P(invd, SIGSEGV),
	P(swapgs, SIGSEGV), P(sysret, SIGSEGV), P(sysexit, 0), P(sysenter, 0),
	P(rdpmc, SIGSEGV), P(xsetbv, 0), P(rdfsbase, SIGILL), P(wrgsbase, SIGILL),
	P(monitor, 0), P(mwait, 0), P(vmcall, SIGILL), P(ud2, SIGILL), P(ud1, SIGILL),
	P(lock_nop, SIGILL), P(into, SIGILL), P(stac, SIGILL), P(clac, SIGILL), P(rsm, SIGILL),
	P(hlt_iopl, SIGSEGV), P(ldmxcsr, -1), P(fxrstor_kernel, SIGSEGV),
	P(fxrstor_noncanon, SIGSEGV), P(read_kernel, SIGSEGV), P(read_noncanon, SIGSEGV),
	P(jmp_kernel, SIGSEGV), P(jmp_noncanon, SIGSEGV), P(iret_kcs, SIGSEGV),
	P(iret_tss, SIGSEGV), P(iret_kss, SIGSEGV), P(iret_noncanon, SIGSEGV),
	P(lret_kcs, SIGSEGV), P(ljmp_tss, SIGSEGV), P(lcall_tss, SIGSEGV),
	P(ds_kdata, SIGSEGV), P(ds_tss, SIGSEGV), P(ds_sysdesc, SIGSEGV), P(ds_ldt, SIGSEGV),
	P(ds_beyond, SIGSEGV), P(ss_null, SIGSEGV), P(ss_code, SIGSEGV),
	P(ss_sysdesc, SIGSEGV), P(gs_kdata, SIGSEGV),
#undef P
};

/* Run fn: the signal that ended it (0 if it returned). */
static int sig_of(void (*fn)(void))
{
	got_sig = 0;
	if (sigsetjmp(env, 1) == 0) {
		fn();
		return 0;
	}
	return got_sig;
}

/* want 0 is "some signal, which one depends on the CPU" (sysenter,
 * sysexit, xsetbv, monitor: #GP or #UD); -1 is SIGSEGV or none (QEMU's
 * TCG takes reserved MXCSR bits) */
static int sig_ok(int got, int want)
{
	if (!want)
		return got == SIGSEGV || got == SIGILL;
	if (want < 0)
		return got == SIGSEGV || got == 0;
	return got == want;
}

static void insns(void)
{
	on_all(0);
	uint64_t fl;
	for (unsigned i = 0; i < sizeof probes / sizeof probes[0]; i++) {
		int s = sig_of(probes[i].run);
		if (!sig_ok(s, probes[i].sig))
			FAIL("hostile19_cpu_insns", "%s: signal %d, not %d", probes[i].name, s,
			     probes[i].sig);
	}
#if FRAMES
	/* the FS base: the kernel's set_fs_base (wrmsr of a non-canonical
	 * value faults in ring 0) takes none outside the user half, and the
	 * thread's own TLS (errno) still works after */
	static const uint64_t bases[] = { 0x0000800000000000ul, 0x8000000000000000ul,
					  0xffffffff80000000ul, 0xfffffffffffff000ul,
					  0x00007ffffffff000ul, ~0ul };
	for (unsigned i = 0; i < sizeof bases / sizeof bases[0]; i++) {
		int e = sys_set_fs_base(bases[i]);
		if (e != E_INVAL)
			FAIL("hostile19_cpu_insns", "set_fs_base(0x%lx): %d, not E_INVAL",
			     (unsigned long)bases[i], e);
	}
	errno = 77;
	if (errno != 77)
		FAIL("hostile19_cpu_insns", "TLS lost after the refused FS bases");
#endif
	__asm__ volatile("pushfq; orq $0x3000, (%%rsp); popfq; pushfq; popq %0" : "=r"(fl) :: "cc");
	if (fl & 0x3000)
		FAIL("hostile19_cpu_insns", "popf set IOPL: rflags 0x%lx", (unsigned long)fl);
}

#define INTN(n) static void int_##n(void) { __asm__ volatile("int $" #n); }
#define INT16(h) INTN(h##0) INTN(h##1) INTN(h##2) INTN(h##3) INTN(h##4) INTN(h##5) \
	INTN(h##6) INTN(h##7) INTN(h##8) INTN(h##9) INTN(h##a) INTN(h##b) INTN(h##c) \
	INTN(h##d) INTN(h##e) INTN(h##f)
INT16(0x0) INT16(0x1) INT16(0x2) INT16(0x3) INT16(0x4) INT16(0x5) INT16(0x6) INT16(0x7)
INT16(0x8) INT16(0x9) INT16(0xa) INT16(0xb) INT16(0xc) INT16(0xd) INT16(0xe) INT16(0xf)
#define E16(h) int_##h##0, int_##h##1, int_##h##2, int_##h##3, int_##h##4, int_##h##5, \
	int_##h##6, int_##h##7, int_##h##8, int_##h##9, int_##h##a, int_##h##b, \
	int_##h##c, int_##h##d, int_##h##e, int_##h##f
static void (*const ints[256])(void) = {
	E16(0x0), E16(0x1), E16(0x2), E16(0x3), E16(0x4), E16(0x5), E16(0x6), E16(0x7),
	E16(0x8), E16(0x9), E16(0xa), E16(0xb), E16(0xc), E16(0xd), E16(0xe), E16(0xf),
};
PROBE(icebp, ".byte 0xf1")
PROBE(int3_byte, "int3")
PROBE(tf_step, "pushfq; orq $0x100, (%%rsp); popfq; nop; nop")

static void vectors(void)
{
	on_all(0);
	for (int n = 0; n < 256; n++) {
		int want = n == 3 ? SIGTRAP : SIGSEGV;
		int s = sig_of(ints[n]);
		if (s != want)
			FAIL("hostile19_cpu_vectors", "int $%d: signal %d, not %d", n, s, want);
	}
	int s = sig_of(p_icebp); /* QEMU's TCG makes it #UD */
	if (s != SIGTRAP && s != SIGILL)
		FAIL("hostile19_cpu_vectors", "icebp: signal %d, not SIGTRAP", s);
	s = sig_of(p_tf_step);
	if (s != SIGTRAP)
		FAIL("hostile19_cpu_vectors", "a single step (TF): signal %d, not SIGTRAP", s);
	s = sig_of(p_int3_byte);
	if (s != SIGTRAP)
		FAIL("hostile19_cpu_vectors", "int3: signal %d, not SIGTRAP", s);
}

/* A child: handlers for every fault signal (on the alternate stack if
 * alt), then rsp = sp and ud2; returns only if the handler ran. */
static void *altbuf;
static void death_child(uint64_t sp, void *alt, size_t altsize)
{
	if (alt) {
		stack_t ss = { .ss_sp = alt, .ss_size = altsize, .ss_flags = 0 };
		if (sigaltstack(&ss, NULL))
			_exit(90);
	}
	on_all(alt ? SA_ONSTACK : 0);
	if (sigsetjmp(env, 1) == 0)
		__asm__ volatile("mov %0, %%rsp; ud2" :: "r"(sp));
	_exit(got_sig == SIGILL ? 0 : 91);
}

/* Fork a child running death_child(sp, alt, size): its wait status. */
static int death(uint64_t sp, void *alt, size_t altsize)
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0)
		death_child(sp, alt, altsize);
	int st = -1;
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return -1;
	return st;
}

/* #SS: a push with a non-canonical rsp, on an alternate stack: SIGBUS */
static void ss_child(void *alt)
{
	stack_t ss = { .ss_sp = alt, .ss_size = 65536, .ss_flags = 0 };
	if (sigaltstack(&ss, NULL))
		_exit(90);
	on_all(SA_ONSTACK);
	if (sigsetjmp(env, 1) == 0)
		__asm__ volatile("mov %0, %%rsp; push %%rax" :: "r"(0x8000000000001000ul));
	_exit(got_sig == SIGBUS ? 0 : 80 + (got_sig & 15));
}

static void deaths(void)
{
	char *ro = mmap(NULL, 3 * 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *none = mmap(NULL, 65536, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	altbuf = ro + 65536;
	if (ro == MAP_FAILED || none == MAP_FAILED || mprotect(ro, 65536, PROT_READ)) {
		FAIL("hostile19_cpu_deaths", "mmap");
		return;
	}
	munmap(ro + 2 * 65536, 65536); /* a hole: unmapped */
	struct { const char *what; uint64_t sp; void *alt; size_t size; int sig; } c[] = {
		{ "rsp in the kernel", 0xffffffff80200000ul, NULL, 0, SIGSEGV },
		{ "rsp at the top of the kernel", 0, NULL, 0, SIGSEGV },
		{ "non-canonical rsp", 0x8000000000001000ul, NULL, 0, SIGSEGV },
		{ "rsp at USER_END", 0x00007ffffffff000ul, NULL, 0, SIGSEGV },
		{ "rsp in a hole", (uint64_t)(ro + 3 * 65536 - 256), NULL, 0, SIGSEGV },
		{ "rsp in read-only memory", (uint64_t)(ro + 65536 - 256), NULL, 0, SIGSEGV },
		{ "rsp in PROT_NONE memory", (uint64_t)(none + 65536), NULL, 0, SIGSEGV },
		{ "altstack read-only", 0, ro, 65536, SIGSEGV },
		{ "altstack unmapped", 0, ro + 2 * 65536, 65536, SIGSEGV },
		{ "altstack PROT_NONE", 0, none, 65536, SIGSEGV },
		{ "altstack at the user top", 0, (void *)(0x00007ffffffff000ul - 65536), 65536, SIGSEGV },
		{ "altstack fine, rsp in the kernel", 0xffff800000000000ul, ro + 65536, 65536, 0 },
	};
	for (unsigned i = 0; i < sizeof c / sizeof c[0]; i++) {
		uint64_t sp = c[i].sp;
		if (!sp && !c[i].alt)
			sp = 0xfffffffffffffff8ul;
		if (!sp)
			sp = (uint64_t)&sp; /* its own stack: the altstack is what matters */
		int st = death(sp, c[i].alt, c[i].size);
		int ok = c[i].sig ? WIFSIGNALED(st) && WTERMSIG(st) == c[i].sig
				  : WIFEXITED(st) && WEXITSTATUS(st) == 0;
		if (!ok)
			FAIL("hostile19_cpu_deaths", "%s: status 0x%x, not %s %d", c[i].what, st,
			     c[i].sig ? "killed by" : "exit", c[i].sig);
	}
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0)
		ss_child(ro + 65536);
	int st = -1;
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) ||
	    (WEXITSTATUS(st) && WEXITSTATUS(st) != 80 + SIGSEGV))
		FAIL("hostile19_cpu_deaths", "#SS on an alternate stack: status 0x%x, not SIGBUS "
		     "(or TCG's #GP: SIGSEGV) caught", st);
	munmap(ro, 2 * 65536);
	munmap(none, 65536);
}

/* Run part in a child (a broken signal state stays there): 0 if it
 * passed. */
static int in_child(void (*part)(void))
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		part();
		fflush(stdout);
		_exit(fails ? 1 : 0);
	}
	int st = -1;
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return -1;
	return st;
}

int main(void)
{
#if FRAMES
	touch_image();
	long before = frames_before(3000);
#endif
	static const struct { const char *name; void (*fn)(void); } parts[] = {
		{ "hostile19_cpu_insns", insns },
		{ "hostile19_cpu_vectors", vectors },
		{ "hostile19_cpu_deaths", deaths },
	};
	for (unsigned i = 0; i < 3; i++) {
		int st = in_child(parts[i].fn);
		if (st == 0)
			printf("@@PASS %s\n", parts[i].name);
		else if (!WIFEXITED(st) || WEXITSTATUS(st) != 1)
			printf("@@FAIL %s: the part's child ended with status 0x%x\n", parts[i].name, st);
		else
			fails++;
	}
#if FRAMES
	if (!frames_back(before, 5000))
		fails++;
#endif
	fflush(stdout);
	return fails ? 1 : 0;
}
