/* The portable kernel's entry points: the calls kernel/arch makes into it
 * (exceptions, system calls), the fault path the rest of the kernel uses,
 * and the boot-time runs main.c starts.  What arch gives the portable
 * kernel is in arch_api.h. */
#ifndef KERNEL_KERNEL_H
#define KERNEL_KERNEL_H

#include <stdbool.h>
#include <stdint.h>

struct boot_info;
struct thread;
struct ipc_msg;

/* Called by kernel/arch. */
/* A ring-3 exception, as arch decoded it: label FAULT_*, access FAULT_ACC_*
 * bits (FAULT_OTHER: the vector), the address accessed (else 0), the
 * faulting instruction (abi/fault.h).  Sends it to the thread's pager and
 * returns to resume; false if there is nobody to send it to (a fault in
 * the pager). */
bool fault_user_exception(uint64_t label, uint64_t access, uint64_t addr, uint64_t rip);
/* fault_user_exception for a page fault (label FAULT_PAGE), by the IPC
 * fast path when it can (fastpath.c; the rest by fault_user_exception). */
bool fault_user_page(uint64_t access, uint64_t addr, uint64_t rip);
/* The rest of fault_user_exception for a thread whose fault call went by
 * the IPC fast path and blocked it for good (THREAD_RESUME_FAULT): run
 * when it goes on (a pending signal taken on its user frame), then the
 * exception returns to ring 3. */
void fault_resume(void);
/* System call nr with arguments a; its results go to out (zeroed by the
 * caller).  Returns the enum err for rax. */
int syscall_dispatch(uint64_t nr, const uint64_t a[6], uint64_t out[6]);

/* The fault path (fault.c) for system calls and the IPC reply. */
/* Have the pager map [va, va + n) of the current space (writable if
 * write) the way faults would, for a system call about to copy there.
 * E_FAULT if a page cannot be had (the thread is not killed for it). */
int fault_in_user(uint64_t va, uint64_t n, bool write);

/* Copy n bytes to (fault_copy_out) or from (fault_copy_in) [uva, uva + n)
 * of the current space, paging in what is not mapped as the copy needs
 * it (fault_in_user) and copying again: again while that succeeds, a few
 * times, since another thread may take the pages away meanwhile (its
 * fork write-protects every page).  E_FAULT if a page cannot be had. */
int fault_copy_out(uint64_t uva, const void *src, uint64_t n);
int fault_copy_in(void *dst, uint64_t uva, uint64_t n);

/* fault_copy_out for a signal frame: a page the pager has no frame for
 * is not E_FAULT but waits as the thread's own fault would (the pager's
 * out-of-memory choice: wait for a victim's frames, or kill one, maybe
 * this process), since a frame not written kills the process. */
int fault_copy_out_wait(uint64_t uva, const void *src, uint64_t n);

/* signal.c: run the signal handler the pager's answer r names on the
 * current thread (a frame on its user stack, its registers set to enter
 * the handler): 0; else, with nothing changed, the FAULT_ACC_* bits the
 * fault goes back to the pager with: FAULT_ACC_NOSIGNAL if the signal is
 * blocked (or not one), | FAULT_ACC_NOFRAME if the frame cannot be
 * written. */
struct ipc_msg;
uint64_t signal_deliver(const struct ipc_msg *r);
/* fault.c: the current thread's signal frame could not be written: the
 * pager kills its process as for a #GP at rip no handler may take. */
_Noreturn void fault_no_signal_frame(uint64_t rip);
/* The pager's answer r to the fault of thread t takes effect (called from
 * the reply, in the pager's system call): a FAULT_REPLY_MAP is installed in
 * t's space now.  A mapping the kernel refuses is reported on the console
 * and dropped: the thread then resumes and faults again. */
void fault_answer(struct thread *t, const struct ipc_msg *r);
/* A FAULT_REPLY_INSTALL answer (frame pfn, gen, rights) to the fault call
 * of c (waiting for it, kept by the replier's reference), put in place at
 * once if it may be (space_map_fresh).  E_OK (mapped, or refused for a
 * change meanwhile: the access faults again), or the bad answer's error
 * (E_STALE, E_INVAL, E_FAULT): nothing mapped, nothing answered. */
int fault_install(struct thread *c, uint64_t pfn, uint64_t gen, uint64_t rights);

/* Called by main.c. */
/* Load and start the pager from its GRUB module (loader.c); panics if it
 * cannot. True if there was a pager module. */
bool pager_present(const struct boot_info *bi);
void pager_start(const struct boot_info *bi);

/* In-kernel test and benchmark runs (ktest.c, kbench.c), before the
 * scheduler starts. They end the QEMU run themselves when final is set
 * (no pager to run the ring-3 part); else they return. */
void ktest_run(const struct boot_info *bi, bool final);
void kbench_run(const struct boot_info *bi, bool final);

#endif
