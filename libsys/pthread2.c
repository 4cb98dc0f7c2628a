/* The rest of <pthread.h>'s attribute calls as glibc answers them on
 * Linux for an ordinary program: condition variable clocks, process-
 * shared flags, guard size, scope,
 * scheduling (SCHED_OTHER, priority 0), affinity of the calling thread,
 * names, concurrency. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <time.h>

int pthread_condattr_setclock(pthread_condattr_t *a, clockid_t clk)
{
	if (clk != CLOCK_REALTIME && clk != CLOCK_MONOTONIC)
		return EINVAL;
	a->clock = clk;
	return 0;
}

int pthread_condattr_getclock(const pthread_condattr_t *a, clockid_t *clk)
{
	*clk = a->clock;
	return 0;
}

/* PTHREAD_PROCESS_SHARED: the object works between processes when it
 * lies in MAP_SHARED memory (its futexes are then keyed by the frame). */
static int pshared_ok(int pshared)
{
	return pshared == PTHREAD_PROCESS_PRIVATE || pshared == PTHREAD_PROCESS_SHARED;
}

int pthread_condattr_setpshared(pthread_condattr_t *a, int pshared)
{
	if (!pshared_ok(pshared))
		return EINVAL;
	a->pshared = pshared;
	return 0;
}

int pthread_condattr_getpshared(const pthread_condattr_t *a, int *pshared)
{
	*pshared = a->pshared;
	return 0;
}

int pthread_mutexattr_setpshared(pthread_mutexattr_t *a, int pshared)
{
	if (!pshared_ok(pshared))
		return EINVAL;
	a->pshared = pshared;
	return 0;
}

int pthread_mutexattr_getpshared(const pthread_mutexattr_t *a, int *pshared)
{
	*pshared = a->pshared;
	return 0;
}

int pthread_barrierattr_setpshared(pthread_barrierattr_t *a, int pshared)
{
	if (!pshared_ok(pshared))
		return EINVAL;
	a->unused = pshared;
	return 0;
}

int pthread_barrierattr_getpshared(const pthread_barrierattr_t *a, int *pshared)
{
	*pshared = a->unused;
	return 0;
}

/* Guard size: kept in the attributes only (a thread's stack region has
 * unmapped space around it anyway). */
int pthread_attr_setguardsize(pthread_attr_t *a, size_t size)
{
	a->__reserved[1] = size;
	return 0;
}

int pthread_attr_getguardsize(const pthread_attr_t *a, size_t *size)
{
	*size = a->__reserved[1];
	return 0;
}

int pthread_attr_setscope(pthread_attr_t *a, int scope)
{
	(void)a;
	if (scope == PTHREAD_SCOPE_SYSTEM)
		return 0;
	return scope == PTHREAD_SCOPE_PROCESS ? ENOTSUP : EINVAL;
}

int pthread_attr_getscope(const pthread_attr_t *a, int *scope)
{
	(void)a;
	*scope = PTHREAD_SCOPE_SYSTEM;
	return 0;
}

int pthread_attr_setinheritsched(pthread_attr_t *a, int inherit)
{
	if (inherit != PTHREAD_INHERIT_SCHED && inherit != PTHREAD_EXPLICIT_SCHED)
		return EINVAL;
	a->__reserved[2] = (unsigned long)inherit;
	return 0;
}

int pthread_attr_getinheritsched(const pthread_attr_t *a, int *inherit)
{
	*inherit = (int)a->__reserved[2];
	return 0;
}

int pthread_attr_setschedpolicy(pthread_attr_t *a, int policy)
{
	(void)a;
	if (policy < SCHED_OTHER || policy > SCHED_RR)
		return EINVAL;
	return policy == SCHED_OTHER ? 0 : ENOTSUP;
}

int pthread_attr_getschedpolicy(const pthread_attr_t *a, int *policy)
{
	(void)a;
	*policy = SCHED_OTHER;
	return 0;
}

int pthread_attr_setschedparam(pthread_attr_t *a, const struct sched_param *p)
{
	(void)a;
	return p->sched_priority == 0 ? 0 : EINVAL;
}

int pthread_attr_getschedparam(const pthread_attr_t *a, struct sched_param *p)
{
	(void)a;
	p->sched_priority = 0;
	return 0;
}

int pthread_setaffinity_np(pthread_t t, size_t size, const cpu_set_t *set)
{
	if (!pthread_equal(t, pthread_self()))
		return ESRCH;
	return sched_setaffinity(0, size, set) ? errno : 0;
}

int pthread_getaffinity_np(pthread_t t, size_t size, cpu_set_t *set)
{
	if (!pthread_equal(t, pthread_self()))
		return ESRCH;
	return sched_getaffinity(0, size, set) ? errno : 0;
}

int pthread_setschedparam(pthread_t t, int policy, const struct sched_param *p)
{
	(void)t;
	if (policy < SCHED_OTHER || policy > SCHED_RR)
		return EINVAL;
	return policy == SCHED_OTHER && p->sched_priority == 0 ? 0 : EPERM;
}

int pthread_getschedparam(pthread_t t, int *policy, struct sched_param *p)
{
	(void)t;
	*policy = SCHED_OTHER;
	p->sched_priority = 0;
	return 0;
}

/* Names: Linux's 16 bytes with the NUL; not kept (getname answers ""). */

static int concurrency;

int pthread_getconcurrency(void)
{
	return concurrency;
}

int pthread_setconcurrency(int level)
{
	if (level < 0)
		return EINVAL;
	concurrency = level;
	return 0;
}
