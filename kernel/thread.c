/* Thread objects: creation, the idle threads, exit and kill. */
#include "thread.h"
#include "space.h"
#include "sched.h"
#include "ipc.h"
#include "arch_api.h"
#include "memlayout.h"
#include "mm/frame.h"
#include "lib/string.h"
#include "printk.h"
#include "ksignal.h"
#include "abi/syscall.h"
#include "abi/fault.h"
#include "abi/signal.h"

static _Atomic uint64_t next_tid = 1;
static _Atomic unsigned next_cpu;

/* Last reference gone: free the kernel stack and IPC buffer, then drop the
 * space (whose end the pager hears of once all its threads' memory is
 * back too). */
static void thread_destroy(struct kobj *o)
{
	struct thread *t = container_of(o, struct thread, obj);
	int st = atomic_load(&t->state);
	if ((st != 0 && st != TS_DEAD) || !list_empty(&t->ep_link) ||
	    timerq_queued(&t->sleep) || atomic_load(&t->on_cpu))
		/* a reference dropped too many: the thread is still in use */
		printk("kobj: thread %lu destroyed while in use (state %d%s%s%s)\n",
		       t->tid, st, list_empty(&t->ep_link) ? "" : ", queued",
		       timerq_queued(&t->sleep) ? ", sleeping" : "",
		       atomic_load(&t->on_cpu) ? ", on a CPU" : "");
	if (t->ipc_buf_pfn)
		frame_free(t->ipc_buf_pfn, 0);
	struct space *s = t->space;
	uint64_t pfn = t->kstack_pfn; /* the struct lives at the stack top */
	arch_kstack_unmap((uint64_t)t + THREAD_SLOT, 1u << KSTACK_ORDER);
	frame_free(pfn, KSTACK_ORDER);
	if (s)
		kobj_put(&s->obj);
}

/* A thread struct at the top of a fresh kernel stack (thread.h), mapped
 * with an unmapped guard page below (arch_kstack_map); NULL if no memory.
 * Holds no lock: the mapping may wait for a TLB shootdown. */
static struct thread *alloc_thread(void)
{
	static _Atomic bool registered;
	if (!atomic_exchange(&registered, true))
		kobj_set_destroy(KOBJ_THREAD, thread_destroy);
	struct frame_alloc_options o = { KSTACK_ORDER, false, PURPOSE_KERNEL_DATA };
	uint64_t pfn;
	if (frame_alloc(&o, &pfn) != E_OK)
		return NULL;
	uint64_t top = arch_kstack_map(pfn, 1u << KSTACK_ORDER);
	if (!top) {
		frame_free(pfn, KSTACK_ORDER);
		return NULL;
	}
	struct thread *t = (struct thread *)(top - THREAD_SLOT);
	memset(t, 0, sizeof *t);
	kobj_init(&t->obj, KOBJ_THREAD);
	t->kstack_pfn = pfn;
	t->tid = atomic_fetch_add(&next_tid, 1);
	list_init(&t->ep_link);
	timerq_node_init(&t->sleep);
	return t;
}

uint64_t thread_new_key(void)
{
	return atomic_fetch_add(&next_tid, 1); /* shared with tids: unique */
}

/* An IPC buffer frame mapped at va in s; E_OK with nothing done if va is 0. */
static int map_ipc_buf(struct thread *t, struct space *s, uint64_t va)
{
	if (!va)
		return E_OK;
	struct frame_alloc_options o = { 0, true, PURPOSE_KERNEL_DATA };
	int e = frame_alloc(&o, &t->ipc_buf_pfn);
	if (e != E_OK)
		return e;
	t->ipc_buf_va = va;
	return space_map_owned(s, va, t->ipc_buf_pfn, MAP_R | MAP_W);
}

int thread_create(struct space *space, uint64_t entry, uint64_t stack,
		  uint64_t ipc_buf, uint64_t arg, uint64_t sched, struct thread **out)
{
	unsigned prio = sched & 0xFF, pin = (sched >> 8) & 0xFF;
	uint64_t fs_base = (sched & ~THREAD_SIGS_OFF) >> 16; /* THREAD_FS */
	if (entry >= USER_END || stack > USER_END || (ipc_buf & 0xFFF) ||
	    ipc_buf >= USER_END || prio > PRIO_MAX || fs_base >= USER_END ||
	    pin > arch_ncpus())
		return E_INVAL;
	struct thread *t = alloc_thread();
	if (!t)
		return E_NOMEM;
	if (kobj_get(&space->obj) != E_OK) {
		kobj_put(&t->obj);
		return E_DEAD;
	}
	t->space = space;
	t->fs_base = fs_base; /* loaded by its first switch (switch_begin) */
	t->fs_key = t->tid;
	if (sched & THREAD_SIGS_OFF)
		t->sigblocked = ~(uint64_t)ABI_SIG_UNBLOCKABLE;
	t->user_segs = space->pager_ep != NULL;
	if (atomic_load(&space->stopped)) /* it parks before its first instruction */
		t->sigpending |= THREAD_STOP_BIT;
	int e = map_ipc_buf(t, space, ipc_buf);
	if (e != E_OK) {
		kobj_put(&t->obj);
		return e;
	}
	runq_node_init(&t->rq, prio);
	t->pinned = pin != 0;
	t->cpu = pin ? pin - 1 : atomic_fetch_add(&next_cpu, 1) % arch_ncpus();
	t->ksp = arch_thread_stack_init(thread_kstack_top(t), entry, stack, arg, &t->uframe);
	arch_fpu_init(t->fpu);
	kobj_get(&t->obj); /* the running reference, dropped after it dies */
	*out = t;
	return E_OK;
}

struct thread *thread_create_idle(unsigned cpu)
{
	static struct thread idle[MAX_CPUS];
	struct thread *t = &idle[cpu];
	kobj_init(&t->obj, KOBJ_THREAD);
	kobj_get(&t->obj); /* never destroyed */
	t->tid = 0;
	t->cpu = cpu;
	atomic_store(&t->state, TS_RUNNING);
	atomic_store(&t->on_cpu, 1);
	runq_node_init(&t->rq, 0);
	list_init(&t->ep_link);
	timerq_node_init(&t->sleep);
	return t;
}


/* Tell t's pager that t ends (abi/fault.h FAULT_THREAD_END), from t itself
 * while it can still block: a plain send, so it waits only until the pager
 * takes it, and carries the space's badge, which no program can send with.
 * None for the pager's own threads (no pager endpoint) nor for a thread the
 * pager ended itself (quiet: thread_destroy); if the pager ends us while we
 * wait, the send is cancelled (E_DEAD) and we go on ending.  Any other kill
 * is honoured already (we are ending): it must not stop the send, so it is
 * cleared (a blocking path gives up on a pending kill) and the send made
 * again.  The notice carries the signals still pending here: taken at
 * once, and a post that comes later (sig_ending) fails instead, so each
 * lands either in the notice, which the pager posts again to another
 * thread, or with a thread that lives on; never with us. */
static void tell_pager(struct thread *t)
{
	struct space *s = t->space;
	if (!s || !s->pager_ep || atomic_load(&t->quiet))
		return;
	__atomic_store_n(&t->sig_ending, true, __ATOMIC_SEQ_CST);
	uint64_t pending = __atomic_exchange_n(&t->sigpending, 0, __ATOMIC_SEQ_CST) &
			   ~__atomic_load_n(&t->sigown, __ATOMIC_SEQ_CST) & /* its own die with it */
			   ~THREAD_STOP_BIT;
	struct ipc_msg m = {
		.label = FAULT_THREAD_END,
		.w = { [FAULT_END_IPC_BUF] = t->ipc_buf_va, [FAULT_MSG_TID] = t->tid,
		       [FAULT_END_SIGPENDING] = pending },
		.badge = s->badge,
	};
	do
		atomic_store(&t->kill, false);
	while (ipc_send(s->pager_ep, &m, false) == E_DEAD && !atomic_load(&t->quiet));
}

_Noreturn void thread_exit(void)
{
	struct thread *t = sched_current();
	arch_irq_save();
	ipc_abandon_caller(t);
	tell_pager(t);
	atomic_store(&t->state, TS_DEAD);
	sched_block(NULL);
	panic("dead thread %lu ran again", t->tid);
}

void thread_kill(struct thread *t)
{
	atomic_store(&t->kill, true);
	static const int blocked[] = { TS_BLOCKED_SEND, TS_BLOCKED_RECV,
				       TS_BLOCKED_REPLY, TS_SLEEPING };
	for (unsigned i = 0; i < sizeof blocked / sizeof blocked[0]; i++) {
		if (thread_claim(t, blocked[i])) {
			if (blocked[i] == TS_SLEEPING)
				sched_cancel_sleep(t);
			else /* claimed: it cannot run, leave its queue, nor free ep */
				ipc_cancel(t);
			t->ipc_result = E_DEAD;
			sched_wake(t);
			return;
		}
	}
	if (t->cpu != arch_cpu_id())
		arch_wake_cpu(t->cpu); /* running: it checks at its next exit */
}

void thread_kill_quiet(struct thread *t)
{
	atomic_store(&t->quiet, true); /* before the kill can wake it */
	thread_kill(t);
}

/* thread_first_run: a new thread's first kernel code (entry.asm), before
 * it enters ring 3. */
void thread_first_run(void)
{
	sched_finish_switch();
	thread_check_kill();
	struct thread *me = sched_current();
	signal_on_return(me, me->uframe); /* posted before its start */
}

void thread_check_kill(void)
{
	if (atomic_load(&sched_current()->kill))
		thread_exit();
}
