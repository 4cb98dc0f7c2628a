/* The pager: a receive loop over dispatch tables keyed by message label
 * (the MINIX VM server's shape), run by a thread per CPU on one endpoint
 * (the kernel hands a message to the receiver on the sender's CPU first).
 * Requests (badge with PG_BADGE_CALL) go to requests[], fault messages
 * (badge = pid) to faults[], the kernel's thread-end notices (badge = pid)
 * to proc_thread_ended.  Page faults, and the requests that touch only the
 * caller's own regions and pages (BESIDE below), run side by side (pg.big
 * for reading, the process's lock); the rest one at a time (pg.big for
 * writing). */
#include "pager.h"
#include "cow.h"
#include "pool.h"
#include "hot.h"

PG_HOT_DATA struct pager pg;
static struct pg_thread threads[PAGER_THREADS_MAX];

/* lock.h's long waits: a futex of our space. */
static void lock_futex_wait(int *word, int val)
{
	sys_futex_wait((uint64_t)(uintptr_t)word, (uint32_t)val, FUTEX_FOREVER);
}

static void lock_futex_wake(int *word, int n)
{
	sys_futex_wake((uint64_t)(uintptr_t)word, (uint64_t)n);
}

struct pg_thread *pg_self(void)
{
	uint64_t sp;
	__asm__("mov %%rsp, %0" : "=r"(sp));
	return &threads[(PAGER_STACK_TOP - 1 - sp) / PAGER_STACK_STRIDE];
}

/* libsys's code asks for the calling thread's slot (libsys/tls_slot.c
 * reads it through the FS base): the pager's threads have none, and no FS
 * base either (the kernel loads none when it switches to them), so this
 * one replaces libsys's: every pager thread is libsys's "main thread". */
struct libsys_tls *libsys_tls(void);
struct libsys_tls *libsys_tls(void)
{
	return NULL;
}

/* used: only _start's assembly calls it (the Makefile builds the pager
 * with -flto, which would otherwise drop it) */
_Noreturn void pager_main(const struct abi_bootinfo *bi) __attribute__((used));

/* The kernel starts us with rdi = BOOTINFO_VA and a 16-byte aligned rsp. */
__asm__(".section .text.start, \"ax\", @progbits\n"
	".globl _start\n"
	"_start:\n"
	"	xor %ebp, %ebp\n"
	"	and $-16, %rsp\n"
	"	call pager_main\n"
	"	ud2\n"
	".previous\n");

/* How a request is served: BESIDE faults and other such requests (it
 * touches only the caller's own regions and pages, and what spaces share
 * under demand.c's share lock; it may still answer PG_ALONE, before it
 * changes anything, to be run again alone), or ALONE (it creates, ends or
 * looks into other processes, or touches KSM's or the OOM state). */
enum { ALONE, BESIDE };

static const struct {
	const char *name;
	pg_handler fn;
	bool beside;
} requests[PG_COUNT] = {
	[PG_EXIT]         = { "exit",         do_exit,       ALONE },
	[PG_GETPID]       = { "getpid",       do_getpid,     BESIDE },
	[PG_MMAP_ANON]    = { "mmap_anon",    do_mmap_anon,  BESIDE },
	[PG_MUNMAP]       = { "munmap",       do_munmap,     BESIDE },
	[PG_MFREE]        = { "mfree",        do_mfree,      BESIDE },
	[PG_THREAD_SPAWN] = { "thread_spawn", do_thread_spawn, ALONE },
	[PG_SPAWN]        = { "spawn",        do_spawn,      ALONE },
	[PG_WAIT]         = { "wait",         do_wait,       ALONE },
	[PG_SHARED_EP]    = { "shared_ep",    do_shared_ep,  ALONE },
	[PG_FORK]         = { "fork",         do_fork,       ALONE },
	[PG_KILL]         = { "kill",         do_kill,       ALONE },
	[PG_MPROTECT]     = { "mprotect",     do_mprotect,   BESIDE },
	[PG_BRK]          = { "brk",          do_brk,        BESIDE },
	[PG_STATS]        = { "stats",        do_stats,      BESIDE },
	[PG_PS]           = { "ps",           do_ps,         ALONE },
	[PG_PMAP]         = { "pmap",         do_pmap,       BESIDE },
	[PG_LIST]         = { "list",         do_list,       BESIDE },
	[PG_HALT]         = { "halt",         do_halt,       ALONE },
	[PG_REBOOT]       = { "reboot",       do_reboot,     ALONE },
	[PG_OOM_ADJ]      = { "oom_adj",      do_oom_adj,    BESIDE },
	[PG_MADVISE]      = { "madvise",      do_madvise,    BESIDE },
	[PG_KSM_CTL]      = { "ksm_ctl",      do_ksm_ctl,    ALONE },
	[PG_KSM_STATS]    = { "ksm_stats",    do_ksm_stats,  ALONE },
	[PG_KSM_PROCESS]  = { "ksm_process",  do_ksm_process, ALONE },
	[PG_KSM_DOMAIN]   = { "ksm_domain",   do_ksm_domain, ALONE },
	[PG_KSM_SCAN]     = { "ksm_scan",     do_ksm_scan,   ALONE },
	[PG_MMAP]         = { "mmap",         do_mmap,       BESIDE },
	[PG_UNMAP]        = { "unmap",        do_unmap,      BESIDE },
	[PG_PROTECT]      = { "protect",      do_protect,    BESIDE },
	[PG_MINCORE]      = { "mincore",      do_mincore,    BESIDE },
	[PG_PAGEINFO]     = { "pageinfo",     do_pageinfo,   BESIDE },
	[PG_FREAD]        = { "fread",        do_fread,      BESIDE },
	[PG_MREMAP]       = { "mremap",       do_mremap,     BESIDE },
	[PG_SIGACTION]    = { "sigaction",    do_sigaction,  ALONE },
	[PG_PIPE_NEW]     = { "pipe_new",     do_pipe_new,   BESIDE },
	[PG_PIPE_REF]     = { "pipe_ref",     do_pipe_ref,   BESIDE },
	[PG_PIPE_WRITE]   = { "pipe_write",   do_pipe_write, BESIDE },
	[PG_PIPE_READ]    = { "pipe_read",    do_pipe_read,  BESIDE },
	[PG_PIPE_CTL]     = { "pipe_ctl",     do_pipe_ctl,   BESIDE },
	[PG_SIG_ALARM]    = { "sig_alarm",    do_sig_alarm,  ALONE },
	[PG_TIMER]        = { "timer",        do_timer,      ALONE },
	[PG_SIGQUEUE]     = { "sigqueue",     do_sigqueue,   ALONE },
	[PG_PSH_OPEN]     = { "psh_open",     do_psh_open,   ALONE },
	[PG_PSH_UNLINK]   = { "psh_unlink",   do_psh_unlink, ALONE },
	[PG_PSH_SIZE]     = { "psh_size",     do_psh_size,   ALONE },
	[PG_SHM_GET]      = { "shm_get",      do_shm_get,    ALONE },
	[PG_SHM_AT]       = { "shm_at",       do_shm_at,     ALONE },
	[PG_SHM_DT]       = { "shm_dt",       do_shm_dt,     ALONE },
	[PG_SHM_CTL]      = { "shm_ctl",      do_shm_ctl,    ALONE },
	[PG_IO_CHECK]     = { "io_check",     do_io_check,   BESIDE },
	[PG_IO_POLL]      = { "io_poll",      do_io_poll,    BESIDE },
	[PG_IO_EXEC]      = { "io_exec",      do_io_exec,    ALONE },
	[PG_PGID]         = { "pgid",         do_pgid,       ALONE },
	[PG_PSH_STAT]     = { "psh_stat",     do_psh_stat,   ALONE },
	[PG_PSH_LIST]     = { "psh_list",     do_psh_list,   ALONE },
	[PG_PSH_RENAME]   = { "psh_rename",   do_psh_rename, ALONE },
	[PG_ROBUST]       = { "robust",       do_robust,     BESIDE },
	[PG_SHM_NOTE]     = { "shm_note",     do_shm_note,   ALONE },
	[PG_SIG_OFFER]    = { "sig_offer",    do_sig_offer,  ALONE },
};

static const pg_handler faults[] = {
	[FAULT_PAGE - FAULT_PAGE]  = fault_page,
	[FAULT_GP - FAULT_PAGE]    = fault_fatal,
	[FAULT_UD - FAULT_PAGE]    = fault_fatal,
	[FAULT_DE - FAULT_PAGE]    = fault_fatal,
	[FAULT_OTHER - FAULT_PAGE] = fault_fatal,
};

/* The live process that sent m, or NULL: gone, or m came from an image it
 * has since replaced by exec (a stale badge generation), which is served
 * as from a dead process. */
static struct proc *sender(const struct sys_msg *m)
{
	struct proc *p = proc_live(PG_BADGE_PID(m->badge));
	return p && p->exec_gen == PG_BADGE_GEN(m->badge) ? p : NULL;
}

/* Serve m, filling r, with pg.big held for writing. */
static long serve_alone(struct pg_thread *me, const struct sys_msg *m, struct sys_msg *r)
{
	uint32_t tag = IPC_LABEL_TAG(m->label);
	struct proc *p = sender(m);
	long label;
	*r = (struct sys_msg){ 0 };
	me->reply_len = 0; /* (again: after a PG_ALONE) */
	if (p && (m->badge & FAULT_BADGE_FILLS)) /* what the kernel filled first */
		dp_settle(&p->mem, 0, 0);
	if (m->badge & PG_BADGE_CALL) {
		if (!p)
			label = E_DEAD;
		else if (tag >= PG_COUNT || !requests[tag].fn)
			label = E_NOSYS;
		else
			label = requests[tag].fn(p, m, r);
		STAT_ADD(dp_stats.requests, 1);
	} else if (tag == FAULT_THREAD_END) {
		if (p) /* a send: our reply goes nowhere */
			proc_thread_ended(p, m->w[FAULT_MSG_TID], m->w[FAULT_END_SIGPENDING]);
		label = E_OK;
	} else if (tag == FAULT_SPACE_END) { /* the kernel's: no reply */
		proc_space_gone(m->badge, m->w[0]);
		label = E_OK;
	} else if (tag >= FAULT_PAGE && tag <= FAULT_OTHER) {
		label = p ? faults[tag - FAULT_PAGE](p, m, r) : FAULT_REPLY_KILL;
	} else {
		label = E_INVAL;
	}
	return label;
}

/* Serve m, a page fault or a BESIDE request (fn), beside other threads:
 * pg.big for reading, its process's lock; PG_ALONE if it must be served
 * alone after all (also when its process is gone: serve_alone answers). */
static long serve_beside(struct pg_thread *me, pg_handler fn, const struct sys_msg *m,
			 struct sys_msg *r)
{
	unsigned slot = (unsigned)(me - threads);
	br_read(&pg.big, slot);
	struct proc *p = sender(m);
	long label = PG_ALONE;
	if (p) {
		lock_take(&p->lock);
		/* what the kernel filled first (a fault settles its own page) */
		if ((m->badge & FAULT_BADGE_FILLS) && fn != fault_page)
			dp_settle(&p->mem, 0, 0);
		if (fn != fault_page) /* it clears what it does not answer with */
			*r = (struct sys_msg){ 0 };
		me->reply_len = 0;
		label = fn(p, m, r);
		lock_give(&p->lock);
	}
	if (me->ngone)
		mem_flush();
	br_read_done(&pg.big, slot);
	if (label != PG_ALONE && (m->badge & PG_BADGE_CALL))
		STAT_ADD(dp_stats.requests, 1);
	return label;
}

/* The handler to run m beside other threads, or NULL: alone. */
static pg_handler beside(const struct sys_msg *m)
{
	uint32_t tag = IPC_LABEL_TAG(m->label);
	if (!(m->badge & PG_BADGE_CALL))
		return tag == FAULT_PAGE ? fault_page : NULL;
	return tag < PG_COUNT && requests[tag].beside ? requests[tag].fn : NULL;
}

/* Handle one message m, filling the reply r; false if the call was saved
 * to be answered later (PG_DEFERRED): then there is no reply now. */
static bool dispatch(struct pg_thread *me, const struct sys_msg *m, struct sys_msg *r)
{
	long label = PG_ALONE;
	pg_handler fn = beside(m);
	me->reply_len = 0;
	if (fn)
		label = serve_beside(me, fn, m, r);
	if (label == PG_ALONE) {
		br_write(&pg.big);
		me->alone = true;
		label = serve_alone(me, m, r);
		proc_sweep(); /* the processes it ended are let go of now */
		me->alone = false;
		if (me->ngone)
			mem_flush();
		br_write_done(&pg.big);
	}
	if (me->doomed) /* what its alone part let go */
		pager_destroy_doomed();
	r->label = IPC_LABEL((uint32_t)label, me->reply_len);
	return label != PG_DEFERRED;
}

void pager_destroy_doomed(void)
{
	struct pg_thread *me = pg_self();
	unsigned slot = (unsigned)(me - threads);
	struct doomed *done = NULL;
	br_read(&pg.big, slot);
	while (me->doomed) {
		struct doomed *d = me->doomed;
		if (!dp_destroy_step(&d->mem)) {
			/* a leaf's pages (at most 128) at a time: a writer that
			 * waits (holding new faults back) gets in between */
			if (__atomic_load_n(&pg.big.wr, __ATOMIC_RELAXED) ||
			    __atomic_load_n(&pg.big.writers, __ATOMIC_RELAXED)) {
				if (me->ngone)
					mem_flush();
				br_read_done(&pg.big, slot);
				br_read(&pg.big, slot);
			}
			continue;
		}
		me->doomed = d->next;
		d->next = done;
		done = d;
	}
	if (me->ngone)
		mem_flush();
	br_read_done(&pg.big, slot);
	bool tell = false;
	for (struct doomed *d = done; d; d = d->next)
		tell |= __atomic_load_n(&d->owner, __ATOMIC_RELAXED) != NULL;
	if (tell) {
		br_write(&pg.big);
		me->alone = true;
	}
	while (done) {
		struct doomed *d = done;
		done = d->next;
		proc_doomed_done(d);
	}
	if (tell) {
		proc_sweep();
		me->alone = false;
		br_write_done(&pg.big);
	}
	if (me->ngone) /* (a pool page the records' pool let go) */
		mem_flush();
}

/* Only while no reply is owed (ksmd.c's scan batch runs with ksmd's call
 * saved by reply_save): a call taken here is the one this thread's next
 * reply answers. */
bool pager_poll(bool let_in)
{
	struct pg_thread *me = pg_self();
	if (let_in)
		br_write_yield(&pg.big); /* the faults waiting come in */
	if (!me->have_early && ipc_poll(pg.ep, &me->early) == E_OK)
		me->have_early = true;
	return me->have_early;
}

/* The message pager_poll took (NULL if none): to be served next. */
const struct sys_msg *pager_polled(void)
{
	struct pg_thread *me = pg_self();
	return me->have_early ? &me->early : NULL;
}

/* Receive (or take the message pager_poll took), dispatch, answer with
 * one reply_recv; forever. */
static PG_HOT _Noreturn void serve(struct pg_thread *me)
{
	struct sys_msg in, out;
	bool replying = false;
	int errors = 0;
	for (;;) {
		int e = E_OK;
		if (me->have_early)
			in = me->early, me->have_early = false;
		else
			e = replying ? ipc_reply_recv(pg.ep, &out, &in) : ipc_recv(pg.ep, &in);
		if (e) {
			printf("pager: receive: %s\n", err_str(e));
			replying = false;
			if (++errors == 100) {
				printf("pager: giving up\n");
				sys_halt(1);
			}
			continue;
		}
		errors = 0;
		replying = dispatch(me, &in, &out);
	}
}

/* Entry from _start: set up, start the run the command line asks for,
 * serve requests and faults. */
void pager_main(const struct abi_bootinfo *bi)
{
	struct pg_thread *me = pg_self();
	me->ipc_buf = (void *)PAGER_IPC_BUF_OF(me - threads);
	if (me != threads) { /* thread 0 sets up; the others then serve */
		while (!__atomic_load_n(&pg.up, __ATOMIC_ACQUIRE))
			sys_sleep_ms(1);
		if ((unsigned)(me - threads) == bi->ncpus)
			sig_timer_main(); /* the one after the per-CPU threads */
		serve(me);
	}
	struct sys_regs r;
	pg.boot = bi;
	lock_sleep = lock_futex_wait;
	lock_wake = lock_futex_wake;
	if (bi->magic != BOOTINFO_MAGIC) {
		printf("pager: bad boot information\n");
		sys_halt(1);
	}
	int e = sys_endpoint_create_r(&r);
	if (e) {
		printf("pager: endpoint_create: %s\n", err_str(e));
		sys_halt(1);
	}
	pg.ep = (uint32_t)r.rdi;
	dp_stats.tmpfs_limit = bi->total_frames / 2; /* as Linux's tmpfs */
	pool_grow = mem_pool_page; /* node pools grow and shrink with what */
	pool_shrink = mem_pool_free; /* processes map */
	pg.initrd = (const void *)bi->initrd_va;
	pg.initrd_size = bi->initrd_size;
	e = cow_init(bi->pfn_limit, mem_pool_page);
	if (e == E_OK)
		e = mem_init();
	if (e) {
		printf("pager: no COW table or zero frame: %s\n", err_str(e));
		sys_halt(1);
	}
	printf("pager: up on %u CPUs, %lu of %lu frames free, initrd %lu bytes\n",
	       bi->ncpus, bi->free_frames, bi->total_frames, bi->initrd_size);
	br_init(&pg.big, bi->ncpus + 1); /* the per-CPU threads and the alarm thread */
	ksmd_init();
	runner_start();
	__atomic_store_n(&pg.up, true, __ATOMIC_RELEASE);
	serve(me);
}
