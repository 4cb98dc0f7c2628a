/* Processes as a systems course's exercises use them, as an ordinary
 * Linux program (checked under Linux 6.1: make linux-check
 * PROG=user/test_linux11_proc.c).  It runs copies of itself (argv[0]
 * with an argument) for the exec parts.
 *   linux11_proc_wait    fork/exec/waitpid with the status macros: exit
 *                        codes 0, 3, 255; _exit; killed by SIGTERM,
 *                        SIGKILL, abort (SIGABRT), a fault (SIGSEGV); an
 *                        exec'd image's exit code; exec of a missing file
 *                        ENOENT in the child (127 by convention); wait
 *                        for any child in turn; ECHILD with none;
 *                        WNOHANG 0 while the child runs
 *   linux11_proc_pipes   a pipeline parent -> child through two pipes
 *                        with dup2 onto stdin/stdout and exec: the child
 *                        upper-cases what it reads; poll and select see
 *                        the pipe readable, POLLHUP/EOF once writers close;
 *                        a pipe without readers EPIPE (SIGPIPE ignored)
 *   linux11_proc_env     setenv/getenv/unsetenv; the environment passed
 *                        to execve (and kept by execv) reaches the new
 *                        image; putenv; overwrite 0 keeps the old value
 *   linux11_proc_time    CLOCK_MONOTONIC never goes back and advances
 *                        across a 20 ms nanosleep by at least that;
 *                        CLOCK_REALTIME close to time(); nanosleep cut
 *                        by a handled signal EINTR with the time left
 *                        (less than asked, more than 0); getrusage
 *                        counts CPU time spent computing, RUSAGE_CHILDREN
 *                        a reaped child's; invalid nanosleep EINVAL
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;
static const char *part;
static int fails;
static char *self;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL %s: line %d: %s (errno %d)\n", part, __LINE__, \
	#c, errno); fails++; fflush(stdout); } } while (0)

/* the copies' work: argv[1] says which */
static int copy_main(int argc, char **argv)
{
	if (!strcmp(argv[1], "exit") && argc > 2)
		return atoi(argv[2]);
	if (!strcmp(argv[1], "upper")) { /* stdin to stdout, upper case */
		char buf[256];
		ssize_t n;
		while ((n = read(0, buf, sizeof buf)) > 0) {
			for (ssize_t i = 0; i < n; i++)
				buf[i] = (char)toupper((unsigned char)buf[i]);
			if (write(1, buf, n) != n)
				return 2;
		}
		return n == 0 ? 0 : 3;
	}
	if (!strcmp(argv[1], "env")) { /* the variables named, as expected */
		const char *a = getenv("L11_A"), *b = getenv("L11_B");
		if (!a || strcmp(a, "alpha") || b || !getenv("PATH_LIKE"))
			return 4;
		return 0;
	}
	if (!strcmp(argv[1], "envkept")) {
		const char *k = getenv("L11_KEPT");
		return k && !strcmp(k, "yes") ? 0 : 5;
	}
	return 99;
}

static int status_of(pid_t pid)
{
	int st = -1;
	if (waitpid(pid, &st, 0) != pid)
		return -1;
	return st;
}

static pid_t run_copy(const char *what, const char *arg)
{
	pid_t pid = fork();
	if (pid == 0) {
		execl(self, self, what, arg, (char *)NULL);
		_exit(127);
	}
	return pid;
}

static void wait_part(void)
{
	int f = fails;
	part = "linux11_proc_wait";
	int codes[] = { 0, 3, 255 };
	for (int i = 0; i < 3; i++) {
		pid_t pid = fork();
		if (pid == 0)
			exit(codes[i]);
		int st = status_of(pid);
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == codes[i] && !WIFSIGNALED(st));
	}
	pid_t pid = fork();
	if (pid == 0)
		_exit(7);
	int st = status_of(pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 7);

	int sigs[] = { SIGTERM, SIGKILL };
	for (int i = 0; i < 2; i++) {
		int p[2];
		CHECK(pipe(p) == 0);
		pid = fork();
		if (pid == 0) {
			close(p[0]);
			if (write(p[1], "r", 1) != 1)
				_exit(1);
			for (;;)
				pause();
		}
		close(p[1]);
		char c;
		CHECK(read(p[0], &c, 1) == 1);
		close(p[0]);
		CHECK(waitpid(pid, &st, WNOHANG) == 0);
		CHECK(kill(pid, sigs[i]) == 0);
		st = status_of(pid);
		CHECK(WIFSIGNALED(st) && WTERMSIG(st) == sigs[i] && !WIFEXITED(st));
	}
	pid = fork();
	if (pid == 0)
		abort();
	st = status_of(pid);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT);
	pid = fork();
	if (pid == 0) {
		int *volatile bad = (int *)16;
		*bad = 1;
		_exit(0);
	}
	st = status_of(pid);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV);

	st = status_of(run_copy("exit", "42"));
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 42);
	pid = fork();
	if (pid == 0) {
		execl("/no/such/program", "x", (char *)NULL);
		_exit(errno == ENOENT ? 127 : 126);
	}
	st = status_of(pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 127);

	/* any child, in turn */
	pid_t kids[5];
	int seen = 0;
	for (int i = 0; i < 5; i++) {
		kids[i] = fork();
		if (kids[i] == 0)
			_exit(10 + i);
	}
	for (int i = 0; i < 5; i++) {
		pid_t w = wait(&st);
		for (int k = 0; k < 5; k++)
			if (w == kids[k] && WIFEXITED(st) && WEXITSTATUS(st) == 10 + k)
				seen |= 1 << k;
	}
	CHECK(seen == 31);
	errno = 0;
	CHECK(wait(&st) == -1 && errno == ECHILD);
	errno = 0;
	CHECK(waitpid(-1, &st, WNOHANG) == -1 && errno == ECHILD);
	if (fails == f)
		printf("@@PASS %s\n", part);
}

static void pipes_part(void)
{
	int f = fails;
	part = "linux11_proc_pipes";
	int to[2], from[2];
	CHECK(pipe(to) == 0 && pipe(from) == 0);
	pid_t pid = fork();
	if (pid == 0) {
		dup2(to[0], 0);
		dup2(from[1], 1);
		close(to[0]);
		close(to[1]);
		close(from[0]);
		close(from[1]);
		execl(self, self, "upper", (char *)NULL);
		_exit(127);
	}
	close(to[0]);
	close(from[1]);
	/* nothing to read yet: poll with a timeout of 0 says so */
	struct pollfd pf = { .fd = from[0], .events = POLLIN };
	CHECK(poll(&pf, 1, 0) == 0);
	const char *msg = "hello, pipeline\n";
	CHECK(write(to[1], msg, strlen(msg)) == (ssize_t)strlen(msg));
	CHECK(poll(&pf, 1, 10000) == 1 && (pf.revents & POLLIN));
	fd_set rs;
	FD_ZERO(&rs);
	FD_SET(from[0], &rs);
	struct timeval tv = { 10, 0 };
	CHECK(select(from[0] + 1, &rs, NULL, NULL, &tv) == 1 && FD_ISSET(from[0], &rs));
	char buf[64] = { 0 };
	size_t got = 0;
	while (got < strlen(msg)) {
		ssize_t n = read(from[0], buf + got, sizeof buf - 1 - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	CHECK(strcmp(buf, "HELLO, PIPELINE\n") == 0);
	close(to[1]); /* the child sees EOF and ends */
	int st = status_of(pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	pf.revents = 0;
	CHECK(poll(&pf, 1, 10000) == 1 && (pf.revents & POLLHUP));
	CHECK(read(from[0], buf, sizeof buf) == 0);
	close(from[0]);

	/* no reader: EPIPE, SIGPIPE ignored */
	int p[2];
	CHECK(pipe(p) == 0);
	close(p[0]);
	signal(SIGPIPE, SIG_IGN);
	errno = 0;
	CHECK(write(p[1], "x", 1) == -1 && errno == EPIPE);
	signal(SIGPIPE, SIG_DFL);
	close(p[1]);
	/* dup2 onto stdout inside this process, and back */
	int saved = dup(1);
	CHECK(pipe(p) == 0);
	fflush(stdout);
	CHECK(dup2(p[1], 1) == 1);
	printf("into the pipe");
	fflush(stdout);
	CHECK(dup2(saved, 1) == 1);
	close(saved);
	close(p[1]);
	memset(buf, 0, sizeof buf);
	CHECK(read(p[0], buf, sizeof buf) == 13 && !strcmp(buf, "into the pipe"));
	close(p[0]);
	CHECK(dup2(1, 1) == 1);
	errno = 0;
	CHECK(dup2(12345, 3) == -1 && errno == EBADF);
	if (fails == f)
		printf("@@PASS %s\n", part);
}

static void env_part(void)
{
	int f = fails;
	part = "linux11_proc_env";
	CHECK(setenv("L11_X", "one", 1) == 0 && !strcmp(getenv("L11_X"), "one"));
	CHECK(setenv("L11_X", "two", 0) == 0 && !strcmp(getenv("L11_X"), "one"));
	CHECK(setenv("L11_X", "two", 1) == 0 && !strcmp(getenv("L11_X"), "two"));
	CHECK(unsetenv("L11_X") == 0 && getenv("L11_X") == NULL);
	errno = 0;
	CHECK(setenv("BAD=NAME", "v", 1) == -1 && errno == EINVAL);
	errno = 0;
	CHECK(setenv("", "v", 1) == -1 && errno == EINVAL);
	static char pe[] = "L11_P=put";
	CHECK(putenv(pe) == 0 && !strcmp(getenv("L11_P"), "put"));
	pe[6] = 'P'; /* putenv keeps the string itself */
	CHECK(!strcmp(getenv("L11_P"), "Put"));
	unsetenv("L11_P");

	char *envp[] = { "L11_A=alpha", "PATH_LIKE=/x:/y", NULL };
	pid_t pid = fork();
	if (pid == 0) {
		char *argv[] = { self, "env", NULL };
		execve(self, argv, envp);
		_exit(127);
	}
	int st = status_of(pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK(setenv("L11_KEPT", "yes", 1) == 0);
	st = status_of(run_copy("envkept", NULL));
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	unsetenv("L11_KEPT");
	if (fails == f)
		printf("@@PASS %s\n", part);
}

static volatile sig_atomic_t alarms;
static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
}

static long ns_between(const struct timespec *a, const struct timespec *b)
{
	return (b->tv_sec - a->tv_sec) * 1000000000L + (b->tv_nsec - a->tv_nsec);
}

static void time_part(void)
{
	int f = fails;
	part = "linux11_proc_time";
	struct timespec a, b, r;
	CHECK(clock_gettime(CLOCK_MONOTONIC, &a) == 0);
	int back = 0;
	for (int i = 0; i < 10000; i++) {
		clock_gettime(CLOCK_MONOTONIC, &b);
		if (ns_between(&a, &b) < 0)
			back = 1;
		a = b;
	}
	CHECK(!back);
	struct timespec d = { 0, 20 * 1000000 };
	clock_gettime(CLOCK_MONOTONIC, &a);
	CHECK(nanosleep(&d, NULL) == 0);
	clock_gettime(CLOCK_MONOTONIC, &b);
	CHECK(ns_between(&a, &b) >= 20 * 1000000);
	struct timespec rt;
	clock_gettime(CLOCK_REALTIME, &rt);
	time_t now = time(NULL);
	CHECK(rt.tv_sec >= now - 1 && rt.tv_sec <= now + 1 && rt.tv_sec > 1600000000);
	struct timeval tv;
	CHECK(gettimeofday(&tv, NULL) == 0 && tv.tv_sec >= now - 1 && tv.tv_usec < 1000000);
	struct timespec res;
	CHECK(clock_getres(CLOCK_MONOTONIC, &res) == 0 && res.tv_sec == 0 && res.tv_nsec > 0);

	/* nanosleep cut short by a handled signal */
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm; /* no SA_RESTART: nanosleep is never restarted anyway */
	sigaction(SIGALRM, &sa, NULL);
	struct itimerval it = { { 0, 0 }, { 0, 100000 } }; /* 100 ms */
	setitimer(ITIMER_REAL, &it, NULL);
	d.tv_sec = 5;
	d.tv_nsec = 0;
	r.tv_sec = r.tv_nsec = -1;
	errno = 0;
	int e = nanosleep(&d, &r);
	CHECK(e == -1 && errno == EINTR && alarms == 1);
	CHECK(r.tv_sec >= 0 && r.tv_nsec >= 0 && r.tv_nsec < 1000000000 &&
	      (r.tv_sec < 5) && (r.tv_sec > 0 || r.tv_nsec > 0));
	signal(SIGALRM, SIG_DFL);
	d.tv_nsec = 1000000000;
	errno = 0;
	CHECK(nanosleep(&d, NULL) == -1 && errno == EINVAL);
	d.tv_sec = -1;
	d.tv_nsec = 0;
	errno = 0;
	CHECK(nanosleep(&d, NULL) == -1 && errno == EINVAL);

	/* getrusage: CPU time spent computing shows */
	struct rusage u0, u1;
	CHECK(getrusage(RUSAGE_SELF, &u0) == 0);
	struct timespec c0, c1;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
	volatile double x = 0;
	do {
		for (int i = 0; i < 100000; i++)
			x += i * 0.5;
		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
	} while (ns_between(&c0, &c1) < 50 * 1000000);
	CHECK(getrusage(RUSAGE_SELF, &u1) == 0);
	long us = (u1.ru_utime.tv_sec - u0.ru_utime.tv_sec) * 1000000L +
		  (u1.ru_utime.tv_usec - u0.ru_utime.tv_usec) +
		  (u1.ru_stime.tv_sec - u0.ru_stime.tv_sec) * 1000000L +
		  (u1.ru_stime.tv_usec - u0.ru_stime.tv_usec);
	CHECK(us >= 40000);
	CHECK(u1.ru_maxrss > 0);
	struct rusage ch0, ch1;
	CHECK(getrusage(RUSAGE_CHILDREN, &ch0) == 0);
	pid_t pid = fork();
	if (pid == 0) {
		struct timespec s0, s1;
		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &s0);
		do {
			for (int i = 0; i < 100000; i++)
				x += i * 0.5;
			clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &s1);
		} while (ns_between(&s0, &s1) < 60 * 1000000);
		_exit(0);
	}
	int st = status_of(pid);
	CHECK(WIFEXITED(st));
	CHECK(getrusage(RUSAGE_CHILDREN, &ch1) == 0);
	long cus = (ch1.ru_utime.tv_sec - ch0.ru_utime.tv_sec) * 1000000L +
		   (ch1.ru_utime.tv_usec - ch0.ru_utime.tv_usec) +
		   (ch1.ru_stime.tv_sec - ch0.ru_stime.tv_sec) * 1000000L +
		   (ch1.ru_stime.tv_usec - ch0.ru_stime.tv_usec);
	CHECK(cus >= 50000);
	errno = 0;
	CHECK(getrusage(12345, &u1) == -1 && errno == EINVAL);
	if (fails == f)
		printf("@@PASS %s\n", part);
}

int main(int argc, char **argv)
{
	if (argc > 1)
		return copy_main(argc, argv);
	self = argv[0];
	setvbuf(stdout, NULL, _IONBF, 0);
	wait_part();
	pipes_part();
	env_part();
	time_part();
	return fails != 0;
}
