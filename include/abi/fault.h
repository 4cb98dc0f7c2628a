/* Faults as IPC messages (seL4-style): the kernel sends one to the faulting
 * space's pager endpoint on behalf of the faulting thread, which blocks
 * until the pager answers with reply_recv.
 *
 * The words of both are named by the slots below (w[FAULT_MSG_ADDR], ...).
 *
 * Fault message (badge = the space's badge given at space_create):
 *   label = FAULT_*; FAULT_MSG_ADDR = address (CR2 for page faults, else 0),
 *   FAULT_MSG_ACCESS = access bits (FAULT_ACC_*), FAULT_MSG_IP = the
 *   faulting instruction, FAULT_MSG_TID = thread id
 * Answer (the reply half of reply_recv):
 *   label = FAULT_REPLY_MAP:  FAULT_MAP_VA = virtual address | MAP_* rights,
 *                             FAULT_MAP_PFN = pfn, FAULT_MAP_GEN =
 *                             generation; the kernel maps it
 *                             at once, in the reply (so no later decision
 *                             of the pager can be overtaken), and resumes
 *                             the thread; a mapping it refuses is dropped
 *                             and the thread faults again
 *   label = FAULT_REPLY_INSTALL: FAULT_INST_PFN = pfn, FAULT_INST_GEN =
 *                             generation, FAULT_INST_RIGHTS = MAP_* rights
 *                             (MAP_R required): for FAULT_PAGE only; the
 *                             kernel maps the frame at the faulting page
 *                             inside the pager's reply_recv, checked as the
 *                             map call checks it, and only if nothing is
 *                             mapped there and nothing of the space was
 *                             unmapped or protected since the fault was
 *                             sent (else nothing is mapped and the access
 *                             faults again: a pager with a thread per CPU
 *                             may answer after letting go of its locks).
 *                             A bad answer (E_STALE frame, E_INVAL rights,
 *                             E_FAULT: not a page fault, or a kernel
 *                             address) fails the reply_recv before anything
 *                             is answered or received; the thread still
 *                             waits, and a receive gives its call up (the
 *                             thread ends, or its system call fails)
 *   label = FAULT_REPLY_RESUME: resume without mapping (pager mapped it);
 *                             FAULT_RESUME_MS = 0, or milliseconds (at most
 *                             FAULT_RESUME_MAX_MS) to sleep first: the
 *                             access then runs again and may fault anew
 *                             (the pager defers a fault it cannot serve
 *                             yet, such as one waiting for an OOM
 *                             victim's frames)
 *   label = FAULT_REPLY_KILL: the thread is ended; FAULT_KILL_REASON =
 *                             reason (any word)
 *   label = FAULT_REPLY_SIGNAL: run the process's signal handler
 *                             (abi/signal.h): FAULT_SIG_ENTRY = the user
 *                             address to enter, FAULT_SIG_INFO = signal
 *                             number | si_code << 8, FAULT_SIG_ADDR =
 *                             si_addr.  If the signal is blocked in the
 *                             thread, or the frame cannot be written to its
 *                             stack, the kernel sends the same fault again
 *                             with FAULT_ACC_NOSIGNAL, and the pager kills
 *                             the process as without a handler
 *
 * Thread-end notice: not a fault and not a call.  When a thread of a space
 * with a pager endpoint ends (thread_exit, a kill answer, the kernel's own
 * kill), the dying thread itself sends, before it becomes dead,
 *   label = FAULT_THREAD_END, FAULT_END_IPC_BUF = its IPC buffer address
 *   (0: none), FAULT_MSG_TID = thread id (as thread_create returned it),
 *   FAULT_END_SIGPENDING = the signals still pending in it (taken from it
 *   at once: a sig_post after that is E_DEAD), but those sent to it alone
 *   (SIG_POST_OWN, raise), badge = the space's badge
 * with a plain send: it waits for the pager to take it, never for an
 * answer (the pager's reply goes nowhere).  Notices queue on the endpoint
 * like any sender, so any number of threads may end at once.  A thread the
 * pager ended itself (thread_destroy) sends none; one already on its way
 * may still arrive, naming a thread the pager has forgotten.
 *
 * Space-end notice: when a space with a pager endpoint is gone (the
 * pager's handle closed and its last thread dead), once every frame and
 * page table it held is back, its pager receives
 *   label = FAULT_SPACE_END, badge = the space's badge, no words
 * posted by the kernel (no thread sends it: it never blocks anyone, and a
 * receive takes it before any sender).  One per space, always. */
#ifndef ABI_FAULT_H
#define ABI_FAULT_H

enum fault_label {
	FAULT_PAGE = 0xF0000001,
	FAULT_GP,        /* general protection, privileged instruction */
	FAULT_UD,        /* invalid opcode */
	FAULT_DE,        /* divide error */
	FAULT_OTHER,     /* any other exception; FAULT_MSG_ACCESS holds the vector */
	FAULT_THREAD_END, /* notice: a thread ended (a send, no answer) */
	FAULT_SPACE_END, /* notice: a space and all it held are gone */
};

/* The words (w[]) of a fault message and of a FAULT_THREAD_END notice. */
enum fault_msg_slot {
	FAULT_MSG_ADDR = 0,    /* the address accessed (CR2), else 0 */
	FAULT_MSG_ACCESS = 1,  /* FAULT_ACC_* bits (FAULT_OTHER: the vector) */
	FAULT_MSG_IP = 2,      /* the faulting instruction */
	FAULT_MSG_TID = 3,     /* the thread, in faults and notices */
	FAULT_END_IPC_BUF = 0, /* FAULT_THREAD_END: its IPC buffer (0: none) */
	FAULT_END_SIGPENDING = 1, /* FAULT_THREAD_END: signals pending in it
				   * (bit sig - 1), for another thread */
};

/* The words (w[]) of the pager's answer, by reply label. */
enum fault_reply_slot {
	FAULT_MAP_VA = 0,      /* FAULT_REPLY_MAP: virtual address | MAP_* rights */
	FAULT_MAP_PFN = 1,     /* FAULT_REPLY_MAP: the frame */
	FAULT_MAP_GEN = 2,     /* FAULT_REPLY_MAP: the frame's generation */
	FAULT_RESUME_MS = 0,   /* FAULT_REPLY_RESUME: ms to wait first (0: none) */
	FAULT_KILL_REASON = 0, /* FAULT_REPLY_KILL: any word */
	FAULT_SIG_ENTRY = 0,   /* FAULT_REPLY_SIGNAL: where the thread resumes */
	FAULT_SIG_INFO = 1,    /* FAULT_REPLY_SIGNAL: signo | si_code << 8 */
	FAULT_SIG_ADDR = 2,    /* FAULT_REPLY_SIGNAL: si_addr */
	FAULT_INST_PFN = 0,    /* FAULT_REPLY_INSTALL: the frame */
	FAULT_INST_GEN = 1,    /* FAULT_REPLY_INSTALL: its generation */
	FAULT_INST_RIGHTS = 2, /* FAULT_REPLY_INSTALL: MAP_* rights */
};

#define FAULT_ACC_READ    0x1
#define FAULT_ACC_WRITE   0x2
#define FAULT_ACC_EXEC    0x4
#define FAULT_ACC_PRESENT 0x8 /* the page was present: a protection fault */
#define FAULT_ACC_SYSCALL 0x10 /* not the thread's own access: a system call
				 * needs this user page (a buffer it was given);
				 * a KILL answer then makes the call fail with
				 * E_FAULT, and the thread lives on */
#define FAULT_ACC_OOMWAIT 0x20 /* with FAULT_ACC_SYSCALL: a signal frame's
				 * page; no frame for it is answered as the
				 * thread's own fault is (out of memory: wait,
				 * or a victim killed), not with KILL */
#define FAULT_ACC_NOSIGNAL 0x80000000ul /* the fault came back: its signal
				 * handler could not run (the signal was
				 * blocked, or the stack was bad): kill */
#define FAULT_ACC_NOFRAME 0x40000000ul /* with FAULT_ACC_NOSIGNAL: not
				 * blocked, but no frame could be written
				 * (bad stack pointer or alternate stack):
				 * the kill is SIGSEGV's, as Linux's
				 * force_sigsegv, whatever the fault */

#define FAULT_RESUME_MAX_MS 1000

/* Set by the kernel in the badge of a fault, and of a call on the space's
 * pager endpoint, while the space has pages the kernel filled at fill
 * marks that the pager has not taken yet (fill_take): the pager takes
 * them before it serves the message.  Badges the pager gives spaces and
 * endpoints leave this bit clear. */
#define FAULT_BADGE_FILLS (1ull << 33)

/* A record fill_take hands out, four words: va | FILL_ZERO (the shared
 * zero frame mapped read-only for a read), va | FILL_COPY (a copy-marked
 * page written: a new frame with the old one's bytes, held in the pager's
 * window, mapped writable in its place) or va alone (a fresh zeroed
 * frame, held in the pager's window as frame_alloc_map1's); pfn; gen;
 * the old frame (FILL_COPY; else 0). */
#define FILL_ZERO 0x1ull
#define FILL_COPY 0x2ull
#define FILL_REC_WORDS 4
#define FILL_TAKE_MAX 64 /* records one fill_take may hand out */
#define FILL_TAKE_STOP 0x10000 /* in fill_take's max: no fill nor copy in the
				* space from now on (before the records are
				* taken)... */
#define FILL_TAKE_GO   0x20000 /* ... until a fill_take with this */

enum fault_reply {
	FAULT_REPLY_MAP = 0xF1000001,
	FAULT_REPLY_RESUME,
	FAULT_REPLY_KILL,
	FAULT_REPLY_SIGNAL,
	FAULT_REPLY_INSTALL,
};

#endif
