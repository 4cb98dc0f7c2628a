/* review13: libsys's sigaction keeps a spin lock (act_lock) held across
 * its pager call, and nothing resets it.
 *
 * review13_sigaction_reentry: sigaction is async-signal-safe (POSIX), so a
 * handler may call it while the interrupted thread is inside sigaction.
 * The main thread toggles SIGUSR2 between a handler and SIG_DFL (each
 * toggle is a pager call, made with act_lock held); a second thread sends
 * the main thread SIGUSR1, whose handler asks sigaction(SIGTERM, NULL,
 * &old).  Linux: every call returns.  A handler that lands while the lock
 * is held spins for ever on it (the interrupted owner cannot release it).
 *
 * review13_fork_sigaction: fork copies act_lock as another thread holds
 * it; the child's first sigaction spins for ever.  A thread toggles
 * SIGUSR2 in a loop while the main thread forks children that reset
 * SIGINT to SIG_DFL (as a shell's child does before exec) and exit 0.
 *
 * review13_fork_fd_lock: the same with the descriptor table's lock
 * (files.c table_lock): a thread dup()s and close()s in a loop while the
 * main thread forks children that dup2() and close(); a child that
 * starts with the lock held spins for ever. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ROUNDS 4000
#define FORKS 150
#define HANG_MS 8000

static volatile int progress, stop, handled;
static pthread_t main_thread;

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };
	nanosleep(&ts, NULL);
}

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void on_usr1(int sig)
{
	(void)sig;
	struct sigaction old;
	sigaction(SIGTERM, NULL, &old); /* async-signal-safe */
	handled++;
}

static void on_usr2(int sig) { (void)sig; }

static void *sender(void *arg)
{
	(void)arg;
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &s, NULL);
	while (!stop) {
		pthread_kill(main_thread, SIGUSR1);
		sleep_ms(1);
	}
	return NULL;
}

/* Watch progress; a main thread stuck for HANG_MS fails the test. */
static void *watchdog(void *arg)
{
	const char *name = arg;
	int last = -1;
	long since = now_ms();
	while (!stop) {
		sleep_ms(100);
		int now = progress;
		if (now != last) {
			last = now, since = now_ms();
			continue;
		}
		if (now_ms() - since >= HANG_MS) {
			printf("@@FAIL %s: no progress for %d ms at round %d (a lock left held)\n",
			       name, HANG_MS, now);
			fflush(stdout);
			_exit(1);
		}
	}
	return NULL;
}

static void toggle(int i)
{
	struct sigaction a;
	memset(&a, 0, sizeof a);
	a.sa_handler = i & 1 ? on_usr2 : SIG_DFL;
	sigaction(SIGUSR2, &a, NULL);
}

static int reentry(void)
{
	const char *T = "review13_sigaction_reentry";
	struct sigaction a;
	memset(&a, 0, sizeof a);
	a.sa_handler = on_usr1;
	a.sa_flags = SA_RESTART;
	sigaction(SIGUSR1, &a, NULL);
	main_thread = pthread_self();
	pthread_t s, w;
	stop = 0, progress = 0;
	pthread_create(&w, NULL, watchdog, (void *)T);
	pthread_create(&s, NULL, sender, NULL);
	for (int i = 0; i < ROUNDS; i++) {
		toggle(i);
		progress++;
	}
	stop = 1;
	pthread_join(s, NULL);
	pthread_join(w, NULL);
	signal(SIGUSR1, SIG_IGN);
	printf("%s: %d rounds, %d handlers ran\n@@PASS %s\n", T, ROUNDS, handled, T);
	return 0;
}

static void *toggler(void *arg)
{
	(void)arg;
	for (int i = 0; !stop; i++)
		toggle(i);
	return NULL;
}

static void *dupper(void *arg)
{
	(void)arg;
	while (!stop) {
		int fd = dup(1);
		if (fd >= 0)
			close(fd);
	}
	return NULL;
}

/* The control: a thread as busy, with no lock. */
static void *spinner(void *arg)
{
	(void)arg;
	static volatile unsigned long n;
	while (!stop)
		n++;
	return NULL;
}

static void child_sigaction(void)
{
	signal(SIGINT, SIG_DFL);
	_exit(0);
}

static void child_fds(void)
{
	if (dup2(1, 40) != 40)
		_exit(2);
	close(40);
	_exit(0);
}

/* Fork FORKS children beside thread f; each runs child() and must exit 0
 * within HANG_MS. */
static int forks(const char *T, void *(*f)(void *), void (*child)(void))
{
	pthread_t t;
	stop = 0;
	pthread_create(&t, NULL, f, NULL);
	int hung = 0, bad = 0;
	for (int i = 0; i < FORKS && !hung; i++) {
		pid_t c = fork();
		if (c < 0) {
			printf("@@FAIL %s: fork errno %d\n", T, errno);
			stop = 1;
			return 1;
		}
		if (c == 0)
			child();
		int st = 0;
		long start = now_ms();
		while (waitpid(c, &st, WNOHANG) != c) {
			if (now_ms() - start >= HANG_MS) {
				hung = i + 1;
				kill(c, SIGKILL);
				waitpid(c, &st, 0);
				break;
			}
			sleep_ms(2);
		}
		if (!hung && !(WIFEXITED(st) && WEXITSTATUS(st) == 0))
			bad++;
	}
	stop = 1;
	pthread_join(t, NULL);
	if (hung) {
		printf("@@FAIL %s: child of fork %d still running after %d ms (it started"
		       " with a lock another thread held)\n", T, hung, HANG_MS);
		return 1;
	}
	if (bad) {
		printf("@@FAIL %s: %d children failed\n", T, bad);
		return 1;
	}
	printf("%s: %d forks\n@@PASS %s\n", T, FORKS, T);
	return 0;
}

/* No argument: all three; "sig", "fd" or "reentry": that one; "ctl":
 * the fork tests with a thread as busy that takes no lock (they pass). */
int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	const char *only = argc > 1 ? argv[1] : "";
	int r = 0;
	if (!*only || !strcmp(only, "sig"))
		r |= forks("review13_fork_sigaction", toggler, child_sigaction);
	if (!*only || !strcmp(only, "fd"))
		r |= forks("review13_fork_fd_lock", dupper, child_fds);
	if (!strcmp(only, "ctl")) { /* not a test: the same forks, no lock */
		r |= forks("review13_control_fd", spinner, child_fds);
		r |= forks("review13_control_sig", spinner, child_sigaction);
	}
	if (!*only || !strcmp(only, "reentry"))
		r |= reentry();
	return r;
}
