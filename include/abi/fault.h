/* Faults as IPC messages (seL4-style): the kernel sends one to the faulting
 * space's pager endpoint on behalf of the faulting thread, which blocks
 * until the pager answers with reply_recv.
 *
 * Fault message (badge = the space's badge given at space_create):
 *   label = FAULT_*; w0 = address (CR2 for page faults, else 0)
 *   w1 = access bits (FAULT_ACC_*), w2 = RIP, w3 = thread id
 * Answer (the reply half of reply_recv):
 *   label = FAULT_REPLY_MAP:  w0 = virtual address | MAP_* rights,
 *                             w1 = pfn, w2 = generation; the kernel maps it
 *                             at once, in the reply (so no later decision
 *                             of the pager can be overtaken), and resumes
 *                             the thread; a mapping it refuses is dropped
 *                             and the thread faults again
 *   label = FAULT_REPLY_RESUME: resume without mapping (pager mapped it);
 *                             w0 = 0, or milliseconds (at most
 *                             FAULT_RESUME_MAX_MS) to sleep first: the
 *                             access then runs again and may fault anew
 *                             (the pager defers a fault it cannot serve
 *                             yet, such as one waiting for an OOM
 *                             victim's frames)
 *   label = FAULT_REPLY_KILL: the thread is ended; w0 = reason (any word)
 *
 * Thread-end notice: not a fault and not a call.  When a thread of a space
 * with a pager endpoint ends (thread_exit, a kill answer, the kernel's own
 * kill), the dying thread itself sends, before it becomes dead,
 *   label = FAULT_THREAD_END, w0 = its IPC buffer address (0: none),
 *   w3 = thread id (as thread_create returned it), badge = the space's badge
 * with a plain send: it waits for the pager to take it, never for an
 * answer (the pager's reply goes nowhere).  Notices queue on the endpoint
 * like any sender, so any number of threads may end at once.  A thread the
 * pager ended itself (thread_destroy) sends none; one already on its way
 * may still arrive, naming a thread the pager has forgotten. */
#ifndef ABI_FAULT_H
#define ABI_FAULT_H

enum fault_label {
	FAULT_PAGE = 0xF0000001,
	FAULT_GP,        /* general protection, privileged instruction */
	FAULT_UD,        /* invalid opcode */
	FAULT_DE,        /* divide error */
	FAULT_OTHER,     /* any other exception; w1 holds the vector */
	FAULT_THREAD_END, /* notice: a thread ended (a send, no answer) */
};

#define FAULT_ACC_READ    0x1
#define FAULT_ACC_WRITE   0x2
#define FAULT_ACC_EXEC    0x4
#define FAULT_ACC_PRESENT 0x8 /* the page was present: a protection fault */
#define FAULT_ACC_SYSCALL 0x10 /* not the thread's own access: a system call
				 * needs this user page (a buffer it was given);
				 * a KILL answer then makes the call fail with
				 * E_FAULT, and the thread lives on */

#define FAULT_RESUME_MAX_MS 1000

enum fault_reply {
	FAULT_REPLY_MAP = 0xF1000001,
	FAULT_REPLY_RESUME,
	FAULT_REPLY_KILL,
};

#endif
