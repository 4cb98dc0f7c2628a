/* Process and memory calls for programs (fork, kill, brk, ...): requests
 * to the pager (abi/pager.h) like those of sys/proc.h.  Not in sys/sys.h,
 * which the pager itself includes: programs include this header too. */
#ifndef SYS_UNISTD_H
#define SYS_UNISTD_H

#include "sys/proc.h"
#include "sys/malloc.h"

/* Fork: the child gets a copy-on-write copy of this process and resumes
 * here on one thread.  Returns the child's pid in the parent, 0 in the
 * child, minus an error (E_NOMEM, ...) if there is no child. */
int pgreq_fork(void);
#ifndef LIBSYS_POSIX_NAMES
static inline int fork(void) { return pgreq_fork(); }
#endif

/* End process pid and its children.  E_NOENT: no such process. */
int pgreq_kill(uint32_t pid);
/* The same, its wait status saying signal sig (1..64) ended it. */
int pgreq_kill_sig(int64_t pid, int sig);
/* init and the shell: end every process that comes (by fork or spawn)
 * from job, the pid of a program they started; how many, or -E_PERM. */
long pgreq_end_job(uint32_t job);
#ifndef LIBSYS_POSIX_NAMES
static inline int kill(uint32_t pid) { return pgreq_kill(pid); }
#endif

/* This process's oom_score_adj (PG_OOM_ADJ_MIN -1000: never killed for
 * want of memory .. PG_OOM_ADJ_MAX 1000: killed first); children started
 * afterwards inherit it.  *old (may be NULL) = the value before.  E_INVAL
 * out of range. */
int oom_score_adj_set(int value, int *old);
int oom_score_adj_get(int *value);

/* Set the MAP_* rights of [addr, addr + size) (page-aligned, inside one
 * region).  E_INVAL otherwise. */
int pgreq_mprotect(void *addr, size_t size, unsigned rights);
#ifndef LIBSYS_POSIX_NAMES
static inline int mprotect(void *addr, size_t size, unsigned rights)
{
	return pgreq_mprotect(addr, size, rights);
}
#endif

/* Move the heap's break to want (0: only ask); *now = the break after.
 * E_NOMEM if it cannot grow that far.  (malloc's heap; unistd.h's POSIX
 * brk and sbrk move a break of their own.) */
int pgreq_brk(uint64_t want, uint64_t *now);
#ifndef LIBSYS_POSIX_NAMES
static inline int brk(uint64_t want, uint64_t *now) { return pgreq_brk(want, now); }
#endif

/* The pager's counters (abi/pager.h struct pg_stats). */
int pager_stats(struct pg_stats *st);

/* Up to max processes with pid >= first into v; *n = how many. */
int pager_ps(uint32_t first, struct pg_procinfo *v, size_t max, size_t *n);
/* Live processes in process group g, or -1 with errno. */
long pgroup_members(int g);

/* Up to max regions of process pid into v; *n = how many. */
int pager_pmap(uint32_t pid, struct pg_region_info *v, size_t max, size_t *n);
/* The same, of its regions that start at or above address from. */
int pager_pmap_from(uint32_t pid, uint64_t from, struct pg_region_info *v,
		    size_t max, size_t *n);

/* How child pid ended, at once: E_AGAIN while it runs. */
int wait_poll(uint32_t pid, struct wait_status *st);
/* PG_WAIT with w1 = flags (PG_WAIT_BLOCK, PG_WAIT_F_*: abi/pager.h);
 * pgreq_wait_flags blocks (asks again while the pager cannot keep it). */
int wait_flags(uint32_t pid, uint64_t flags, struct wait_status *st);
int pgreq_wait_flags(uint32_t pid, uint64_t flags, struct wait_status *st);

/* Wait until child pid ends; like waitpid. */
#ifndef LIBSYS_POSIX_NAMES
static inline int wait(uint32_t pid, struct wait_status *st)
{
	return pgreq_waitpid(pid, st);
}
#endif

/* Sleep for ms milliseconds. */
int sleep_ms(unsigned ms);

/* The cycle counter's rate in Hz (sysinfo), 0 if unknown. */
uint64_t tsc_hz(void);

/* The number of CPUs online (sysinfo), at least 1. */
unsigned cpu_count(void);

/* The name of the index-th file of the initrd into name[0..max), NUL-
 * terminated.  E_NOENT past the last file; E_NOSYS while the pager has no
 * PG_LIST request. */
int initrd_name(unsigned index, char *name, size_t max);

/* initrd_name, and *size = the file's size in bytes. */
int initrd_stat(unsigned index, char *name, size_t max, uint64_t *size);

/* Ask the pager to stop the machine with status (0..127; under QEMU's
 * isa-debug-exit QEMU exits with status * 2 + 1), or to reset it.  They
 * return (an error) only if the pager refused. */
int machine_halt(int status);
int machine_reboot(void);

#endif
