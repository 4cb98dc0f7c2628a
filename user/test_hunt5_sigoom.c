/* hunt5_sigoom: a signal handled while memory is out.  A receiver runs
 * its SIGUSR1 handler on an alternate stack mapped afresh (untouched)
 * before each signal, so every delivery needs a new frame for the
 * signal's frame; a hog (oom_score_adj 1000) touches pages until the OOM
 * killer ends it, again and again, while the parent signals the receiver
 * every moment.  On Linux a signal frame that finds no memory waits for
 * the OOM killer like any fault of the thread: the hog dies, the receiver
 * lives.  Here the frame's page was asked for as a system call's buffer,
 * refused for want of a frame, and the receiver was killed "general
 * protection (its signal blocked, or no stack for the handler)".  Checks:
 * the receiver ends by itself with status 0 having handled signals, every
 * hog was OOM-killed, and every frame is back.  A plain Linux program
 * (make linux-check PROG=user/test_hunt5_sigoom.c). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#define T "hunt5_sigoom"
#include "linux_frames.h"

#define HOGS 6 /* (one above 512 MiB: each fills the memory) */
static int hogs = HOGS;
#define ALT (64 * 1024)

static volatile sig_atomic_t got;
static volatile int *done; /* shared: the parent says stop */

static void on_usr1(int sig) { (void)sig; got++; }

static void nap_us(long us)
{
	struct timespec ts = { us / 1000000, (us % 1000000) * 1000L };
	nanosleep(&ts, NULL);
}

/* The receiver: a fresh alternate stack before each signal. */
static _Noreturn void receiver(void)
{
	struct sigaction a;
	memset(&a, 0, sizeof a);
	a.sa_handler = on_usr1;
	a.sa_flags = SA_ONSTACK | SA_RESTART;
	sigaction(SIGUSR1, &a, NULL);
	sigset_t none, usr1;
	sigemptyset(&none);
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, NULL);
	done[1] = 1; /* ready */
	while (!*done) {
		char *alt = mmap(NULL, ALT, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (alt == MAP_FAILED)
			continue;
		stack_t ss = { .ss_sp = alt, .ss_size = ALT, .ss_flags = 0 };
		sigaltstack(&ss, NULL);
		sigsuspend(&none); /* the signal's frame: on a page never touched */
		ss.ss_flags = SS_DISABLE;
		sigaltstack(&ss, NULL);
		munmap(alt, ALT);
	}
	_exit(got > 0 ? 0 : 2);
}

/* A hog: touch pages until killed. */
static _Noreturn void hog(void)
{
	int fd = open("/proc/self/oom_score_adj", O_WRONLY);
	if (fd >= 0) {
		write(fd, "1000", 4);
		close(fd);
	}
	for (;;) {
		char *p = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			continue;
		for (int i = 0; i < (1 << 20); i += 4096)
			p[i] = 1;
	}
}

static int run(void)
{
	done[0] = done[1] = 0;
	pid_t r = fork();
	if (r == 0)
		receiver();
	while (!done[1])
		nap_us(1000);
	int fails = 0;
	for (int h = 0; h < hogs; h++) {
		pid_t g = fork();
		if (g == 0)
			hog();
		int st = 0;
		while (waitpid(g, &st, WNOHANG) == 0) {
			kill(r, SIGUSR1);
			nap_us(200);
		}
		if (!WIFSIGNALED(st) || WTERMSIG(st) != SIGKILL) {
			printf("@@FAIL " T ": hog %d ended %#x, not by the OOM killer\n", h, st);
			fails++;
		}
		int rst;
		if (waitpid(r, &rst, WNOHANG) == r) {
			printf("@@FAIL " T ": the receiver ended %#x while hog %d ran\n", rst, h);
			return 1;
		}
	}
	*done = 1;
	kill(r, SIGUSR1);
	int st = 0;
	while (waitpid(r, &st, WNOHANG) == 0) {
		kill(r, SIGUSR1);
		nap_us(1000);
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st)) {
		printf("@@FAIL " T ": the receiver ended %#x\n", st);
		fails++;
	}
	return fails;
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	struct sysinfo si;
	if (sysinfo(&si) == 0 && (uint64_t)si.totalram * si.mem_unit > (1ull << 30)) {
		/* each hog fills the memory: minutes under TCG at 4 GiB */
		printf("@@SKIP " T ": needs at most 1 GiB (it fills the memory)\n");
		return 0;
	}
	if (sysinfo(&si) == 0 && (uint64_t)si.totalram * si.mem_unit > (512ull << 20))
		hogs = 1;
	done = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (done == MAP_FAILED)
		return 1;
	return run_twice_counted(run);
}
