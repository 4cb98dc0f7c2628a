/* hunt_pipe_eintr: a signal interrupts a read of an empty pipe, a
 * write to a full one and a waitpid in a process of two threads, as on
 * Linux: the handler runs while the call
 * waits; without SA_RESTART the call fails EINTR, with SA_RESTART it goes
 * on waiting and then completes.  The classic time-out (alarm, then a
 * blocking read) used to wait for good: the pager kept the call saved and
 * the signal stayed pending behind it.  Runs unchanged on Linux. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define T "hunt_pipe_eintr"

static volatile sig_atomic_t got;
static void on_sig(int sig) { (void)sig; got++; }

static void *spinner(void *arg)
{
	(void)arg;
	while (!got)
		;
	return NULL;
}

static void fail(const char *what, int line)
{
	printf("@@FAIL " T ": line %d: %s (errno %d, got %d)\n", line, what, errno, (int)got);
	exit(1);
}
#define CHECK(c) do { if (!(c)) fail(#c, __LINE__); } while (0)

static void handle(int sig, int flags)
{
	struct sigaction a;
	memset(&a, 0, sizeof a);
	a.sa_handler = on_sig;
	a.sa_flags = flags;
	sigemptyset(&a.sa_mask);
	CHECK(sigaction(sig, &a, NULL) == 0);
}

static int body(void)
{
	static char big[70000];
	int p[2], q[2];
	char c;
	printf(T ": signals interrupt waiting pipe calls\n");
	CHECK(pipe(p) == 0 && pipe(q) == 0);
	/* a read of an empty pipe (the write end held here), alarm: EINTR */
	handle(SIGALRM, 0);
	alarm(1);
	got = 0;
	CHECK(read(p[0], &c, 1) == -1 && errno == EINTR && got == 1);
	/* a write to a full pipe (nobody reads): EINTR, or the bytes that went */
	got = 0;
	alarm(1);
	ssize_t w = write(p[1], big, sizeof big);
	CHECK(got == 1 && ((w == -1 && errno == EINTR) || (w > 0 && w < (ssize_t)sizeof big)));
	/* SA_RESTART: the handler runs, the read goes on waiting and gets the
	 * byte a child writes after the signal */
	handle(SIGUSR1, SA_RESTART);
	got = 0;
	pid_t me = getpid(), pid = fork();
	if (pid == 0) {
		close(q[0]);
		kill(me, SIGUSR1);
		usleep(300 * 1000);
		write(q[1], "x", 1);
		_exit(0);
	}
	close(q[1]);
	c = 0;
	CHECK(read(q[0], &c, 1) == 1 && c == 'x' && got == 1);
	int st;
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st));
	/* two threads: the reader blocks SIGUSR1, so the other thread takes
	 * it; the reader's wait is not cut short (no EINTR: no handler ran in
	 * it), it gets the byte written after the signal */
	handle(SIGUSR1, 0);
	got = 0;
	CHECK(pipe(q) == 0);
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	pthread_t th; /* made first: a new thread inherits the mask on Linux */
	CHECK(pthread_create(&th, NULL, spinner, NULL) == 0);
	CHECK(pthread_sigmask(SIG_BLOCK, &set, NULL) == 0);
	pid = fork();
	if (pid == 0) {
		close(q[0]);
		usleep(200 * 1000);
		kill(me, SIGUSR1);
		usleep(300 * 1000);
		write(q[1], "y", 1);
		_exit(0);
	}
	close(q[1]);
	c = 0;
	CHECK(read(q[0], &c, 1) == 1 && c == 'y');
	CHECK(pthread_join(th, NULL) == 0 && got == 1); /* it ends once its handler ran */
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st));
	/* waitpid in a process of two threads: SIGALRM (no SA_RESTART) goes
	 * to the waiting thread, which fails EINTR; the child still runs */
	CHECK(pthread_sigmask(SIG_UNBLOCK, &set, NULL) == 0);
	got = 0;
	CHECK(pthread_create(&th, NULL, spinner, NULL) == 0);
	pid = fork();
	if (pid == 0) {
		pause();
		_exit(0);
	}
	alarm(1);
	CHECK(waitpid(pid, &st, 0) == -1 && errno == EINTR && got == 1);
	CHECK(pthread_join(th, NULL) == 0);
	CHECK(kill(pid, SIGKILL) == 0 && waitpid(pid, &st, 0) == pid);
	return 0;
}

/* The body in a child, so that a wait that never ends fails the test
 * (after a very generous minute) instead of the whole boot. */
int main(void)
{
	int st;
	pid_t pid = fork();
	if (pid == 0)
		_exit(body());
	for (int i = 0; i < 6000 && waitpid(pid, &st, WNOHANG) == 0; i++)
		usleep(10 * 1000);
	if (waitpid(pid, &st, WNOHANG) == 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
		printf("@@FAIL " T ": a pipe call or waitpid still waits a minute after its signal\n");
		return 1;
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return 1; /* it said why */
	printf("@@PASS " T "\n");
	return 0;
}
