/* Hostile ring-3 programs: each probe runs in a child (this program with
 * an argument) and must end with an error code or a kill of that child,
 * never a panic or a hang, and every frame comes back.
 *   hostile_compat_mode      a far return into the 32-bit user code
 *                            selector, then `syscall` there (with no
 *                            CSTAR entry, the CPU would jump to address 0
 *                            in ring 0): the child must be killed by #GP;
 *                            and TF with `mov ss` right before `syscall`:
 *                            killed by #DB (SIGTRAP) in ring 3, nothing in
 *                            ring 0;
 *                            running on a non-canonical, kernel or zero
 *                            rsp through interrupts and system calls;
 *                            an unmasked x87 error pending over switches:
 *                            killed by #MF, SIGFPE (QEMU's TCG raises no #XM, so
 *                            SSE's is not tried)
 *   hostile_sigreturn        sigreturn with random frames (sys/sigprobe.h):
 *                            kernel, non-canonical and top-page rips and
 *                            rsps refused (E_INVAL), unreadable frames
 *                            E_FAULT, taken ones land with their
 *                            registers, RFLAGS filtered (no IOPL, VM, RF,
 *                            VIF, VIP), user cs/ss, the FPU image kept and
 *                            the blocked set minus SIGKILL/SIGSTOP; two
 *                            threads at once, with an FPU user beside them
 *   hostile_frame_races      one thread in sigreturn and futex_wait on a
 *                            page that others mprotect to PROT_NONE and
 *                            back, unmap and map again, wake; the child is
 *                            killed while its threads wait for ever, or
 *                            exits meanwhile (status 0)
 *   hostile_mm_sizes         huge, negative and wrapping sizes and
 *                            addresses to every memory request: errors,
 *                            no kill
 *   hostile_halt_refused     PG_HALT and PG_REBOOT from a program other
 *                            than init and the shell: E_PERM
 *   hostile_selectors        two threads on one CPU load their own data
 *                            selectors (ds, es, gs) and switch back and
 *                            forth: each keeps its own, and a new thread
 *                            starts with null ones (one thread's values
 *                            were the next one's to read)
 *   hostile_selectors_migrate two threads on any CPUs ping-pong over an
 *                            endpoint, each changing its selectors before
 *                            every wait: after each wake it finds the ones
 *                            it set (a CPU that switched a thread in read
 *                            them before the CPU it left had saved them:
 *                            review rev16; a guard, the window is short) */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "sys/sys.h"
#include "sys/test.h"
#include "sys/unistd.h"
#include "sys/sigprobe.h"

#define PG 4096ull
#define USER_END 0x00007FFFFFFFF000ull

static uint64_t rng = 0x1234567;

static uint64_t next(void *arg)
{
	uint64_t *s = arg ? arg : &rng;
	uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

/* Spawn this program with arg; wait; the wait status to *st. */
static void run_child(const char *name, const char *arg, struct wait_status *st)
{
	uint32_t pid;
	TEST_ERR(name, spawn("test_hostile", arg, &pid), E_OK);
	TEST_ERR(name, pgreq_waitpid(pid, st), E_OK);
}

/* ---- compat mode ---- */

extern char hz_compat[];
__asm__(".text\n"
	"hz_compat:\n"
	"	pushq $0x1B\n"                 /* the GDT's 32-bit user code */
	"	lea hz_compat32(%rip), %rax\n"
	"	pushq %rax\n"
	"	lretq\n"
	".code32\n"
	"hz_compat32:\n"
	"	syscall\n"
	"	ud2\n"
	".code64\n");

/* TF on, then `mov ss` right before `syscall`: the single-step trap mov ss
 * holds back for one instruction must not land in ring 0 at the entry
 * (CVE-2018-8897's shape, with TF for the debug registers). */
extern char hz_movss[];
__asm__(".text\n"
	"hz_movss:\n"
	"	pushfq\n"
	"	orq $0x100, (%rsp)\n"
	"	mov %ss, %ecx\n"
	"	xor %eax, %eax\n"              /* the null call */
	"	popfq\n"
	"	mov %ecx, %ss\n"
	"	syscall\n"
	"	ud2\n");

static int child_movss(void)
{
	((void (*)(void))hz_movss)();
	printf("@@FAIL hostile_compat_mode: came back from single-stepping\n");
	return 1;
}

/* Run with rsp at a (non-canonical, kernel, zero) address: spin while the
 * timer interrupts and returns (iretq), make system calls (sysret puts it
 * back), then take the real stack again and exit 0. */
extern char hz_badrsp[];
__asm__(".text\n"
	"hz_badrsp:\n"                  /* rdi = the rsp to run with */
	"	push %rbx\n"
	"	push %r12\n"
	"	mov %rsp, %rbx\n"
	"	mov %rdi, %rsp\n"
	"	mov $3000000, %ecx\n"
	"1:	dec %ecx\n"
	"	jnz 1b\n"
	"	mov $200, %r12d\n"
	"2:	xor %eax, %eax\n"             /* null */
	"	syscall\n"
	"	mov $2, %eax\n"               /* yield */
	"	syscall\n"
	"	dec %r12d\n"
	"	jnz 2b\n"
	"	mov %rbx, %rsp\n"
	"	pop %r12\n"
	"	pop %rbx\n"
	"	ret\n");

static int child_badrsp(void)
{
	static const uint64_t rsps[] = { 0x0000800000000000ull, 0xFFFF800000001000ull,
					 0xFFFFFFFF80100000ull, 0, USER_END, 0x8000000000000000ull };
	for (unsigned i = 0; i < sizeof rsps / sizeof rsps[0]; i++)
		((void (*)(uint64_t))hz_badrsp)(rsps[i]);
	return 0;
}

/* An unmasked x87 divide-by-zero left pending over a switch (the kernel
 * saves and restores the state with it), then fwait: #MF in ring 3. */
static int child_x87(void)
{
	uint16_t cw = 0x037F & ~0x4; /* ZE unmasked */
	volatile double one = 1.0, zero = 0.0;
	__asm__ volatile("fldcw %0" :: "m"(cw));
	__asm__ volatile("fldl %0; fdivl %1; fstp %%st(1)" :: "m"(one), "m"(zero));
	for (int i = 0; i < 20; i++)
		sys_yield();
	__asm__ volatile("fwait");
	printf("@@FAIL hostile_compat_mode: no #MF\n");
	return 1;
}

static int child_compat(void)
{
	((void (*)(void))hz_compat)();
	printf("@@FAIL hostile_compat_mode: came back from 32-bit mode\n");
	return 1;
}

static void test_compat(void)
{
	const char *name = "hostile_compat_mode";
	struct wait_status st;
	run_child(name, "compat", &st); /* warm-up */
	uint64_t before = frames_steady(2000);
	run_child(name, "compat", &st);
	if (st.how != PG_WAIT_KILLED || st.code != FAULT_GP)
		test_fail(name, "the child ended how %d code 0x%lx, want killed by #GP (no "
			  "32-bit code segment)", st.how, st.code);
	TEST_CHECK(name, frames_settle(before, 10000) == before);
	run_child(name, "movss", &st);
	if (st.how != PG_WAIT_KILLED || st.code != (PG_KILLED_SIGNAL | 5))
		test_fail(name, "mov ss, syscall with TF: the child ended how %d code 0x%lx "
			  "rip 0x%lx, want killed by #DB (SIGTRAP)", st.how, st.code, st.rip);
	run_child(name, "badrsp", &st);
	if (st.how != PG_WAIT_EXITED || st.code != 0)
		test_fail(name, "running on a bad rsp: the child ended how %d code 0x%lx addr "
			  "0x%lx rip 0x%lx", st.how, st.code, st.addr, st.rip);
	run_child(name, "x87", &st);
	/* #MF ends it by SIGFPE, as on Linux (the status word's signal) */
	if (st.how != PG_WAIT_KILLED || st.code != (PG_KILLED_SIGNAL | 8))
		test_fail(name, "x87 error: the child ended how %d code 0x%lx", st.how, st.code);
	test_pass(name);
}

/* ---- sigreturn ---- */

static const uint64_t bad_rips[] = { USER_END, USER_END + 1, 0x0000800000000000ull,
	0xFFFF800000000000ull, 0xFFFFFFFF80100000ull, ~0ull, 0x8000000000000000ull,
	0xFFFF7FFFFFFFFFFFull };

/* One random frame through the probe; NULL, or what went wrong. */
static const char *one_sigreturn(struct sigret_probe *p, uint64_t *s)
{
	uint64_t *g = p->uc.uc_mcontext.gregs;
	for (unsigned i = 0; i < ABI_NGREG; i++)
		g[i] = next(s);
	p->uc.uc_flags = next(s), p->uc.uc_link = next(s);
	p->uc.uc_mcontext.fpregs = next(s);
	p->uc.uc_sigmask = next(s);
	g[ABI_REG_EFL] &= ~0x100ull;          /* no TF: a #DB would kill us */
	g[ABI_REG_RIP] = SIGRET_LAND, g[ABI_REG_RSP] = SIGRET_HERE;
	unsigned how = (unsigned)(next(s) % 8);
	if (how == 0)
		g[ABI_REG_RIP] = bad_rips[next(s) % (sizeof bad_rips / sizeof bad_rips[0])];
	if (how == 1)
		g[ABI_REG_RSP] = bad_rips[next(s) % (sizeof bad_rips / sizeof bad_rips[0])] ^ 8;
	static const uint64_t sel[] = { 0, 0x23, 0x2B, 0x3 };
	for (unsigned i = 0; i < 4; i++)
		p->set_seg[i] = sel[next(s) % 4];
	sigret_random_fpu(p, next, s);
	uint64_t e = sigret_probe(p);
	if (how <= 1)
		return e == E_INVAL ? NULL : "a frame with a bad rip or rsp was not refused";
	if (e != SIGRET_LANDED)
		return "a good frame was refused";
	const char *why = sigret_check(p);
	if (why)
		return why;
	struct sys_regs r;
	if (sys_sigmask_r(~0ull, 0, 0, &r) != E_OK ||
	    r.rdi != (p->uc.uc_sigmask & ~ABI_SIG_UNBLOCKABLE))
		return "the blocked set is not the frame's";
	return sys_sigmask(ABI_SIG_SETMASK, 0, 0) == E_OK ? NULL : "sigmask failed";
}

#define SR_ROUNDS 3000

struct sr_thread {
	struct sigret_probe p;
	uint64_t seed;
	const char *why;
	volatile int done;
};

static void sr_loop(void *arg)
{
	struct sr_thread *t = arg;
	for (unsigned i = 0; i < SR_ROUNDS && !t->why; i++) {
		t->why = one_sigreturn(&t->p, &t->seed);
		if (i % 64 == 0)
			sys_yield();
	}
	t->done = 1;
}

/* An FPU user on every CPU meanwhile: its x87 and SSE values must not
 * reach the probes, nor theirs it. */
static volatile int fpu_stop, fpu_bad;

static void fpu_loop(void *arg)
{
	volatile double x = (double)(uint64_t)arg + 0.5, y = 0;
	while (!fpu_stop) {
		for (int i = 0; i < 1000; i++)
			y = y * 0.5 + x;
		if (y != 2 * x && y < 2 * x - 1e-6)
			fpu_bad = 1;
		y = 0;
	}
}

static struct sr_thread sr[2];

static int child_sigreturn(void)
{
	static struct abi_sysinfo si;
	sys_sysinfo((uint64_t)&si, sizeof si);
	unsigned ncpus = si.ncpus ? si.ncpus : 1;
	for (unsigned c = 0; c < ncpus && c < 4; c++)
		if (thread_start_on((int)c, fpu_loop, (void *)(uint64_t)(c + 3), 16384))
			return 2;
	for (unsigned i = 0; i < 2; i++) {
		sr[i].seed = 77 + i;
		if (thread_start_on((int)(i % ncpus), sr_loop, &sr[i], 65536))
			return 3;
	}
	/* frames the call cannot read */
	static const uint64_t bad[] = { 0, 4096, 0xFFFF800000000000ull, 0x0000800000000000ull,
					USER_END - 8, ~0ull - 7 };
	for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (sys_sigreturn(bad[i]) != E_FAULT) {
			printf("@@FAIL hostile_sigreturn: frame at 0x%lx not E_FAULT\n", bad[i]);
			return 4;
		}
	while (!sr[0].done || !sr[1].done)
		sleep_ms(10);
	fpu_stop = 1;
	for (unsigned i = 0; i < 2; i++)
		if (sr[i].why) {
			printf("@@FAIL hostile_sigreturn: thread %u: %s\n", i, sr[i].why);
			return 5;
		}
	if (fpu_bad) {
		printf("@@FAIL hostile_sigreturn: the FPU user beside saw wrong values\n");
		return 6;
	}
	sleep_ms(20);
	return 0;
}

static void test_sigreturn(void)
{
	const char *name = "hostile_sigreturn";
	struct wait_status st;
	run_child(name, "sigreturn", &st);
	if (st.how != PG_WAIT_EXITED || st.code != 0)
		test_fail(name, "the child ended how %d code 0x%lx addr 0x%lx rip 0x%lx", st.how,
			  st.code, st.addr, st.rip);
	test_pass(name);
}

/* ---- a frame's page and a futex word taken away meanwhile ---- */

/* Two pages: the first (P) is mangled; a sigreturn frame starts near its
 * end and runs into the second (Q), which holds the frame's rip and rsp:
 * kernel addresses, so the call reads the frame and refuses it (E_INVAL)
 * or cannot read it (E_FAULT), never takes it (a P that reads zero holds
 * no rip).  P also holds the futex words. */
static volatile uint8_t *race_page;
#define RACE_FRAME (PG - 150)

static void race_sigreturn(void *arg)
{
	(void)arg;
	for (;;) {
		long e = sys_sigreturn((uint64_t)race_page + RACE_FRAME);
		if (e != E_INVAL && e != E_FAULT) {
			printf("@@FAIL hostile_frame_races: sigreturn returned %ld\n", e);
			exit(7);
		}
	}
}

static volatile uint32_t *race_word(uint64_t i)
{
	return (volatile uint32_t *)(race_page + 2048 + 64 * (i % 4));
}

static void race_futex(void *arg)
{
	for (;;) {
		long e = futex_wait(race_word((uint64_t)arg), 0,
				    (uint64_t)arg % 2 ? FUTEX_FOREVER : 1);
		if (e != E_OK && e != E_AGAIN && e != E_TIMEDOUT && e != E_FAULT) {
			printf("@@FAIL hostile_frame_races: futex_wait returned %ld\n", e);
			exit(8);
		}
	}
}

/* Take P away and give it back, every way there is. */
static void race_mangle(void *arg)
{
	uint64_t s = (uint64_t)arg;
	void *page = (void *)race_page;
	for (;;) {
		switch (next(&s) % 5) {
		case 0: mprotect(page, PG, PROT_NONE); break;
		case 1: mprotect(page, PG, PROT_READ); break;
		case 2: madvise(page, PG, MADV_DONTNEED); break;
		case 3:
			munmap(page, PG);
			mmap(page, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
			     -1, 0);
			break;
		default: mprotect(page, PG, PROT_READ | PROT_WRITE); break;
		}
		futex_wake(race_word(next(&s)), 1);
	}
}

/* with_sigreturn: two threads in sigreturn too; exit_ms: the main thread
 * exits (status 0) after that long, with its threads in the kernel */
static int child_races(int with_sigreturn, int exit_ms)
{
	uint8_t *p = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return 2;
	uint64_t rip = 0xFFFFFFFF80100000ull, rsp = 0xFFFF800000000000ull;
	memcpy(p + RACE_FRAME + 40 + 8 * ABI_REG_RIP, &rip, 8);
	memcpy(p + RACE_FRAME + 40 + 8 * ABI_REG_RSP, &rsp, 8);
	race_page = p;
	if (with_sigreturn && (thread_start(race_sigreturn, 0, 16384) ||
			       thread_start(race_sigreturn, 0, 16384)))
		return 9;
	for (uint64_t i = 0; i < 4; i++)
		if (thread_start(race_futex, (void *)i, 16384))
			return 3;
	if (thread_start(race_mangle, (void *)5, 16384))
		return 4;
	if (exit_ms) {
		sleep_ms((uint64_t)exit_ms);
		exit(0);
	}
	for (;;)
		sleep_ms(1000);
}

/* Start a racing child, let it run, kill it: it must still be running,
 * and end killed.  Every third round it exits by itself instead. */
static void race_round(const char *name, int round)
{
	struct wait_status st;
	uint32_t pid;
	if (round % 3 == 2) {
		TEST_ERR(name, spawn("test_hostile", "races_exit", &pid), E_OK);
		TEST_ERR(name, pgreq_waitpid(pid, &st), E_OK);
		if (st.how != PG_WAIT_EXITED || st.code != 0)
			test_fail(name, "round %d: the exiting child ended how %d code 0x%lx addr "
				  "0x%lx rip 0x%lx", round, st.how, st.code, st.addr, st.rip);
		return;
	}
	TEST_ERR(name, spawn("test_hostile", round % 2 ? "races" : "races_sr", &pid), E_OK);
	sleep_ms(150 + 50 * (uint64_t)round);
	int e = wait_poll(pid, &st);
	if (e != E_AGAIN)
		test_fail(name, "round %d: the child ended early (%d): how %d code 0x%lx addr "
			  "0x%lx rip 0x%lx", round, e, st.how, st.code, st.addr, st.rip);
	TEST_ERR(name, pgreq_kill(pid), E_OK);
	TEST_ERR(name, pgreq_waitpid(pid, &st), E_OK);
	if (st.how != PG_WAIT_KILLED)
		test_fail(name, "round %d: the child ended how %d code 0x%lx", round, st.how,
			  st.code);
}

static void test_races(void)
{
	const char *name = "hostile_frame_races";
	race_round(name, 0); /* warm-up */
	uint64_t before = frames_steady(2000);
	for (int round = 1; round < 7; round++)
		race_round(name, round);
	uint64_t after = frames_settle(before, 10000);
	if (after != before)
		test_fail(name, "free frames %lu before, %lu after", before, after);
	test_pass(name);
}

/* ---- absurd sizes ---- */

#define MINE (PG_MMAP_LIMIT - (1ull << 30)) /* the child's own page, far away */

/* True if [a, a + n) (not wrapping) meets the child's own memory: a
 * request may take that away, which is no error. */
static int own_range(uint64_t a, uint64_t n)
{
	static const uint64_t own[][2] = {
		{ PG_IMAGE_BASE - PG, PG_IMAGE_BASE + (64ull << 20) },
		{ PG_STACK_TOP - 2 * PG_STACK_SIZE, PG_STACK_TOP + PG },
		{ PG_IPC_BUF_BASE, ~0ull }, { MINE, MINE + 8 * PG } };
	uint64_t end = a + (n ? n : 1);
	if (end < a)
		return 0; /* wraps: must be refused */
	for (unsigned i = 0; i < 4; i++)
		if (a < own[i][1] && end > own[i][0])
			return 1;
	return 0;
}

static int child_sizes(void)
{
	static const uint64_t sizes[] = { 0, 1, PG - 1, PG + 1, ~0ull, ~0ull - PG + 1,
		1ull << 63, (1ull << 63) - PG, 1ull << 47, (1ull << 47) - PG, USER_END,
		PG_MMAP_MAX + PG, 1ull << 40 };
	static const uint64_t addrs[] = { 0, PG, PG_MMAP_BASE, USER_END - PG, USER_END,
		0x0000800000000000ull, 0xFFFF800000000000ull, ~0ull - PG + 1, 1ull << 63,
		PG_STARTUP_VA, PG_IPC_BUF_BASE, PG_MMAP_LIMIT - PG, MINE };
	static const unsigned tags[] = { PG_MMAP_ANON, PG_MUNMAP, PG_MFREE, PG_MPROTECT,
		PG_BRK, PG_MADVISE, PG_MMAP, PG_UNMAP, PG_PROTECT, PG_MINCORE, PG_PAGEINFO,
		PG_MREMAP };
	const unsigned nz = sizeof sizes / sizeof sizes[0];
	volatile uint64_t *mine = mmap((void *)MINE, 8 * PG, PROT_READ | PROT_WRITE,
				       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	if (mine != (void *)MINE)
		return 2;
	mine[0] = 42;
	unsigned calls = 0;
	for (unsigned t = 0; t < sizeof tags / sizeof tags[0]; t++)
		for (unsigned a = 0; a < sizeof addrs / sizeof addrs[0]; a++)
			for (unsigned z = 0; z < nz; z++) {
				uint64_t w2 = 3; /* rights R|W */
				if (tags[t] == PG_MMAP)
					w2 = 3 | 0x22ull << 32; /* private anonymous */
				if (tags[t] == PG_MADVISE)
					w2 = 4; /* MADV_DONTNEED */
				if (tags[t] == PG_MINCORE)
					w2 = MINE + PG;
				if (tags[t] == PG_MREMAP)
					w2 = sizes[(z + 3) % nz];
				uint64_t n = tags[t] == PG_MFREE ? 1 : sizes[z]; /* size unused */
				if (tags[t] != PG_MMAP_ANON && tags[t] != PG_MMAP &&
				    (own_range(addrs[a], n) ||
				     (tags[t] == PG_MREMAP && own_range(addrs[a], w2))))
					continue;
				struct sys_regs r;
				long e = sys_call_r(sys_pager, tags[t], addrs[a], sizes[z], w2,
						    tags[t] == PG_MREMAP ? 1 : 0, &r);
				unsigned got = e == E_OK ? IPC_LABEL_TAG(r.rsi) : (unsigned)e;
				if (got >= E_COUNT) {
					printf("@@FAIL hostile_mm_sizes: request %u (0x%lx, 0x%lx) "
					       "answered %u\n", tags[t], addrs[a], sizes[z], got);
					return 3;
				}
				calls++;
				if (mine[0] != 42) {
					printf("@@FAIL hostile_mm_sizes: request %u (0x%lx, 0x%lx, "
					       "0x%lx) answered %u took the child's own page away\n",
					       tags[t], addrs[a], sizes[z], w2, got);
					return 4;
				}
			}
	printf("hostile_mm_sizes: %u requests answered\n", calls);
	return 0;
}

static void test_sizes(void)
{
	const char *name = "hostile_mm_sizes";
	struct wait_status st;
	run_child(name, "sizes", &st);
	if (st.how != PG_WAIT_EXITED || st.code != 0)
		test_fail(name, "the child ended how %d code 0x%lx addr 0x%lx", st.how, st.code,
			  st.addr);
	test_pass(name);
}

/* ---- stopping the machine ---- */

/* PG_HALT and PG_REBOOT from an ordinary program: E_PERM, and the machine
 * runs on (before, any process could stop it). */
static void test_halt(void)
{
	const char *name = "hostile_halt_refused";
	TEST_ERR(name, machine_halt(3), E_PERM);
	TEST_ERR(name, machine_reboot(), E_PERM);
	test_pass(name);
}

/* ---- data selectors ---- */

#define SEL_USER_DATA 0x23 /* the GDT's user data descriptor, RPL 3 */
#define SEL_ROUNDS 2000

static uint64_t segs_now(void)
{
	uint16_t ds, es, fs, gs;
	__asm__ volatile("mov %%ds, %0\n\tmov %%es, %1\n\tmov %%fs, %2\n\tmov %%gs, %3"
			 : "=r"(ds), "=r"(es), "=r"(fs), "=r"(gs));
	return ds | (uint64_t)es << 16 | (uint64_t)fs << 32 | (uint64_t)gs << 48;
}

struct sel_arg {
	uint16_t sel;          /* loaded into ds, es and gs (fs holds TLS) */
	uint64_t first, wrong; /* the selectors found at the start; a bad set */
	volatile int done, bad;
};

static void sel_loop(void *arg)
{
	struct sel_arg *a = arg;
	a->first = segs_now();
	__asm__ volatile("mov %0, %%ds\n\tmov %0, %%es\n\tmov %0, %%gs" :: "r"(a->sel));
	uint64_t want = segs_now();
	for (int i = 0; i < SEL_ROUNDS && !a->bad; i++) {
		sched_yield();
		uint64_t now = segs_now();
		if (now != want) {
			a->wrong = now;
			a->bad = 1;
		}
	}
	__asm__ volatile("mov %0, %%ds\n\tmov %0, %%es\n\tmov %0, %%gs" :: "r"(0));
	a->done = 1;
}

static void test_selectors(void)
{
	const char *name = "hostile_selectors";
	/* (a null selector with RPL 3 would not do: an iretq to ring 3 nulls
	 * it, as the CPU does for any descriptor below ring 3's privilege) */
	static struct sel_arg a[2] = { { .sel = SEL_USER_DATA }, { .sel = 0 } };
	for (int i = 0; i < 2; i++)
		if (thread_start_on(0, sel_loop, &a[i], 16384))
			test_fail(name, "thread_start_on failed");
	while (!a[0].done || !a[1].done)
		usleep(1000);
	for (int i = 0; i < 2; i++) {
		if (a[i].bad)
			test_fail(name, "thread %d (selector 0x%x) found 0x%016lx after a switch", i,
				  a[i].sel, a[i].wrong);
		if (a[i].first & 0xFFFF0000FFFFFFFFull)
			test_fail(name, "thread %d started with selectors 0x%016lx, not null", i,
				  a[i].first);
	}
	test_pass(name);
}

#include "sys/ipc.h"

struct mig_arg {
	uint32_t ep;
	int server;
	uint64_t wrong;
	volatile int done, bad;
};

/* SEL_ROUNDS call/reply turns, the selectors flipped between 0x23 and
 * null before every wait and checked after it. */
static void mig_loop(void *arg)
{
	struct mig_arg *a = arg;
	struct sys_msg m = { .label = 1 }, in;
	int e = a->server ? ipc_recv(a->ep, &in) : E_OK;
	for (int i = 0; i < SEL_ROUNDS && e == E_OK && !a->bad; i++) {
		uint16_t sel = (i + a->server) % 2 ? SEL_USER_DATA : 0;
		__asm__ volatile("mov %0, %%ds\n\tmov %0, %%es\n\tmov %0, %%gs" :: "r"(sel));
		uint64_t want = segs_now();
		e = a->server ? ipc_reply_recv(a->ep, &m, &in) : ipc_call(a->ep, &m);
		uint64_t now = segs_now();
		if (now != want) {
			a->wrong = now;
			a->bad = 1;
		}
	}
	__asm__ volatile("mov %0, %%ds\n\tmov %0, %%es\n\tmov %0, %%gs" :: "r"(0));
	if (!a->server) { /* the server's last receive waits for this */
		m.label = 2;
		ipc_send(a->ep, &m);
	}
	a->done = 1;
}

static void test_selectors_migrate(void)
{
	const char *name = "hostile_selectors_migrate";
	struct sys_regs r;
	TEST_ERR(name, sys_endpoint_create_r(&r), E_OK);
	static struct mig_arg a[2];
	a[0] = (struct mig_arg){ .ep = (uint32_t)r.rdi, .server = 1 };
	a[1] = (struct mig_arg){ .ep = (uint32_t)r.rdi, .server = 0 };
	for (int i = 0; i < 2; i++)
		if (thread_start(mig_loop, &a[i], 16384))
			test_fail(name, "thread_start failed");
	for (int t = 0; (!a[0].done || !a[1].done) && t < 60000; t++)
		usleep(1000);
	for (int i = 0; i < 2; i++) {
		if (!a[i].done)
			test_fail(name, "thread %d did not finish its turns", i);
		if (a[i].bad)
			test_fail(name, "thread %d found 0x%016lx after a wait", i, a[i].wrong);
	}
	test_pass(name);
}

int main(int argc, char **argv)
{
	if (argc > 1) {
		if (!strcmp(argv[1], "compat"))
			return child_compat();
		if (!strcmp(argv[1], "movss"))
			return child_movss();
		if (!strcmp(argv[1], "badrsp"))
			return child_badrsp();
		if (!strcmp(argv[1], "x87"))
			return child_x87();
		if (!strcmp(argv[1], "sigreturn"))
			return child_sigreturn();
		if (!strcmp(argv[1], "races") || !strcmp(argv[1], "races_sr"))
			return child_races(!strcmp(argv[1], "races_sr"), 0);
		if (!strcmp(argv[1], "races_exit"))
			return child_races(1, 200);
		if (!strcmp(argv[1], "sizes"))
			return child_sizes();
		return 1;
	}
	/* warm up: what the pager keeps once such children have run */
	struct wait_status st;
	run_child("hostile", "sizes", &st);
	test_sigreturn();
	test_sizes();
	test_races();
	test_compat();
	test_halt();
	test_selectors();
	test_selectors_migrate();
	return 0;
}
