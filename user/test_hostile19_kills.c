/* hostile19_kills: a process whose threads all die at once, in as many
 * ways as ring 3 can arrange, while its other threads fault pages in,
 * mprotect and munmap them and make system calls.  Each round is a child;
 * the parent wants it killed (or exited) and, at the end, every frame back.
 *   hostile19_kills_nostack  THREADS threads run with rsp at a kernel,
 *                            non-canonical or unmapped address (spinning,
 *                            or in system calls), and the child sends each
 *                            a SIGUSR1 it has a handler for: every delivery
 *                            fails at once (no stack for the frame), each a
 *                            kill of the same process: SIGSEGV, once
 *   hostile19_kills_faults   THREADS threads fault at once (ud2, a kernel
 *                            address, a write to a read-only page) with
 *                            handlers blocked, while others fault pages in
 *                            and munmap them: one kill, the others' faults
 *                            dropped
 *   hostile19_kills_double   the parent kills the busy child from two
 *                            threads at once, twice each, while the child
 *                            itself calls kill(getpid(), SIGKILL) and exit
 *                            from two more threads: it ends once, with one
 *                            status; wait then says ECHILD */
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
#include <unistd.h>
#define T "hostile19_kills"
#include "linux_frames.h"
#include "abi/syscall.h"

#define THREADS 6
#define BUSY 3
#define ROUNDS 6
#define PAGES 64

static int fails;
#define FAIL(part, ...) do { printf("@@FAIL " part ": " __VA_ARGS__); printf("\n"); \
	fails++; fflush(stdout); } while (0)

static volatile int ready, go;

static void on_usr1(int sig) { (void)sig; }

/* A busy thread: pages faulted in, written, mprotected, unmapped, with a
 * system call between, until the process ends. */
static void *busy(void *arg)
{
	unsigned n = (unsigned)(uintptr_t)arg;
	__atomic_fetch_add(&ready, 1, __ATOMIC_SEQ_CST);
	for (;;) {
		char *p = mmap(NULL, PAGES * 4096, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			continue;
		for (int i = 0; i < PAGES; i++)
			p[i * 4096] = (char)(n + i);
		mprotect(p, PAGES * 4096 / 2, PROT_READ);
		sched_yield();
		munmap(p, PAGES * 4096);
	}
	return NULL;
}

/* rsp for bad thread n: kernel, non-canonical, unmapped, zero */
static uint64_t bad_sp(unsigned n)
{
	static const uint64_t sps[] = { 0xffffffff80200000ul, 0x8000000000001000ul,
					0x1000ul, 0 };
	return sps[n % 4];
}

/* A thread with no stack: spins (n even) or calls yield (odd), never
 * touching memory; only a signal or the end of the process stops it. */
static void *nostack(void *arg)
{
	unsigned n = (unsigned)(uintptr_t)arg;
	__atomic_fetch_add(&ready, 1, __ATOMIC_SEQ_CST);
	while (!go)
		sched_yield();
	if (n % 2)
		__asm__ volatile("mov %0, %%rsp\n1: mov %1, %%eax; syscall; jmp 1b"
				 :: "r"(bad_sp(n)), "i"(SYSNR_yield) : "rax", "rcx", "r11");
	__asm__ volatile("mov %0, %%rsp\n1: pause; jmp 1b" :: "r"(bad_sp(n)));
	return NULL;
}

/* A thread that faults once go is set: ud2, a kernel address read, a
 * write to a read-only page; its signals blocked (so no handler). */
static char *ro_page;
static void *faulter(void *arg)
{
	unsigned n = (unsigned)(uintptr_t)arg;
	sigset_t all;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	__atomic_fetch_add(&ready, 1, __ATOMIC_SEQ_CST);
	while (!go)
		__asm__ volatile("pause");
	switch (n % 3) {
	case 0: __asm__ volatile("ud2"); break;
	case 1: (void)*(volatile char *)0xffffffff80100000ul; break;
	default: *(volatile char *)ro_page = 1; break;
	}
	return NULL;
}

/* Start n threads of fn (arg = index) and BUSY busy ones; wait until all
 * run. */
static pthread_t tids[THREADS + BUSY + 2];
static void start(void *(*fn)(void *), int n)
{
	ready = 0;
	for (int i = 0; i < n; i++)
		if (pthread_create(&tids[i], NULL, fn, (void *)(uintptr_t)i))
			_exit(70);
	for (int i = 0; i < BUSY; i++)
		if (pthread_create(&tids[n + i], NULL, busy, (void *)(uintptr_t)i))
			_exit(71);
	while (ready < n + BUSY)
		sched_yield();
}

static void child_nostack(void)
{
	signal(SIGUSR1, on_usr1);
	start(nostack, THREADS);
	go = 1;
	usleep(20000);
	for (int i = 0; i < THREADS; i++)
		pthread_kill(tids[i], SIGUSR1);
	for (;;)
		pause();
}

static void child_faults(void)
{
	ro_page = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	signal(SIGSEGV, on_usr1); /* handlers, but blocked in the faulters */
	signal(SIGILL, on_usr1);
	start(faulter, THREADS);
	usleep(10000);
	go = 1;
	for (;;)
		pause();
}

static void *self_killer(void *arg)
{
	while (!go)
		sched_yield();
	if (arg)
		kill(getpid(), SIGKILL);
	else
		exit(3);
	return NULL;
}

static void child_double(void)
{
	start(nostack, 0);
	pthread_t a, b;
	pthread_create(&a, NULL, self_killer, (void *)1);
	pthread_create(&b, NULL, self_killer, NULL);
	usleep(25000); /* about when the parent's kills come */
	go = 1;
	for (;;)
		pause();
}

/* The parent's two killer threads, made once before the count (new ones
 * each round would be new stacks, and page tables, of the parent's): each
 * round's victim is killed by both at once, twice each. */
static volatile pid_t victim;
static volatile int kill_round, killed_count;

static void *parent_killer(void *arg)
{
	(void)arg;
	for (int seen = 0;;) {
		while (kill_round == seen)
			usleep(500); /* asleep between rounds, not spinning */
		seen = kill_round;
		if (seen < 0)
			return NULL;
		kill(victim, SIGKILL);
		kill(victim, SIGKILL);
		__atomic_fetch_add(&killed_count, 1, __ATOMIC_SEQ_CST);
	}
}

/* One round of part: the child's wait status. */
static int round_of(void (*child)(void), int dbl)
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		child();
		_exit(60);
	}
	if (pid < 0)
		return -1;
	if (dbl) {
		usleep(30000);
		victim = pid;
		killed_count = 0;
		__atomic_fetch_add(&kill_round, 1, __ATOMIC_SEQ_CST);
		while (killed_count < 2)
			sched_yield();
	}
	int st = -1;
	if (waitpid(pid, &st, 0) != pid)
		return -2;
	if (waitpid(pid, NULL, WNOHANG) != -1 || errno != ECHILD)
		return -3;
	return st;
}

int main(void)
{
	pthread_t a, b;
	pthread_create(&a, NULL, parent_killer, NULL);
	pthread_create(&b, NULL, parent_killer, NULL);
#if FRAMES
	touch_image();
	long before = frames_before(3000);
#endif
	int f = fails;
	for (int r = 0; r < ROUNDS; r++) {
		int st = round_of(child_nostack, 0);
		if (!WIFSIGNALED(st) || WTERMSIG(st) != SIGSEGV)
			FAIL("hostile19_kills_nostack", "round %d: status 0x%x, not SIGSEGV", r, st);
	}
	if (fails == f)
		printf("@@PASS hostile19_kills_nostack\n");
	f = fails;
	for (int r = 0; r < ROUNDS; r++) {
		int st = round_of(child_faults, 0);
		if (!WIFSIGNALED(st) || (WTERMSIG(st) != SIGSEGV && WTERMSIG(st) != SIGILL))
			FAIL("hostile19_kills_faults", "round %d: status 0x%x, not SIGSEGV/SIGILL", r, st);
	}
	if (fails == f)
		printf("@@PASS hostile19_kills_faults\n");
	f = fails;
	for (int r = 0; r < ROUNDS; r++) {
		int st = round_of(child_double, 1);
		if (!(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL) &&
		    !(WIFEXITED(st) && WEXITSTATUS(st) == 3))
			FAIL("hostile19_kills_double", "round %d: status 0x%x", r, st);
	}
	if (fails == f)
		printf("@@PASS hostile19_kills_double\n");
	kill_round = -1;
	pthread_join(a, NULL);
	pthread_join(b, NULL);
#if FRAMES
	if (!frames_back(before, 5000))
		fails++;
#endif
	fflush(stdout);
	return fails ? 1 : 0;
}
