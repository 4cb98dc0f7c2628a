/* Pipes as a Linux program uses them (compiles unchanged against glibc):
 * a parent and child talking through pipes, EOF once the writers are
 * closed, exited or killed, EPIPE and SIGPIPE, O_NONBLOCK, fcntl, dup,
 * bad descriptors and pointers, and threads of one process. */
#define _GNU_SOURCE /* pipe2, dup3 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int fails;
#define CHECK(name, c) do { if (!(c)) { printf("@@FAIL %s: line %d: %s (errno %d)\n", \
	name, __LINE__, #c, errno); fails++; } } while (0)

/* Read exactly n bytes from fd (fewer only at EOF or an error). */
static ssize_t read_all(int fd, void *buf, size_t n)
{
	size_t got = 0;
	while (got < n) {
		ssize_t r = read(fd, (char *)buf + got, n - got);
		if (r <= 0)
			return got ? (ssize_t)got : r;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

/* Parent and child: a question down one pipe, the answer up another. */
static void fork_talk(void)
{
	const char *T = "linux_pipe_fork";
	int down[2], up[2];
	CHECK(T, pipe(down) == 0 && pipe(up) == 0);
	pid_t pid = fork();
	if (pid == 0) {
		char q[64] = { 0 };
		close(down[1]);
		close(up[0]);
		ssize_t n = read(down[0], q, sizeof q - 1);
		int x = n > 0 ? atoi(q) : -1;
		char a[64];
		int len = snprintf(a, sizeof a, "answer %d from %d", x * 2, (int)getpid());
		_exit(write(up[1], a, (size_t)len) == len ? 0 : 3);
	}
	CHECK(T, pid > 0);
	close(down[0]);
	close(up[1]);
	CHECK(T, write(down[1], "21", 2) == 2);
	char a[64] = { 0 }, want[64];
	snprintf(want, sizeof want, "answer 42 from %d", (int)pid);
	CHECK(T, read_all(up[0], a, strlen(want)) == (ssize_t)strlen(want));
	CHECK(T, strcmp(a, want) == 0);
	CHECK(T, read(up[0], a, sizeof a) == 0); /* the child exited: EOF */
	int st;
	CHECK(T, waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	close(down[1]);
	close(up[0]);
	if (!fails)
		printf("@@PASS %s\n", T);
}

/* EOF: after close, after the writer's exit without close, after kill -9
 * of a writer blocked writing to a full pipe; a reader blocked on an empty
 * pipe is woken by it. */
static void eof_cases(void)
{
	const char *T = "linux_pipe_eof";
	int before = fails, p[2];
	char buf[16];
	CHECK(T, pipe(p) == 0);
	CHECK(T, write(p[1], "ab", 2) == 2);
	close(p[1]);
	CHECK(T, read(p[0], buf, sizeof buf) == 2);
	CHECK(T, read(p[0], buf, sizeof buf) == 0);
	CHECK(T, read(p[0], buf, sizeof buf) == 0);
	close(p[0]);

	/* A child holds the only write end and exits without closing it;
	 * the parent is already waiting in read. */
	CHECK(T, pipe(p) == 0);
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		usleep(100 * 1000);
		_exit(0);
	}
	close(p[1]);
	CHECK(T, read(p[0], buf, sizeof buf) == 0);
	int st;
	CHECK(T, waitpid(pid, &st, 0) == pid);
	close(p[0]);

	/* kill -9 of a writer blocked on a full pipe: the bytes it wrote stay,
	 * then EOF. */
	CHECK(T, pipe(p) == 0);
	pid = fork();
	if (pid == 0) {
		static char big[256 * 1024];
		close(p[0]);
		memset(big, 'k', sizeof big);
		write(p[1], big, sizeof big); /* blocks: the pipe fills */
		_exit(9);
	}
	close(p[1]);
	char c;
	CHECK(T, read(p[0], &c, 1) == 1 && c == 'k'); /* it is writing */
	usleep(50 * 1000);
	CHECK(T, kill(pid, SIGKILL) == 0);
	CHECK(T, waitpid(pid, &st, 0) == pid && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	static char sink[64 * 1024];
	ssize_t n, total = 1;
	while ((n = read(p[0], sink, sizeof sink)) > 0)
		total += n;
	CHECK(T, n == 0);
	CHECK(T, total >= 4096 && total < 256 * 1024);
	close(p[0]);

	/* Two writers (dup'd and forked): EOF only after both are gone. */
	CHECK(T, pipe(p) == 0);
	int w2 = dup(p[1]);
	CHECK(T, w2 > 2);
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		close(p[1]);
		usleep(100 * 1000);
		_exit(write(w2, "z", 1) == 1 ? 0 : 1);
	}
	close(p[1]);
	close(w2);
	CHECK(T, read(p[0], buf, sizeof buf) == 1 && buf[0] == 'z');
	CHECK(T, read(p[0], buf, sizeof buf) == 0);
	CHECK(T, waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	close(p[0]);
	if (fails == before)
		printf("@@PASS %s\n", T);
}

/* A write with no reader: EPIPE when SIGPIPE is ignored or caught; the
 * process dies of SIGPIPE by default. */
static volatile sig_atomic_t caught;
static void on_pipe(int sig) { caught = sig; }

static void sigpipe_cases(void)
{
	const char *T = "linux_pipe_sigpipe";
	int before = fails, p[2];
	CHECK(T, pipe(p) == 0);
	close(p[0]);
	signal(SIGPIPE, SIG_IGN);
	errno = 0;
	CHECK(T, write(p[1], "x", 1) == -1 && errno == EPIPE);
	signal(SIGPIPE, on_pipe);
	errno = 0;
	CHECK(T, write(p[1], "x", 1) == -1 && errno == EPIPE && caught == SIGPIPE);
	signal(SIGPIPE, SIG_DFL);
	pid_t pid = fork();
	if (pid == 0) {
		write(p[1], "x", 1);
		_exit(0); /* not reached */
	}
	int st;
	CHECK(T, waitpid(pid, &st, 0) == pid);
	CHECK(T, WIFSIGNALED(st) && WTERMSIG(st) == SIGPIPE);
	close(p[1]);

	/* The reader goes away while the writer waits on a full pipe. */
	CHECK(T, pipe(p) == 0);
	pid = fork();
	if (pid == 0) {
		static char big[128 * 1024];
		signal(SIGPIPE, SIG_IGN);
		close(p[0]);
		ssize_t n = write(p[1], big, sizeof big);
		ssize_t m = write(p[1], big, 1);
		_exit(n > 0 && n < (ssize_t)sizeof big && m == -1 && errno == EPIPE ? 0 : 1);
	}
	close(p[1]);
	char c;
	CHECK(T, read(p[0], &c, 1) == 1); /* it is writing */
	usleep(100 * 1000);
	close(p[0]);
	CHECK(T, waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	if (fails == before)
		printf("@@PASS %s\n", T);
}

/* O_NONBLOCK: EAGAIN on an empty pipe and on a full one (64 KiB), by
 * pipe2 and by fcntl; fcntl's flags; dup keeps the description. */
static void nonblock_cases(void)
{
	const char *T = "linux_pipe_nonblock";
	int before = fails, p[2];
	char buf[1024];
	CHECK(T, pipe2(p, O_NONBLOCK | O_CLOEXEC) == 0);
	CHECK(T, fcntl(p[0], F_GETFL) & O_NONBLOCK);
	CHECK(T, (fcntl(p[0], F_GETFL) & O_ACCMODE) == O_RDONLY);
	CHECK(T, (fcntl(p[1], F_GETFL) & O_ACCMODE) == O_WRONLY);
	CHECK(T, fcntl(p[1], F_GETFD) == FD_CLOEXEC);
	errno = 0;
	CHECK(T, read(p[0], buf, sizeof buf) == -1 && errno == EAGAIN);
	memset(buf, 7, sizeof buf);
	long total = 0;
	ssize_t n;
	while ((n = write(p[1], buf, sizeof buf)) > 0)
		total += n;
	CHECK(T, n == -1 && errno == EAGAIN);
	CHECK(T, total == 65536);
	errno = 0;
	CHECK(T, write(p[1], buf, 1) == -1 && errno == EAGAIN);
	char page[4096];
	CHECK(T, read(p[0], page, sizeof page) == sizeof page);
	CHECK(T, write(p[1], buf, 100) == 100);
	close(p[0]);
	close(p[1]);

	CHECK(T, pipe(p) == 0);
	CHECK(T, fcntl(p[0], F_GETFD) == 0);
	CHECK(T, !(fcntl(p[0], F_GETFL) & O_NONBLOCK));
	int d = dup(p[0]);
	CHECK(T, d > p[1]);
	CHECK(T, fcntl(d, F_SETFL, fcntl(d, F_GETFL) | O_NONBLOCK) == 0);
	CHECK(T, fcntl(p[0], F_GETFL) & O_NONBLOCK); /* one description */
	errno = 0;
	CHECK(T, read(p[0], buf, 1) == -1 && errno == EAGAIN);
	CHECK(T, fcntl(d, F_SETFL, 0) == 0);
	CHECK(T, fcntl(d, F_SETFD, FD_CLOEXEC) == 0 && fcntl(d, F_GETFD) == FD_CLOEXEC);
	CHECK(T, fcntl(p[0], F_GETFD) == 0);
	int e = fcntl(p[1], F_DUPFD, 20);
	CHECK(T, e == 20);
	CHECK(T, write(e, "hello", 5) == 5);
	CHECK(T, read(d, buf, sizeof buf) == 5 && memcmp(buf, "hello", 5) == 0);
	CHECK(T, dup3(p[1], 21, O_CLOEXEC) == 21 && fcntl(21, F_GETFD) == FD_CLOEXEC);
	CHECK(T, dup2(p[1], p[1]) == p[1]);
	errno = 0;
	CHECK(T, dup3(p[1], p[1], 0) == -1 && errno == EINVAL);
	close(21);
	close(e);
	close(p[1]);
	CHECK(T, read(d, buf, sizeof buf) == 0); /* every writer closed */
	close(d);
	close(p[0]);
	if (fails == before)
		printf("@@PASS %s\n", T);
}

/* Bad descriptors and pointers: error codes, never a crash. */
static void *volatile bad_low = (void *)16, *volatile bad_high = (void *)0x7ffffffff000ull;
static void *volatile null_ptr, *volatile bad_mid = (void *)0x500000000000ull;

static void bad_args(const char *arg0)
{
	const char *T = "linux_pipe_badargs";
	int before = fails, p[2];
	char buf[8];
	CHECK(T, pipe(p) == 0);
	/* Good memory of every kind: a literal, the stack, the heap, argv. */
	char *heap = malloc(100), back[100];
	size_t alen = strlen(arg0);
	CHECK(T, heap != NULL);
	if (heap) {
		memset(heap, 'h', 100);
		CHECK(T, write(p[1], heap, 100) == 100 && read(p[0], heap, 100) == 100);
		free(heap);
	}
	CHECK(T, write(p[1], "lit", 3) == 3 && read(p[0], back, 3) == 3);
	CHECK(T, alen < sizeof back && write(p[1], arg0, alen) == (ssize_t)alen);
	CHECK(T, read(p[0], back, sizeof back) == (ssize_t)alen && memcmp(back, arg0, alen) == 0);
	errno = 0;
	CHECK(T, read(p[1], buf, 1) == -1 && errno == EBADF);   /* write end */
	errno = 0;
	CHECK(T, write(p[0], "x", 1) == -1 && errno == EBADF);  /* read end */
	errno = 0;
	CHECK(T, write(p[1], bad_low, 10) == -1 && errno == EFAULT);
	errno = 0;
	CHECK(T, write(p[1], bad_high, 10) == -1 && errno == EFAULT);
	CHECK(T, write(p[1], "abc", 3) == 3);
	errno = 0;
	CHECK(T, read(p[0], null_ptr, 3) == -1 && errno == EFAULT);
	CHECK(T, read(p[0], buf, 3) == 3 && memcmp(buf, "abc", 3) == 0);
	errno = 0;
	CHECK(T, lseek(p[0], 0, SEEK_SET) == -1 && errno == ESPIPE);
	errno = 0;
	CHECK(T, read(-1, buf, 1) == -1 && errno == EBADF);
	errno = 0;
	CHECK(T, write(1000, buf, 1) == -1 && errno == EBADF);
	errno = 0;
	CHECK(T, close(1000) == -1 && errno == EBADF);
	errno = 0;
	CHECK(T, dup(-5) == -1 && errno == EBADF);
	errno = 0;
	CHECK(T, dup2(p[0], -1) == -1 && errno == EBADF);
	errno = 0;
	CHECK(T, dup2(999, 5) == -1 && errno == EBADF);
	errno = 0;
	CHECK(T, fcntl(999, F_GETFL) == -1 && errno == EBADF);
	errno = 0;
	CHECK(T, pipe((int *)bad_low) == -1 && errno == EFAULT);
	errno = 0;
	CHECK(T, pipe((int *)bad_mid) == -1 && errno == EFAULT);
	errno = 0;
	CHECK(T, isatty(p[0]) == 0 && errno == ENOTTY);
	errno = 0;
	CHECK(T, pipe2(p, 0x7777) == -1 && errno == EINVAL);
	CHECK(T, write(p[1], "q", 0) == 0);
	CHECK(T, read(p[0], buf, 0) == 0);
	close(p[0]);
	close(p[1]);
	errno = 0;
	CHECK(T, read(p[0], buf, 1) == -1 && errno == EBADF); /* closed */
	errno = 0;
	CHECK(T, close(p[1]) == -1 && errno == EBADF);
	errno = 0;
	CHECK(T, isatty(p[1]) == 0 && errno == EBADF);
	/* Descriptors run out: EMFILE, and all of them close again. */
	static int fds[2048][2];
	int made = 0;
	long most = sysconf(_SC_OPEN_MAX);
	while (made < 2048 && pipe(fds[made]) == 0)
		made++;
	if (most > 0 && most < 4000) /* (a host may allow far more) */
		CHECK(T, made > 4 && made < 2048 && (errno == EMFILE || errno == ENFILE));
	while (made--) {
		CHECK(T, close(fds[made][0]) == 0);
		CHECK(T, close(fds[made][1]) == 0);
	}
	if (fails == before)
		printf("@@PASS %s\n", T);
}

/* Threads: one writes 200 KiB in pieces, another reads them back (and
 * waits on the empty pipe), the main thread answers on a second pipe. */
static int tp[2], tq[2];

static void *thread_writer(void *arg)
{
	(void)arg;
	static unsigned char buf[5000];
	for (int i = 0; i < 40; i++) {
		memset(buf, i, sizeof buf);
		if (write(tp[1], buf, sizeof buf) != sizeof buf)
			return (void *)1;
	}
	close(tp[1]);
	return NULL;
}

static void *thread_reader(void *arg)
{
	(void)arg;
	static unsigned char buf[5000];
	char c;
	long bad = 0;
	for (int i = 0; i < 40; i++) {
		if (read_all(tp[0], buf, sizeof buf) != sizeof buf)
			return (void *)2;
		for (size_t k = 0; k < sizeof buf; k++)
			bad += buf[k] != i;
	}
	if (bad || read(tp[0], buf, 1) != 0)
		return (void *)3;
	if (read(tq[0], &c, 1) != 1 || c != '!') /* waits for main */
		return (void *)4;
	return NULL;
}

static void thread_cases(void)
{
	const char *T = "linux_pipe_threads";
	int before = fails;
	pthread_t w, r;
	void *rw = (void *)9, *rr = (void *)9;
	CHECK(T, pipe(tp) == 0 && pipe(tq) == 0);
	CHECK(T, pthread_create(&r, NULL, thread_reader, NULL) == 0);
	CHECK(T, pthread_create(&w, NULL, thread_writer, NULL) == 0);
	CHECK(T, pthread_join(w, &rw) == 0 && rw == NULL);
	CHECK(T, write(tq[1], "!", 1) == 1);
	CHECK(T, pthread_join(r, &rr) == 0 && rr == NULL);
	close(tp[0]), close(tq[0]), close(tq[1]);
	if (fails == before)
		printf("@@PASS %s\n", T);
}

int main(int argc, char **argv)
{
	(void)argc;
	printf("linux_pipe: pipes between processes\n");
	fork_talk();
	eof_cases();
	sigpipe_cases();
	nonblock_cases();
	bad_args(argv[0]);
	thread_cases();
	return fails != 0;
}
