/* linux6_stopstorm: a storm of SIGSTOP and SIGCONT against a process
 * group whose members fault, fork and wait: the leader maps pages, fills
 * them, forks a child that checks them, writes its own copy (COW) and
 * exits with what it found, while a second thread of the leader faults
 * pages in and out; the leader checks its own copy is unchanged.  The
 * parent stops and continues the whole group (kill(-pgid)) until the
 * leader ends: it must end by itself, exit 0 (every check right), and
 * every frame must come back (run twice, the second counted:
 * linux_frames.h).  A plain Linux program: make linux-check
 * PROG=user/test_linux6_stopstorm.c. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#define T "linux6_stopstorm"
#include "linux_frames.h"

#define ROUNDS 120
#define PAGES 8
#define STORM_MAX 40000 /* pairs: a leader that hangs fails, not waits */

static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL " T ": line %d: %s (errno %d)\n", \
	__LINE__, #c, errno); fflush(stdout); fails++; } } while (0)

static void nap_us(long us)
{
	struct timespec ts = { us / 1000000, (us % 1000000) * 1000L };
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

static void *churn(void *arg)
{
	(void)arg;
	for (unsigned n = 0;; n++) {
		char *m = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (m == MAP_FAILED)
			continue;
		for (int i = 0; i < 4; i++)
			m[i * 4096 + (int)(n % 4096)] = (char)n;
		munmap(m, 4 * 4096);
	}
	return NULL;
}

/* The leader's work: 0 if every check held. */
static int leader(void)
{
	pthread_t t;
	pthread_create(&t, NULL, churn, NULL);
	for (int r = 0; r < ROUNDS; r++) {
		unsigned char *m = mmap(NULL, PAGES * 4096, PROT_READ | PROT_WRITE,
					MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (m == MAP_FAILED)
			return 1;
		for (int i = 0; i < PAGES * 4096; i += 64)
			m[i] = (unsigned char)(r + i / 4096);
		pid_t g = fork();
		if (g == 0) {
			int bad = 0;
			for (int i = 0; i < PAGES * 4096; i += 64)
				bad |= m[i] != (unsigned char)(r + i / 4096);
			for (int i = 0; i < PAGES * 4096; i += 64)
				m[i] = 0xee; /* its own copy */
			_exit(bad ? 3 : 0);
		}
		if (g < 0)
			return 2;
		int st = 0;
		pid_t w;
		while ((w = waitpid(g, &st, 0)) == -1 && errno == EINTR)
			;
		if (w != g || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
			return 4;
		for (int i = 0; i < PAGES * 4096; i += 64)
			if (m[i] != (unsigned char)(r + i / 4096))
				return 5;
		munmap(m, PAGES * 4096);
	}
	return 0;
}

static int run(void)
{
	fails = 0;
	pid_t c = fork();
	if (c == 0) {
		setpgid(0, 0);
		_exit(leader());
	}
	setpgid(c, c);
	int st = 0, pairs = 0;
	pid_t w = 0;
	while (pairs < STORM_MAX && (w = waitpid(c, &st, WNOHANG)) == 0) {
		kill(-c, SIGSTOP);
		nap_us(200 + (pairs % 7) * 150);
		kill(-c, SIGCONT);
		nap_us(300 + (pairs % 5) * 200);
		pairs++;
	}
	if (w == 0) {
		CHECK(!"the leader did not end under the storm");
		kill(-c, SIGKILL);
		waitpid(c, &st, 0);
	} else {
		CHECK(w == c && WIFEXITED(st) && WEXITSTATUS(st) == 0);
		if (!WIFEXITED(st) || WEXITSTATUS(st))
			printf("  status %#x\n", st);
	}
	kill(-c, SIGCONT); /* a grandchild left stopped, if any: let it end */
	kill(-c, SIGKILL);
	printf("  " T ": %d stop/continue pairs\n", pairs);
	return fails;
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	return run_twice_counted(run);
}
