/* hunt2_ksm_exec: exec while KSM merges the caller's pages.  With the
 * scanner running flat out, each worker fills 64 mergeable pages with the
 * same bytes (so they merge), has three threads write their own words into
 * them and check them, then execs itself while they run; the new image
 * (same pid) does the same with other bytes and must read back every word
 * it wrote, and nothing of the old image's.  Some workers are killed with
 * SIGKILL in the middle.  At the end KSM unmerges everything and every
 * frame must be back. */
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "sys/ksm.h"
#include "sys/test.h"

#define T "hunt2_ksm_exec"
#define PAGES 64
#define WORKERS 10
#define ROUNDS 200

static const char *self;
static volatile uint64_t *buf;
static uint64_t fill;

static void *writer(void *arg)
{
	int me = (int)(intptr_t)arg;
	for (uint64_t n = 1; n <= ROUNDS * 4; n++) {
		volatile uint64_t *q = buf + (n * 7 + (uint64_t)me) % PAGES * 512;
		q[1 + me] = fill ^ n;
		for (int i = 0; i < 3; i++)
			sched_yield();
		if (q[1 + me] != (fill ^ n)) {
			printf("@@FAIL " T ": pid %d: a word lost (%#lx)\n", getpid(),
			       (unsigned long)q[1 + me]);
			_exit(1);
		}
		q[1 + me] = fill; /* the page alike again: it merges again */
		for (int i = 0; i < 512; i++)
			if (i > 3 && q[i] != fill) {
				printf("@@FAIL " T ": pid %d: a word not ours (%#lx)\n", getpid(),
				       (unsigned long)q[i]);
				_exit(1);
			}
	}
	return NULL;
}

/* Map the pages, fill them with f, start the writers. */
static void start(uint64_t f, pthread_t th[3])
{
	fill = f;
	buf = mmap(NULL, PAGES * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED || madvise((void *)buf, PAGES * 4096, MADV_MERGEABLE))
		_exit(20);
	for (int i = 0; i < PAGES * 512; i++)
		buf[i] = f;
	for (int i = 0; i < 3; i++)
		if (pthread_create(&th[i], NULL, writer, (void *)(intptr_t)i))
			_exit(21);
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };
	nanosleep(&ts, NULL);
}

static int img(void)
{
	pthread_t th[3];
	start(0x5a5a5a5a5a5a5a5aull, th);
	for (int i = 0; i < 3; i++)
		pthread_join(th[i], NULL);
	return 42;
}

static void worker(int k)
{
	pthread_t th[3];
	start(0x1111111111111111ull * (uint64_t)(k % 15 + 1), th);
	sleep_ms(20 + 7 * k);
	execl(self, self, "img", (char *)NULL);
	_exit(22);
}

static void set(unsigned key, uint64_t v, uint64_t *old)
{
	if (ksm_ctl(key, v, 0, old))
		test_fail(T, "ksm_ctl %u", key);
}

static int run_workers(void)
{
	int bad = 0;
	for (int k = 0; k < WORKERS; k++) {
		fflush(stdout);
		pid_t c = fork();
		if (c < 0)
			test_fail(T, "fork");
		if (c == 0)
			worker(k);
		int killed = k % 4 == 3;
		if (killed) {
			sleep_ms(10 + 9 * k);
			kill(c, SIGKILL);
		}
		int st;
		if (waitpid(c, &st, 0) != c)
			test_fail(T, "waitpid");
		if (!(WIFEXITED(st) && WEXITSTATUS(st) == 42) &&
		    !(killed && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL)) {
			printf("@@FAIL " T ": worker %d status %#x\n", k, st);
			bad = 1;
		}
	}
	return bad;
}

int main(int argc, char **argv)
{
	self = argv[0];
	if (argc > 1)
		return img();
	touch_image();
	uint64_t run, pages, sleep;
	set(KSM_CTL_RUN, 1, &run);
	set(KSM_CTL_PAGES_TO_SCAN, 1000, &pages);
	set(KSM_CTL_SLEEP_MS, 0, &sleep);
	if (run_workers())
		return 1;
	set(KSM_CTL_RUN, 2, NULL);
	set(KSM_CTL_RUN, 1, NULL);
	long before = (long)frames_steady(3000);
	struct ksm_stats st0, st1;
	ksm_stats(0, &st0);
	int bad = run_workers();
	ksm_stats(0, &st1);
	printf(T ": %lu pages merged, %lu full scans meanwhile\n",
	       (unsigned long)(st1.pages_merged - st0.pages_merged),
	       (unsigned long)(st1.full_scans - st0.full_scans));
	set(KSM_CTL_RUN, 2, NULL); /* unmerge everything and stop */
	set(KSM_CTL_PAGES_TO_SCAN, pages, NULL);
	set(KSM_CTL_SLEEP_MS, sleep, NULL);
	set(KSM_CTL_RUN, run, NULL);
	long after = (long)frames_settle((uint64_t)before, 3000);
	printf(T ": %ld free frames before, %ld after\n", before, after);
	if (after < before)
		test_fail(T, "%ld frames lost", before - after);
	if (bad)
		return 1;
	test_pass(T);
	return 0;
}
