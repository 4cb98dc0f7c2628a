/* hunt5_jcwait: waits for stops, continues and ends raced from several
 * threads.  A parent's four threads wait in a loop (waitpid(-1) with
 * WUNTRACED | WCONTINUED, some with WNOWAIT first, some by waitid) while
 * a fifth stops, continues and kills its children at random and starts
 * new ones (each child forks, faults and exits by itself after a while,
 * or is killed); a SIGCHLD handler counts.  Checks: every child's end is
 * reaped exactly once (no pid twice, none lost), a report of a stop or
 * continue is never of a child reaped before that wait began (one
 * reaped by another thread while this wait returned is a race of the
 * threads, not of the system), no wait hangs (when
 * the last child is reaped the waiting threads all see ECHILD), and every
 * frame comes back.  A plain Linux program: make linux-check
 * PROG=user/test_hunt5_jcwait.c. */
#define _GNU_SOURCE
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
#define T "hunt5_jcwait"
#include "linux_frames.h"

#define CHILDREN 120
#define LIVE 6
#define WAITERS 4

static pid_t pids[CHILDREN];
static volatile unsigned long reaped[CHILDREN]; /* 0, or reap_seq when reaped */
static unsigned long reap_seq; /* reaps so far (under mu) */
static volatile int started, bad, ended_all;
static volatile sig_atomic_t chld;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

static void on_chld(int sig) { (void)sig; chld++; }

static void nap_us(long us)
{
	struct timespec ts = { us / 1000000, (us % 1000000) * 1000L };
	nanosleep(&ts, NULL);
}

static int index_of(pid_t p)
{
	for (int i = 0; i < started; i++)
		if (pids[i] == p)
			return i;
	return -1;
}

/* reap_seq now: taken before a wait, to judge what it returns. */
static unsigned long seq_now(void)
{
	pthread_mutex_lock(&mu);
	unsigned long n = reap_seq;
	pthread_mutex_unlock(&mu);
	return n;
}

/* A wait begun when reap_seq was since reported p (its end if ended). */
static void reap(pid_t p, int ended, unsigned long since)
{
	pthread_mutex_lock(&mu);
	int i = index_of(p);
	if (i < 0) {
		printf("@@FAIL " T ": a report of pid %d, not a child\n", (int)p);
		bad++;
	} else if (reaped[i] && (ended || reaped[i] <= since)) {
		printf("@@FAIL " T ": pid %d reported (%s) after it was reaped\n", (int)p,
		       ended ? "its end again" : "a stop or continue");
		bad++;
	} else if (ended) {
		reaped[i] = ++reap_seq;
	}
	pthread_mutex_unlock(&mu);
}

static void *waiter(void *arg)
{
	uintptr_t k = (uintptr_t)arg;
	for (unsigned n = 0;; n++) {
		int st;
		pid_t p;
		if (k == 3) {
			siginfo_t si;
			memset(&si, 0, sizeof si);
			int flags = WEXITED | WSTOPPED | WCONTINUED | (n % 2 ? WNOWAIT : 0);
			unsigned long since = seq_now();
			if (waitid(P_ALL, 0, &si, flags) < 0) {
				if (errno == EINTR)
					continue;
				if (errno == ECHILD && ended_all)
					return NULL;
				nap_us(1000);
				continue;
			}
			if (flags & WNOWAIT)
				continue; /* looked at only: it stays to be reaped */
			p = si.si_pid;
			reap(p, si.si_code == CLD_EXITED || si.si_code == CLD_KILLED ||
				     si.si_code == CLD_DUMPED, since);
			continue;
		}
		unsigned long since = seq_now();
		p = waitpid(-1, &st, WUNTRACED | WCONTINUED);
		if (p < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ECHILD && ended_all)
				return NULL;
			nap_us(1000);
			continue;
		}
		reap(p, WIFEXITED(st) || WIFSIGNALED(st), since);
	}
}

static _Noreturn void child(int i)
{
	char *p = mmap(NULL, 16 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	for (int n = 0; n < 20 + i % 30; n++) {
		if (p != MAP_FAILED)
			p[(n % 16) * 4096] = (char)n;
		if (n % 10 == 3) {
			pid_t g = fork();
			if (g == 0)
				_exit(0);
			if (g > 0)
				waitpid(g, NULL, 0);
		}
		nap_us(300);
	}
	_exit(i % 7);
}

static int run(void)
{
	memset((void *)reaped, 0, sizeof reaped);
	started = bad = ended_all = 0;
	pthread_t w[WAITERS];
	for (uintptr_t k = 0; k < WAITERS; k++)
		pthread_create(&w[k], NULL, waiter, (void *)k);
	uint32_t s = 31337;
	while (started < CHILDREN) {
		int live = 0;
		for (int i = 0; i < started; i++)
			live += !reaped[i];
		if (live < LIVE) {
			pthread_mutex_lock(&mu);
			pid_t c = fork();
			if (c == 0)
				child(started);
			pids[started++] = c;
			pthread_mutex_unlock(&mu);
			continue;
		}
		s = s * 1103515245u + 12345u;
		int i = (int)((s >> 8) % (unsigned)started);
		pid_t c = pids[i];
		if (!reaped[i]) { /* (a race with its reaping: kill of a pid
				   * reaped meanwhile is harmless only while no
				   * new process has that pid; pids are not
				   * reused this soon) */
			switch ((s >> 16) % 6) {
			case 0: kill(c, SIGKILL); break;
			case 1: case 2: kill(c, SIGSTOP); break;
			default: kill(c, SIGCONT);
			}
		}
		nap_us(200 + (s >> 20) % 800);
	}
	for (int i = 0; i < started; i++)
		kill(pids[i], SIGCONT);
	/* every child ends by itself now */
	for (int t = 0; t < 20000; t++) {
		int live = 0;
		for (int i = 0; i < started; i++)
			live += !reaped[i];
		if (!live)
			break;
		if (t % 50 == 0)
			for (int i = 0; i < started; i++)
				if (!reaped[i])
					kill(pids[i], SIGCONT);
		nap_us(1000);
	}
	ended_all = 1;
	int lost = 0;
	for (int i = 0; i < started; i++)
		lost += !reaped[i];
	if (lost) {
		printf("@@FAIL " T ": %d children never reaped\n", lost);
		for (int i = 0; i < started; i++)
			kill(pids[i], SIGKILL);
		bad++;
	}
	for (int k = 0; k < WAITERS; k++)
		pthread_kill(w[k], SIGCHLD); /* (one asleep in a wait: EINTR, then ECHILD) */
	for (int k = 0; k < WAITERS; k++)
		pthread_join(w[k], NULL);
	return bad;
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	struct sigaction a;
	memset(&a, 0, sizeof a);
	a.sa_handler = on_chld;
	sigaction(SIGCHLD, &a, NULL); /* no SA_RESTART: a wait may fail EINTR */
	return run_twice_counted(run);
}
