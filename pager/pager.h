/* The pager's internals: its global state, the process table, and the
 * handlers main.c's dispatch tables call.
 *
 * The pager runs a thread per CPU (main.c), all in the same receive loop.
 * A page fault, and a request that touches only its caller's own regions
 * and pages (mmap, munmap, mprotect, brk, madvise, the statistics: main.c's
 * BESIDE), is served under pg.big taken for reading and its process's
 * lock, so those of different processes run at once; every other message
 * (and a fault or request that must kill, wait for memory or look into
 * another process: PG_ALONE) is served under pg.big taken for writing,
 * alone, as if the pager were one thread.
 * The rules are in docs/ARCHITECTURE.md ("The pager's threads").
 * A handler gets the sender's process and message
 * and fills the reply's words; it returns the reply label (an enum err for
 * requests, FAULT_REPLY_* for faults).  A reply always goes out, also when
 * the handler ended the caller: the kernel drops a reply to a dead thread,
 * and replying is what releases its hold on the caller. */
#ifndef PAGER_PAGER_H
#define PAGER_PAGER_H

#include <stdbool.h>
#include <stdint.h>
#include "abi/boot.h"
#include "sys/sys.h"
#include "initrd.h"
#include "demand.h"
#include "abi/page.h"
#include "lock.h"

/* Processes at once: at most PROC_LIMIT (the slot table's pages, 512
 * slots each, come as needed); before that, memory is the limit. */
#define PROC_SLOTS_PAGE 512
#define PROC_LIMIT (128 * PROC_SLOTS_PAGE)

enum proc_state { PROC_FREE = 0, PROC_LIVE, PROC_ZOMBIE };

/* Thread slots, PROC_THR_CHUNK to a chunk: h[i] is the handle of the
 * thread (0: slot unused), tid[i] its kernel thread id (what
 * FAULT_THREAD_END names), robust[i] its robust list head (PG_ROBUST;
 * 0: none). */
#define PROC_THR_CHUNK 64
struct thr_chunk {
	uint32_t h[PROC_THR_CHUNK];
	uint64_t tid[PROC_THR_CHUNK];
	uint64_t robust[PROC_THR_CHUNK];
};
_Static_assert(PG_MAX_THREADS % PROC_THR_CHUNK == 0, "whole chunks");

/* One process, a node of proc.c's pool, named by its slot (proc_slot)
 * and found by pid (proc_live).  ppid 0: started by the pager itself (the
 * runner).  Thread slot i (proc_thr) is thr[i / PROC_THR_CHUNK]'s entry:
 * chunk 0 is thr0, the others grow (pool nodes) as threads are started
 * and stay until the process ends; nthr slots have a chunk, nthreads are
 * in use.  Slot i's IPC buffer is at PG_IPC_BUF_BASE + i * PAGE_SIZE.  A
 * slot is freed by the thread's end notice (proc_thread_ended) or by the
 * process's end.  status is valid once not LIVE.  Once FREE it is no
 * longer found, and its memory goes back after the message that freed it
 * (proc_sweep). */
struct shm_note;
struct proc {
	struct lock lock;                  /* its faults and BESIDE requests, one
					    * at a time (pg.big read) */
	int state;
	uint32_t pid, ppid;
	uint32_t exec_gen;                 /* execs so far (PG_BADGE_GEN_MASK
					    * wide): in its space's and pager
					    * handle's badge (PG_BADGE) */
	uint32_t space;
	uint32_t slot;                     /* proc_slot(slot) is this */
	struct proc *hash_next;            /* proc.c's pid hash chain */
	uint32_t nthr, nthreads;
	struct thr_chunk *thr[PG_MAX_THREADS / PROC_THR_CHUNK];
	struct thr_chunk thr0;
	struct dp_space mem;               /* regions and pages */
	uint64_t heap_start, brk;          /* the brk heap: [heap_start, brk) */
	char name[32];
	struct { int how; uint64_t code, addr, rip; } status;
	int oom_adj;                       /* oom_score_adj (PG_OOM_ADJ), inherited */
	bool kept;                         /* init as we started it, or the sh it
					    * spawned: oom_protected (never
					    * by name); not inherited, gone
					    * with an exec */
	bool ksm_all;                      /* ksm_process(on): inherited by fork */
	uint32_t wait_reply, wait_pid;     /* a thread's PG_WAIT for child wait_pid,
					    * saved (reply_save) until it ends */
	uint64_t maxrss;                   /* once ended: its peak resident pages */
	uint64_t sig_handled, sig_entry;   /* PG_SIGACTION: signals with a handler
					    * (bit sig - 1) and where threads
					    * enter one; inherited by fork */
	uint64_t sig_ignored;              /* PG_SIGACTION: SIG_IGN; inherited */
	bool nocldstop;                    /* PG_SIGACTION: SIGCHLD's SA_NOCLDSTOP */
	bool stopped;                      /* job control: its threads park
					    * (SIG_POST_STOP) until SIGCONT */
	uint8_t stop_sig;                  /* the signal that stopped it */
	uint8_t jc_report;                 /* PG_WAIT_STOPPED or _CONTINUED not
					    * yet reported to its parent (0) */
	uint32_t wait_flags;               /* the saved PG_WAIT's w1 */
	bool ending;                       /* a zombie whose space is not yet
					    * gone (FAULT_SPACE_END): its
					    * parent has not heard of its end */
	struct doomed *doom;               /* its memory, let go by its end and
					    * not yet destroyed: its parent
					    * has not heard of its end */
	uint64_t alarm_at, alarm_iv;       /* PG_SIG_ALARM: SIGALRM at alarm_at
					    * (ms of the cycle counter; 0:
					    * none), then every alarm_iv ms */
	struct ptimer {                    /* PG_TIMER: POSIX timers */
		uint64_t at, iv;           /* as alarm_at, alarm_iv */
		uint32_t overrun;          /* missed at the last expiry */
		uint8_t used, sig;         /* sig 0: SIGEV_NONE */
		uint8_t cpu;               /* PG_TIMER_CPU: at counts the
					    * process's CPU ms (proc_cpu_ms) */
		uint16_t thread;           /* its thread's slot + 1 (0: the
					    * process; SIGEV_THREAD's) */
	} timers[PG_TIMERS];
	uint64_t timers_fired;             /* thread timers expired (bit id):
					    * PG_TIMER_FIRED takes them */
	struct sigq {                      /* PG_SIGQUEUE: sent, not yet taken */
		uint64_t value;
		uint32_t from;
		uint8_t sig;
		int8_t code;               /* si_code: SI_QUEUE, or SI_USER
					    * for a real-time one kill sent */
	} sigq[PG_SIGQ];
	uint32_t nsigq;
	uint64_t cfaults, cmaxrss;         /* of its waited-for children (and
					    * theirs): faults, the highest peak
					    * (getrusage RUSAGE_CHILDREN) */
	uint64_t cpu_ns;                   /* CPU time of its spaces gone so
					    * far (FAULT_SPACE_END: images exec
					    * replaced, then its last) */
	uint64_t ccpu_ns;                  /* of its waited-for children (and
					    * theirs): their cpu_ns */
	uint32_t sid;                      /* session: as pgid, or setsid's */
	uint32_t job;                      /* the pid of what init or its shell
					    * started that this comes from (fork,
					    * spawn; no call changes it) */
	uint32_t pgid;                     /* process group: what init or its
					    * shell starts leads its own; fork
					    * and spawn children are in their
					    * parent's */
	bool orphan;                       /* its parent ended: init's now, and
					    * nobody waits for it */
	uint32_t anc;                      /* its nearest live ancestor: ppid, or
					    * once that ended, the one it had
					    * (who may end it: may_end) */
	bool kill_mark;                    /* do_kill: to be signalled */
	struct shm_note *notes;            /* PG_SHM_NOTE's, fired at its end
					    * (pshm.c); kept by exec, none
					    * in a fork child */
	uint32_t nnotes;
};

struct pager {
	uint32_t ep;                       /* our endpoint: requests and faults */
	const struct abi_bootinfo *boot;
	const void *initrd;
	size_t initrd_size;
	struct brlock big;                 /* read: a page fault; write: the rest
					    * (a reader's slot: its thread's index) */
	bool up;                           /* set up: the other threads serve too */
};
extern struct pager pg;

/* One pager thread's own state (pg_self). */
struct pg_thread {
	void *ipc_buf;                     /* its IPC buffer: a request's bytes in,
					    * the reply's out */
	size_t reply_len;                  /* bytes of ipc_buf in the reply */
	bool alone;                        /* holds pg.big for writing */
	bool have_early;                   /* early: taken by pager_poll, served next */
	struct sys_msg early;
	unsigned ngone;                    /* frames in gone[], for mem_flush */
	uint64_t gone[2 * FRAME_FREE_MANY_MAX]; /* (pfn, gen) pairs given up */
	struct doomed *doomed;             /* memory its alone part let go, to
					    * destroy once it lets pg.big go
					    * (pager_destroy_doomed) */
};

/* The calling thread's state (found from its stack pointer). */
struct pg_thread *pg_self(void);

/* True if the caller holds pg.big for writing (may touch anything). */
static inline bool pg_alone(void)
{
	return pg_self()->alone;
}

typedef long (*pg_handler)(struct proc *p, const struct sys_msg *m,
			   struct sys_msg *r);
/* A handler's answer when it saved the call to answer later (reply_save):
 * the receive loop then receives without replying. */
#define PG_DEFERRED 0x7FFFFFFFL
/* A handler's answer under pg.big for reading when it must do more (kill,
 * wait for memory, look into another process), given before it changed
 * anything: it is called again, alone. */
#define PG_ALONE 0x7FFFFFFEL

/* Frames a BESIDE request may free (pages of the range resident now);
 * past it the request answers PG_ALONE before it changes anything and is
 * run alone.  Freed frames go back FRAME_FREE_MANY_MAX at a time, each
 * batch a TLB shootdown on every CPU where another pager thread runs at
 * that moment; under TCG on a loaded host an IPI waits for the target's
 * host time slice.  (64 here was no faster in pager_mt_map_loop at -smp 8.) */
#define PG_BESIDE_FREES 16

/* True if freeing the pages of [start, end) of p should run alone. */
static inline bool pg_frees_many(struct proc *p, uint64_t start, uint64_t end)
{
	return !pg_alone() && dp_resident(&p->mem, start, end) > PG_BESIDE_FREES;
}

/* mem.c: the demand manager's frames and mappings. */
void *mem_window(uint64_t pfn);
/* The node pools' pages (pool.h pool_grow, pool_shrink): a frame of our
 * window (NULL if memory is out), its generation the cookie. */
void *mem_pool_page(uint64_t *gen);
void mem_pool_free(void *page, uint64_t gen);
int mem_init(void);
/* Give the frames this thread gave up (they wait in its gone[]) back to
 * the kernel; false if there were none.  Before pg.big is let go. */
bool mem_flush(void);
int mem_fixed_page(struct proc *p, uint64_t va, unsigned rights, void **win);

/* proc.c: the process table and the process requests. */
struct proc *proc_live(uint32_t pid);
/* The process pid, live or a zombie not yet waited for; NULL if none. */
struct proc *proc_known(uint32_t pid);
/* Slots 0 .. proc_slots() - 1 may hold a process (the loops over all
 * processes stop there); proc_slot(i) is the one in slot i, or NULL. */
int proc_slots(void);
struct proc *proc_slot(int i);
/* Give the memory of the processes made FREE back (pg.big held for
 * writing, at the end of a message: nobody holds them any more). */
void proc_sweep(void);

/* The handle of p's thread slot i (i < p->nthr; 0: unused) and its tid. */
static inline uint32_t *proc_thr(struct proc *p, unsigned i)
{
	return &p->thr[i / PROC_THR_CHUNK]->h[i % PROC_THR_CHUNK];
}
static inline uint64_t *proc_thr_tid(struct proc *p, unsigned i)
{
	return &p->thr[i / PROC_THR_CHUNK]->tid[i % PROC_THR_CHUNK];
}
static inline uint64_t *proc_thr_robust(struct proc *p, unsigned i)
{
	return &p->thr[i / PROC_THR_CHUNK]->robust[i % PROC_THR_CHUNK];
}
int proc_spawn(uint32_t ppid, const char *args, size_t len, uint32_t *pid);
void proc_end(struct proc *p, int how, uint64_t code, uint64_t addr, uint64_t rip);
void proc_thread_ended(struct proc *p, uint64_t tid, uint64_t pending);
/* FAULT_SPACE_END (abi/fault.h): the space with badge is gone and every
 * frame it held is back; cpu_ns: the CPU time its threads used, added to
 * its process's (an image exec replaced, or the last).  A zombie's
 * (proc_end): its parent hears of its end now (SIGCHLD, a saved wait
 * answered); any other: nothing more. */
void proc_space_gone(uint64_t badge, uint64_t cpu_ns);
/* Memory an ended process let go (its regions and pages, no longer named
 * by the process): destroyed by the pager thread whose alone part let it
 * go, once that thread has let pg.big go (pager_destroy_doomed), beside
 * other threads' faults.  owner: the zombie whose parent hears of its end
 * only after (NULL once the process is forgotten: nobody to tell). */
struct doomed {
	struct dp_space mem;
	struct proc *owner;
	struct doomed *next;
};
/* d is destroyed: its owner's parent may hear of the end now (pg.big held
 * for writing). */
void proc_doomed_done(struct doomed *d);
/* True while memory let go is not yet destroyed (the OOM path waits for
 * it rather than choose a victim). */
bool proc_dooming(void);
/* main.c: destroy the calling thread's doomed memory (pg.big not held),
 * beside faults; then tell the owners' parents, alone. */
void pager_destroy_doomed(void);
/* p's CPU time in ns: its space's now (cpu_time) and its images' before
 * (cpu_ns); what a zombie used. */
uint64_t proc_cpu_ns(const struct proc *p);
/* True if thread tid (as a fault message names it) is one of p's now: a
 * thread the pager destroyed (thread_destroy, exec's drop_threads) whose
 * fault was still on its way is not. */
bool proc_has_thread(struct proc *p, uint64_t tid);
long do_exit(struct proc *p, const struct sys_msg *m, struct sys_msg *r);
long do_robust(struct proc *p, const struct sys_msg *m, struct sys_msg *r);
long do_shm_note(struct proc *p, const struct sys_msg *m, struct sys_msg *r);
/* Fire and free p's PG_SHM_NOTE notes (p ends: its threads are gone). */
void shm_notes_end(struct proc *p);
void robust_proc_end(struct proc *p);
long do_getpid(struct proc *p, const struct sys_msg *m, struct sys_msg *r);
long do_thread_spawn(struct proc *p, const struct sys_msg *m, struct sys_msg *r);
long do_spawn(struct proc *p, const struct sys_msg *m, struct sys_msg *r);
long do_wait(struct proc *p, const struct sys_msg *m, struct sys_msg *r);
long do_shared_ep(struct proc *p, const struct sys_msg *m, struct sys_msg *r);
long do_fork(struct proc *p, const struct sys_msg *m, struct sys_msg *r);
long do_kill(struct proc *p, const struct sys_msg *m, struct sys_msg *r);
long do_pgid(struct proc *p, const struct sys_msg *m, struct sys_msg *r);

/* vm.c: memory requests. */
long do_mmap_anon(struct proc *p, const struct sys_msg *m, struct sys_msg *r);
long do_munmap(struct proc *p, const struct sys_msg *m, struct sys_msg *r);
long do_mfree(struct proc *p, const struct sys_msg *m, struct sys_msg *r);
long do_mprotect(struct proc *p, const struct sys_msg *m, struct sys_msg *r);
long do_brk(struct proc *p, const struct sys_msg *m, struct sys_msg *r);

/* mman.c: POSIX memory requests (issue 12). */
long do_mmap(struct proc *p, const struct sys_msg *m, struct sys_msg *r);
long do_unmap(struct proc *p, const struct sys_msg *m, struct sys_msg *r);
long do_protect(struct proc *p, const struct sys_msg *m, struct sys_msg *r);
long do_madvise(struct proc *p, const struct sys_msg *m, struct sys_msg *r);
int vm_madvise(struct proc *p, uint64_t start, uint64_t end, unsigned advice);
long do_mincore(struct proc *p, const struct sys_msg *m, struct sys_msg *r);
long do_pageinfo(struct proc *p, const struct sys_msg *m, struct sys_msg *r);
long do_fread(struct proc *p, const struct sys_msg *m, struct sys_msg *r);
long do_mremap(struct proc *p, const struct sys_msg *m, struct sys_msg *r);
long do_sigaction(struct proc *p, const struct sys_msg *m, struct sys_msg *r);
/* signal.c: if p has a handler for the signal the fault in m raises
 * (SIGBUS with bus: a page past a shared object's end), and m is not a
 * fault back from a handler that could not run, the
 * FAULT_REPLY_SIGNAL answer in r; else 0: kill as without one. */
long sig_fault(struct proc *p, const struct sys_msg *m, struct sys_msg *r, bool bus);
/* The Linux signal number of the fault in m (0: none: a vector without one). */
int sig_of_fault(struct proc *p, const struct sys_msg *m);
/* What signal sig (0: SIGKILL's code 0) does to p. */
enum sig_action { SIG_ACT_IGNORE, SIG_ACT_HANDLE, SIG_ACT_END, SIG_ACT_STOP };
enum sig_action sig_action(const struct proc *p, int sig);
/* Send sig to p: its handler runs in one of its threads (sig_post), or
 * nothing happens, or p ends by sig (pg.big held for writing). */
void sig_send(struct proc *p, int sig);
/* The same with its siginfo's si_code (ABI_SI_*) and si_pid (kill's). */
void sig_send_from(struct proc *p, int sig, int code, uint32_t from);
/* Send sig to thread slot of p alone (pthread_kill): pending on it while
 * it blocks it, even a default action's (which then ends p when it lets
 * it through).  E_NOENT: no such thread. */
int sig_send_thread(struct proc *p, unsigned slot, int sig);
/* A child of parent just ended: SIGCHLD to parent if it handles it, w
 * from sig_child_word. */
void sig_child_ended(struct proc *parent, uint64_t w);
/* Child c stopped or continued (jc_report): its parent gets SIGCHLD word
 * w (0: none), then its saved PG_WAIT that asked for it is answered
 * (taken before the post, as for an end: proc.c's wait_answer). */
void proc_jc_changed(struct proc *c, uint64_t w);
/* p is stopped: its threads (an exec's new one) park (signal.c). */
void sig_jc_restop(struct proc *p);
/* SIGCHLD's sig_post word for ended child c (si_pid, si_code, si_status). */
uint64_t sig_child_word(const struct proc *c);
long do_sig_alarm(struct proc *p, const struct sys_msg *m, struct sys_msg *r);
long do_timer(struct proc *p, const struct sys_msg *m, struct sys_msg *r);
long do_sigqueue(struct proc *p, const struct sys_msg *m, struct sys_msg *r);
long do_sig_offer(struct proc *p, const struct sys_msg *m, struct sys_msg *r);
/* kill's sig from pid from to p (sig_send_from, SI_USER), a real-time
 * one p handles queued first, as sigqueue's; E_AGAIN: queue full. */
int sig_kill(struct proc *p, int sig, uint32_t from);
/* True if p may end t by a signal (kill's rule: pager/proc.c). */
bool may_end(const struct proc *p, const struct proc *t);
/* Milliseconds of the cycle counter (deadlines), and wake the alarm
 * thread to look at the deadlines again (pipe.c's polls). */
uint64_t sig_ms_now(void);
void sig_timer_kick(void);
/* The alarm thread's loop (the pager thread after the per-CPU ones). */
_Noreturn void sig_timer_main(void);

/* pipe.c: pipes (PG_PIPE_*); fork copies the parent's ends (E_NOMEM: no
 * room), a process's end closes its own and drops its saved calls. */
long do_pipe_new(struct proc *p, const struct sys_msg *m, struct sys_msg *r);
long do_psh_open(struct proc *p, const struct sys_msg *m, struct sys_msg *r);
long do_psh_unlink(struct proc *p, const struct sys_msg *m, struct sys_msg *r);
long do_psh_size(struct proc *p, const struct sys_msg *m, struct sys_msg *r);
long do_psh_stat(struct proc *p, const struct sys_msg *m, struct sys_msg *r);
long do_psh_list(struct proc *p, const struct sys_msg *m, struct sys_msg *r);
long do_psh_rename(struct proc *p, const struct sys_msg *m, struct sys_msg *r);
long do_shm_get(struct proc *p, const struct sys_msg *m, struct sys_msg *r);
long do_shm_at(struct proc *p, const struct sys_msg *m, struct sys_msg *r);
long do_shm_dt(struct proc *p, const struct sys_msg *m, struct sys_msg *r);
long do_shm_ctl(struct proc *p, const struct sys_msg *m, struct sys_msg *r);
long do_pipe_ref(struct proc *p, const struct sys_msg *m, struct sys_msg *r);
/* PG_PIPE_CTL: socketpair's two pipes, an eventfd, shutdown. */
long do_pipe_ctl(struct proc *p, const struct sys_msg *m, struct sys_msg *r);
long do_pipe_write(struct proc *p, const struct sys_msg *m, struct sys_msg *r);
long do_pipe_read(struct proc *p, const struct sys_msg *m, struct sys_msg *r);
int pipe_fork(struct proc *parent, struct proc *child);
/* PG_IO_CHECK: how much of a range is the caller's memory (libsys checks
 * a buffer it fills itself: read of /dev/zero). */
long do_io_check(struct proc *p, const struct sys_msg *m, struct sys_msg *r);
/* PG_IO_POLL: poll(2) over pipes; the timer thread answers saved polls
 * whose time ran out (pipe_poll_expire: the ms until the next deadline,
 * PG_POLL_FOREVER: none), a handled signal p's (pipe_interrupt: E_INTR to
 * p's saved polls, pipe reads and writes). */
long do_io_poll(struct proc *p, const struct sys_msg *m, struct sys_msg *r);
/* proc.c: PG_IO_EXEC, exec of an initrd program in the caller's process. */
long do_io_exec(struct proc *p, const struct sys_msg *m, struct sys_msg *r);
uint64_t pipe_poll_expire(uint64_t now);
void pipe_interrupt(struct proc *p);
void pipe_proc_gone(struct proc *p);
/* p execs: its saved calls are dropped, and of its ends the n in drops
 * (close-on-exec descriptors') let go; the rest stay held. */
struct pg_exec_drop;
void pipe_proc_exec(struct proc *p, const struct pg_exec_drop *drops, uint32_t n);

/* info.c: statistics, process list, region list. */
long do_stats(struct proc *p, const struct sys_msg *m, struct sys_msg *r);
long do_ps(struct proc *p, const struct sys_msg *m, struct sys_msg *r);
long do_pmap(struct proc *p, const struct sys_msg *m, struct sys_msg *r);
long do_list(struct proc *p, const struct sys_msg *m, struct sys_msg *r);

/* power.c: stopping the machine for a program. */
long do_halt(struct proc *p, const struct sys_msg *m, struct sys_msg *r);
long do_reboot(struct proc *p, const struct sys_msg *m, struct sys_msg *r);

/* oom.c: running out of memory (see oompolicy.h). */
bool oom_protected(const struct proc *p);
bool oom_victim_back(void);
long oom_no_frame(struct proc *p, const struct sys_msg *m, struct sys_msg *r);
long do_oom_adj(struct proc *p, const struct sys_msg *m, struct sys_msg *r);

/* fault.c: fault messages. */
long fault_page(struct proc *p, const struct sys_msg *m, struct sys_msg *r);
long fault_fatal(struct proc *p, const struct sys_msg *m, struct sys_msg *r);

/* ksmd.c: same-page merging (ksm.h) on the system, and its requests. */
void ksmd_init(void);
void ksmd_proc_new(struct proc *p, const struct proc *parent);
void ksmd_fork(struct proc *parent, struct proc *child);
void ksmd_proc_gone(struct proc *p);
uint64_t ksmd_merging(const struct proc *p);
int ksm_madvise(struct proc *p, uint64_t start, uint64_t end, bool on);
long do_ksm_ctl(struct proc *p, const struct sys_msg *m, struct sys_msg *r);
long do_ksm_stats(struct proc *p, const struct sys_msg *m, struct sys_msg *r);
long do_ksm_process(struct proc *p, const struct sys_msg *m, struct sys_msg *r);
long do_ksm_domain(struct proc *p, const struct sys_msg *m, struct sys_msg *r);
long do_ksm_scan(struct proc *p, const struct sys_msg *m, struct sys_msg *r);

/* main.c: between two steps of a long request (ksmd.c's scan chunks): let
 * the faults and requests that wait for pg.big in (let_in; else pg.big
 * stays held throughout), then take a message that waits, if any, to
 * serve next; true if one is taken. */
bool pager_poll(bool let_in);
const struct sys_msg *pager_polled(void);

/* runner.c: the test and bench runs. */
void runner_start(void);
void selftest_run(void);
void runner_exited(const struct proc *p);
uint32_t runner_init_pid(void); /* 0 before init is started */

#endif
