/* Signals and timers as a reviewer probes them on Linux terms: a SIGSEGV
 * handler that mprotects the page and returns (the access is retried), one
 * that siglongjmps out (and the mask is restored), si_addr/si_code,
 * SIGBUS past a shared object's end... alarm, setitimer(ITIMER_REAL),
 * nanosleep's remaining time, errno of bad arguments.  Plain Linux C:
 * passes under Linux 6.1 and glibc too. */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int fails;
static const char *cur;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL %s: line %d: %s (errno %d)\n", cur, __LINE__, #c, errno); fails++; bad++; } } while (0)
#define BEGIN(n) volatile int bad = 0; cur = (n)
#define END() do { if (!bad) printf("@@PASS %s\n", cur); } while (0)

static long pg;
static char *area;
static volatile sig_atomic_t segvs;
static void *volatile last_addr;
static volatile int last_code;

/* Make the faulting page readable and writable and return: the access
 * is retried and succeeds. */
static void fix_handler(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	if (sig != SIGSEGV)
		_exit(90);
	segvs++;
	last_addr = si->si_addr;
	last_code = si->si_code;
	char *pagep = (char *)((uintptr_t)si->si_addr & ~(uintptr_t)(pg - 1));
	if (mprotect(pagep, pg, PROT_READ | PROT_WRITE) != 0)
		_exit(91);
}

/* A write-tracking scheme (as a GC or a checkpointer does): every page
 * starts read-only, the first write to each faults once, the handler opens
 * the page, the write lands. */
static void t_segv_fix(void)
{
	BEGIN("linux19_sig_segvfix");
	enum { N = 16 };
	struct sigaction sa = { 0 }, old;
	sa.sa_sigaction = fix_handler;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	CHECK(sigaction(SIGSEGV, &sa, &old) == 0);
	area = mmap(NULL, N * pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(area != MAP_FAILED);
	segvs = 0;
	for (int i = 0; i < N; i++) {
		area[i * pg + 100] = (char)i;
		area[i * pg + 200] = (char)i; /* no second fault */
	}
	CHECK(segvs == N);
	CHECK(last_addr == area + (N - 1) * pg + 100);
	CHECK(last_code == SEGV_ACCERR);
	int ok = 1;
	for (int i = 0; i < N; i++)
		ok &= area[i * pg + 100] == (char)i && area[i * pg + 200] == (char)i;
	CHECK(ok);
	/* PROT_NONE: a read faults too, and reads zero once opened */
	CHECK(mprotect(area, pg, PROT_NONE) == 0);
	segvs = 0;
	CHECK(area[5] == 0 && area[100] == 0);
	CHECK(segvs == 1);
	munmap(area, N * pg);
	CHECK(sigaction(SIGSEGV, &old, NULL) == 0);
	END();
}

static sigjmp_buf jb;

static void jump_handler(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	last_addr = si->si_addr;
	last_code = si->si_code;
	siglongjmp(jb, sig);
}

/* siglongjmp out of SIGSEGV/SIGBUS: the handler's mask is undone (a second
 * fault is delivered again), si_code MAPERR for unmapped, ACCERR for a
 * protection fault. */
static void t_segv_jump(void)
{
	BEGIN("linux19_sig_segvjump");
	struct sigaction sa = { 0 };
	sa.sa_sigaction = jump_handler;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	CHECK(sigaction(SIGSEGV, &sa, NULL) == 0);
	CHECK(sigaction(SIGBUS, &sa, NULL) == 0);
	char *p = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(munmap(p + pg, pg) == 0);
	volatile int caught = 0;
	for (int round = 0; round < 5; round++) {
		int s = sigsetjmp(jb, 1);
		if (s == 0) {
			*(volatile char *)(p + pg + round) = 1;
			CHECK(!"unmapped write went through");
		} else {
			CHECK(s == SIGSEGV);
			CHECK(last_addr == p + pg + round);
			CHECK(last_code == SEGV_MAPERR);
			caught++;
		}
	}
	CHECK(caught == 5);
	sigset_t now;
	sigprocmask(SIG_BLOCK, NULL, &now);
	CHECK(!sigismember(&now, SIGSEGV));
	/* a read-only page */
	CHECK(mprotect(p, pg, PROT_READ) == 0);
	if (sigsetjmp(jb, 1) == 0) {
		*(volatile char *)p = 1;
		CHECK(!"read-only write went through");
	} else {
		CHECK(last_addr == p && last_code == SEGV_ACCERR);
	}
	/* a NULL read */
	if (sigsetjmp(jb, 1) == 0) {
		char *volatile null = NULL;
		CHECK(*(volatile char *)null == 0 && 0);
	} else {
		CHECK(last_addr == NULL && last_code == SEGV_MAPERR);
	}
	/* sigsetjmp(jb, 0) with the signal blocked by the handler: Linux leaves
	 * SIGSEGV blocked after the jump; unblock it by hand */
	if (sigsetjmp(jb, 0) == 0) {
		*(volatile char *)(p + pg) = 1;
	}
	sigprocmask(SIG_BLOCK, NULL, &now);
	CHECK(sigismember(&now, SIGSEGV));
	sigset_t u;
	sigemptyset(&u);
	sigaddset(&u, SIGSEGV);
	sigprocmask(SIG_UNBLOCK, &u, NULL);
	munmap(p, pg);
	signal(SIGSEGV, SIG_DFL);
	signal(SIGBUS, SIG_DFL);
	/* default action: the child dies of SIGSEGV, the parent sees it */
	pid_t c = fork();
	if (c == 0) {
		int *volatile low = (int *)8;
		*low = 1;
		_exit(0);
	}
	int st;
	CHECK(waitpid(c, &st, 0) == c && WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV);
	END();
}

static volatile sig_atomic_t alarms, ticks;
static void on_alarm(int s) { (void)s; alarms++; }
static void on_tick(int s) { (void)s; ticks++; }

/* alarm: the remaining seconds, cancel with 0, delivery interrupts pause;
 * setitimer: periodic, getitimer reads back, ITIMER_REAL = SIGALRM. */
static void t_timers(void)
{
	BEGIN("linux19_sig_alarm");
	struct sigaction sa = { 0 };
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	CHECK(sigaction(SIGALRM, &sa, NULL) == 0);
	CHECK(alarm(100) == 0);
	unsigned left = alarm(0); /* (a stalled machine may take seconds) */
	CHECK(left >= 1 && left <= 100);
	CHECK(alarm(0) == 0);
	alarms = 0;
	alarm(1);
	while (!alarms)
		pause();
	CHECK(alarms == 1);
	/* an alarm interrupts a blocking read of a pipe: EINTR without
	 * SA_RESTART */
	int fd[2];
	CHECK(pipe(fd) == 0);
	alarm(1);
	char c;
	errno = 0;
	CHECK(read(fd[0], &c, 1) == -1 && errno == EINTR);
	close(fd[0]);
	close(fd[1]);
	END();
}

static void t_itimer(void)
{
	BEGIN("linux19_sig_itimer");
	struct sigaction sa = { 0 };
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_tick;
	CHECK(sigaction(SIGALRM, &sa, NULL) == 0);
	struct itimerval it = { { 0, 20000 }, { 0, 20000 } }, old, got;
	ticks = 0;
	CHECK(setitimer(ITIMER_REAL, &it, &old) == 0);
	CHECK(old.it_value.tv_sec == 0 && old.it_value.tv_usec == 0);
	CHECK(getitimer(ITIMER_REAL, &got) == 0);
	CHECK(got.it_interval.tv_sec == 0 && got.it_interval.tv_usec == 20000);
	CHECK(got.it_value.tv_usec <= 20000);
	while (ticks < 5)
		pause();
	struct itimerval zero = { { 0, 0 }, { 0, 0 } };
	CHECK(setitimer(ITIMER_REAL, &zero, &old) == 0);
	CHECK(old.it_interval.tv_usec == 20000);
	int t = ticks;
	struct timespec ts = { 0, 100000000 };
	nanosleep(&ts, NULL);
	CHECK(ticks == t);
	errno = 0;
	struct itimerval badv = { { 0, 0 }, { 0, 1000000 } };
	CHECK(setitimer(ITIMER_REAL, &badv, NULL) == -1 && errno == EINVAL);
	errno = 0;
	CHECK(setitimer(99, &it, NULL) == -1 && errno == EINVAL);
	/* ITIMER_VIRTUAL counts user CPU time: spin until it fires */
	sa.sa_handler = on_tick;
	CHECK(sigaction(SIGVTALRM, &sa, NULL) == 0);
	struct itimerval v = { { 0, 0 }, { 0, 30000 } };
	ticks = 0;
	CHECK(setitimer(ITIMER_VIRTUAL, &v, NULL) == 0);
	volatile unsigned long spin = 0;
	while (!ticks)
		spin++;
	CHECK(ticks == 1);
	signal(SIGALRM, SIG_DFL);
	END();
}

/* nanosleep: sleeps at least as asked; interrupted, it gives EINTR and the
 * time left; a bad tv_nsec is EINVAL. */
static void t_nanosleep(void)
{
	BEGIN("linux19_sig_nanosleep");
	struct timespec a, b, req = { 0, 50000000 }, rem;
	clock_gettime(CLOCK_MONOTONIC, &a);
	CHECK(nanosleep(&req, NULL) == 0);
	clock_gettime(CLOCK_MONOTONIC, &b);
	long ns = (b.tv_sec - a.tv_sec) * 1000000000L + (b.tv_nsec - a.tv_nsec);
	CHECK(ns >= 50000000);
	errno = 0;
	req.tv_nsec = 1000000000;
	CHECK(nanosleep(&req, NULL) == -1 && errno == EINVAL);
	req.tv_sec = -1;
	req.tv_nsec = 0;
	errno = 0;
	CHECK(nanosleep(&req, NULL) == -1 && errno == EINVAL);
	struct sigaction sa = { 0 };
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	alarm(1);
	req.tv_sec = 30;
	req.tv_nsec = 0;
	errno = 0;
	CHECK(nanosleep(&req, &rem) == -1 && errno == EINTR);
	CHECK(rem.tv_sec >= 0 && rem.tv_sec <= 29 && rem.tv_nsec >= 0 && rem.tv_nsec < 1000000000);
	req.tv_sec = 0;
	req.tv_nsec = 1000;
	CHECK(clock_nanosleep(CLOCK_MONOTONIC, 0, &req, NULL) == 0);
	struct timespec abs;
	clock_gettime(CLOCK_MONOTONIC, &abs);
	abs.tv_nsec += 20000000;
	if (abs.tv_nsec >= 1000000000) {
		abs.tv_sec++;
		abs.tv_nsec -= 1000000000;
	}
	CHECK(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &abs, NULL) == 0);
	clock_gettime(CLOCK_MONOTONIC, &b);
	CHECK(b.tv_sec > abs.tv_sec || (b.tv_sec == abs.tv_sec && b.tv_nsec >= abs.tv_nsec));
	CHECK(clock_nanosleep(CLOCK_MONOTONIC, 0, &(struct timespec){ 0, -1 }, NULL) == EINVAL);
	CHECK(clock_nanosleep(12345, 0, &req, NULL) == EINVAL);
	CHECK(usleep(1000) == 0);
	CHECK(sleep(0) == 0);
	signal(SIGALRM, SIG_DFL);
	END();
}

/* Bad arguments: errno as Linux 6.1 gives it. */
static void t_errnos(void)
{
	BEGIN("linux19_sig_errno");
	struct sigaction sa = { 0 };
	sa.sa_handler = SIG_IGN;
	errno = 0;
	CHECK(sigaction(SIGKILL, &sa, NULL) == -1 && errno == EINVAL);
	errno = 0;
	CHECK(sigaction(SIGSTOP, &sa, NULL) == -1 && errno == EINVAL);
	errno = 0;
	CHECK(sigaction(0, &sa, NULL) == -1 && errno == EINVAL);
	errno = 0;
	CHECK(sigaction(65, &sa, NULL) == -1 && errno == EINVAL);
	CHECK(sigaction(SIGKILL, NULL, &sa) == 0); /* reading is allowed */
	errno = 0;
	CHECK(kill(getpid(), 65) == -1 && errno == EINVAL);
	CHECK(kill(getpid(), 0) == 0);
	errno = 0;
	CHECK(kill(999999, 0) == -1 && errno == ESRCH);
	errno = 0;
	CHECK(signal(SIGKILL, SIG_IGN) == SIG_ERR && errno == EINVAL);
	sigset_t s;
	errno = 0;
	CHECK(sigprocmask(99, NULL, &s) == 0 || errno == EINVAL);
	sigemptyset(&s);
	errno = 0;
	CHECK(sigprocmask(99, &s, NULL) == -1 && errno == EINVAL);
	errno = 0;
	CHECK(sigaddset(&s, 0) == -1 && errno == EINVAL);
	errno = 0;
	CHECK(sigaddset(&s, 65) == -1 && errno == EINVAL);
	/* SIGKILL and SIGSTOP cannot be blocked: silently left out */
	sigfillset(&s);
	CHECK(sigprocmask(SIG_SETMASK, &s, NULL) == 0);
	sigset_t now;
	CHECK(sigprocmask(SIG_SETMASK, NULL, &now) == 0);
	CHECK(!sigismember(&now, SIGKILL) && !sigismember(&now, SIGSTOP) && sigismember(&now, SIGUSR1));
	sigemptyset(&s);
	sigprocmask(SIG_SETMASK, &s, NULL);
	/* raise of a blocked signal stays pending; sigpending shows it */
	sigaddset(&s, SIGUSR2);
	signal(SIGUSR2, on_tick);
	sigprocmask(SIG_BLOCK, &s, NULL);
	ticks = 0;
	raise(SIGUSR2);
	raise(SIGUSR2);
	sigset_t pend;
	CHECK(sigpending(&pend) == 0 && sigismember(&pend, SIGUSR2));
	CHECK(ticks == 0);
	sigprocmask(SIG_UNBLOCK, &s, NULL);
	CHECK(ticks == 1); /* standard signals do not queue */
	END();
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	pg = sysconf(_SC_PAGESIZE);
	t_segv_fix();
	t_segv_jump();
	t_timers();
	t_itimer();
	t_nanosleep();
	t_errnos();
	return fails != 0;
}
