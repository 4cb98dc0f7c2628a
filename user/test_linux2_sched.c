/* Scheduling calls and process identity: sched_yield, sched_getcpu,
 * sched_getaffinity/sched_setaffinity with the CPU_* macros (pinned to
 * one CPU, a thread stays there), priorities, getpid/getppid/getuid/
 * geteuid/getgid/getegid, a child's getppid is its parent. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL linux2_sched: line %d: %s (errno %d)\n", __LINE__, #c, errno); fails++; } } while (0)

static void *pinned(void *arg)
{
	int cpu = (int)(long)arg;
	cpu_set_t s;
	CPU_ZERO(&s);
	CPU_SET(cpu, &s);
	if (pthread_setaffinity_np(pthread_self(), sizeof s, &s) != 0)
		return (void *)1;
	for (int i = 0; i < 100; i++) {
		if (sched_getcpu() != cpu)
			return (void *)2;
		sched_yield();
	}
	return NULL;
}

int main(void)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	for (int i = 0; i < 100; i++)
		CHECK(sched_yield() == 0);
	int c = sched_getcpu();
	CHECK(c >= 0 && c < ncpu);

	cpu_set_t set, one;
	CPU_ZERO(&set);
	CHECK(sched_getaffinity(0, sizeof set, &set) == 0);
	CHECK(CPU_COUNT(&set) >= 1 && CPU_COUNT(&set) <= ncpu);
	int first = -1;
	for (int i = 0; i < CPU_SETSIZE; i++)
		if (CPU_ISSET(i, &set)) {
			first = i;
			break;
		}
	CHECK(first >= 0);
	CPU_ZERO(&one);
	CPU_SET(first, &one);
	CHECK(CPU_COUNT(&one) == 1 && CPU_ISSET(first, &one));
	CHECK(sched_setaffinity(0, sizeof one, &one) == 0);
	for (int i = 0; i < 50; i++) {
		CHECK(sched_getcpu() == first);
		sched_yield();
	}
	cpu_set_t back;
	CHECK(sched_getaffinity(0, sizeof back, &back) == 0 && CPU_EQUAL(&back, &one));
	CHECK(sched_setaffinity(0, sizeof set, &set) == 0);
	cpu_set_t none;
	CPU_ZERO(&none);
	errno = 0;
	CHECK(sched_setaffinity(0, sizeof none, &none) == -1 && errno == EINVAL);
	CPU_CLR(first, &one);
	CHECK(CPU_COUNT(&one) == 0);

	pthread_t t;
	void *r;
	int last = -1;
	for (int i = 0; i < CPU_SETSIZE; i++)
		if (CPU_ISSET(i, &set))
			last = i;
	CHECK(pthread_create(&t, NULL, pinned, (void *)(long)last) == 0);
	CHECK(pthread_join(t, &r) == 0 && r == NULL);

	/* priorities of SCHED_OTHER */
	CHECK(sched_getscheduler(0) == SCHED_OTHER);
	CHECK(sched_get_priority_min(SCHED_OTHER) == 0 && sched_get_priority_max(SCHED_OTHER) == 0);
	CHECK(sched_get_priority_max(SCHED_FIFO) >= 1);
	struct sched_param sp;
	CHECK(sched_getparam(0, &sp) == 0 && sp.sched_priority == 0);

	/* identity */
	pid_t me = getpid(), parent = getppid();
	CHECK(me > 0 && parent >= 0 && me != parent);
	CHECK(getuid() == geteuid() && getgid() == getegid());
	CHECK(getpgrp() > 0 && getsid(0) > 0);
	pid_t k = fork();
	if (k == 0)
		_exit(getppid() == me && getpid() != me ? 0 : 1);
	int st;
	CHECK(waitpid(k, &st, 0) == k && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK(getpid() == me);
	if (!fails)
		printf("@@PASS linux2_sched\n");
	return fails != 0;
}
