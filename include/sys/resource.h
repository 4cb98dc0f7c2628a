/* <sys/resource.h>: resource usage and limits with Linux's layout and
 * numbers.
 *
 * getrusage: ru_minflt = the page faults the pager served for the process
 * (every fault is minor: nothing is read from a disk, so ru_majflt is 0),
 * ru_maxrss = the most pages it had mapped at once, in KiB; RUSAGE_CHILDREN:
 * the sum of the faults and the highest maxrss of the children it waited
 * for (and of theirs).  ru_utime = the CPU time the kernel charged the
 * process (its timer tick: all of it user time, ru_stime is 0), of the
 * calling thread for RUSAGE_THREAD (whose other fields are the process's),
 * of the reaped children (and theirs) for RUSAGE_CHILDREN.  Every other
 * field is 0.
 *
 * Limits start as what the system has: RLIMIT_STACK 8 MiB (the main
 * stack's fixed size), RLIMIT_NOFILE the descriptor table's size,
 * RLIMIT_CORE 0 (no core dumps), every other RLIM_INFINITY.  setrlimit
 * changes them per process (fork copies them) as Linux checks: EINVAL
 * when rlim_cur > rlim_max, EPERM when raising RLIMIT_NOFILE or
 * RLIMIT_STACK past the system's value.  Enforced: RLIMIT_AS (all the
 * address space mapped, the stack's grown part only) and RLIMIT_DATA
 * (writable private memory and malloc's heap) on mmap and malloc's heap
 * growth (ENOMEM); the rest are reported only. */
#ifndef _SYS_RESOURCE_H
#define _SYS_RESOURCE_H

#include <sys/types.h>
#include <sys/time.h>

#define RUSAGE_SELF     0
#define RUSAGE_CHILDREN (-1)
#define RUSAGE_THREAD   1

struct rusage {
	struct timeval ru_utime;
	struct timeval ru_stime;
	long ru_maxrss;   /* KiB */
	long ru_ixrss;
	long ru_idrss;
	long ru_isrss;
	long ru_minflt;
	long ru_majflt;
	long ru_nswap;
	long ru_inblock;
	long ru_oublock;
	long ru_msgsnd;
	long ru_msgrcv;
	long ru_nsignals;
	long ru_nvcsw;
	long ru_nivcsw;
};

typedef unsigned long rlim_t;
#define RLIM_INFINITY  (~0ul)
#define RLIM_SAVED_MAX RLIM_INFINITY
#define RLIM_SAVED_CUR RLIM_INFINITY

struct rlimit {
	rlim_t rlim_cur;
	rlim_t rlim_max;
};

#define RLIMIT_CPU        0
#define RLIMIT_FSIZE      1
#define RLIMIT_DATA       2
#define RLIMIT_STACK      3
#define RLIMIT_CORE       4
#define RLIMIT_RSS        5
#define RLIMIT_NPROC      6
#define RLIMIT_NOFILE     7
#define RLIMIT_MEMLOCK    8
#define RLIMIT_AS         9
#define RLIMIT_LOCKS     10
#define RLIMIT_SIGPENDING 11
#define RLIMIT_MSGQUEUE  12
#define RLIMIT_NICE      13
#define RLIMIT_RTPRIO    14
#define RLIMIT_RTTIME    15
#define RLIMIT_NLIMITS   16
#define RLIM_NLIMITS     RLIMIT_NLIMITS

/* 0, or -1 with EINVAL (who), EFAULT (usage NULL). */
int getrusage(int who, struct rusage *usage);
/* 0, or -1 with EINVAL (resource), EFAULT (NULL). */
int getrlimit(int resource, struct rlimit *rlim);
int setrlimit(int resource, const struct rlimit *rlim);
/* getrlimit and setrlimit of the caller (pid 0 or getpid()) in one:
 * *old (if old) gets the limit before *new (if new) is set.  ESRCH for
 * another pid. */
int prlimit(pid_t pid, int resource, const struct rlimit *new_limit,
	    struct rlimit *old);
/* The 64-bit names (LP64: the same calls and types). */
#define rlim64_t rlim_t
#define rlimit64 rlimit
#define getrlimit64 getrlimit
#define setrlimit64 setrlimit
#define prlimit64 prlimit
/* Nice values: every process runs at 0; setting 0 succeeds, another
 * value EACCES. */
#define PRIO_PROCESS 0
#define PRIO_PGRP    1
#define PRIO_USER    2
int getpriority(int which, id_t who);
int setpriority(int which, id_t who, int prio);

#endif
