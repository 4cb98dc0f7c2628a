/* Processes: spawn (load an initrd program eagerly, lazy stack, startup
 * page, first thread), end (destroy threads, space, frames), and the
 * process requests of abi/pager.h. */
#include "lib/elf.h"
#include "pager.h"
#include "abi/signal.h"
#include "hot.h"

#define PPID_NONE 0xFFFFFFFFu /* no parent, not the runner's */

#include "pool.h"

static uint32_t next_pid = 1;

/* The slot table: slot i is slot_page[i / PROC_SLOTS_PAGE]'s entry, NULL
 * while free; page 0 is ours, the others come from mem_pool_page when
 * first needed (generation in slot_gen) and go back once no slot in them
 * is in use (proc_sweep): a storm of processes leaves no frame behind.
 * slot_top: no slot at or above it is in use. */
static struct proc *slots0[PROC_SLOTS_PAGE];
static struct proc **slot_page[PROC_LIMIT / PROC_SLOTS_PAGE] = { slots0 };
static uint64_t slot_gen[PROC_LIMIT / PROC_SLOTS_PAGE];
static uint32_t slot_top;
static uint32_t unswept; /* processes made FREE since the last proc_sweep */

/* The processes' nodes, and the thread chunks past chunk 0. */
#define PROC_POOL 8
static struct proc proc_mem[PROC_POOL];
/* grown pool pages hold one process at least (with the page's head) */
_Static_assert(sizeof(struct proc) <= POOL_PAGE - 128, "struct proc fits a pool page");
static struct pool proc_pool, thr_pool, doomed_pool;
static struct doomed doomed_mem[8]; /* the pool's own: exits seldom grow it */
static int dooming; /* doomed records not yet destroyed */

/* The processes by pid: chain pid_hash[pid % PID_HASH] (written alone,
 * read under pg.big like the rest: every fault finds its process here). */
#define PID_HASH 1024
static struct proc *pid_hash[PID_HASH];

/* A shared endpoint (PG_SHARED_EP): our handle, its key and its maker. */
#define SHARED_MAX 16
static struct { uint32_t ep, maker; uint64_t key; } shared[SHARED_MAX];

/* The live process pid, or NULL. */
PG_HOT struct proc *proc_live(uint32_t pid)
{
	for (struct proc *q = pid_hash[pid % PID_HASH]; q; q = q->hash_next)
		if (q->pid == pid)
			return q->state == PROC_LIVE ? q : NULL;
	return NULL;
}

struct proc *proc_known(uint32_t pid)
{
	for (struct proc *q = pid_hash[pid % PID_HASH]; q; q = q->hash_next)
		if (q->pid == pid)
			return q->state == PROC_FREE ? NULL : q;
	return NULL;
}

int proc_slots(void)
{
	return (int)slot_top;
}

/* Slot i of the process table (0 <= i < proc_slots()), NULL if free. */
struct proc *proc_slot(int i)
{
	struct proc **pg = slot_page[(unsigned)i / PROC_SLOTS_PAGE];
	return pg ? pg[(unsigned)i % PROC_SLOTS_PAGE] : NULL;
}

/* A free slot (its page made if need be): its index, or -1 if none. */
static int slot_find(void)
{
	for (uint32_t i = 0; i < PROC_LIMIT; i += PROC_SLOTS_PAGE) {
		struct proc ***pg = &slot_page[i / PROC_SLOTS_PAGE];
		if (!*pg && (*pg = mem_pool_page(&slot_gen[i / PROC_SLOTS_PAGE])) != NULL)
			memset(*pg, 0, PAGE_SIZE);
		if (!*pg)
			return -1;
		for (uint32_t j = 0; j < PROC_SLOTS_PAGE; j++)
			if (!(*pg)[j])
				return (int)(i + j);
	}
	return -1;
}

/* Make p FREE: it is no longer found, and its memory goes at the next
 * proc_sweep. */
static void proc_forget(struct proc *p)
{
	if (p->state != PROC_FREE)
		unswept++;
	p->state = PROC_FREE;
	if (p->doom) /* nobody to tell any more */
		__atomic_store_n(&p->doom->owner, NULL, __ATOMIC_RELAXED);
	p->doom = NULL;
}

/* Take p out of the pid hash. */
static void hash_remove(struct proc *p)
{
	struct proc **at = &pid_hash[p->pid % PID_HASH];
	while (*at && *at != p)
		at = &(*at)->hash_next;
	if (*at)
		*at = p->hash_next;
}

void proc_sweep(void)
{
	if (!unswept)
		return;
	unswept = 0;
	uint32_t top = 0;
	for (uint32_t i = 0; i < slot_top; i++) {
		struct proc *p = proc_slot((int)i);
		if (p && p->state == PROC_FREE) {
			hash_remove(p);
			slot_page[i / PROC_SLOTS_PAGE][i % PROC_SLOTS_PAGE] = NULL;
			pool_put(&proc_pool, p);
		} else if (p) {
			top = i + 1;
		}
	}
	slot_top = top;
	for (uint32_t k = top > PROC_SLOTS_PAGE ? (top + PROC_SLOTS_PAGE - 1) / PROC_SLOTS_PAGE : 1;
	     k < PROC_LIMIT / PROC_SLOTS_PAGE && slot_page[k]; k++) {
		mem_pool_free(slot_page[k], slot_gen[k]); /* every slot in it free */
		slot_page[k] = NULL;
	}
}

/* Register segment s of the program file at img as a lazy region of p,
 * filled from the file on first touch. */
static int load_segment(struct proc *p, const uint8_t *img,
			const struct elf_segment *s)
{
	uint64_t start = s->vaddr & ~(PAGE_SIZE - 1);
	uint64_t end = (s->vaddr + s->memsz + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	struct region *r;
	int e = dp_register_lazy(&p->mem, start, end - start, s->flags, &backing_file, &r);
	if (e)
		return e;
	r->fdata = img + s->offset;
	r->fvaddr = s->vaddr;
	r->filesz = s->filesz;
	if (end + PAGE_SIZE > p->heap_start)
		p->heap_start = p->brk = end + PAGE_SIZE; /* a guard page before the heap */
	return E_OK;
}

/* Split the NUL-separated args[0..len) into the startup page st, whose
 * strings the child sees at PG_STARTUP_VA. */
static void fill_startup(struct proc *p, struct pg_startup *st, uint32_t pager,
			 const char *args, size_t len)
{
	st->magic = PG_STARTUP_MAGIC;
	st->pager = pager;
	st->pid = p->pid;
	st->ipc_buf = PG_IPC_BUF_BASE;
	memcpy(st->strings, args, len);
	uint64_t base = PG_STARTUP_VA + __builtin_offsetof(struct pg_startup, strings);
	for (size_t at = 0; at < len && st->argc < PG_MAX_ARGS; st->argc++) {
		st->argv[st->argc] = base + at;
		at += strlen(args + at) + 1;
	}
	st->argv[st->argc] = 0;
}

/* Give p its stack, IPC-buffer and startup-page regions and a startup page
 * (a copy of from, if not NULL); *st = the page's bytes in our window. */
static int add_fixed(struct proc *p, const struct pg_startup *from,
		     struct pg_startup **st)
{
	int e = dp_register_lazy(&p->mem, PG_STACK_TOP - PG_STACK_SIZE, PG_STACK_SIZE,
				 MAP_R | MAP_W, &backing_stack, NULL);
	if (from) /* fork: the stack came with the copy */
		e = e == E_BUSY ? E_OK : e;
	if (!e)
		e = dp_register_fixed(&p->mem, PG_IPC_BUF_BASE,
				      (uint64_t)PG_MAX_THREADS * PAGE_SIZE, 0);
	if (!e)
		e = dp_register_fixed(&p->mem, PG_STARTUP_VA, PAGE_SIZE, MAP_R);
	if (!e)
		e = mem_fixed_page(p, PG_STARTUP_VA, MAP_R, (void **)st);
	if (!e && from)
		memcpy(*st, from, sizeof *from);
	return e;
}

/* Grant p its pager handle into st->pager and start its first thread at
 * entry with stack, rdi = arg and FS base fs (0: none; below USER_END;
 * | THREAD_SIGS_OFF: every signal blocked, for a fork child). */
static int start_thread(struct proc *p, struct pg_startup *st, uint64_t entry,
			uint64_t stack, uint64_t arg, uint64_t fs)
{
	struct sys_regs r;
	int e = sys_handle_grant_r(p->space, pg.ep, RIGHT_SEND,
				   PG_BADGE(p->pid, p->exec_gen) | PG_BADGE_CALL, &r);
	if (e)
		return e;
	st->pager = (uint32_t)r.rdi;
	st->pid = p->pid;
	st->ipc_buf = PG_IPC_BUF_BASE;
	e = sys_thread_create_r(p->space, entry, stack, PG_IPC_BUF_BASE, arg,
				PRIO_DEFAULT | THREAD_FS(fs & ~THREAD_SIGS_OFF) | (fs & THREAD_SIGS_OFF), &r);
	if (!e) {
		*proc_thr(p, 0) = (uint32_t)r.rdi;
		*proc_thr_tid(p, 0) = r.rsi;
		*proc_thr_robust(p, 0) = 0;
		p->nthreads = 1;
	}
	return e;
}

/* Give p its regions beyond the image, its startup page, its pager handle
 * and its first thread at entry. */
static int start_process(struct proc *p, uint64_t entry, const char *args, size_t len)
{
	struct pg_startup *st;
	int e = add_fixed(p, NULL, &st);
	if (e)
		return e;
	fill_startup(p, st, 0, args, len);
	return start_thread(p, st, entry, PG_STACK_TOP, PG_STARTUP_VA, 0);
}

/* The pools, once. */
static void pools_init(void)
{
	static bool done;
	if (done)
		return;
	done = true;
	pool_init(&proc_pool, proc_mem, sizeof proc_mem[0], PROC_POOL);
	pool_init(&thr_pool, NULL, sizeof(struct thr_chunk), 0);
	pool_init(&doomed_pool, doomed_mem, sizeof doomed_mem[0],
		  sizeof doomed_mem / sizeof doomed_mem[0]);
}

/* A free slot made into a LIVE process with a new space, or NULL: E_AGAIN
 * when PROC_LIMIT are there, E_NOMEM (no memory for it), or the kernel's
 * error. */
static struct proc *proc_alloc(uint32_t ppid, const char *name, int *err)
{
	struct sys_regs r;
	pools_init();
	int slot = slot_find();
	*err = slot < 0 && slot_page[PROC_LIMIT / PROC_SLOTS_PAGE - 1] ? E_AGAIN : E_NOMEM;
	struct proc *p = slot < 0 ? NULL : pool_get(&proc_pool);
	if (!p)
		return NULL;
	p->pid = next_pid;
	*err = sys_space_create_r(pg.ep, PG_BADGE(p->pid, 0), &r);
	if (*err) {
		pool_put(&proc_pool, p);
		return NULL;
	}
	next_pid++;
	p->state = PROC_LIVE;
	p->slot = (uint32_t)slot;
	slot_page[slot / PROC_SLOTS_PAGE][slot % PROC_SLOTS_PAGE] = p;
	if ((uint32_t)slot >= slot_top)
		slot_top = (uint32_t)slot + 1;
	p->hash_next = pid_hash[p->pid % PID_HASH];
	pid_hash[p->pid % PID_HASH] = p;
	p->thr[0] = &p->thr0;
	p->nthr = PROC_THR_CHUNK;
	p->ppid = p->anc = ppid;
	p->job = p->pid;
	p->pgid = p->sid = p->pid; /* a group and session of its own; fork and
				    * spawn (but init's and the shell's) put
				    * the child in its parent's */
	struct proc *parent = proc_live(ppid);
	p->oom_adj = parent ? parent->oom_adj : 0; /* oom_score_adj is inherited */
	ksmd_proc_new(p, parent);
	p->space = (uint32_t)r.rdi;
	dp_space_init(&p->mem, p->space);
	STAT_ADD(dp_stats.processes, 1);
	fmt_snprintf(p->name, sizeof p->name, "%s", name);
	return p;
}

/* Start the initrd program args[0] with argv = the NUL-separated args
 * (len bytes, the last one NUL) as a child of ppid; *pid = its pid.
 * E_NOENT (no such program), E_NOEXEC, E_NOMEM, or a kernel error. */
int proc_spawn(uint32_t ppid, const char *args, size_t len, uint32_t *pid)
{
	struct initrd_file f;
	struct elf_image img;
	int e = initrd_find(pg.initrd, pg.initrd_size, args, &f);
	if (e)
		return e == E_NOENT ? E_NOENT : E_NOEXEC;
	if (elf_parse(f.data, f.size, PG_MMAP_BASE, &img))
		return E_NOEXEC;
	struct proc *p = proc_alloc(ppid, args, &e);
	if (!p)
		return e;
	struct proc *parent = proc_live(ppid);
	if (parent) /* the parent's session, and (posix_spawn's) its group; */
		p->sid = parent->sid; /* but what init and its shell start leads */
	if (parent && !parent->kept) { /* a group and job of its own, as a */
		p->pgid = parent->pgid; /* shell's job */
		p->job = parent->job;
	}
	for (unsigned i = 0; i < img.nsegs && !e; i++)
		e = load_segment(p, f.data, &img.seg[i]);
	if (!e)
		e = start_process(p, img.entry, args, len);
	if (e) {
		p->ppid = PPID_NONE; /* nobody waits for it */
		proc_end(p, PG_WAIT_KILLED, 0, 0, 0);
		return e;
	}
	*pid = p->pid;
	STAT_ADD(dp_stats.spawns, 1);
	return E_OK;
}

/* End every thread of p (the caller too, if it is one of them) and free
 * the slot chunks past the first. */
static void drop_threads(struct proc *p)
{
	for (unsigned i = 0; i < p->nthr; i++) {
		if (*proc_thr(p, i))
			sys_thread_destroy(*proc_thr(p, i));
		*proc_thr(p, i) = 0;
		*proc_thr_tid(p, i) = 0;
	}
	robust_proc_end(p); /* its threads are gone, its memory not yet */
	for (unsigned c = 1; c < p->nthr / PROC_THR_CHUNK; c++)
		pool_put(&thr_pool, p->thr[c]);
	p->nthr = PROC_THR_CHUNK;
	p->nthreads = 0;
}

static void wait_answer(struct proc *c, uint64_t w);

/* The regions and pages of ended p go (its space destroyed already):
 * handed to this thread as doomed memory (struct doomed), destroyed once
 * it lets pg.big go, so that a big process's end does not hold every
 * other CPU's faults back (a 16 MiB one took about 2 ms under TCG); at
 * once if there is no memory for the hand-over.  Its parent hears of its
 * end after (p->doom).  (An exec destroys the old image's at once: the
 * new one may need those frames.) */
static void let_memory_go(struct proc *p)
{
	struct doomed *d = pool_get(&doomed_pool);
	if (!d) {
		dp_destroy(&p->mem);
		return;
	}
	d->mem = p->mem;
	d->mem.space = 0;
	d->owner = p;
	p->doom = d;
	dp_space_init(&p->mem, p->space);
	p->mem.faults = d->mem.faults; /* its rusage (reaped, /proc) */
	struct pg_thread *me = pg_self();
	d->next = me->doomed;
	me->doomed = d;
	__atomic_fetch_add(&dooming, 1, __ATOMIC_RELAXED);
}

void proc_doomed_done(struct doomed *d)
{
	struct proc *p = d->owner;
	pool_put(&doomed_pool, d);
	__atomic_fetch_sub(&dooming, 1, __ATOMIC_RELAXED);
	if (!p)
		return;
	p->doom = NULL;
	if (p->ending)
		return; /* the space's notice answers (proc_space_gone) */
	mem_flush(); /* every frame back first (the record's pool page too) */
	wait_answer(p, sig_child_word(p)); /* (it may reap p) */
}

bool proc_dooming(void)
{
	return __atomic_load_n(&dooming, __ATOMIC_RELAXED) != 0;
}

/* Return everything p holds: threads, space, frames, shared endpoints.
 * thread_destroy and space_destroy also close our handles; the space goes
 * (with its mappings) once its last thread has, and then the kernel tells
 * us (FAULT_SPACE_END: proc_space_gone): p->ending until then; its
 * regions and pages go after (let_memory_go): p->doom until then. */
static void teardown(struct proc *p)
{
	drop_threads(p);
	shm_notes_end(p); /* its SEM_UNDO records marked, their waiters woken */
	if (p->wait_reply) /* its waiting thread is ended: nobody to answer */
		sys_handle_close(p->wait_reply);
	p->wait_reply = 0;
	p->ending = true; /* before: the notice may come at once */
	int e = sys_space_destroy(p->space);
	p->ending = e == E_OK;
	if (e)
		printf("pager: space_destroy pid %u: %s\n", p->pid, err_str(e));
	let_memory_go(p);
	ksmd_proc_gone(p);
	pipe_proc_gone(p); /* its pipe ends close: readers see EOF */
	for (int i = 0; i < SHARED_MAX; i++) {
		if (shared[i].ep && shared[i].maker == p->pid) {
			sys_handle_close(shared[i].ep);
			shared[i].ep = 0;
		}
	}
}

/* Zombie c is reaped by its parent p: p's children's counters get c's. */
static void reaped(struct proc *p, struct proc *c)
{
	p->cfaults += c->mem.faults + c->cfaults;
	p->ccpu_ns += c->cpu_ns + c->ccpu_ns;
	uint64_t peak = c->maxrss > c->cmaxrss ? c->maxrss : c->cmaxrss;
	if (peak > p->cmaxrss)
		p->cmaxrss = peak;
	proc_forget(c);
}

/* End p (how = PG_WAIT_*): all it holds goes.  Its live children go on
 * as orphans, given to init as on Linux (getppid() says init's pid; when
 * one ends nobody waits for it); its ended children are forgotten.  p
 * stays a zombie while its parent lives and waits for it (not if p is an
 * orphan); the parent hears of the end (SIGCHLD, its wait) once p's space
 * is gone with every frame it held (proc_space_gone), as Linux's exit
 * releases the memory before it notifies the parent; the runner hears of
 * ppid 0 at once.  What had p as its nearest live
 * ancestor (anc) has p's now: p's ancestors may still end it. */
void proc_end(struct proc *p, int how, uint64_t code, uint64_t addr, uint64_t rip)
{
	uint32_t init = runner_init_pid();
	for (int i = 0; i < proc_slots(); i++) {
		struct proc *c = proc_slot(i);
		if (c && c->anc == p->pid && c->state == PROC_LIVE)
			c->anc = p->anc;
		if (!c || c->ppid != p->pid || c->state == PROC_FREE)
			continue;
		if (c->state == PROC_ZOMBIE) {
			proc_forget(c);
		} else {
			c->ppid = p->pid == init ? PPID_NONE : init;
			c->orphan = true;
		}
	}
	p->maxrss = pagetab_peak(&p->mem.pages);
	teardown(p);
	STAT_ADD(dp_stats.exits, 1);
	STAT_SUB(dp_stats.processes, 1);
	p->status.how = how;
	p->status.code = code;
	p->status.addr = addr;
	p->status.rip = rip;
	struct proc *parent = p->orphan ? NULL : proc_live(p->ppid);
	p->state = PROC_ZOMBIE;
	if (!parent)
		proc_forget(p);
	else if (!p->ending && !p->doom) /* no notice will come */
		wait_answer(p, sig_child_word(p)); /* (it may reap p) */
	if (p->ppid == 0)
		runner_exited(p);
}

uint64_t proc_cpu_ns(const struct proc *p)
{
	struct sys_regs r;
	if (p->state != PROC_LIVE || !p->space || sys_cpu_time_r(p->space, &r) != E_OK)
		return p->cpu_ns;
	return p->cpu_ns + r.rsi;
}

void proc_space_gone(uint64_t badge, uint64_t cpu_ns)
{
	struct proc *c = proc_known(PG_BADGE_PID(badge));
	if (c && (c->state == PROC_LIVE || c->ending))
		c->cpu_ns += cpu_ns; /* an image exec replaced, or its last */
	if (!c || c->state != PROC_ZOMBIE || !c->ending || c->exec_gen != PG_BADGE_GEN(badge))
		return; /* an image exec replaced, or nobody waits for it */
	c->ending = false;
	if (!c->doom) /* else once its memory is destroyed (proc_doomed_done) */
		wait_answer(c, sig_child_word(c)); /* (it may reap c) */
}

bool proc_has_thread(struct proc *p, uint64_t tid)
{
	for (unsigned i = 0; i < p->nthr; i++)
		if (*proc_thr(p, i) && *proc_thr_tid(p, i) == tid)
			return true;
	return false;
}

/* FAULT_THREAD_END (abi/fault.h): the kernel says thread tid of p ends.
 * Its slot is given back (handle, IPC buffer page, index); with its last
 * thread p ends as if it had called exit(0), as a Linux process whose
 * threads all end with pthread_exit.  The signals still pending in it
 * (bit sig - 1) are sent to p again, for another thread, as Linux's
 * process-directed signals outlive the thread they were queued on.  A
 * thread we no longer know (we ended it ourselves meanwhile) changes
 * nothing. */
void proc_thread_ended(struct proc *p, uint64_t tid, uint64_t pending)
{
	unsigned i = 0;
	while (i < p->nthr && !(*proc_thr(p, i) && *proc_thr_tid(p, i) == tid))
		i++;
	if (i == p->nthr)
		return;
	sys_thread_destroy(*proc_thr(p, i)); /* closes our handle; it ends anyway */
	sys_unmap(p->space, PG_IPC_BUF_BASE + (uint64_t)i * PAGE_SIZE, 1);
	*proc_thr(p, i) = 0;
	*proc_thr_tid(p, i) = 0;
	*proc_thr_robust(p, i) = 0; /* libsys walked it (pthread_exit) */
	if (--p->nthreads == 0) {
		proc_end(p, PG_WAIT_EXITED, 0, 0, 0);
		return;
	}
	for (; pending && p->state == PROC_LIVE; pending &= pending - 1)
		sig_send(p, __builtin_ctzll(pending) + 1); /* may end p */
}

/* PG_EXIT: end the caller's process with status w0. */
long do_exit(struct proc *p, const struct sys_msg *m, struct sys_msg *r)
{
	(void)r;
	proc_end(p, PG_WAIT_EXITED, m->w[0], 0, 0);
	return E_OK; /* the caller is gone: the reply goes nowhere */
}

/* PG_GETPID: w0 = pid, w1 = parent pid. */
long do_getpid(struct proc *p, const struct sys_msg *m, struct sys_msg *r)
{
	(void)m;
	r->w[0] = p->pid;
	r->w[1] = p->ppid;
	return E_OK;
}

/* A free thread slot of p, a chunk grown if all are in use: its index;
 * -1 with *err = E_AGAIN (PG_MAX_THREADS in use) or E_NOMEM. */
static int thr_slot(struct proc *p, int *err)
{
	unsigned i = 0;
	if (p->nthreads < p->nthr) {
		while (*proc_thr(p, i))
			i++;
		return (int)i;
	}
	*err = E_AGAIN;
	if (p->nthr == PG_MAX_THREADS)
		return -1;
	*err = E_NOMEM;
	struct thr_chunk *c = pool_get(&thr_pool);
	if (!c)
		return -1;
	p->thr[p->nthr / PROC_THR_CHUNK] = c;
	i = p->nthr;
	p->nthr += PROC_THR_CHUNK;
	return (int)i;
}

/* PG_THREAD_SPAWN: a thread at w0 with stack w1, rdi = w2, pinned to CPU
 * (w3 & 0xFF) - 1 (0: none) and FS base w3 >> 8 in the caller's space.  E_AGAIN when PG_MAX_THREADS slots are used,
 * E_NOMEM (no memory for its slot or the kernel's thread); E_INVAL for
 * addresses outside the user half. */
long do_thread_spawn(struct proc *p, const struct sys_msg *m, struct sys_msg *r)
{
	struct sys_regs k;
	uint64_t pin = m->w[3] & 0xFF, fs = (m->w[3] & ~PG_SIGS_OFF) >> 8;
	uint64_t off = m->w[3] & PG_SIGS_OFF ? THREAD_SIGS_OFF : 0;
	if (fs >= PG_USER_END)
		return E_INVAL;
	int e = E_OK;
	int i = thr_slot(p, &e);
	if (i < 0)
		return e;
	uint64_t ipc = PG_IPC_BUF_BASE + (uint64_t)i * PAGE_SIZE;
	e = sys_thread_create_r(p->space, m->w[0], m->w[1], ipc, m->w[2],
				PRIO_DEFAULT | (pin << 8) | THREAD_FS(fs) | off, &k);
	if (e)
		return e;
	*proc_thr(p, (unsigned)i) = (uint32_t)k.rdi;
	*proc_thr_tid(p, (unsigned)i) = k.rsi;
	*proc_thr_robust(p, (unsigned)i) = 0;
	p->nthreads++;
	r->w[0] = (uint64_t)i;
	r->w[1] = ipc;
	r->w[2] = k.rsi; /* its tid: pthread_kill names the thread by both */
	return E_OK;
}

/* PG_SPAWN: start a child; "name\0arg\0..." arrives in our IPC buffer.
 * E_INVAL for an empty, oversized or unterminated buffer. */
long do_spawn(struct proc *p, const struct sys_msg *m, struct sys_msg *r)
{
	static char args[PG_SPAWN_MAX];
	size_t len = IPC_LABEL_LEN(m->label);
	if (len == 0 || len > PG_SPAWN_MAX)
		return E_INVAL;
	memcpy(args, pg_self()->ipc_buf, len);
	if (args[len - 1] != '\0' || args[0] == '\0')
		return E_INVAL;
	uint32_t pid;
	int e = proc_spawn(p->pid, args, len, &pid);
	if (e == E_OK)
		r->w[0] = pid;
	struct proc *c = e == E_OK && p->kept && p->ppid == 0 && strcmp(args, "sh") == 0 ?
			 proc_live(pid) : NULL;
	if (c)
		c->kept = true; /* the shell init keeps: oom_protected */
	return e;
}

/* ---- exec ---- */

/* p's image and threads go (its space, regions, frames, saved calls); what
 * POSIX keeps across exec stays: pid, parent, children, pipe ends, the
 * ignored signals, the alarm.  The drops[n] pipe ends are let go. */
static void exec_clear(struct proc *p, const struct pg_exec_drop *drops, uint32_t n)
{
	drop_threads(p); /* the caller too */
	if (p->wait_reply)
		sys_handle_close(p->wait_reply);
	p->wait_reply = 0;
	int e = sys_space_destroy(p->space);
	if (e)
		printf("pager: exec: space_destroy pid %u: %s\n", p->pid, err_str(e));
	dp_destroy(&p->mem);
	ksmd_proc_gone(p);
	pipe_proc_exec(p, drops, n);
	p->heap_start = p->brk = 0;
	p->sig_handled = p->sig_entry = 0; /* handlers back to SIG_DFL */
	p->nocldstop = false; /* exec clears every sa_flags, as Linux's */
	memset(p->timers, 0, sizeof p->timers); /* POSIX timers end with exec */
	p->timers_fired = 0;
	p->nsigq = 0; /* handlers are gone: what was queued for them too */
	p->kept = false; /* whatever it runs now, not what init started */
}

/* The objects exec keeps (PG_IO_EXEC's K addresses): libsys's whole
 * mapping of each (len bytes; hold: shm_hold's), and a reference held
 * while the old image goes. */
struct exec_keep {
	uint64_t at, len;
	struct shm *obj;
	bool hold;
};

/* Whether the k addresses are each libsys's whole mapping of an object in
 * p, none twice: PG_PSH_OPEN's or a memfd's once sized (shm_hold,
 * PG_PSH_SPAN bytes, the object's page 0 at its start), or a page of
 * MAP_SHARED anonymous memory (libsys's share page of an open file
 * description: files.c).  The objects into keep. */
static bool exec_keeps_ok(struct proc *p, const uint64_t *at, uint32_t k,
			  struct exec_keep *keep)
{
	for (uint32_t i = 0; i < k; i++) {
		struct region *rg = region_find(&p->mem.regions, at[i]);
		if (!rg || rg->start != at[i] || rg->kind != PG_BACK_SHARED || !rg->shm ||
		    rg->shm_private || rg->shm_va0 != at[i])
			return false;
		uint64_t len = rg->end - rg->start;
		if (rg->shm_hold ? len != PG_PSH_SPAN :
				   len != PAGE_SIZE || rg->shm->sized || rg->shm->seg)
			return false;
		for (uint32_t j = 0; j < i; j++)
			if (at[j] == at[i])
				return false;
		keep[i] = (struct exec_keep){ at[i], len, rg->shm, rg->shm_hold };
	}
	return true;
}

/* The kept objects mapped again in p's new image, at the same places
 * (the mmap range is empty there yet); each reference exec_keep held is
 * let go (the new region holds its own).  E_NOMEM (all are let go). */
static int exec_remap(struct proc *p, const struct exec_keep *keep, uint32_t k, int e)
{
	for (uint32_t i = 0; i < k; i++) {
		if (!e)
			e = dp_register_shared(&p->mem, keep[i].at, keep[i].len, MAP_R | MAP_W,
					       keep[i].obj, keep[i].at);
		if (!e)
			region_find(&p->mem.regions, keep[i].at)->shm_hold = keep[i].hold;
		dp_shm_put(keep[i].obj);
	}
	return e;
}

/* The new image of p in space: program f (parsed as img) with argv args
 * (len bytes), the k kept objects and libsys's carry bytes on its startup
 * page.  Past the point of no return: on failure p ends (killed, as
 * Linux's SIGKILL). */
static void exec_start(struct proc *p, uint32_t space, const struct initrd_file *f,
		       const struct elf_image *img, const char *args, size_t len,
		       const struct exec_keep *keep, uint32_t k, const char *carry, size_t clen)
{
	struct proc *parent = proc_live(p->ppid);
	p->space = space;
	dp_space_init(&p->mem, space);
	ksmd_proc_new(p, parent);
	fmt_snprintf(p->name, sizeof p->name, "%s", args);
	int e = E_OK;
	for (unsigned i = 0; i < img->nsegs && !e; i++)
		e = load_segment(p, f->data, &img->seg[i]);
	struct pg_startup *st = NULL;
	if (!e)
		e = add_fixed(p, NULL, &st);
	e = exec_remap(p, keep, k, e);
	if (!e) {
		fill_startup(p, st, 0, args, len);
		memcpy(st->exec_carry, carry, clen);
		st->exec_len = (uint32_t)clen;
		/* libsys's carry has the blocked set: every signal blocked until
		 * its crt0 sets it (libsys_exec_resume), as Linux's exec keeps it */
		e = start_thread(p, st, img->entry, PG_STACK_TOP, PG_STARTUP_VA,
				 clen ? THREAD_SIGS_OFF : 0);
	}
	if (!e)
		sig_jc_restop(p); /* stopped while it called exec: the new image too */
	if (e) {
		printf("pager: exec of %s in pid %u failed past the point of no return: %s\n",
		       args, p->pid, err_str(e));
		proc_end(p, PG_WAIT_KILLED, PG_KILLED_SIGNAL | 9, 0, 0);
	}
}

/* PG_IO_EXEC (abi/pager.h): replace the caller's image by an initrd
 * program.  Everything that can fail for want of the program or memory is
 * tried first (E_NOENT, E_NOEXEC, E_INVAL, E_NOMEM: the caller goes on
 * unchanged); after that the reply goes nowhere (its thread is gone). */
long do_io_exec(struct proc *p, const struct sys_msg *m, struct sys_msg *r)
{
	(void)r;
	static char args[PG_SPAWN_MAX], carry[PG_EXEC_MAX];
	static struct pg_exec_drop drops[PG_PIPE_BUF / sizeof(struct pg_exec_drop)];
	static uint64_t keep_at[PG_EXEC_KEEP_MAX];
	static struct exec_keep keep[PG_EXEC_KEEP_MAX];
	size_t len = IPC_LABEL_LEN(m->label), a = m->w[0];
	const char *buf = pg_self()->ipc_buf;
	if (a == 0 || a > PG_SPAWN_MAX || m->w[1] > PG_PIPE_BUF / sizeof drops[0] ||
	    m->w[2] > PG_EXEC_KEEP_MAX ||
	    a + m->w[1] * sizeof drops[0] + m->w[2] * sizeof keep_at[0] > len)
		return E_INVAL;
	uint32_t nd = (uint32_t)m->w[1], nk = (uint32_t)m->w[2];
	size_t kat = a + nd * sizeof drops[0], clen = len - kat - nk * sizeof keep_at[0];
	if (clen > PG_EXEC_MAX)
		return E_INVAL;
	memcpy(args, buf, a);
	if (args[a - 1] != '\0' || args[0] == '\0')
		return E_INVAL;
	memcpy(drops, buf + a, nd * sizeof drops[0]);
	memcpy(keep_at, buf + kat, nk * sizeof keep_at[0]);
	memcpy(carry, buf + kat + nk * sizeof keep_at[0], clen);
	if (!exec_keeps_ok(p, keep_at, nk, keep))
		return E_INVAL;
	struct initrd_file f;
	struct elf_image img;
	int e = initrd_find(pg.initrd, pg.initrd_size, args, &f);
	if (e)
		return e == E_NOENT ? E_NOENT : E_NOEXEC;
	if (elf_parse(f.data, f.size, PG_MMAP_BASE, &img))
		return E_NOEXEC;
	struct sys_regs k;
	uint32_t gen = (p->exec_gen + 1) & PG_BADGE_GEN_MASK;
	e = sys_space_create_r(pg.ep, PG_BADGE(p->pid, gen), &k);
	if (e)
		return e;
	for (uint32_t i = 0; i < nk; i++) /* held while the old image's regions go */
		dp_shm_get(keep[i].obj);
	exec_clear(p, drops, nd);
	p->exec_gen = gen; /* what the old image's threads sent is now stale */
	exec_start(p, (uint32_t)k.rdi, &f, &img, args, a, keep, nk, carry, clen);
	return E_OK; /* to a thread that is gone: dropped */
}

/* The PG_WAIT answer for ended child c: its status. */
static void wait_status(const struct proc *c, struct sys_msg *r)
{
	r->w[0] = (uint64_t)c->status.how | (uint64_t)c->pid << 32;
	r->w[1] = c->status.code;
	r->w[2] = c->status.addr;
	r->w[3] = c->status.rip;
}

/* Live child c's stop or continue not yet reported, if wait flags fl ask
 * for it: its PG_WAIT answer in r (how PG_WAIT_STOPPED with the signal,
 * or PG_WAIT_CONTINUED with SIGCONT), reported now unless
 * PG_WAIT_F_NOWAIT.  False if there is none such. */
static bool jc_take(struct proc *c, uint64_t fl, struct sys_msg *r)
{
	bool stop = c->jc_report == PG_WAIT_STOPPED && (fl & PG_WAIT_F_STOPPED);
	bool cont = c->jc_report == PG_WAIT_CONTINUED && (fl & PG_WAIT_F_CONTINUED);
	if (!stop && !cont)
		return false;
	r->w[0] = (uint64_t)c->jc_report | (uint64_t)c->pid << 32;
	r->w[1] = stop ? c->stop_sig : 18; /* SIGCONT */
	r->w[2] = r->w[3] = 0;
	if (!(fl & PG_WAIT_F_NOWAIT))
		c->jc_report = 0;
	return true;
}

#define PG_WAIT_FLAGS (PG_WAIT_BLOCK | PG_WAIT_F_STOPPED | PG_WAIT_F_CONTINUED | \
		       PG_WAIT_F_NOWAIT | PG_WAIT_F_NOEXIT)

/* PG_WAIT: how child w0 (PG_WAIT_ANY: any child) ended, and the child is
 * forgotten (not with PG_WAIT_F_NOWAIT); or with w1's PG_WAIT_F_STOPPED,
 * _CONTINUED, that it stopped or continued (jc_take); E_NOENT if there
 * is no such child of the caller.  While none has news: E_AGAIN, or with
 * PG_WAIT_BLOCK the call is saved (one per process) and answered by
 * wait_answer when the child ends (proc_jc_changed when it stops or
 * continues); the caller uses no CPU meanwhile. */
long do_wait(struct proc *p, const struct sys_msg *m, struct sys_msg *r)
{
	bool any = m->w[0] == PG_WAIT_ANY, running = false;
	uint64_t fl = m->w[1];
	if (fl & ~(uint64_t)PG_WAIT_FLAGS)
		return E_INVAL;
	for (int i = 0; i < proc_slots(); i++) {
		struct proc *c = proc_slot(i);
		if (!c || c->state == PROC_FREE || c->ppid != p->pid ||
		    (!any && c->pid != m->w[0]))
			continue;
		if (c->state == PROC_LIVE || c->ending || c->doom || (fl & PG_WAIT_F_NOEXIT)) {
			running = true; /* (ending, doom: its space or memory not yet gone) */
			if (c->state == PROC_LIVE && jc_take(c, fl, r))
				return E_OK;
			continue;
		}
		wait_status(c, r);
		if (!(fl & PG_WAIT_F_NOWAIT))
			reaped(p, c);
		return E_OK;
	}
	struct sys_regs k;
	if (!running)
		return E_NOENT;
	if (!(fl & PG_WAIT_BLOCK) || p->wait_reply)
		return E_AGAIN;
	long e = sys_reply_save_r(REPLY_SAVE_INTR, &k); /* E_INTR: as wait_on's (pipe.c) */
	if (e)
		return e == E_INTR ? E_INTR : E_AGAIN;
	p->wait_reply = (uint32_t)k.rdi;
	p->wait_pid = (uint32_t)m->w[0];
	p->wait_flags = (uint32_t)fl;
	return PG_DEFERRED;
}

/* The saved PG_WAIT of c's parent, if it waits for c: its reply handle,
 * taken (0: none such). */
static uint32_t waiter_for(struct proc *c, struct proc **parent)
{
	struct proc *p = proc_live(c->ppid);
	*parent = p;
	if (!p || !p->wait_reply || (p->wait_pid != c->pid && p->wait_pid != PG_WAIT_ANY))
		return 0;
	return p->wait_reply;
}

/* Zombie c just ended: SIGCHLD (word w) to its parent, then its parent's
 * saved PG_WAIT for it, if any, answered (c is then forgotten, unless the
 * wait said PG_WAIT_F_NOWAIT); a waiter that is gone (killed) leaves c a
 * zombie.  The signal goes first, with the wait already taken (so the
 * post interrupts no wait for c), as Linux's do_notify_parent: a parent
 * that leaves waitpid finds SIGCHLD pending (its handler runs on the way
 * out, or it is there to take once unblocked); posted after the answer,
 * a parent on another CPU could look before it came. */
static void wait_answer(struct proc *c, uint64_t w)
{
	struct proc *p = NULL;
	uint32_t h = 0;
	struct sys_msg r = { 0 };
	if (c->state == PROC_ZOMBIE && waiter_for(c, &p) && !(p->wait_flags & PG_WAIT_F_NOEXIT)) {
		wait_status(c, &r);
		h = p->wait_reply;
		p->wait_reply = 0;
	}
	mem_flush(); /* the child's frames are back before its parent hears */
	if (p)
		sig_child_ended(p, w);
	if (h && sys_reply_send(h, E_OK, r.w[0], r.w[1], r.w[2], r.w[3]) == E_OK &&
	    !(p->wait_flags & PG_WAIT_F_NOWAIT)) {
		reaped(p, c);
		STAT_ADD(dp_stats.waits_blocked, 1);
	}
}

void proc_jc_changed(struct proc *c, uint64_t w)
{
	struct proc *p;
	struct sys_msg r = { 0 };
	uint32_t h = 0;
	if (c->state != PROC_LIVE)
		return;
	if (waiter_for(c, &p) && jc_take(c, p->wait_flags, &r)) {
		h = p->wait_reply;
		p->wait_reply = 0;
	}
	if (p && w) /* first, as wait_answer's */
		sig_child_ended(p, w);
	if (h)
		sys_reply_send(h, E_OK, r.w[0], r.w[1], r.w[2], r.w[3]);
}

/* Our handle of the shared endpoint key, made now if new; 0 if full. */
static uint32_t shared_find(uint64_t key, uint32_t maker, int *err)
{
	int free_slot = -1;
	struct sys_regs r;
	for (int i = 0; i < SHARED_MAX; i++) {
		if (shared[i].ep && shared[i].key == key)
			return shared[i].ep;
		if (!shared[i].ep && free_slot < 0)
			free_slot = i;
	}
	*err = E_NOMEM;
	if (free_slot < 0 || (*err = sys_endpoint_create_r(&r)))
		return 0;
	shared[free_slot].ep = (uint32_t)r.rdi;
	shared[free_slot].key = key;
	shared[free_slot].maker = maker;
	return shared[free_slot].ep;
}

/* PG_SHARED_EP: a handle in the caller of the endpoint named w0 (send and
 * receive rights, badge = the caller's pid).  E_NOMEM when SHARED_MAX
 * endpoints exist. */
long do_shared_ep(struct proc *p, const struct sys_msg *m, struct sys_msg *r)
{
	struct sys_regs k;
	int e = E_OK;
	uint32_t ep = shared_find(m->w[0], p->pid, &e);
	if (!ep)
		return e;
	e = sys_handle_grant_r(p->space, ep, RIGHT_SEND | RIGHT_RECV, p->pid, &k);
	if (e == E_OK)
		r->w[0] = (uint32_t)k.rdi;
	return e;
}

/* PG_FORK: a child with a copy-on-write copy of the caller's memory, its
 * own startup page, and one thread at w0 with stack w1 and rdi = w2;
 * w0 = its pid.  E_NOMEM, or a kernel error; the caller is unchanged
 * except that its pages are now shared read-only. */
long do_fork(struct proc *p, const struct sys_msg *m, struct sys_msg *r)
{
	int e;
	uint64_t fs = m->w[3] & ~PG_SIGS_OFF;
	if (fs >= PG_USER_END) /* the child thread's FS base */
		return E_INVAL;
	struct proc *c = proc_alloc(p->pid, p->name, &e);
	if (!c)
		return e;
	const struct page *sp = dp_page(&p->mem, PG_STARTUP_VA);
	struct pg_startup *st;
	e = sp ? dp_fork(&p->mem, &c->mem) : E_INVAL;
	c->pgid = p->pgid;
	c->sid = p->sid;
	c->job = p->job;
	c->heap_start = p->heap_start;
	c->brk = p->brk;
	c->sig_handled = p->sig_handled; /* the same handlers, at the same addresses */
	c->sig_entry = p->sig_entry;
	c->sig_ignored = p->sig_ignored; /* the alarm is not inherited */
	c->nocldstop = p->nocldstop;
	ksmd_fork(p, c);
	if (!e)
		e = pipe_fork(p, c); /* its descriptors name the same pipes */
	if (!e)
		e = add_fixed(c, mem_window(sp->pfn), &st);
	if (!e)
		e = start_thread(c, st, m->w[0], m->w[1], m->w[2],
				 fs | (m->w[3] & PG_SIGS_OFF ? THREAD_SIGS_OFF : 0));
	if (e) {
		c->ppid = PPID_NONE;
		proc_end(c, PG_WAIT_KILLED, 0, 0, 0);
		return e;
	}
	STAT_ADD(dp_stats.forks, 1);
	r->w[0] = c->pid;
	return E_OK;
}

/* True if a is t or one of t's ancestors: through the parents, and past
 * one that ended through the ancestor its children then had (anc), not
 * through init, which adopted them. */
static bool is_ancestor(const struct proc *a, const struct proc *t)
{
	for (int depth = 0; t && depth <= proc_slots(); depth++) {
		if (t == a)
			return true;
		t = t->anc ? proc_live(t->anc) : NULL;
	}
	return false;
}

/* May p end t (a signal whose action ends it)?  Itself, a descendant
 * (also one whose parent ended, an orphan of init's now: a program can
 * end what its fork bomb left), or one of its own process group; never
 * init or its shell but themselves. */
bool may_end(const struct proc *p, const struct proc *t)
{
	if (t->kept && t != p) /* init and its shell, whatever group one joins */
		return false;
	return t->pgid == p->pgid || is_ancestor(p, t);
}

/* PG_KILL: signal w1 (1..64; 0: SIGKILL's code 0) to w0 as kill(2) takes
 * it (a signed pid): > 0 that process; 0 the caller's process group; -1
 * every process but init, the system's (no parent) and the caller; < -1
 * the group -w0.  Each takes the handler, or ignores it (sig_action), or
 * ends, which only the process itself, an ancestor (also of an orphan)
 * or one of its group may do.  E_OK if one was signalled (the caller last:
 * it may end), else E_PERM if one was refused, E_NOENT if there was none;
 * E_INVAL above 64.  w2 = a thread's index + 1 with w0 the caller's pid:
 * to that thread of the caller alone (sig_send_thread; w2 means nothing
 * with another w0). */
long do_kill(struct proc *p, const struct sys_msg *m, struct sys_msg *r)
{
	(void)r;
	uint64_t sig = m->w[1];
	int64_t to = (int64_t)m->w[0];
	if (sig > 64)
		return E_INVAL;
	if (m->w[2] && to == (int64_t)p->pid) { /* one of its own threads (pthread_kill) */
		uint64_t i = m->w[2] - 1; /* w3: its tid, if known: the slot may be another's now */
		if (m->w[3] && (i >= (uint64_t)p->nthr || *proc_thr_tid(p, (unsigned)i) != m->w[3]))
			return E_NOENT;
		return sig_send_thread(p, (unsigned)i, (int)sig);
	}
	if (to > 0) {
		struct proc *t = to <= UINT32_MAX ? proc_known((uint32_t)to) : NULL;
		if (!t)
			return E_NOENT;
		if (t->state != PROC_LIVE) /* ended, not yet waited for: as Linux, 0 */
			return E_OK;
		enum sig_action a = sig_action(t, (int)sig);
		if ((a == SIG_ACT_END || a == SIG_ACT_STOP) && !may_end(p, t))
			return E_PERM;
		return sig_kill(t, (int)sig, p->pid);
	}
	if (to < -(int64_t)UINT32_MAX)
		return E_NOENT;
	/* who may be signalled is decided for all before any ends (an end
	 * gives its children to init: no longer ours), the caller last */
	uint32_t group = to == 0 ? p->pgid : (uint32_t)-to, init = runner_init_pid();
	int sent = 0, refused = 0;
	for (int i = 0; i < proc_slots(); i++) {
		struct proc *t = proc_slot(i);
		if (!t || t->state != PROC_LIVE)
			continue;
		t->kill_mark = to == -1 ? t->pid != init && t->ppid != PPID_NONE &&
					      t->ppid != 0 && t != p
					: t->pgid == group;
		enum sig_action a = t->kill_mark ? sig_action(t, (int)sig) : SIG_ACT_IGNORE;
		if ((a == SIG_ACT_END || a == SIG_ACT_STOP) && !may_end(p, t)) {
			t->kill_mark = false;
			refused++;
		}
	}
	bool self = p->kill_mark;
	for (int i = 0; i < proc_slots(); i++) {
		struct proc *t = proc_slot(i);
		if (t && t->state == PROC_LIVE && t->kill_mark && t != p) {
			t->kill_mark = false;
			sig_kill(t, (int)sig, p->pid);
			sent++;
		}
	}
	if (self) {
		p->kill_mark = false;
		sig_kill(p, (int)sig, p->pid);
		sent++;
	}
	return sent ? E_OK : refused ? E_PERM : E_NOENT;
}

/* Live processes in group g (of session sid only, unless sid is 0). */
static uint64_t group_members(uint64_t g, uint32_t sid)
{
	uint64_t n = 0;
	for (int i = 0; i < proc_slots(); i++) {
		struct proc *t = proc_slot(i);
		n += t && t->state == PROC_LIVE && t->pgid == g && (!sid || t->sid == sid);
	}
	return n;
}

/* PG_PGID (abi/pager.h): getpgid, setpgid (within the caller's session:
 * no process can join init's group, or the shell's), setsid, getsid, a
 * group's size. */
long do_pgid(struct proc *p, const struct sys_msg *m, struct sys_msg *r)
{
	uint64_t pid = m->w[1];
	struct proc *t = pid == 0 ? p : pid <= UINT32_MAX ? proc_live((uint32_t)pid) : NULL;
	switch (m->w[0]) {
	case PG_PGID_GET:
		if (!t)
			return E_NOENT;
		r->w[0] = t->pgid;
		return E_OK;
	case PG_PGID_SET: { /* within the caller's session only, as Linux */
		if (!t || (t != p && t->ppid != p->pid))
			return E_NOENT;
		uint64_t g = m->w[2] ? m->w[2] : t->pid;
		if (g > UINT32_MAX || t->sid != p->sid || t->pid == t->sid ||
		    (g != t->pid && !group_members(g, p->sid)))
			return E_PERM;
		t->pgid = (uint32_t)g;
		return E_OK;
	}
	case PG_PGID_COUNT:
		r->w[0] = group_members(pid, 0);
		return E_OK;
	case PG_PGID_NEWSESSION:
		if (p->pgid == p->pid)
			return E_PERM;
		p->pgid = p->sid = p->pid;
		r->w[0] = p->pgid;
		return E_OK;
	case PG_PGID_SID:
		if (!t)
			return E_NOENT;
		r->w[0] = t->sid;
		return E_OK;
	case PG_PGID_ENDJOB: /* init and its shell: what their job w1 left */
		if (!p->kept)
			return E_PERM;
		r->w[0] = 0;
		for (int i = 0; i < proc_slots(); i++) {
			struct proc *q = proc_slot(i);
			if (q && q->state == PROC_LIVE && q->job == pid && !q->kept) {
				proc_end(q, PG_WAIT_KILLED, 0, 0, 0);
				r->w[0]++;
			}
		}
		return E_OK;
	default:
		return E_INVAL;
	}
}
