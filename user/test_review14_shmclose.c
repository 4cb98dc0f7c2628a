/* review14: close() of a file in /tmp from a signal handler that
 * interrupted the same thread's open or read of another file there.
 * libsys's table of open objects (shm.c) is a spin lock held with signals
 * let through (by open, close, and each read and write for a moment), and
 * the close of a file's last descriptor takes it: the handler spun for good
 * on a lock its own thread held.  Each round the main thread opens a file
 * for the handler to close, arms a one-shot timer, and opens, reads and
 * closes a second file until the handler ran.  A watchdog thread reports a
 * hang.  Checked under Linux 6.1. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define ROUNDS 400

static volatile int fd = -1, closed, finished, round_now;

static void on_alarm(int sig)
{
	(void)sig;
	int e = errno;
	close(fd);
	closed = 1;
	errno = e;
}

static void *watchdog(void *arg)
{
	(void)arg;
	for (int i = 0; i < 1500 && !finished; i++) {
		struct timespec ts = { 0, 100000000L };
		nanosleep(&ts, NULL);
	}
	if (!finished) {
		printf("@@FAIL review14_shmclose: hung in round %d (a handler's close waited on "
		       "the open-object table's lock)\n", round_now);
		fflush(stdout);
		_exit(1);
	}
	return NULL;
}

int main(void)
{
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGALRM);
	pthread_t w;
	pthread_sigmask(SIG_BLOCK, &s, NULL);
	pthread_create(&w, NULL, watchdog, NULL);
	pthread_sigmask(SIG_UNBLOCK, &s, NULL);
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGALRM, &sa, NULL);
	int b = open("/tmp/review14_shm_b", O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (b < 0 || write(b, "0123456789", 10) != 10) {
		printf("@@FAIL review14_shmclose: setup errno %d\n", errno);
		return 1;
	}
	close(b);
	long ops = 0;
	for (int r = 0; r < ROUNDS; r++) {
		round_now = r;
		fd = open("/tmp/review14_shm_a", O_RDWR | O_CREAT, 0600);
		if (fd < 0) {
			printf("@@FAIL review14_shmclose: open errno %d\n", errno);
			return 1;
		}
		closed = 0;
		struct itimerval it = { { 0, 0 }, { 0, 1000 + (r % 7) * 250 } };
		setitimer(ITIMER_REAL, &it, NULL);
		char buf[10];
		while (!closed) {
			int x = open("/tmp/review14_shm_b", O_RDONLY);
			for (int k = 0; k < 8 && x >= 0; k++)
				pread(x, buf, sizeof buf, k);
			if (x >= 0)
				close(x);
			ops++;
		}
	}
	finished = 1;
	pthread_join(w, NULL);
	unlink("/tmp/review14_shm_a");
	unlink("/tmp/review14_shm_b");
	printf("review14_shmclose: %d rounds, %ld opens\n", ROUNDS, ops);
	printf("@@PASS review14_shmclose\n");
	return 0;
}
