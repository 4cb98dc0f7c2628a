/* Descriptors used by one thread while another closes them, and a signal
 * handler's dup and close (review 13's descriptor items that it did not
 * reproduce: files.c's ofd_of, and the table lock under a handler).
 *
 * fdrace_reuse: a thread preads a whole tmpfs file (SZ bytes of 'a') of
 * descriptor F again and again while the main thread closes F and opens
 * another file (all 'b', then 'a' again, ...), which takes F again, the
 * lowest free descriptor.  Linux holds the file for the call: every
 * pread returns all of one file's bytes (or fails EBADF between the
 * close and the open).  Without a reference the pread goes on with a
 * description that was closed (its mapping gone: killed) or given to the
 * other file (bytes of both).
 *
 * fdrace_handler: the main thread dup()s and close()s in a loop while
 * another thread sends it SIGUSR1, whose handler dup()s and close()s too
 * (both are async-signal-safe).  A handler that lands inside the
 * descriptor table's lock section spins for ever on a lock its own
 * thread holds: the main thread stops; a watchdog fails the test.
 *
 * fdrace_fork_inflight: a thread is blocked in read() on a pipe's read
 * end when the main thread closes that descriptor (the read goes on, as
 * Linux's) and forks.  The child has no descriptor for the read end (it
 * was closed before the fork) and must not hold it: once the thread's
 * read has returned, the parent's write finds no reader (EPIPE) while the
 * child lives on.  A child that kept the use the other thread was making
 * would hold the read end for its whole life. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SZ (256 * 1024)
#define ROUNDS 300
#define HANDLED 300
#define HANG_MS 8000

static const char *path[2] = { "/tmp/fdrace_a", "/tmp/fdrace_b" };
static int F, nullfd;
static volatile int stop, progress, handled;
static unsigned reads, mixed, badfd, other;
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

static void *preader(void *arg)
{
	char *b = arg;
	while (!stop) {
		ssize_t n = pread(F, b, SZ, 0);
		if (n < 0) {
			if (errno == EBADF)
				badfd++;
			else
				other++;
			continue;
		}
		reads++;
		if (n != SZ || (b[0] != 'a' && b[0] != 'b')) {
			other++;
			continue;
		}
		for (int i = 1; i < SZ; i++)
			if (b[i] != b[0]) {
				mixed++;
				break;
			}
	}
	return NULL;
}

static int make(const char *p, char c, char *b)
{
	memset(b, c, SZ);
	int fd = open(p, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, b, SZ) != SZ)
		return -1;
	return close(fd);
}

static int test_reuse(void)
{
	const char *T = "fdrace_reuse";
	char *b = malloc(SZ), *rb = malloc(SZ);
	if (!b || !rb || make(path[0], 'a', b) || make(path[1], 'b', b)) {
		printf("@@FAIL %s: set-up errno %d\n", T, errno);
		return 1;
	}
	F = open(path[0], O_RDONLY);
	pthread_t t;
	stop = 0;
	pthread_create(&t, NULL, preader, rb);
	int wrongfd = 0;
	for (int i = 1; i <= ROUNDS; i++) {
		close(F);
		int g = open(path[i & 1], O_RDONLY);
		if (g != F)
			wrongfd++;
		sleep_ms(1);
	}
	stop = 1;
	pthread_join(t, NULL);
	close(F);
	unlink(path[0]);
	unlink(path[1]);
	if (mixed || other || wrongfd) {
		printf("@@FAIL %s: %u of %u preads returned bytes of both files, %u failed or were"
		       " short (%u EBADF), %d opens took another descriptor\n", T, mixed, reads,
		       other, badfd, wrongfd);
		return 1;
	}
	printf("%s: %d reopens, %u preads, %u EBADF\n@@PASS %s\n", T, ROUNDS, reads, badfd, T);
	return 0;
}

static void on_usr1(int sig)
{
	(void)sig;
	int d = dup(nullfd);
	if (d >= 0)
		close(d);
	handled++;
}

static void *sender(void *arg)
{
	(void)arg;
	while (!stop) {
		pthread_kill(main_thread, SIGUSR1);
		sleep_ms(1);
	}
	return NULL;
}

static void *watchdog(void *arg)
{
	(void)arg;
	int last = -1;
	long since = now_ms();
	while (!stop) {
		sleep_ms(100);
		if (progress != last) {
			last = progress, since = now_ms();
			continue;
		}
		if (now_ms() - since >= HANG_MS) {
			printf("@@FAIL fdrace_handler: no progress for %d ms after %d handlers (a"
			       " handler spins on the descriptor table's lock)\n", HANG_MS, handled);
			fflush(stdout);
			_exit(1);
		}
	}
	return NULL;
}

static int test_handler(void)
{
	const char *T = "fdrace_handler";
	nullfd = open("/dev/null", O_RDWR);
	struct sigaction a;
	memset(&a, 0, sizeof a);
	a.sa_handler = on_usr1;
	a.sa_flags = SA_RESTART;
	sigaction(SIGUSR1, &a, NULL);
	main_thread = pthread_self();
	pthread_t s, w;
	stop = 0;
	pthread_create(&w, NULL, watchdog, NULL);
	pthread_create(&s, NULL, sender, NULL);
	int bad = 0;
	while (handled < HANDLED) {
		int d = dup(nullfd);
		if (d < 0 || close(d))
			bad++;
		progress++;
	}
	stop = 1;
	pthread_join(s, NULL);
	pthread_join(w, NULL);
	signal(SIGUSR1, SIG_IGN);
	if (bad) {
		printf("@@FAIL %s: %d dup/close failed\n", T, bad);
		return 1;
	}
	printf("%s: %d handlers, %d rounds\n@@PASS %s\n", T, handled, progress, T);
	return 0;
}

static int pp[2];

static void *pipe_reader(void *arg)
{
	char c;
	(void)arg;
	return (void *)(long)read(pp[0], &c, 1);
}

/* One try: 1 if the thread's read was still in flight at the close (the
 * case tested), 0 if not (try again), -1 with *why on failure. */
static int fork_inflight_once(const char **why)
{
	int q[2], r[2];
	if (pipe(pp) || pipe(q) || pipe(r)) {
		*why = "pipe";
		return -1;
	}
	pthread_t t;
	pthread_create(&t, NULL, pipe_reader, NULL);
	sleep_ms(20); /* most often it waits in read by now; if not: another try */
	close(pp[0]);
	pid_t c = fork();
	if (c == 0) {
		char b;
		close(pp[1]);
		close(q[1]);
		close(r[0]);
		write(r[1], "r", 1);
		read(q[0], &b, 1); /* until the parent closes q[1] */
		_exit(0);
	}
	char b;
	close(q[0]);
	close(r[1]);
	int ok = 0;
	if (c < 0 || read(r[0], &b, 1) != 1) {
		*why = "fork";
		ok = -1;
	}
	write(pp[1], "x", 1);
	void *got;
	pthread_join(t, &got);
	if (ok == 0 && (long)got == 1) {
		errno = 0;
		ssize_t n = write(pp[1], "y", 1);
		ok = n < 0 && errno == EPIPE ? 1 : -1;
		if (ok < 0)
			*why = "the parent's write found a reader: the child holds the read end";
	}
	close(pp[1]);
	close(q[1]);
	close(r[0]);
	if (c > 0)
		waitpid(c, NULL, 0);
	return ok;
}

static int test_fork_inflight(void)
{
	const char *T = "fdrace_fork_inflight", *why = "";
	signal(SIGPIPE, SIG_IGN);
	int done = 0, tries = 0;
	while (done < 20 && tries < 200) {
		tries++;
		int r = fork_inflight_once(&why);
		if (r < 0) {
			printf("@@FAIL %s: try %d: %s\n", T, tries, why);
			return 1;
		}
		done += r;
	}
	if (done < 20) {
		printf("@@FAIL %s: the thread's read was in flight in only %d of %d tries\n", T,
		       done, tries);
		return 1;
	}
	printf("%s: %d forks with a read in flight, %d tries\n@@PASS %s\n", T, done, tries, T);
	return 0;
}

/* No argument: all; "reuse", "handler" or "fork": that one. */
int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	const char *only = argc > 1 ? argv[1] : "";
	int r = 0;
	if (!*only || !strcmp(only, "reuse"))
		r |= test_reuse();
	if (!*only || !strcmp(only, "handler"))
		r |= test_handler();
	if (!*only || !strcmp(only, "fork"))
		r |= test_fork_inflight();
	return r;
}
