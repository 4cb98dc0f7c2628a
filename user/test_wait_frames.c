/* Once waitpid has returned a child, every frame the child held is back
 * (as on Linux, whose exit releases the memory before the parent hears):
 * the count is taken right after waitpid, without waiting for it to
 * settle.  The child ends each way a process can: exit, exit with threads
 * still running, SIGKILL from the parent while it runs, a fatal fault,
 * and the same seen through a SIGCHLD handler that reaps with WNOHANG.
 * With one CPU the child's last thread used to die only after its parent
 * had run on (the pager answered the wait first). */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include <sys/test.h>

#define T "wait_frames"
#define PAGES 64
#define ROUNDS 12

enum how { EXIT, THREADS, KILLED, FAULT, HOW_COUNT };
static const char *const names[HOW_COUNT] = { "exit", "threads", "killed", "fault" };

static void *spin(void *arg)
{
	volatile char *p = arg;
	for (;;)
		p[0]++;
	return NULL;
}

/* The child: touches PAGES fresh pages, tells the parent through fd, then
 * ends as how says. */
static _Noreturn void child(enum how how, int fd)
{
	char *p = mmap(NULL, PAGES * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);
	if (p == MAP_FAILED)
		_exit(2);
	for (int i = 0; i < PAGES; i++)
		p[i * 4096] = (char)i;
	if (how == THREADS)
		for (int i = 0; i < 3; i++) {
			pthread_t t;
			if (pthread_create(&t, NULL, spin, p + i * 4096))
				_exit(3);
		}
	if (write(fd, "r", 1) != 1)
		_exit(4);
	switch (how) {
	case EXIT:
	case THREADS:
		_exit(0);
	case FAULT:
		munmap(p, PAGES * 4096);
		p[0] = 1; /* unmapped now: SIGSEGV */
		_exit(5);
	default:
		for (;;)
			p[0]++;
	}
}

static volatile sig_atomic_t reaped_pid, reaped_status;

static void on_chld(int sig)
{
	(void)sig;
	int st, saved = errno;
	pid_t w;
	while ((w = waitpid(-1, &st, WNOHANG)) > 0)
		reaped_pid = w, reaped_status = st;
	errno = saved;
}

/* One child ended as how, reaped by waitpid (or by the SIGCHLD handler
 * if by_signal): the free frames right after must be before's (not
 * checked when before is 0). */
static void one(enum how how, bool by_signal, uint64_t before)
{
	int fd[2], st = 0;
	char c;
	TEST_CHECK(T, pipe(fd) == 0);
	reaped_pid = 0;
	pid_t pid = fork();
	if (pid == 0)
		child(how, fd[1]);
	TEST_CHECK(T, pid > 0);
	TEST_CHECK(T, read(fd[0], &c, 1) == 1);
	close(fd[0]);
	close(fd[1]);
	if (how == KILLED)
		TEST_CHECK(T, kill(pid, SIGKILL) == 0);
	if (by_signal) {
		sigset_t none;
		sigemptyset(&none);
		while (!reaped_pid)
			sigsuspend(&none);
		TEST_CHECK(T, reaped_pid == pid);
		st = reaped_status;
	} else {
		TEST_CHECK(T, waitpid(pid, &st, 0) == pid);
	}
	uint64_t after = frames_settle(before, 0); /* pool pages made good, no wait */
	if (before && after != before)
		test_fail(T, "%s%s: %ld frames not back when waitpid returned",
			  names[how], by_signal ? " (SIGCHLD)" : "", (long)(before - after));
	bool ok = how == KILLED ? WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL :
		  how == FAULT	? WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV :
				  WIFEXITED(st) && WEXITSTATUS(st) == 0;
	if (!ok)
		test_fail(T, "%s: status 0x%x", names[how], st);
}

int main(void)
{
	touch_image();
	for (int how = 0; how < HOW_COUNT; how++) /* warm-up: pools, caches */
		one((enum how)how, false, 0);
	uint64_t before = frames_steady(3000);
	for (int r = 0; r < ROUNDS; r++)
		for (int how = 0; how < HOW_COUNT; how++)
			one((enum how)how, false, before);
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_chld;
	sigemptyset(&sa.sa_mask);
	TEST_CHECK(T, sigaction(SIGCHLD, &sa, NULL) == 0);
	sigset_t chld;
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	TEST_CHECK(T, sigprocmask(SIG_BLOCK, &chld, NULL) == 0); /* sigsuspend opens it */
	for (int r = 0; r < ROUNDS / 2; r++)
		for (int how = 0; how < HOW_COUNT; how++)
			one((enum how)how, true, before);
	printf(T ": %d children, every frame back at each waitpid\n",
	       ROUNDS * HOW_COUNT * 3 / 2);
	test_pass(T);
	return 0;
}
