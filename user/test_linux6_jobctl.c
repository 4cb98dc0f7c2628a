/* Job control and the signal gaps around it, as an ordinary Linux program
 * (checked against glibc under Linux 6.1: make linux-check
 * PROG=user/test_linux6_jobctl.c).  Each part runs in a child of its own
 * and prints its @@PASS line:
 *   linux6_jobctl_threads   SIGSTOP stops a busy child of four threads:
 *                           their counters (MAP_SHARED) do not move while
 *                           it is stopped, over several sleeps, and move
 *                           again after SIGCONT; SIGKILL ends it stopped
 *   linux6_jobctl_blocked   a child stopped while one thread waits in a
 *                           pipe read and another in waitpid stays
 *                           stopped when both calls are answered (the
 *                           byte written, the grandchild ended): neither
 *                           goes on until SIGCONT
 *   linux6_jobctl_tstp      SIGTSTP, SIGTTIN, SIGTTOU stop by default
 *                           (WSTOPSIG says which); a handled SIGTSTP runs
 *                           its handler and does not stop
 *   linux6_jobctl_status    the status words (stopped: sig << 8 | 0x7f,
 *                           continued: 0xffff), each reported once, not
 *                           without WUNTRACED / WCONTINUED; waitid with
 *                           WSTOPPED, WCONTINUED, WEXITED and WNOWAIT;
 *                           kill() of a child ended but not waited for
 *                           is 0, ESRCH once reaped
 *   linux6_jobctl_sigchld   SIGCHLD with CLD_STOPPED (si_status SIGSTOP),
 *                           CLD_CONTINUED (SIGCONT), CLD_KILLED, si_pid
 *   linux6_jobctl_nocldstop with SA_NOCLDSTOP no SIGCHLD for a stop or a
 *                           continue: the one pending SIGCHLD is the end's
 *   linux6_jobctl_discard   SIGCONT discards a pending (blocked) SIGTSTP;
 *                           SIGSTOP discards a pending SIGCONT (the one
 *                           delivered later is the second's, by si_pid)
 *   linux6_jobctl_unstoppable SIGSTOP cannot be caught, ignored or
 *                           blocked: a child blocking every signal stops
 *   linux6_jobctl_rtqueue   real-time signals kill() sends queue (each
 *                           delivered, lowest number first, each number's
 *                           in order, SI_USER, si_pid); a standard one
 *                           sent three times while blocked is one
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *part;
static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL linux6_jobctl_%s: line %d: %s (errno %d)\n", \
	part, __LINE__, #c, errno); fflush(stdout); fails++; } } while (0)

static void nap_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* ---- threads ---- */

#define NTHR 4
static volatile unsigned long *counters; /* MAP_SHARED: the parent reads them */

static void *spin(void *arg)
{
	volatile unsigned long *c = &counters[(long)arg];
	for (;;)
		(*c)++;
	return NULL;
}

static unsigned long sum(void)
{
	unsigned long s = 0;
	for (int i = 0; i < NTHR; i++)
		s += counters[i];
	return s;
}

/* True once every counter moved past snap (at most ~20 s of naps). */
static int all_moved(const unsigned long *snap)
{
	for (int round = 0; round < 2000; round++) {
		int moved = 0;
		for (int i = 0; i < NTHR; i++)
			moved += counters[i] != snap[i];
		if (moved == NTHR)
			return 1;
		nap_ms(10);
	}
	return 0;
}

static void part_threads(void)
{
	counters = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(counters != MAP_FAILED);
	if (counters == MAP_FAILED)
		return;
	pid_t c = fork();
	if (c == 0) {
		pthread_t t;
		for (long i = 1; i < NTHR; i++)
			pthread_create(&t, NULL, spin, (void *)i);
		spin((void *)0);
	}
	unsigned long zero[NTHR] = { 0 }, snap[NTHR], again[NTHR];
	CHECK(all_moved(zero));
	for (int round = 0; round < 3; round++) {
		int st = 0;
		CHECK(kill(c, SIGSTOP) == 0);
		CHECK(waitpid(c, &st, WUNTRACED) == c && WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP);
		nap_ms(50);
		for (int i = 0; i < NTHR; i++)
			snap[i] = counters[i];
		for (int k = 0; k < 4; k++) { /* stopped: not one counter moves */
			nap_ms(100);
			for (int i = 0; i < NTHR; i++)
				again[i] = counters[i];
			CHECK(memcmp(snap, again, sizeof snap) == 0);
		}
		CHECK(kill(c, SIGCONT) == 0);
		CHECK(waitpid(c, &st, WCONTINUED) == c && WIFCONTINUED(st));
		CHECK(all_moved(snap)); /* every thread runs again */
	}
	int st = 0;
	CHECK(kill(c, SIGSTOP) == 0);
	CHECK(waitpid(c, &st, WUNTRACED) == c && WIFSTOPPED(st));
	CHECK(kill(c, SIGKILL) == 0); /* ends it stopped */
	CHECK(waitpid(c, &st, 0) == c && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	printf("  threads: counted %lu\n", sum());
	munmap((void *)counters, 4096);
}

/* ---- blocked ---- */

static int bp[2], bq[2];

static void *pipe_reader(void *arg)
{
	(void)arg;
	char b;
	while (read(bp[0], &b, 1) != 1)
		;
	counters[0]++;
	for (;;)
		pause();
	return NULL;
}

static void part_blocked(void)
{
	counters = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(counters != MAP_FAILED && pipe(bp) == 0 && pipe(bq) == 0);
	if (fails)
		return;
	pid_t c = fork();
	if (c == 0) {
		pid_t g = fork();
		if (g == 0) {
			char b;
			_exit(read(bq[0], &b, 1) == 1 ? 5 : 6);
		}
		pthread_t t;
		pthread_create(&t, NULL, pipe_reader, NULL);
		counters[2] = 1;
		int st = 0;
		while (waitpid(g, &st, 0) == -1 && errno == EINTR)
			;
		counters[1] = WIFEXITED(st) ? (unsigned long)WEXITSTATUS(st) : 99;
		for (;;)
			pause();
	}
	while (!counters[2])
		nap_ms(10);
	nap_ms(100); /* both in their calls (else a little later: the same) */
	int st = 0;
	CHECK(kill(c, SIGSTOP) == 0);
	CHECK(waitpid(c, &st, WUNTRACED) == c && WIFSTOPPED(st));
	CHECK(write(bp[1], "x", 1) == 1); /* the read is answered */
	CHECK(write(bq[1], "x", 1) == 1); /* the grandchild ends: so is the wait */
	for (int k = 0; k < 4; k++) {
		nap_ms(100);
		CHECK(counters[0] == 0 && counters[1] == 0); /* still stopped */
	}
	CHECK(kill(c, SIGCONT) == 0);
	for (int k = 0; k < 2000 && (counters[0] == 0 || counters[1] == 0); k++)
		nap_ms(10);
	CHECK(counters[0] == 1 && counters[1] == 5);
	CHECK(kill(c, SIGKILL) == 0);
	CHECK(waitpid(c, &st, 0) == c && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	munmap((void *)counters, 4096);
}

/* ---- tstp ---- */

/* A child in a process group of its own (not orphaned: its parent is in
 * another group of the session), waiting. */
static pid_t idle_child(void)
{
	pid_t c = fork();
	if (c == 0) {
		setpgid(0, 0);
		for (;;)
			pause();
	}
	setpgid(c, c); /* as the child does: before the signal, either way */
	return c;
}

static volatile sig_atomic_t got_tstp;
static void on_tstp(int sig)
{
	(void)sig;
	got_tstp++;
}

static void part_tstp(void)
{
	static const int sigs[] = { SIGTSTP, SIGTTIN, SIGTTOU };
	for (int i = 0; i < 3; i++) {
		pid_t c = idle_child();
		int st = 0;
		CHECK(kill(c, sigs[i]) == 0);
		CHECK(waitpid(c, &st, WUNTRACED) == c && WIFSTOPPED(st) && WSTOPSIG(st) == sigs[i]);
		CHECK(kill(c, SIGCONT) == 0);
		CHECK(waitpid(c, &st, WCONTINUED) == c && WIFCONTINUED(st));
		CHECK(kill(c, SIGKILL) == 0);
		CHECK(waitpid(c, &st, 0) == c && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	}
	/* handled: the handler runs, no stop */
	int fd[2];
	CHECK(pipe(fd) == 0);
	pid_t c = fork();
	if (c == 0) {
		struct sigaction a = { .sa_handler = on_tstp };
		sigaction(SIGTSTP, &a, NULL);
		CHECK(write(fd[1], "r", 1) == 1);
		while (!got_tstp)
			pause();
		_exit(got_tstp == 1 ? 7 : 1);
	}
	char b;
	CHECK(read(fd[0], &b, 1) == 1);
	CHECK(kill(c, SIGTSTP) == 0);
	int st = 0;
	CHECK(waitpid(c, &st, WUNTRACED) == c && WIFEXITED(st) && WEXITSTATUS(st) == 7);
	close(fd[0]);
	close(fd[1]);
}

/* ---- status ---- */

static void part_status(void)
{
	pid_t c = idle_child();
	int st = 0;
	CHECK(kill(c, SIGSTOP) == 0);
	CHECK(waitpid(c, &st, WUNTRACED) == c && st == (SIGSTOP << 8 | 0x7f));
	CHECK(WIFSTOPPED(st) && !WIFEXITED(st) && !WIFSIGNALED(st) && !WIFCONTINUED(st));
	st = -1;
	CHECK(waitpid(c, &st, WUNTRACED | WNOHANG) == 0); /* reported once */
	CHECK(waitpid(c, &st, WNOHANG) == 0);            /* only with WUNTRACED */
	CHECK(kill(c, SIGCONT) == 0);
	CHECK(waitpid(c, &st, WNOHANG | WUNTRACED) == 0); /* a continue needs WCONTINUED */
	CHECK(waitpid(c, &st, WCONTINUED) == c && st == 0xffff);
	CHECK(WIFCONTINUED(st) && !WIFSTOPPED(st) && !WIFEXITED(st) && !WIFSIGNALED(st));
	CHECK(waitpid(c, &st, WCONTINUED | WNOHANG) == 0);
	/* waitid: WNOWAIT leaves it to report again */
	siginfo_t si;
	CHECK(kill(c, SIGSTOP) == 0);
	memset(&si, 0, sizeof si);
	CHECK(waitid(P_PID, (id_t)c, &si, WSTOPPED | WNOWAIT) == 0);
	CHECK(si.si_pid == c && si.si_signo == SIGCHLD && si.si_code == CLD_STOPPED &&
	      si.si_status == SIGSTOP);
	memset(&si, 0, sizeof si);
	CHECK(waitid(P_PID, (id_t)c, &si, WSTOPPED) == 0);
	CHECK(si.si_pid == c && si.si_code == CLD_STOPPED && si.si_status == SIGSTOP);
	memset(&si, 0, sizeof si);
	CHECK(waitid(P_PID, (id_t)c, &si, WSTOPPED | WNOHANG) == 0 && si.si_pid == 0);
	CHECK(kill(c, SIGCONT) == 0);
	memset(&si, 0, sizeof si);
	CHECK(waitid(P_ALL, 0, &si, WCONTINUED) == 0);
	CHECK(si.si_pid == c && si.si_code == CLD_CONTINUED && si.si_status == SIGCONT);
	/* ended, not yet waited for: kill is 0; waitid WNOWAIT keeps it so */
	CHECK(kill(c, SIGKILL) == 0);
	memset(&si, 0, sizeof si);
	CHECK(waitid(P_PID, (id_t)c, &si, WEXITED | WNOWAIT) == 0);
	CHECK(si.si_pid == c && si.si_code == CLD_KILLED && si.si_status == SIGKILL);
	CHECK(kill(c, 0) == 0);
	CHECK(kill(c, SIGTERM) == 0);
	CHECK(kill(c, SIGKILL) == 0);
	memset(&si, 0, sizeof si);
	CHECK(waitid(P_PID, (id_t)c, &si, WEXITED) == 0 && si.si_pid == c &&
	      si.si_code == CLD_KILLED);
	errno = 0;
	CHECK(kill(c, 0) == -1 && errno == ESRCH);
	errno = 0;
	CHECK(kill(c, SIGTERM) == -1 && errno == ESRCH);
	/* an exited child: kill 0 until reaped */
	pid_t e = fork();
	if (e == 0)
		_exit(3);
	memset(&si, 0, sizeof si);
	CHECK(waitid(P_PID, (id_t)e, &si, WEXITED | WNOWAIT) == 0 && si.si_code == CLD_EXITED &&
	      si.si_status == 3);
	CHECK(kill(e, SIGUSR1) == 0);
	CHECK(waitpid(e, &st, 0) == e && WIFEXITED(st) && WEXITSTATUS(st) == 3);
	errno = 0;
	CHECK(kill(e, SIGUSR1) == -1 && errno == ESRCH);
}

/* ---- sigchld, nocldstop ---- */

static volatile int nchld, chld_code[8], chld_status[8], chld_pid[8];

static void on_chld(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	if (nchld < 8) {
		chld_code[nchld] = si->si_code;
		chld_status[nchld] = si->si_status;
		chld_pid[nchld] = si->si_pid;
	}
	nchld++;
}

/* Wait (SIGCHLD blocked outside) until n SIGCHLDs were taken. */
static void take_chld(int n, const sigset_t *empty)
{
	while (nchld < n)
		sigsuspend(empty);
}

static void part_sigchld(void)
{
	sigset_t chld, empty;
	sigemptyset(&empty);
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, NULL);
	struct sigaction a = { .sa_sigaction = on_chld, .sa_flags = SA_SIGINFO | SA_RESTART };
	CHECK(sigaction(SIGCHLD, &a, NULL) == 0);
	pid_t c = idle_child();
	int st;
	CHECK(kill(c, SIGSTOP) == 0);
	CHECK(waitpid(c, &st, WUNTRACED) == c && WIFSTOPPED(st));
	take_chld(1, &empty);
	CHECK(chld_code[0] == CLD_STOPPED && chld_status[0] == SIGSTOP && chld_pid[0] == c);
	CHECK(kill(c, SIGCONT) == 0);
	CHECK(waitpid(c, &st, WCONTINUED) == c && WIFCONTINUED(st));
	take_chld(2, &empty);
	CHECK(chld_code[1] == CLD_CONTINUED && chld_status[1] == SIGCONT && chld_pid[1] == c);
	CHECK(kill(c, SIGCONT) == 0); /* not stopped: no CLD_CONTINUED */
	CHECK(kill(c, SIGKILL) == 0);
	CHECK(waitpid(c, &st, 0) == c && WIFSIGNALED(st));
	take_chld(3, &empty);
	CHECK(nchld == 3 && chld_code[2] == CLD_KILLED && chld_status[2] == SIGKILL &&
	      chld_pid[2] == c);
}

/* Stop, continue and kill a child with SIGCHLD blocked: the one SIGCHLD
 * taken afterwards is the first sent (standard signals do not queue). */
static int first_chld_code(int flags)
{
	sigset_t chld, empty;
	sigemptyset(&empty);
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, NULL);
	struct sigaction a = { .sa_sigaction = on_chld, .sa_flags = SA_SIGINFO | flags };
	CHECK(sigaction(SIGCHLD, &a, NULL) == 0);
	nchld = 0;
	pid_t c = idle_child();
	int st;
	CHECK(kill(c, SIGSTOP) == 0);
	CHECK(waitpid(c, &st, WUNTRACED) == c && WIFSTOPPED(st));
	CHECK(kill(c, SIGCONT) == 0);
	CHECK(waitpid(c, &st, WCONTINUED) == c && WIFCONTINUED(st));
	CHECK(kill(c, SIGKILL) == 0);
	CHECK(waitpid(c, &st, 0) == c && WIFSIGNALED(st));
	take_chld(1, &empty);
	CHECK(nchld == 1);
	return chld_code[0];
}

static void part_nocldstop(void)
{
	CHECK(first_chld_code(SA_NOCLDSTOP) == CLD_KILLED);
	CHECK(first_chld_code(0) == CLD_STOPPED); /* without: the stop's */
}

/* ---- discard ---- */

static volatile int cont_pid;
static void on_cont(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	cont_pid = si->si_pid;
}

static void part_discard(void)
{
	int go[2], back[2];
	CHECK(pipe(go) == 0 && pipe(back) == 0);
	/* SIGCONT discards a blocked SIGTSTP */
	pid_t c = fork();
	if (c == 0) {
		setpgid(0, 0);
		sigset_t tstp, pend;
		sigemptyset(&tstp);
		sigaddset(&tstp, SIGTSTP);
		sigprocmask(SIG_BLOCK, &tstp, NULL);
		char b = 'r';
		if (write(back[1], &b, 1) != 1 || read(go[0], &b, 1) != 1)
			_exit(1);
		sigpending(&pend);
		int had = sigismember(&pend, SIGTSTP);
		sigprocmask(SIG_UNBLOCK, &tstp, NULL); /* nothing pending: no stop */
		_exit(had ? 2 : 7);
	}
	setpgid(c, c);
	char b;
	CHECK(read(back[0], &b, 1) == 1);
	CHECK(kill(c, SIGTSTP) == 0);
	CHECK(kill(c, SIGCONT) == 0);
	CHECK(write(go[1], "g", 1) == 1);
	int st = 0;
	CHECK(waitpid(c, &st, WUNTRACED) == c && WIFEXITED(st) && WEXITSTATUS(st) == 7);
	/* SIGSTOP discards a pending SIGCONT: the one delivered is the second */
	c = fork();
	if (c == 0) {
		struct sigaction a = { .sa_sigaction = on_cont, .sa_flags = SA_SIGINFO };
		sigaction(SIGCONT, &a, NULL);
		sigset_t cont;
		sigemptyset(&cont);
		sigaddset(&cont, SIGCONT);
		sigprocmask(SIG_BLOCK, &cont, NULL);
		char x = 'r';
		if (write(back[1], &x, 1) != 1 || read(go[0], &x, 1) != 1)
			_exit(1);
		sigprocmask(SIG_UNBLOCK, &cont, NULL);
		_exit(cont_pid == getppid() ? 7 : cont_pid ? 2 : 3);
	}
	CHECK(read(back[0], &b, 1) == 1);
	pid_t h = fork();
	if (h == 0)
		_exit(kill(c, SIGCONT) == 0 ? 0 : 1); /* the first SIGCONT, from h */
	CHECK(waitpid(h, &st, 0) == h && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK(kill(c, SIGSTOP) == 0);
	CHECK(waitpid(c, &st, WUNTRACED) == c && WIFSTOPPED(st));
	CHECK(kill(c, SIGCONT) == 0);
	CHECK(waitpid(c, &st, WCONTINUED) == c && WIFCONTINUED(st));
	CHECK(write(go[1], "g", 1) == 1);
	CHECK(waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 7);
	close(go[0]);
	close(go[1]);
	close(back[0]);
	close(back[1]);
}

/* ---- unstoppable ---- */

static void on_any(int sig)
{
	(void)sig;
}

static void part_unstoppable(void)
{
	struct sigaction a = { .sa_handler = on_any };
	errno = 0;
	CHECK(sigaction(SIGSTOP, &a, NULL) == -1 && errno == EINVAL);
	a.sa_handler = SIG_IGN;
	errno = 0;
	CHECK(sigaction(SIGSTOP, &a, NULL) == -1 && errno == EINVAL);
	CHECK(signal(SIGSTOP, SIG_IGN) == SIG_ERR);
	pid_t c = fork();
	if (c == 0) {
		sigset_t all, now;
		sigfillset(&all);
		sigprocmask(SIG_BLOCK, &all, NULL);
		sigprocmask(SIG_BLOCK, NULL, &now);
		if (sigismember(&now, SIGSTOP) || sigismember(&now, SIGKILL))
			_exit(2);
		for (;;)
			pause();
	}
	int st = 0;
	CHECK(kill(c, SIGSTOP) == 0);
	CHECK(waitpid(c, &st, WUNTRACED) == c && WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP);
	CHECK(kill(c, SIGKILL) == 0);
	CHECK(waitpid(c, &st, 0) == c && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
}

/* ---- rtqueue ---- */

static volatile int nrt, rt_sig[16], rt_code[16], rt_pid[16];
static void on_rt(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	if (nrt < 16) {
		rt_sig[nrt] = sig;
		rt_code[nrt] = si->si_code;
		rt_pid[nrt] = si->si_pid;
	}
	nrt++;
}

static void part_rtqueue(void)
{
	struct sigaction a = { .sa_sigaction = on_rt, .sa_flags = SA_SIGINFO };
	sigfillset(&a.sa_mask); /* one handler at a time: no nesting */
	sigset_t set;
	sigemptyset(&set);
	int sigs[] = { SIGUSR1, SIGRTMIN, SIGRTMIN + 1 };
	for (int i = 0; i < 3; i++) {
		CHECK(sigaction(sigs[i], &a, NULL) == 0);
		sigaddset(&set, sigs[i]);
	}
	sigprocmask(SIG_BLOCK, &set, NULL);
	for (int i = 0; i < 3; i++) {
		CHECK(kill(getpid(), SIGRTMIN + 1) == 0);
		CHECK(kill(getpid(), SIGUSR1) == 0);
	}
	CHECK(kill(getpid(), SIGRTMIN) == 0);
	CHECK(kill(getpid(), SIGRTMIN) == 0);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	int want[] = { SIGUSR1, SIGRTMIN, SIGRTMIN, SIGRTMIN + 1, SIGRTMIN + 1, SIGRTMIN + 1 };
	CHECK(nrt == 6);
	for (int i = 0; i < 6 && i < nrt; i++) {
		CHECK(rt_sig[i] == want[i]);
		CHECK(rt_code[i] == SI_USER && rt_pid[i] == getpid());
	}
	/* from another process, while it waits unblocked */
	nrt = 0;
	sigprocmask(SIG_BLOCK, &set, NULL);
	pid_t parent = getpid(), c = fork();
	if (c == 0) {
		for (int i = 0; i < 5; i++)
			if (kill(parent, SIGRTMIN) != 0)
				_exit(1);
		_exit(0);
	}
	int st = 0;
	CHECK(waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	CHECK(nrt == 5);
	for (int i = 0; i < 5 && i < nrt; i++)
		CHECK(rt_sig[i] == SIGRTMIN && rt_code[i] == SI_USER && rt_pid[i] == c);
}

static void run(const char *name, void (*fn)(void))
{
	pid_t c = fork();
	if (c == 0) {
		part = name;
		fn();
		if (!fails)
			printf("@@PASS linux6_jobctl_%s\n", name);
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
	run("threads", part_threads);
	run("blocked", part_blocked);
	run("tstp", part_tstp);
	run("status", part_status);
	run("sigchld", part_sigchld);
	run("nocldstop", part_nocldstop);
	run("discard", part_discard);
	run("unstoppable", part_unstoppable);
	run("rtqueue", part_rtqueue);
	return fails ? 1 : 0;
}
