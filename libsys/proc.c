/* Requests to the pager (abi/pager.h): process, thread and memory calls. */
#include "sys/sys.h"
#include "sys/unistd.h"
#include "libsys.h"
#include "abi/signal.h"
#include <stdlib.h>

/* Call the pager with *m; the reply replaces *m.  Returns the IPC error, or
 * else the pager's answer (the reply label). */
int libsys_pg_call(struct sys_msg *m)
{
	int e = ipc_call(sys_pager, m);
	return e ? e : (int)IPC_LABEL_TAG(m->label);
}

/* The program's constructors and destructors (libsys/user.ld). */
typedef void (*array_fn)(int, char **, char **);
extern array_fn __init_array_start[], __init_array_end[];
extern array_fn __fini_array_start[], __fini_array_end[];

void libsys_run_ctors(int argc, char **argv, char **envp)
{
	for (array_fn *f = __init_array_start; f < __init_array_end; f++)
		(*f)(argc, argv, envp);
}

void exit(int status)
{
	libsys_run_atexit(status);
	for (array_fn *f = __fini_array_end; f > __fini_array_start;) /* reverse */
		(*--f)(0, NULL, NULL);
	libsys_stdio_flush_all();
	_Exit(status);
}

/* The process ends now with status: no atexit function, destructor or
 * stdio flush (a stream's buffered bytes are lost), as Linux's _exit. */
void _Exit(int status)
{
	struct sys_msg m = { .label = PG_EXIT, .w = { (uint64_t)(int64_t)status } };
	libsys_pg_call(&m);
	for (;;) /* the pager refused: at least stop this thread */
		sys_thread_exit();
}

int pgreq_getpid(uint32_t *ppid)
{
	struct sys_msg m = { .label = PG_GETPID };
	int e = libsys_pg_call(&m);
	if (e == E_OK && ppid)
		*ppid = (uint32_t)m.w[1];
	return e == E_OK ? (int)m.w[0] : -e;
}

int mmap_anon(size_t size, void **addr)
{
	struct sys_msg m = { .label = PG_MMAP_ANON, .w = { size } };
	int e = libsys_pg_call(&m);
	if (e == E_OK)
		*addr = (void *)m.w[0];
	return e;
}

int pgreq_munmap(void *addr, size_t size)
{
	struct sys_msg m = { .label = PG_MUNMAP, .w = { (uint64_t)addr, size } };
	return libsys_pg_call(&m);
}

int mfree(void *addr)
{
	struct sys_msg m = { .label = PG_MFREE, .w = { (uint64_t)addr } };
	return libsys_pg_call(&m);
}

/* PG_THREAD_SPAWN: a thread at entry with stack, rdi = arg and FS base
 * tp, kept on cpu (-1: anywhere); its IPC buffer's address in *ipc_buf. */
static int spawn_req(int cpu, uint64_t entry, uint64_t stack, uint64_t arg, uint64_t tp,
		     uint64_t *ipc_buf, uint64_t flags, unsigned *slot, uint64_t *ktid)
{
	struct sys_msg m = { .label = PG_THREAD_SPAWN,
			     .w = { entry, stack, arg, (uint64_t)(cpu + 1) | tp << 8 | flags } };
	int e = libsys_pg_call(&m);
	if (e == E_OK && ipc_buf)
		*ipc_buf = m.w[1];
	if (e == E_OK && slot)
		*slot = (unsigned)m.w[0];
	if (e == E_OK && ktid)
		*ktid = m.w[2];
	return e;
}

/* Threads of thread_spawn share the main thread's TCB (libsys_tls: NULL). */
int thread_spawn_on(int cpu, uint64_t entry, uint64_t stack, uint64_t arg,
		    uint64_t *ipc_buf)
{
	return spawn_req(cpu, entry, stack, arg, libsys_main_tp, ipc_buf, 0, NULL, NULL);
}

/* What a thread started by thread_start finds at the top of its stack. */
struct thread_block {
	void (*fn)(void *);
	void *arg;
	uint64_t stack; /* its region (mmap_anon: the stack unless the caller
			 * gave one, the TLS block, the save area), freed at the end */
	struct libsys_tls *tls; /* its slot (libsys_tls) */
	uint64_t mask;          /* its creator's blocked set */
	uint32_t ipc_set;       /* 1 once tls->ipc is set: the thread waits for it */
};

_Noreturn void libsys_thread_main(struct thread_block *b);
__asm__(".text\n"
	".globl libsys_thread_entry\n"
	"libsys_thread_entry:\n"
	"	xor %ebp, %ebp\n"
	"	and $-16, %rsp\n"
	"	call libsys_thread_main\n"
	"	ud2\n");
extern char libsys_thread_entry[];

/* Free the region stack (PG_MFREE) and end this thread, running on that
 * very stack: after the call nothing may touch it, so every system call
 * is made from registers alone (musl's __unmapself does the same).  If
 * word is not NULL, val is stored there and the word woken between the
 * two: whoever waits for it (pthread_join) may free or reuse the stack,
 * even one the caller gave (pthread_attr_setstack), as soon as it sees
 * val.  If the pager refuses, the thread ends all the same. */
static _Noreturn void free_stack_and_exit(uint64_t pager, uint64_t stack,
					  volatile unsigned *word, unsigned val)
{
	register uint64_t w1 __asm__("r10") = 0;
	register uint64_t w2 __asm__("r8") = 0;
	register uint64_t w3 __asm__("r9") = 0;
	register uint64_t at __asm__("r12") = (uint64_t)(uintptr_t)word; /* kept */
	register uint64_t v __asm__("r13") = val;                       /* by calls */
	__asm__ volatile("syscall\n"
			 "	test %%r12, %%r12\n"
			 "	jz 1f\n"
			 "	movl %%r13d, (%%r12)\n"
			 "	mov %[wake], %%eax\n"
			 "	mov %%r12, %%rdi\n"
			 "	mov $0x7fffffff, %%esi\n"
			 "	syscall\n"
			 "1:	mov %[exit], %%eax\n"
			 "	syscall\n"
			 "	jmp 1b\n"
			 :
			 : "a"((uint64_t)SYSNR_call), "D"(pager), "S"((uint64_t)PG_MFREE),
			   "d"(stack), "r"(w1), "r"(w2), "r"(w3), "r"(at), "r"(v),
			   [exit] "i"(SYSNR_thread_exit), [wake] "i"(SYSNR_futex_wake)
			 : "rcx", "r11", "memory");
	__builtin_unreachable();
}

/* Each thread thread_start made: its stack's bounds and what is its own
 * (errno, pthread_self); its TCB points at it (libsys_tls, tls.c).  A
 * slot is claimed before the thread starts and freed when its function
 * returns. */
static struct libsys_tls tls[PG_MAX_THREADS];
static unsigned tls_hint; /* where the next claim starts looking */

static struct libsys_tls *tls_claim(uint64_t lo, uint64_t hi)
{
	unsigned start = __atomic_load_n(&tls_hint, __ATOMIC_RELAXED);
	for (unsigned k = 0; k < PG_MAX_THREADS; k++) {
		unsigned i = (start + k) % PG_MAX_THREADS;
		if (!__atomic_exchange_n(&tls[i].used, 1, __ATOMIC_ACQUIRE)) {
			tls[i].lo = lo;
			tls[i].hi = hi;
			tls[i].err = 0;
			tls[i].self = NULL;
			tls[i].ipc = 0;
			tls[i].sig_eintr = 0;
			tls[i].end_word = NULL;
			__atomic_store_n(&tls_hint, (i + 1) % PG_MAX_THREADS, __ATOMIC_RELAXED);
			return &tls[i];
		}
	}
	return NULL; /* never: threads are fewer than slots */
}

static void tls_free(struct libsys_tls *t)
{
	if (t)
		__atomic_store_n(&t->used, 0, __ATOMIC_RELEASE);
}

void *libsys_ipc_buf(void)
{
	struct libsys_tls *t = libsys_tls();
	if (!t)
		return sys_ipc_buf;
	/* A new thread learns its buffer from its creator, after
	 * PG_THREAD_SPAWN; a signal handler may run in it before that, and
	 * must not take the main thread's, which the main thread may be
	 * using (hunt_sig_ipc_new_thread): wait for it (the creator stores
	 * it as soon as its request returns). */
	while (!__atomic_load_n(&t->ipc, __ATOMIC_ACQUIRE))
		sys_yield();
	return (void *)t->ipc;
}

/* An ending thread takes no signal any more (libsys.h): after tls_free a
 * handler would take it for the main thread (libsys_tls: the main
 * thread's IPC buffer), and after PG_MFREE of its stack there is nowhere
 * to write the frame (the kernel then ends the whole process by SIGSEGV:
 * hunt_signal_storm).  What was sent to the process and is pending here
 * goes back to the process (the kernel's sigmask gives it back, and the
 * pager offers it to the other threads: PG_SIG_OFFER), so another thread
 * takes it once; what comes later finds this thread blocking it. */
void libsys_signals_off(void)
{
	struct sys_regs r;
	if (sys_sigmask_r(ABI_SIG_SETMASK, ~0ull, 0, &r) == E_OK && r.rdx)
		libsys_sig_offer(r.rdx); /* given back to the process: offered now */
}

void libsys_thread_main(struct thread_block *b)
{
	/* started with every signal blocked (PG_SIGS_OFF): now its creator's
	 * set, as Linux's new thread has from its first instruction */
	libsys_sigmask_set(b->mask);
	while (!__atomic_load_n(&b->ipc_set, __ATOMIC_ACQUIRE)) /* its IPC buffer known */
		sys_futex_wait((uint64_t)&b->ipc_set, 0, FUTEX_FOREVER);
	b->fn(b->arg);
	libsys_signals_off();
	volatile unsigned *word = b->tls ? b->tls->end_word : NULL;
	unsigned val = b->tls ? b->tls->end_val : 0;
	tls_free(b->tls);
	free_stack_and_exit(sys_pager, b->stack, word, val);
}

int thread_spawn(uint64_t entry, uint64_t stack, uint64_t arg, uint64_t *ipc_buf)
{
	return thread_spawn_on(-1, entry, stack, arg, ipc_buf);
}

int libsys_thread_start(int cpu, void (*fn)(void *), void *arg, size_t stack_size,
			void *ustack)
{
	void *area;
	size_t own = ustack ? 0 : stack_size; /* the stack in the area, or none */
	size_t tls_size = libsys_tls_size(); /* the TLS block sits above the stack */
	int e = mmap_anon(own + tls_size + IPC_BUF_MAX, &area); /* and then the */
	if (e)                          /* signal entry's save area (sig_save) */
		return e;
	uint64_t lo = ustack ? (uint64_t)ustack : (uint64_t)area, hi = lo + stack_size;
	uint64_t top = (uint64_t)area + own + tls_size;
	struct thread_block *b = (struct thread_block *)((top - sizeof *b) & ~15ull);
	b->fn = fn;
	b->arg = arg;
	b->stack = (uint64_t)area;
	b->tls = tls_claim(lo, hi);
	if (b->tls) {
		b->tls->sig_depth = 0;
		b->tls->sig_save = (void *)top;
	}
	b->mask = libsys_sigmask_get();
	b->ipc_set = 0;
	uint64_t tp = libsys_tls_build((char *)area + own, b->tls);
	uint64_t ipc = 0;
	unsigned slot = 0;
	uint64_t ktid = 0;
	e = spawn_req(cpu, (uint64_t)libsys_thread_entry, hi & ~15ull, (uint64_t)b, tp, &ipc,
		      PG_SIGS_OFF, &slot, &ktid);
	if (e) {
		tls_free(b->tls);
		mfree(area);
		return e;
	}
	if (b->tls) {
		b->tls->ipc = ipc;
		b->tls->ktid = ktid;
		b->tls->slot = slot + 1;
	}
	__atomic_store_n(&b->ipc_set, 1, __ATOMIC_RELEASE);
	sys_futex_wake((uint64_t)&b->ipc_set, 1); /* (b may be gone: no matter) */
	return e;
}

int thread_start_on(int cpu, void (*fn)(void *), void *arg, size_t stack_size)
{
	return libsys_thread_start(cpu, fn, arg, stack_size, NULL);
}

int thread_start(void (*fn)(void *), void *arg, size_t stack_size)
{
	return thread_start_on(-1, fn, arg, stack_size);
}

/* Append s and its NUL at buf[*len]; false if it does not fit. */
static int put_arg(char *buf, size_t *len, const char *s)
{
	size_t n = strlen(s) + 1;
	if (*len + n > PG_SPAWN_MAX)
		return 0;
	memcpy(buf + *len, s, n);
	*len += n;
	return 1;
}

int spawnv(const char *const argv[], uint32_t *pid)
{
	char *buf = libsys_ipc_buf();
	size_t len = 0;
	int n = 0;
	for (; argv[n]; n++)
		if (n == PG_MAX_ARGS || !put_arg(buf, &len, argv[n]))
			return E_INVAL;
	if (n == 0)
		return E_INVAL;
	struct sys_msg m = { .label = IPC_LABEL(PG_SPAWN, len) };
	int e = libsys_pg_call(&m);
	if (e == E_OK)
		*pid = (uint32_t)m.w[0];
	return e;
}

int spawn(const char *name, const char *arg, uint32_t *pid)
{
	const char *argv[] = { name, arg, NULL };
	return spawnv(argv, pid);
}

/* PG_WAIT's answer m into *st (if st). */
static void wait_status_of(const struct sys_msg *m, struct wait_status *st)
{
	if (!st)
		return;
	st->pid = (uint32_t)(m->w[0] >> 32);
	st->how = (int)(uint32_t)m->w[0];
	st->code = m->w[1];
	st->addr = m->w[2];
	st->rip = m->w[3];
}

int wait_poll(uint32_t pid, struct wait_status *st)
{
	return wait_flags(pid, 0, st);
}

int wait_flags(uint32_t pid, uint64_t flags, struct wait_status *st)
{
	if (flags & PG_WAIT_BLOCK)
		return pgreq_wait_flags(pid, flags, st);
	struct sys_msg m = { .label = PG_WAIT, .w = { pid, flags } };
	int e = libsys_pg_call(&m);
	if (e == E_OK)
		wait_status_of(&m, st);
	return e;
}

int pgreq_waitpid(uint32_t pid, struct wait_status *st)
{
	return pgreq_wait_flags(pid, PG_WAIT_BLOCK, st);
}

/* The pager answers when the child ends (or stops or continues, as flags
 * ask); it says E_AGAIN only when it cannot keep the call (another thread
 * of ours waits already), and then we ask again. */
int pgreq_wait_flags(uint32_t pid, uint64_t flags, struct wait_status *st)
{
	int e;
	struct sys_msg m;
	for (;;) {
		m = (struct sys_msg){ .label = PG_WAIT, .w = { pid, flags | PG_WAIT_BLOCK } };
		if ((e = libsys_pg_call(&m)) != E_AGAIN)
			break;
		sys_sleep_ms(1);
	}
	if (e == E_OK)
		wait_status_of(&m, st);
	return e;
}

int shared_ep(uint64_t key, uint32_t *handle)
{
	struct sys_msg m = { .label = PG_SHARED_EP, .w = { key } };
	int e = libsys_pg_call(&m);
	if (e == E_OK)
		*handle = (uint32_t)m.w[0];
	return e;
}

/* fork's saved context: what the child resumes from (struct layout is
 * fixed by the assembly below). */
struct fork_ctx {
	uint64_t rip, rsp, rbx, rbp, r12, r13, r14, r15;
};

/* fork_save: like setjmp, returns 0 now and 1 when the child resumes.
 * fork_resume: the child's first instruction; rdi = the saved context. */
__attribute__((returns_twice)) int fork_save(struct fork_ctx *c);
__asm__(".text\n"
	".globl fork_save\n"
	"fork_save:\n"
	"	mov (%rsp), %rax\n"
	"	mov %rax, 0(%rdi)\n"
	"	lea 8(%rsp), %rax\n"
	"	mov %rax, 8(%rdi)\n"
	"	mov %rbx, 16(%rdi)\n"
	"	mov %rbp, 24(%rdi)\n"
	"	mov %r12, 32(%rdi)\n"
	"	mov %r13, 40(%rdi)\n"
	"	mov %r14, 48(%rdi)\n"
	"	mov %r15, 56(%rdi)\n"
	"	xor %eax, %eax\n"
	"	ret\n"
	".globl fork_resume\n"
	"fork_resume:\n"
	"	mov 16(%rdi), %rbx\n"
	"	mov 24(%rdi), %rbp\n"
	"	mov 32(%rdi), %r12\n"
	"	mov 40(%rdi), %r13\n"
	"	mov 48(%rdi), %r14\n"
	"	mov 56(%rdi), %r15\n"
	"	mov 8(%rdi), %rsp\n"
	"	mov $1, %eax\n"
	"	jmp *0(%rdi)\n");
extern char fork_resume[];

/* In a fork child, before anything else: its one thread is the pager's
 * thread 0, with the main thread's IPC buffer (sys_ipc_buf), whichever
 * thread forked.  A thread other than the main one that forked left its
 * own slot's buffer address (a page of the parent's, not mapped in the
 * child: its first call with data was a SIGSEGV) and its pager index
 * (pthread_kill's target) in its TCB's entry: make them the child's. */
static void forked_thread(void)
{
	struct libsys_tls *t = libsys_tls();
	if (!t)
		return; /* the main thread: it has them already */
	__atomic_store_n(&t->ipc, (uint64_t)sys_ipc_buf, __ATOMIC_RELEASE);
	t->slot = 1;
	t->ktid = 0; /* unknown: not checked */
	libsys_pthread_forked();
}

int pgreq_fork(void)
{
	struct fork_ctx ctx;
	uint64_t rsp;
	libsys_heap_lock(); /* no other thread's half-done malloc in the copy */
	if (fork_save(&ctx)) {
		forked_thread();
		libsys_heap_unlock();
		return 0; /* the child, on its copy of this stack */
	}
	__asm__ volatile("mov %%rsp, %0" : "=r"(rsp));
	/* the child's thread has our FS base from its first instruction: our
	 * TCB, copied, names our slot in its copy of the table */
	struct sys_msg m = { .label = PG_FORK,
			     .w = { (uint64_t)fork_resume, (rsp - 128) & ~15ull,
				    (uint64_t)&ctx, libsys_tls_tp() | PG_SIGS_OFF } };
	int e = libsys_pg_call(&m);
	libsys_heap_unlock();
	return e ? -e : (int)m.w[0];
}

int pgreq_kill(uint32_t pid)
{
	return pgreq_kill_sig(pid, 0);
}

long pgreq_end_job(uint32_t job)
{
	struct sys_msg m = { .label = PG_PGID, .w = { PG_PGID_ENDJOB, job } };
	int e = libsys_pg_call(&m);
	return e ? -e : (long)m.w[0];
}

int pgreq_kill_sig(int64_t pid, int sig)
{
	struct sys_msg m = { .label = PG_KILL, .w = { (uint64_t)pid, (uint64_t)sig } };
	return libsys_pg_call(&m);
}

int oom_score_adj_set(int value, int *old)
{
	struct sys_msg m = { .label = PG_OOM_ADJ, .w = { (uint64_t)(int64_t)value, 1 } };
	int e = libsys_pg_call(&m);
	if (e == E_OK && old)
		*old = (int)(int64_t)m.w[0];
	return e;
}

int oom_score_adj_get(int *value)
{
	struct sys_msg m = { .label = PG_OOM_ADJ };
	int e = libsys_pg_call(&m);
	if (e == E_OK)
		*value = (int)(int64_t)m.w[0];
	return e;
}

int pgreq_mprotect(void *addr, size_t size, unsigned rights)
{
	struct sys_msg m = { .label = PG_MPROTECT, .w = { (uint64_t)addr, size, rights } };
	return libsys_pg_call(&m);
}

int pgreq_brk(uint64_t want, uint64_t *now)
{
	struct sys_msg m = { .label = PG_BRK, .w = { want } };
	int e = libsys_pg_call(&m);
	if (e == E_OK && now)
		*now = m.w[0];
	return e;
}

/* Call the pager with *m and copy the reply's buffer bytes (at most max)
 * to out; *len = bytes copied. */
static int pg_call_buf(struct sys_msg *m, void *out, size_t max, size_t *len)
{
	int e = libsys_pg_call(m);
	size_t n = IPC_LABEL_LEN(m->label);
	if (n > max)
		n = max;
	if (e == E_OK)
		memcpy(out, libsys_ipc_buf(), n);
	*len = e == E_OK ? n : 0;
	return e;
}

int pager_stats(struct pg_stats *st)
{
	struct sys_msg m = { .label = PG_STATS };
	size_t n;
	memset(st, 0, sizeof *st);
	return pg_call_buf(&m, st, sizeof *st, &n);
}

int pager_ps(uint32_t first, struct pg_procinfo *v, size_t max, size_t *n)
{
	struct sys_msg m = { .label = PG_PS, .w = { first } };
	size_t len;
	int e = pg_call_buf(&m, v, max * sizeof *v, &len);
	*n = len / sizeof *v;
	return e;
}

int libsys_pid_gone(int pid)
{
	struct pg_procinfo pi;
	size_t n = 0;
	if (pid <= 0)
		return 0;
	int e = pager_ps((uint32_t)pid, &pi, 1, &n);
	if (e != E_OK)
		return 0; /* (cannot tell: not gone) */
	return n != 1 || pi.pid != (uint32_t)pid || pi.state != PG_PROC_RUNNING;
}

int pager_pmap(uint32_t pid, struct pg_region_info *v, size_t max, size_t *n)
{
	return pager_pmap_from(pid, 0, v, max, n);
}

int pager_pmap_from(uint32_t pid, uint64_t from, struct pg_region_info *v,
		    size_t max, size_t *n)
{
	struct sys_msg m = { .label = PG_PMAP, .w = { pid, from } };
	size_t len;
	int e = pg_call_buf(&m, v, max * sizeof *v, &len);
	*n = len / sizeof *v;
	return e;
}

int sleep_ms(unsigned ms)
{
	return sys_sleep_ms(ms);
}

/* What the kernel's sysinfo says that never changes after boot: the
 * clock rate, the RTC reading at boot and the CPU count, read once.  The
 * first caller to claim the read (state 0 -> 1) reads into one static
 * buffer, then publishes (2); any caller meanwhile (another thread, a
 * handler of the reader, a fork child of a reader) reads into a buffer
 * on its own stack and keeps nothing.  (One shared buffer every caller
 * cleared first let a thread take the clock rate as 0 while another was
 * filling it: clock_gettime failed and usleep slept for ever.)  False if
 * the call failed. */
static struct {
	uint64_t hz, epoch, tsc;
	unsigned ncpus;
} boot;
static int boot_state; /* 0 not read, 1 being read, 2 in `boot` */

/* sysinfo into si; its constants out; false if the call failed. */
static bool read_into(struct abi_sysinfo *si, uint64_t *hz, uint64_t *epoch, uint64_t *tsc,
		      unsigned *ncpus)
{
	memset(si, 0, sizeof *si);
	bool ok = sys_sysinfo((uint64_t)si, sizeof *si) == E_OK;
	*hz = si->tsc_hz, *epoch = si->rtc_epoch, *tsc = si->rtc_tsc, *ncpus = si->ncpus;
	return ok;
}

/* The rare case: another read is under way (noinline: the buffer takes
 * stack only here). */
static __attribute__((noinline)) bool read_local(uint64_t *hz, uint64_t *epoch, uint64_t *tsc,
						 unsigned *ncpus)
{
	struct abi_sysinfo local;
	return read_into(&local, hz, epoch, tsc, ncpus);
}

static bool boot_read(uint64_t *hz, uint64_t *epoch, uint64_t *tsc, unsigned *ncpus)
{
	static struct abi_sysinfo once;
	int st = __atomic_load_n(&boot_state, __ATOMIC_ACQUIRE), zero = 0;
	if (st == 2) {
		*hz = boot.hz, *epoch = boot.epoch, *tsc = boot.tsc, *ncpus = boot.ncpus;
		return true;
	}
	if (st != 0 || !__atomic_compare_exchange_n(&boot_state, &zero, 1, false,
						    __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		return read_local(hz, epoch, tsc, ncpus);
	bool ok = read_into(&once, hz, epoch, tsc, ncpus);
	boot.hz = *hz, boot.epoch = *epoch, boot.tsc = *tsc, boot.ncpus = *ncpus;
	__atomic_store_n(&boot_state, ok ? 2 : 0, __ATOMIC_RELEASE);
	return ok;
}

uint64_t tsc_hz(void)
{
	uint64_t hz, epoch, tsc;
	unsigned n;
	return boot_read(&hz, &epoch, &tsc, &n) ? hz : 0;
}

void libsys_rtc(uint64_t *epoch, uint64_t *tsc)
{
	uint64_t hz;
	unsigned n;
	if (!boot_read(&hz, epoch, tsc, &n))
		*epoch = *tsc = 0;
}

unsigned cpu_count(void)
{
	uint64_t hz, epoch, tsc;
	unsigned n;
	return boot_read(&hz, &epoch, &tsc, &n) && n ? n : 1;
}

int initrd_stat(unsigned index, char *name, size_t max, uint64_t *size)
{
	struct sys_msg m = { .label = PG_LIST, .w = { index } };
	size_t n;
	if (max == 0)
		return E_INVAL;
	int e = pg_call_buf(&m, name, max - 1, &n);
	name[e == E_OK ? n : 0] = 0;
	if (size)
		*size = e == E_OK ? m.w[0] : 0;
	return e;
}

int initrd_name(unsigned index, char *name, size_t max)
{
	return initrd_stat(index, name, max, NULL);
}

int machine_halt(int status)
{
	struct sys_msg m = { .label = PG_HALT, .w = { (uint64_t)status } };
	return libsys_pg_call(&m);
}

int machine_reboot(void)
{
	struct sys_msg m = { .label = PG_REBOOT };
	return libsys_pg_call(&m);
}
