/* hunt16_oomloop: running out of memory again and again leaves the
 * system whole (a plain Linux program, checked on Linux 6.1).  Three
 * times, a child with four threads mallocs 256 KiB blocks and touches
 * them until malloc fails or the child is killed, and forks a grandchild
 * that writes its copy-on-write copy meanwhile; the parent waits for both.
 * Each time the free memory must come back to at least 95% of what it was
 * at the start, and the next round's greedy child must get at least 80%
 * as much as the first one did. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define NAME "hunt16_oomloop"
#define BLOCK (256 * 1024)

static long *got; /* MAP_SHARED: KiB the greedy child reached */

static void *greedy(void *arg)
{
	(void)arg;
	for (;;) {
		char *b = malloc(BLOCK);
		if (!b)
			return NULL;
		for (size_t i = 0; i < BLOCK; i += 4096)
			b[i] = 1;
		__atomic_fetch_add(got, BLOCK / 1024, __ATOMIC_RELAXED);
	}
}

/* child: a COW copy for a grandchild to write, then four greedy threads */
static void child(void)
{
	size_t len = 4u << 20;
	char *c = malloc(len);
	if (c)
		memset(c, 3, len);
	pid_t g = fork();
	if (g == 0) {
		for (int r = 0; c && r < 1000; r++)
			for (size_t i = 0; i < len; i += 4096)
				c[i] = (char)r;
		_exit(0);
	}
	pthread_t t[4];
	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, greedy, NULL);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	waitpid(g, NULL, 0);
	_exit(0);
}

int main(void)
{
	got = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	long avail0 = sysconf(_SC_AVPHYS_PAGES), first = 0;
	int bad = 0;
	for (int round = 0; round < 3; round++) {
		*got = 0;
		pid_t pid = fork();
		if (pid == 0)
			child();
		int st = 0;
		waitpid(pid, &st, 0);
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		long avail = 0;
		for (int tries = 0; tries < 200; tries++) { /* a killed grandchild ends */
			avail = sysconf(_SC_AVPHYS_PAGES);
			if (avail >= avail0 * 95 / 100)
				break;
			usleep(10000);
		}
		printf("%s: round %d: child reached %ld KiB, status 0x%x, free pages %ld of %ld\n",
		       NAME, round, *got, st, avail, avail0);
		if (round == 0)
			first = *got;
		else if (*got < first * 8 / 10)
			bad++;
		if (avail < avail0 * 95 / 100)
			bad++;
	}
	if (!bad && first > 0)
		printf("@@PASS %s\n", NAME);
	else
		printf("@@FAIL %s: %d bad rounds\n", NAME, bad);
	return 0;
}
