/* hostile19_step: threads that run with TF set, single-stepping through
 * system calls, page faults, futexes, pipes and yields under a SIGTRAP
 * handler that returns (the step trap comes after every instruction: the
 * kernel's entries and exits with TF in the user's RFLAGS), while another
 * thread sends them SIGUSR1 (a handler entered with TF clear, whose
 * sigreturn puts it back); as an ordinary Linux program.
 *   hostile19_step  every stepping thread gets its work right, counts
 *                   steps (SIGTRAP, TRAP_BRKPT or TRAP_TRACE), and its
 *                   handler clears TF after STEPS of them; the process
 *                   lives; every frame comes back */
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
#include <ucontext.h>
#include <unistd.h>
#define T "hostile19_step"
#include "linux_frames.h"

#define STEPPERS 3
#define STEPS 2500
#define PAGES 16

static __thread long steps;
static __thread int stepping;
static volatile long total_steps, usr1s;
static volatile int done;

static void on_trap(int sig, siginfo_t *si, void *ucv)
{
	(void)sig;
	(void)si;
	ucontext_t *uc = ucv;
	if (!stepping || ++steps >= STEPS)
		uc->uc_mcontext.gregs[REG_EFL] &= ~0x100l;
}

static void on_usr1(int sig)
{
	(void)sig;
	__atomic_fetch_add(&usr1s, 1, __ATOMIC_RELAXED);
}

/* Work that enters the kernel and the pager every way it can while
 * stepped (faults on fresh pages, pipe IPC, yields): its result, the same
 * with TF or without.  The mappings are made and removed with TF clear:
 * libsys's munmap and mprotect look at its shared-memory table with every
 * signal blocked (libsys_sigs_off), and a step there, SIGTRAP blocked,
 * kills (as a blocked SIGTRAP does under Linux). */
static long work(char *p, int fd[2], int n)
{
	long sum = getpid() > 0;
	for (int i = 0; i < PAGES; i++) {
		p[i * 4096] = (char)(i + n);
		sum += p[i * 4096];
		if (i % 4 == 0) {
			char c = (char)i, d = 0;
			if (write(fd[1], &c, 1) != 1 || read(fd[0], &d, 1) != 1 || d != c)
				return -3;
			sched_yield();
		}
	}
	return sum;
}

static volatile long want[STEPPERS], got[STEPPERS], counted[STEPPERS];

/* One round: fresh pages, work stepped (tf) or not, pages gone. */
static long round_of(int n, int tf)
{
	int fd[2];
	char *p = mmap(NULL, PAGES * 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED || pipe(fd))
		return -1;
	if (tf)
		__asm__ volatile("pushfq; orq $0x100, (%%rsp); popfq" ::: "cc", "memory");
	long r = work(p, fd, n);
	__asm__ volatile("pushfq; andq $~0x100, (%%rsp); popfq" ::: "cc", "memory");
	munmap(p, PAGES * 4096);
	close(fd[0]);
	close(fd[1]);
	return r;
}

static void *stepper(void *arg)
{
	int n = (int)(uintptr_t)arg;
	want[n] = round_of(n, 0);
	stepping = 1;
	got[n] = want[n];
	for (int round = 0; round < 1000 && steps < STEPS; round++) {
		long r = round_of(n, 1);
		if (r != want[n])
			got[n] = r;
	}
	stepping = 0;
	counted[n] = steps;
	__atomic_fetch_add(&total_steps, steps, __ATOMIC_RELAXED);
	return NULL;
}

static void *sender(void *arg)
{
	pthread_t *t = arg;
	while (!done) {
		for (int i = 0; i < STEPPERS; i++)
			pthread_kill(t[i], SIGUSR1);
		usleep(2000);
	}
	return NULL;
}

static int run(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_trap;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigaction(SIGTRAP, &sa, NULL);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_usr1;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGUSR1, &sa, NULL);
	pthread_t t[STEPPERS], s;
	for (int i = 0; i < STEPPERS; i++)
		if (pthread_create(&t[i], NULL, stepper, (void *)(uintptr_t)i))
			return 10;
	if (pthread_create(&s, NULL, sender, t))
		return 11;
	for (int i = 0; i < STEPPERS; i++)
		pthread_join(t[i], NULL);
	done = 1;
	pthread_join(s, NULL);
	int bad = 0;
	for (int i = 0; i < STEPPERS; i++)
		if (got[i] != want[i] || want[i] < 0 || counted[i] < STEPS) {
			printf("@@FAIL " T ": thread %d: work %ld, not %ld; %ld steps\n", i,
			       got[i], want[i], counted[i]);
			bad = 1;
		}
	printf(T ": %ld steps, %ld SIGUSR1\n", total_steps, usr1s);
	return bad;
}

int main(void)
{
#if FRAMES
	touch_image();
	long before = frames_before(3000);
#endif
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		int r = run();
		fflush(stdout);
		_exit(r);
	}
	int st = -1, ok = pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
			 WEXITSTATUS(st) == 0;
	if (!ok)
		printf("@@FAIL " T ": the child's status 0x%x\n", st);
#if FRAMES
	if (!frames_back(before, 5000))
		ok = 0;
#endif
	if (ok)
		printf("@@PASS " T "\n");
	fflush(stdout);
	return ok ? 0 : 1;
}
