/* hunt_sig_ipc_buffer: a signal handler that makes pager requests (a
 * write and a read of a self-pipe, the classic self-pipe trick; both are
 * async-signal-safe in POSIX) must not change the bytes a read() it
 * interrupted is receiving.  Pipe bytes travel in the thread's IPC
 * buffer: the pager's answer lands there and libsys copies it out after
 * the call, and a signal is taken on the way back from the call (or at
 * the page fault of that copy), so a handler that used the buffer in
 * between used to replace the data read by its own bytes.
 *
 * A child writes 1 MiB of a known pattern into a pipe; a second child
 * sends SIGUSR1 to both without pause; the reader checks every byte, in
 * reads of several sizes, into buffers whose pages are fresh (so the
 * copy faults).  Runs unchanged on Linux. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define T "hunt_sig_ipc_buffer"
#define T2 "hunt_sig_ipc_new_thread"
#define TOTAL (1024 * 1024)

static int selfp[2];
static volatile sig_atomic_t handled;

static const char *cur = T;

static void fail(const char *fmt, long a, long b, long c)
{
	printf("@@FAIL %s: ", cur);
	printf(fmt, a, b, c);
	printf("\n");
	exit(1);
}

static uint8_t pattern(uint64_t o)
{
	return (uint8_t)(o ^ (o >> 8) ^ (o >> 16) ^ 0x5a);
}

/* Write a full page of 0xEE into the self-pipe and read it back. */
static void on_usr1(int sig)
{
	static char junk[4096];
	int saved = errno;
	(void)sig;
	memset(junk, 0xEE, sizeof junk);
	if (write(selfp[1], junk, sizeof junk) == (ssize_t)sizeof junk)
		while (read(selfp[0], junk, sizeof junk) > 0)
			;
	handled++;
	errno = saved;
}

static void handle_usr1(void)
{
	struct sigaction a;
	memset(&a, 0, sizeof a);
	a.sa_handler = on_usr1;
	sigemptyset(&a.sa_mask);
	if (pipe(selfp) || fcntl(selfp[0], F_SETFL, O_NONBLOCK) ||
	    fcntl(selfp[1], F_SETFL, O_NONBLOCK) || sigaction(SIGUSR1, &a, NULL))
		fail("self-pipe setup (errno %ld)", errno, 0, 0);
}

static void writer(int fd)
{
	static uint8_t buf[8192];
	uint64_t o = 0;
	handle_usr1();
	while (o < TOTAL) {
		size_t n = 1000 + (o % 7000);
		if (n > TOTAL - o)
			n = TOTAL - o;
		for (size_t i = 0; i < n; i++)
			buf[i] = pattern(o + i);
		ssize_t w = write(fd, buf, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			_exit(2);
		o += (uint64_t)w;
	}
	_exit(0);
}

static void sender(pid_t a, pid_t b)
{
	for (;;) {
		kill(a, SIGUSR1);
		kill(b, SIGUSR1);
		sched_yield();
	}
}

static volatile int churning;

/* A short-lived thread that takes SIGUSR1 (new threads here start with
 * none blocked; on Linux they inherit the creator's mask). */
static void *short_lived(void *arg)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	for (volatile int i = 0; i < 1000; i++)
		;
	return arg;
}

/* Threads made and joined one after another; this one blocks SIGUSR1. */
static void *churn(void *arg)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	while (churning) {
		pthread_t t;
		if (pthread_create(&t, NULL, short_lived, NULL) == 0)
			pthread_join(t, NULL);
	}
	return arg;
}

/* Part 1 (name T): the reader takes the signals.  Part 2 (with_threads,
 * T2): the reader and a thread that makes short-lived threads block
 * SIGUSR1, so the new threads take it, from their first instruction on
 * (a handler in a thread that did not know its own IPC buffer yet used
 * the main thread's). */
static void run(int with_threads, const char *name)
{
	static const size_t sizes[] = { 4096, 1, 333, 4095, 8192, 17 };
	int d[2];
	pthread_t ch;
	handled = 0;
	cur = name;
	if (with_threads) {
		sigset_t set;
		sigemptyset(&set);
		sigaddset(&set, SIGUSR1);
		pthread_sigmask(SIG_BLOCK, &set, NULL);
		churning = 1;
		if (pthread_create(&ch, NULL, churn, NULL))
			fail("pthread_create", 0, 0, 0);
	}
	if (pipe(d))
		fail("pipe", 0, 0, 0);
	pid_t w = fork();
	if (w == 0) {
		close(d[0]);
		writer(d[1]);
	}
	close(d[1]);
	pid_t me = getpid(), s = fork();
	if (s == 0)
		sender(me, w);
	uint64_t o = 0;
	for (unsigned k = 0; o < TOTAL; k++) {
		size_t n = sizes[k % 6];
		/* a fresh page every time: libsys's copy out of the IPC
		 * buffer faults, a way back to ring 3 that takes signals */
		uint8_t *buf = mmap(NULL, 8192, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (buf == MAP_FAILED)
			fail("mmap (errno %ld)", errno, 0, 0);
		ssize_t r = read(d[0], buf, n);
		if (r < 0 && errno == EINTR) {
			munmap(buf, 8192);
			continue;
		}
		if (r <= 0)
			fail("read returned %ld at offset %ld (errno %ld)", (long)r, (long)o, errno);
		for (ssize_t i = 0; i < r; i++)
			if (buf[i] != pattern(o + (uint64_t)i))
				fail("offset %ld: byte 0x%lx, want 0x%lx (another's bytes in the read)",
				     (long)(o + (uint64_t)i), buf[i], pattern(o + (uint64_t)i));
		o += (uint64_t)r;
		munmap(buf, 8192);
	}
	kill(s, SIGKILL);
	int st;
	if (waitpid(s, &st, 0) != s || waitpid(w, &st, 0) != w ||
	    !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		fail("writer ended with status 0x%lx", st, 0, 0);
	if (with_threads) {
		churning = 0;
		pthread_join(ch, NULL);
		sigset_t set;
		sigemptyset(&set);
		sigaddset(&set, SIGUSR1);
		pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	}
	printf("%s: %ld bytes checked, %ld handler runs\n", name, (long)o, (long)handled);
	if (!handled)
		fail("no handler ran: the test proved nothing", 0, 0, 0);
	printf("@@PASS %s\n", name);
	close(d[0]);
}

int main(void)
{
	printf(T ": a handler's pipe I/O during a read's copy\n");
	handle_usr1();
	run(0, T);
	run(1, T2);
	return 0;
}
