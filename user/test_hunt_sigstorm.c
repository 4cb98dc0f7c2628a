/* hunt_signal_storm: asynchronous signals raced against everything a
 * process does and every way it can end.  Workers (three at a time) each
 * run four threads, in pipe ping-pong with a child of their own (every
 * byte checked), in condition-variable waits with time-outs, in
 * sigsuspend and nanosleep, mapping, writing, checking, mprotecting and
 * unmapping pages, with an interval timer of 1 ms, SIGCHLD from children
 * that end at once, and a storm of SIGUSR1/SIGUSR2 from the controller's
 * sender.  Handlers themselves make pipe requests, touch fresh pages and
 * raise signals.  Workers end in every way: exit with threads running,
 * kill -9 from the controller at a random moment, the last thread's
 * pthread_exit, a fault in a thread (no handler), a handler that never
 * returns (then kill -9), a handler that faults, exit from a handler.
 * Every worker must end as its kind says (checked by its wait status),
 * nothing may hang (generous bound), and the free frames must come back
 * exactly once every process is reaped. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>
#include "sys/test.h"

#define T "hunt_signal_storm"
#define WORKERS 14
#define PARALLEL 3
#define KINDS 7
#define WAIT_MS 60000

enum { K_EXIT, K_KILL9, K_PTEXIT, K_FAULT, K_HANDLER_LOOP, K_HANDLER_FAULT, K_HANDLER_EXIT };

static volatile sig_atomic_t usr1, usr2, alrm, chld, stop;
static pid_t *live;  /* shared: the workers the sender signals, each set by
		      * the worker once its handlers are in place */
static int my_slot;  /* a worker's index in live[] */
static int selfp[2];
static int kind;
static volatile int *volatile bad_ptr = (int *)8;

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static uint64_t rnd(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* ---- handlers ---- */

static void on_usr1(int sig)
{
	char b[64];
	int saved = errno;
	(void)sig;
	usr1++;
	memset(b, 0x77, sizeof b);
	if (write(selfp[1], b, sizeof b) == (ssize_t)sizeof b)
		while (read(selfp[0], b, sizeof b) > 0)
			;
	/* a fresh page faulted in from a handler */
	volatile char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p != MAP_FAILED) {
		p[100] = 1;
		munmap((void *)p, 4096);
	}
	if (kind == K_HANDLER_LOOP && usr1 > 20)
		for (;;) /* never returns: the controller's kill -9 ends it */
			;
	if (kind == K_HANDLER_FAULT && usr1 > 20)
		*bad_ptr = 1; /* SIGSEGV, no handler: the end */
	if (kind == K_HANDLER_EXIT && usr1 > 20)
		_exit(42);
	errno = saved;
}

static void on_usr2(int sig)
{
	(void)sig;
	usr2++;
	if (usr2 % 7 == 0)
		raise(SIGUSR1); /* nested: runs on the way out of raise */
}

static void on_alrm(int sig) { (void)sig; alrm++; }

static void on_chld(int sig)
{
	int saved = errno, st;
	(void)sig;
	chld++;
	while (waitpid(-1, &st, WNOHANG) > 0)
		;
	errno = saved;
}

static void handle(int sig, void (*fn)(int), int flags)
{
	struct sigaction a;
	memset(&a, 0, sizeof a);
	a.sa_handler = fn;
	a.sa_flags = flags;
	sigemptyset(&a.sa_mask);
	sigaction(sig, &a, NULL);
}

/* ---- the worker's threads ---- */

static int ping[2], pong[2];

/* A child echoing every byte it reads, changed by +1. */
static void echo_child(void)
{
	unsigned char b[512];
	for (;;) {
		ssize_t n = read(ping[0], b, sizeof b);
		if (n == 0)
			_exit(0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			_exit(3);
		}
		for (ssize_t i = 0; i < n; i++)
			b[i]++;
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(pong[1], b + off, (size_t)(n - off));
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				_exit(4);
			off += w;
		}
	}
}

static void bad(const char *what)
{
	printf("@@FAIL " T ": worker kind %d: %s (errno %d)\n", kind, what, errno);
	_exit(1);
}

/* Full read of n bytes, through EINTR. */
static void read_all(int fd, unsigned char *b, size_t n)
{
	for (size_t got = 0; got < n;) {
		ssize_t r = read(fd, b + got, n - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			bad("echo read");
		got += (size_t)r;
	}
}

static void *pipe_thread(void *arg)
{
	unsigned char out[300], in[300];
	uint64_t s = (uint64_t)(uintptr_t)arg;
	while (!stop) {
		size_t n = 1 + rnd(&s) % sizeof out;
		for (size_t i = 0; i < n; i++)
			out[i] = (unsigned char)rnd(&s);
		for (size_t off = 0; off < n;) {
			ssize_t w = write(ping[1], out + off, n - off);
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				bad("echo write");
			off += (size_t)w;
		}
		read_all(pong[0], in, n);
		for (size_t i = 0; i < n; i++)
			if (in[i] != (unsigned char)(out[i] + 1))
				bad("echoed byte wrong");
	}
	return NULL;
}

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;

static void *wait_thread(void *arg)
{
	(void)arg;
	sigset_t none;
	sigemptyset(&none);
	for (unsigned i = 0; !stop; i++) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 2000000;
		if (ts.tv_nsec >= 1000000000)
			ts.tv_sec++, ts.tv_nsec -= 1000000000;
		pthread_mutex_lock(&mu);
		pthread_cond_timedwait(&cv, &mu, &ts);
		pthread_mutex_unlock(&mu);
		if (i % 3 == 0) {
			struct timespec d = { 0, 1000000 };
			nanosleep(&d, NULL);
		}
		if (i % 5 == 0 && (usr1 + usr2 + alrm) > 0)
			sigsuspend(&none); /* the 1 ms timer ends it */
	}
	return NULL;
}

static void *mem_thread(void *arg)
{
	uint64_t s = (uint64_t)(uintptr_t)arg;
	while (!stop) {
		size_t pages = 1 + rnd(&s) % 16;
		uint64_t *p = mmap(NULL, pages * 4096, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			continue;
		for (size_t i = 0; i < pages; i++)
			p[i * 512 + 7] = s + i;
		mprotect(p, pages * 4096, PROT_READ);
		for (size_t i = 0; i < pages; i++)
			if (p[i * 512 + 7] != s + i)
				bad("page changed under mprotect");
		if (kind == K_FAULT && rnd(&s) % 64 == 0)
			p[0] = 1; /* a write to a read-only page: the end */
		munmap(p, pages * 4096);
	}
	return NULL;
}

static void worker(uint64_t seed)
{
	if (pipe(selfp) || pipe(ping) || pipe(pong))
		bad("pipes");
	fcntl(selfp[0], F_SETFL, O_NONBLOCK);
	fcntl(selfp[1], F_SETFL, O_NONBLOCK);
	handle(SIGUSR1, on_usr1, 0);
	handle(SIGUSR2, on_usr2, SA_RESTART);
	handle(SIGALRM, on_alrm, SA_RESTART);
	handle(SIGCHLD, on_chld, SA_RESTART);
	live[my_slot] = getpid(); /* the sender's storm from here: its handlers are in */
	pid_t echo = fork();
	if (echo == 0) {
		handle(SIGCHLD, SIG_DFL, 0);
		close(ping[1]), close(pong[0]);
		echo_child();
	}
	close(ping[0]), close(pong[1]);
	struct itimerval iv = { { 0, 1000 }, { 0, 1000 } };
	setitimer(ITIMER_REAL, &iv, NULL);
	pthread_t th[3];
	pthread_create(&th[0], NULL, pipe_thread, (void *)(uintptr_t)seed);
	pthread_create(&th[1], NULL, wait_thread, NULL);
	pthread_create(&th[2], NULL, mem_thread, (void *)(uintptr_t)(seed * 3));
	uint64_t s = seed;
	for (int i = 0; i < 25; i++) {
		pid_t c = fork();
		if (c == 0)
			_exit(0);
		struct timespec d = { 0, (long)(rnd(&s) % 3000000) };
		nanosleep(&d, NULL);
	}
	switch (kind) {
	case K_PTEXIT: /* the last thread's pthread_exit ends it, status 0 */
		stop = 1;
		pthread_exit(NULL);
	case K_EXIT:
	default:
		exit(0); /* with its threads running */
	}
}

/* ---- the controller ---- */

static void sender(uint64_t seed)
{
	for (;;) {
		pid_t p = live[rnd(&seed) % PARALLEL];
		if (p > 0)
			kill(p, rnd(&seed) % 3 ? SIGUSR1 : SIGUSR2);
		if (rnd(&seed) % 4 == 0)
			sched_yield();
	}
}

/* Does status st fit a worker of kind k? */
static int ended_right(int k, int st)
{
	switch (k) {
	case K_EXIT: case K_PTEXIT:
		return WIFEXITED(st) && WEXITSTATUS(st) == 0;
	case K_KILL9: case K_HANDLER_LOOP:
		return (WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL) ||
		       (WIFEXITED(st) && WEXITSTATUS(st) == 0);
	case K_FAULT:
		return (WIFSIGNALED(st) && (WTERMSIG(st) == SIGSEGV || WTERMSIG(st) == SIGKILL)) ||
		       (WIFEXITED(st) && WEXITSTATUS(st) == 0);
	case K_HANDLER_FAULT:
		return (WIFSIGNALED(st) && (WTERMSIG(st) == SIGSEGV || WTERMSIG(st) == SIGKILL)) ||
		       (WIFEXITED(st) && WEXITSTATUS(st) == 0);
	case K_HANDLER_EXIT:
		return (WIFEXITED(st) && (WEXITSTATUS(st) == 42 || WEXITSTATUS(st) == 0)) ||
		       (WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	}
	return 0;
}

static void run_workers(int n, uint64_t seed)
{
	pid_t pids[PARALLEL];
	int kinds[PARALLEL];
	uint64_t started[PARALLEL];
	int next = 0, running = 0;
	memset(pids, 0, sizeof pids);
	while (next < n || running) {
		for (int i = 0; i < PARALLEL; i++) {
			if (pids[i] == 0 && next < n) {
				kinds[i] = (int)((seed + (uint64_t)next) % KINDS);
				uint64_t ws = rnd(&seed);
				pid_t p = fork();
				if (p == 0) {
					kind = kinds[i];
					my_slot = i;
					worker(ws);
				}
				if (p < 0) {
					printf("@@FAIL " T ": fork: errno %d\n", errno);
					exit(1);
				}
				pids[i] = p, started[i] = now_ms();
				next++, running++;
			}
			if (!pids[i])
				continue;
			int st;
			pid_t r = waitpid(pids[i], &st, WNOHANG);
			uint64_t age = now_ms() - started[i];
			if (r == 0 && (kinds[i] == K_KILL9 || kinds[i] == K_HANDLER_LOOP) &&
			    age > 50 + rnd(&seed) % 400) {
				kill(pids[i], SIGKILL);
			} else if (r == 0 && age > WAIT_MS) {
				kill(pids[i], SIGKILL);
				printf("@@FAIL " T ": worker kind %d still running after %lu ms\n",
				       kinds[i], (unsigned long)age);
				exit(1);
			}
			if (r == pids[i]) {
				if (!ended_right(kinds[i], st)) {
					printf("@@FAIL " T ": worker kind %d ended with status 0x%x\n",
					       kinds[i], st);
					exit(1);
				}
				pids[i] = 0, live[i] = 0, running--;
			}
		}
		usleep(2000);
	}
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : WORKERS;
	uint64_t seed = argc > 2 ? strtoull(argv[2], NULL, 0) : 0x5157;
	live = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (live == MAP_FAILED)
		test_fail(T, "shared page");
	printf(T ": %d workers, seed 0x%lx\n", n, (unsigned long)seed);
	touch_image();
	pid_t snd = fork();
	if (snd == 0)
		sender(seed ^ 0xabc);
	uint64_t t0 = now_ms();
	run_workers(KINDS, seed ^ 1); /* warm-up: what stays for good */
	uint64_t t1 = now_ms(), before = frames_steady(5000), t2 = now_ms();
	run_workers(n, seed);
	printf(T ": warm-up %lu ms, quiet %lu ms, run %lu ms\n", (unsigned long)(t1 - t0),
	       (unsigned long)(t2 - t1), (unsigned long)(now_ms() - t2));
	kill(snd, SIGKILL);
	int st;
	waitpid(snd, &st, 0);
	uint64_t after = frames_settle(before, 10000);
	if (after < before) /* (more is no leak: a pool shrank meanwhile) */
		test_fail(T, "free frames %lu before, %lu after the workers ended",
			  (unsigned long)before, (unsigned long)after);
	printf(T ": every worker ended as it should, free frames back to %lu\n",
	       (unsigned long)after);
	test_pass(T);
	return 0;
}
