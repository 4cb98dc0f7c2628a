/* exec while another thread of the process faults and maps: a fault or
 * request the old image's thread sent just before the exec must not be
 * served against the new image (review 11, finding 2: it was, and the new
 * image was killed for a page fault at an old address).  Each round forks
 * a child whose second thread (on CPU 1) maps, touches and unmaps 64 pages
 * in a loop while the first (on CPU 0) execs this program again, whose new
 * image exits 42.  Every child must exit 42. */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define ROUNDS 150

static void pin(int cpu)
{
	cpu_set_t s;
	CPU_ZERO(&s);
	CPU_SET(cpu, &s);
	sched_setaffinity(0, sizeof s, &s); /* one CPU: fails, no matter */
}

static void *toucher(void *a)
{
	(void)a;
	pin(1);
	for (;;) {
		char *p = mmap(NULL, 64 << 12, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			continue;
		for (int i = 0; i < 64; i++)
			p[i << 12] = 1;
		munmap(p, 64 << 12);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "new"))
		return 42;
	int bad = 0;
	for (int r = 0; r < ROUNDS; r++) {
		pid_t c = fork();
		if (c < 0) {
			printf("@@FAIL mend_exec_inflight: fork\n");
			return 1;
		}
		if (c == 0) {
			pin(0);
			pthread_t t;
			if (pthread_create(&t, NULL, toucher, NULL))
				_exit(2);
			usleep(1000 + 100 * (r % 20));
			execl(argv[0], argv[0], "new", (char *)NULL);
			_exit(3);
		}
		int st = 0;
		if (waitpid(c, &st, 0) != c || !WIFEXITED(st) || WEXITSTATUS(st) != 42) {
			if (bad++ < 5)
				printf("mend_exec_inflight: round %d: child status 0x%x\n", r, st);
		}
	}
	if (bad) {
		printf("@@FAIL mend_exec_inflight: %d of %d new images did not exit 42\n", bad, ROUNDS);
		return 1;
	}
	printf("@@PASS mend_exec_inflight\n");
	return 0;
}
