/* hunt5_ksmfork: KSM merging, across processes, pages that their threads
 * write, that fork children inherit and write, while a killer SIGKILLs,
 * stops and continues the processes.  Four members each map 64 pages
 * MADV_MERGEABLE, all the same bytes as every other member's (so the
 * scanner, flat out, merging across all processes, shares them), and two
 * threads each own half of the pages: they write a tag of their own
 * (pid, count) into a word of a page, back to the common bytes later,
 * and check each page they own against what they wrote last (a private
 * copy); now and then a thread forks, and the child checks that thread's
 * half as the thread last wrote it, then writes tags of its own and
 * checks them.  No process may ever see another's tag or lose a write;
 * each member ends by itself with status 0 when asked (a killed one is
 * started again), and once KSM unmerged everything every frame is back. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "sys/ksm.h"
#include "abi/ksm.h"
#include "sys/test.h"
#define T "hunt5_ksmfork"
#include "linux_frames.h"

#define PAGES 64
#define WORDS 512
#define MEMBERS 4
#define ROUND_MS 1500
#define BASE 0x6b736d6b736d6b73ull

static volatile int *stop; /* shared */
static uint64_t *pg;      /* the mergeable pages */
static int tagw[PAGES];   /* the word holding a tag, -1 none */
static uint64_t tagv[PAGES];

static void nap_us(long us)
{
	struct timespec ts = { us / 1000000, (us % 1000000) * 1000L };
	nanosleep(&ts, NULL);
}

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Page i holds what was written last: BASE everywhere but its tag. */
static int page_right(int i)
{
	for (int w = 0; w < WORDS; w++) {
		uint64_t want = w == tagw[i] ? tagv[i] : BASE;
		if (pg[i * WORDS + w] != want)
			return 0;
	}
	return 1;
}

static void set_tag(int i, int w, uint64_t v)
{
	if (tagw[i] >= 0)
		pg[i * WORDS + tagw[i]] = BASE;
	tagw[i] = w;
	tagv[i] = v;
	if (w >= 0)
		pg[i * WORDS + w] = v;
}

/* A forked child: the half of thread t as it last wrote it, then tags of
 * our own; 0 if every check held. */
static int child(int t, uint64_t me)
{
	for (int i = t; i < PAGES; i += 2)
		if (!page_right(i))
			return 20;
	for (int n = 0; n < 200; n++) {
		int i = t + 2 * (n % (PAGES / 2));
		set_tag(i, (n * 7) % WORDS, me << 32 | (uint64_t)n);
		if (n % 3 == 0)
			set_tag(i, -1, 0);
		if (!page_right(i))
			return 21;
	}
	return 0;
}

static void *owner(void *arg)
{
	int t = (int)(uintptr_t)arg;
	uint64_t me = (uint64_t)getpid() << 1 | (uint64_t)t;
	long bad = 0;
	for (uint32_t n = 1; !*stop; n++) {
		int i = t + 2 * (int)(n % (PAGES / 2));
		if (!page_right(i))
			bad++;
		if (n % 2)
			set_tag(i, (int)((n * 13) % WORDS), me << 32 | n);
		else
			set_tag(i, -1, 0); /* the common bytes again: merged anew */
		if (n % 500 == 0) {
			pid_t c = fork();
			if (c == 0)
				_exit(child(t, me + 2));
			int st;
			while (c > 0 && waitpid(c, &st, 0) < 0 && errno == EINTR)
				;
			if (c > 0 && (!WIFEXITED(st) || WEXITSTATUS(st)))
				bad += 1000;
		}
		if (n % 64 == 0)
			nap_us(200); /* the scanner's turn */
	}
	return (void *)bad;
}

static _Noreturn void member(void)
{
	pg = mmap(NULL, PAGES * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (pg == MAP_FAILED)
		_exit(2);
	for (int i = 0; i < PAGES; i++) {
		tagw[i] = -1;
		for (int w = 0; w < WORDS; w++)
			pg[i * WORDS + w] = BASE;
	}
	if (madvise(pg, PAGES * 4096, MADV_MERGEABLE))
		_exit(3);
	pthread_t th[2];
	for (uintptr_t t = 0; t < 2; t++)
		pthread_create(&th[t], NULL, owner, (void *)t);
	long bad = 0;
	for (int t = 0; t < 2; t++) {
		void *r;
		pthread_join(th[t], &r);
		bad += (long)r;
	}
	for (int i = 0; i < PAGES; i++)
		if (!page_right(i))
			bad++;
	_exit(bad ? (bad >= 1000 ? 5 : 4) : 0);
}

static pid_t start(void)
{
	pid_t p = fork();
	if (p == 0)
		member();
	return p;
}

static int run(void)
{
	*stop = 0;
	unsigned long oom0 = oom_kills_now();
	pid_t pids[MEMBERS];
	for (int m = 0; m < MEMBERS; m++)
		pids[m] = start();
	int fails = 0;
	uint32_t s = 4242;
	long end = now_ms() + ROUND_MS;
	while (now_ms() < end) {
		s = s * 1103515245u + 12345u;
		int m = (int)((s >> 8) % MEMBERS);
		nap_us(2000 + (s >> 12) % 8000);
		switch ((s >> 20) % 4) {
		case 0:
			kill(pids[m], SIGKILL);
			waitpid(pids[m], NULL, 0);
			pids[m] = start();
			break;
		case 1:
			kill(pids[m], SIGSTOP);
			nap_us((s >> 4) % 3000);
			kill(pids[m], SIGCONT);
			break;
		default:
			break;
		}
	}
	*stop = 1;
	for (int m = 0; m < MEMBERS; m++) {
		int st = 0;
		waitpid(pids[m], &st, 0);
		if (WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL && oom_kills_now() != oom0) {
			printf(T ": member %d was OOM-killed\n", m);
		} else if (!WIFEXITED(st) || WEXITSTATUS(st)) {
			printf("@@FAIL " T ": member %d ended %#x (4: a page not as written, "
			       "5: a fork child's check failed)\n", m, st);
			fails++;
		}
	}
	return fails;
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	touch_image();
	stop = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (stop == MAP_FAILED)
		return 1;
	uint64_t old_domains = 0, old_sleep = 0, old_pages = 0;
	ksm_ctl(KSM_CTL_DOMAINS, 0, 0, &old_domains);
	ksm_ctl(KSM_CTL_SLEEP_MS, 0, 0, &old_sleep);
	ksm_ctl(KSM_CTL_PAGES_TO_SCAN, 256, 0, &old_pages);
	ksm_ctl(KSM_CTL_RUN, 1, 0, NULL);
	if (run())
		return 1;
	ksm_ctl(KSM_CTL_RUN, 2, 0, NULL);
	uint64_t before = frames_steady(3000);
	ksm_ctl(KSM_CTL_RUN, 1, 0, NULL);
	struct ksm_stats ks;
	uint64_t merged0 = ksm_stats(0, &ks) ? 0 : ks.pages_merged;
	int fails = run();
	uint64_t merged = ksm_stats(0, &ks) ? 0 : ks.pages_merged - merged0;
	ksm_ctl(KSM_CTL_RUN, 2, 0, NULL);
	ksm_ctl(KSM_CTL_DOMAINS, old_domains, 0, NULL); /* as the other tests expect */
	ksm_ctl(KSM_CTL_SLEEP_MS, old_sleep, 0, NULL);
	ksm_ctl(KSM_CTL_PAGES_TO_SCAN, old_pages, 0, NULL);
	printf(T ": %lu merges while the members ran\n", (unsigned long)merged);
	if (fails)
		return 1;
	uint64_t after = frames_settle(before, 5000);
	printf(T ": %lu free frames before, %lu after\n", (unsigned long)before, (unsigned long)after);
	if (after < before) {
		printf("@@FAIL " T ": %lu frames lost\n", (unsigned long)(before - after));
		return 1;
	}
	if (!merged) /* (a big machine's scanner may not come round in time) */
		printf(T ": nothing merged this time: the checks held without KSM\n");
	test_pass(T);
	return 0;
}
