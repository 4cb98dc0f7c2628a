/* sigqueue and queued real-time signals, as an ordinary Linux program (it
 * runs unchanged against glibc: gcc -O2 test_linux5_sigqueue.c &&
 * ./a.out).  Each part runs in a child of its own and prints its @@PASS
 * line:
 *   linux5_sigqueue_rt      six sigqueues of three real-time signals while
 *                           blocked: each delivered once when unblocked,
 *                           the lowest number first and each number's in
 *                           the order sent, with its si_value, si_code
 *                           SI_QUEUE and si_pid
 *   linux5_sigqueue_std     three sigqueues of SIGUSR1 while blocked are
 *                           one delivery (standard signals merge), with
 *                           the first's value
 *   linux5_sigqueue_other   five of SIGRTMIN sent by another process, all
 *                           delivered in order with its pid
 *   linux5_sigqueue_default a real-time signal's default action ends the
 *                           process (WTERMSIG); ESRCH once it is gone
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *part;
static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL linux5_sigqueue_%s: line %d: %s (errno %d)\n", \
	part, __LINE__, #c, errno); fflush(stdout); fails++; } } while (0)

static volatile int n;
static volatile int seen_sig[64], seen_code[64], seen_pid[64];
static volatile long seen_value[64];

static void on_sig(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	if (n < 64) {
		seen_sig[n] = sig;
		seen_code[n] = si->si_code;
		seen_pid[n] = si->si_pid;
		seen_value[n] = si->si_value.sival_int;
	}
	n++;
}

static void handle(int sig)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_sig;
	sa.sa_flags = SA_SIGINFO;
	sigfillset(&sa.sa_mask); /* one handler at a time: no nesting */
	CHECK(sigaction(sig, &sa, NULL) == 0);
}

static void mask(int how, const int *sigs, int k)
{
	sigset_t s;
	sigemptyset(&s);
	for (int i = 0; i < k; i++)
		sigaddset(&s, sigs[i]);
	CHECK(sigprocmask(how, &s, NULL) == 0);
}

static int send(pid_t pid, int sig, int v)
{
	union sigval val;
	memset(&val, 0, sizeof val);
	val.sival_int = v;
	return sigqueue(pid, sig, val);
}

static void part_rt(void)
{
	int sigs[3] = { SIGRTMIN, SIGRTMIN + 1, SIGRTMIN + 2 };
	for (int i = 0; i < 3; i++)
		handle(sigs[i]);
	mask(SIG_BLOCK, sigs, 3);
	CHECK(send(getpid(), SIGRTMIN + 2, 1) == 0);
	CHECK(send(getpid(), SIGRTMIN, 2) == 0);
	CHECK(send(getpid(), SIGRTMIN + 2, 3) == 0);
	CHECK(send(getpid(), SIGRTMIN, 4) == 0);
	CHECK(send(getpid(), SIGRTMIN + 1, 5) == 0);
	CHECK(send(getpid(), SIGRTMIN, 6) == 0);
	CHECK(n == 0);
	mask(SIG_UNBLOCK, sigs, 3);
	int want_sig[6] = { SIGRTMIN, SIGRTMIN, SIGRTMIN, SIGRTMIN + 1, SIGRTMIN + 2, SIGRTMIN + 2 };
	int want_val[6] = { 2, 4, 6, 5, 1, 3 };
	CHECK(n == 6);
	for (int i = 0; i < 6 && i < n; i++) {
		CHECK(seen_sig[i] == want_sig[i]);
		CHECK(seen_value[i] == want_val[i]);
		CHECK(seen_code[i] == SI_QUEUE);
		CHECK(seen_pid[i] == getpid());
	}
}

static void part_std(void)
{
	int s = SIGUSR1;
	handle(s);
	mask(SIG_BLOCK, &s, 1);
	CHECK(send(getpid(), s, 7) == 0);
	CHECK(send(getpid(), s, 8) == 0);
	CHECK(send(getpid(), s, 9) == 0);
	mask(SIG_UNBLOCK, &s, 1);
	CHECK(n == 1);
	CHECK(seen_value[0] == 7 && seen_code[0] == SI_QUEUE);
}

static void part_other(void)
{
	int s = SIGRTMIN, up[2], go[2];
	CHECK(pipe(up) == 0 && pipe(go) == 0);
	pid_t c = fork();
	if (c == 0) {
		handle(s);
		mask(SIG_BLOCK, &s, 1);
		char b = 1;
		CHECK(write(up[1], &b, 1) == 1);
		CHECK(read(go[0], &b, 1) == 1);
		mask(SIG_UNBLOCK, &s, 1);
		CHECK(n == 5);
		for (int i = 0; i < 5 && i < n; i++)
			CHECK(seen_value[i] == 10 + i && seen_pid[i] == getppid() &&
			      seen_code[i] == SI_QUEUE);
		_exit(fails ? 1 : 0);
	}
	char b;
	CHECK(read(up[0], &b, 1) == 1);
	for (int i = 0; i < 5; i++)
		CHECK(send(c, s, 10 + i) == 0);
	CHECK(write(go[1], &b, 1) == 1);
	int st;
	CHECK(waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static void part_default(void)
{
	pid_t c = fork();
	if (c == 0) {
		for (;;)
			pause();
	}
	CHECK(send(c, SIGRTMIN + 3, 1) == 0);
	int st;
	CHECK(waitpid(c, &st, 0) == c && WIFSIGNALED(st) && WTERMSIG(st) == SIGRTMIN + 3);
	errno = 0;
	CHECK(send(c, SIGRTMIN, 1) == -1 && errno == ESRCH);
}

static void run(const char *name, void (*fn)(void))
{
	pid_t c = fork();
	if (c == 0) {
		part = name;
		fn();
		if (!fails)
			printf("@@PASS linux5_sigqueue_%s\n", name);
		fflush(stdout);
		_exit(fails ? 1 : 0);
	}
	int st;
	part = name;
	if (waitpid(c, &st, 0) != c || !WIFEXITED(st)) {
		CHECK(!"the part's child ended by a signal");
		printf("  (status %#x)\n", st);
	} else if (WEXITSTATUS(st)) {
		fails++;
	}
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	run("rt", part_rt);
	run("std", part_std);
	run("other", part_other);
	run("default", part_default);
	return fails ? 1 : 0;
}
