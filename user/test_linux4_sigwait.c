/* Signals taken synchronously, the textbook way for threads: the signals
 * blocked in main before pthread_create, so in every thread (a new thread
 * takes its creator's mask; it started with none), one thread in sigwait
 * gets SIGUSR1 and SIGUSR2 sent by kill (their handlers never run); sigwaitinfo's si_signo and
 * si_code; sigtimedwait's EAGAIN when the time passes and a pending
 * signal taken at once.  Also the small GNU/BSD calls programs use with
 * them: pthread_atfork (prepare, parent, child in order), asprintf,
 * qsort_r, reallocarray, strchrnul, timespec_get,
 * ioctl(TIOCGWINSZ) and getdtablesize. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/wait.h>

static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL linux4_sigwait: line %d: %s (errno %d)\n", __LINE__, #c, errno); fails++; } } while (0)

static volatile int handler_ran, got[3], waiting;

static void handler(int s) { (void)s; handler_ran = 1; }

static volatile int inherited;

static void *waiter(void *arg)
{
	sigset_t *set = arg, cur;
	inherited = pthread_sigmask(SIG_BLOCK, NULL, &cur) == 0 &&
		    sigismember(&cur, SIGUSR1) && sigismember(&cur, SIGUSR2);
	for (int i = 0; i < 3; i++) {
		int sig = 0;
		waiting = i + 1; /* the sender's cue for signal i */
		if (sigwait(set, &sig) != 0)
			return (void *)1;
		got[i] = sig;
	}
	return NULL;
}

static char trail[8];
static int ntrail;
static void prep(void) { trail[ntrail++] = 'p'; }
static void par(void) { trail[ntrail++] = 'P'; }
static void chi(void) { trail[ntrail++] = 'C'; }

static int by_mod(const void *a, const void *b, void *m)
{
	int x = *(const int *)a % *(int *)m, y = *(const int *)b % *(int *)m;
	return (x > y) - (x < y);
}

int main(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = handler;
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	CHECK(pthread_sigmask(SIG_BLOCK, &set, NULL) == 0);
	pthread_t t;
	CHECK(pthread_create(&t, NULL, waiter, &set) == 0);
	/* signal i is sent once the waiter is about to wait for it, and sent
	 * again only if 200 ms later it is still not taken (one sent just
	 * before the waiter waits is left pending on the main thread here,
	 * where Linux keeps it for the process): resending every 2 ms, a
	 * second SIGUSR1 sent while the waiter was taking the first was
	 * taken in SIGUSR2's place on a loaded host */
	for (int i = 0; i < 3; i++) {
		while (waiting < i + 1)
			usleep(1000);
		for (int tries = 0; !got[i]; tries++) {
			if (tries % 200 == 0)
				CHECK(kill(getpid(), i == 1 ? SIGUSR2 : SIGUSR1) == 0);
			usleep(1000);
		}
	}
	void *r;
	CHECK(pthread_join(t, &r) == 0 && r == NULL);
	CHECK(inherited);
	CHECK(got[0] == SIGUSR1 && got[1] == SIGUSR2 && got[2] == SIGUSR1 && !handler_ran);
	struct timespec zero = { 0, 0 };
	while (sigtimedwait(&set, NULL, &zero) > 0) /* what the main thread kept */
		;

	siginfo_t si;
	CHECK(raise(SIGUSR2) == 0 && !handler_ran); /* blocked: pending */
	memset(&si, 0, sizeof si);
	CHECK(sigwaitinfo(&set, &si) == SIGUSR2 && si.si_signo == SIGUSR2);
	struct timespec ts = { 0, 30 * 1000 * 1000 };
	errno = 0;
	CHECK(sigtimedwait(&set, &si, &ts) == -1 && errno == EAGAIN);
	sigset_t pend;
	CHECK(sigpending(&pend) == 0 && !sigismember(&pend, SIGUSR1) && !sigismember(&pend, SIGUSR2));
	CHECK(!handler_ran);
	sigset_t cur;
	CHECK(pthread_sigmask(SIG_BLOCK, NULL, &cur) == 0 && sigismember(&cur, SIGUSR1));

	/* pthread_atfork. */
	CHECK(pthread_atfork(prep, par, chi) == 0);
	pid_t pid = fork();
	if (pid == 0) {
		sigset_t cm;
		pthread_sigmask(SIG_BLOCK, NULL, &cm);
		_exit(ntrail == 2 && trail[0] == 'p' && trail[1] == 'C' &&
		      sigismember(&cm, SIGUSR1) ? 0 : 1);
	}
	int st;
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK(ntrail == 2 && trail[0] == 'p' && trail[1] == 'P');

	/* Small calls. */
	char *s = NULL;
	CHECK(asprintf(&s, "%s-%d-%.2f", "ab", 42, 2.5) == 10 && s && strcmp(s, "ab-42-2.50") == 0);
	free(s);
	int v[200], mod = 7;
	for (int i = 0; i < 200; i++)
		v[i] = (i * 37) % 200;
	qsort_r(v, 200, sizeof v[0], by_mod, &mod);
	int sorted = 1;
	for (int i = 1; i < 200; i++)
		sorted &= v[i - 1] % 7 <= v[i] % 7;
	CHECK(sorted);
	errno = 0;
	volatile size_t huge = SIZE_MAX / 2;
	CHECK(reallocarray(NULL, huge, 4) == NULL && errno == ENOMEM);
	void *ra = reallocarray(NULL, 10, 8);
	CHECK(ra != NULL);
	free(ra);
	const char *str = "hello";
	CHECK(strchrnul(str, 'l') == str + 2 && strchrnul(str, 'z') == str + 5);
	struct timespec now;
	CHECK(timespec_get(&now, TIME_UTC) == TIME_UTC && now.tv_sec > 1600000000);
	struct winsize ws;
	errno = 0;
	CHECK(ioctl(-1, TIOCGWINSZ, &ws) == -1 && errno == EBADF);
	int p[2];
	CHECK(pipe(p) == 0);
	errno = 0;
	CHECK(ioctl(p[0], TIOCGWINSZ, &ws) == -1 && errno == ENOTTY);
	CHECK(getdtablesize() == (int)sysconf(_SC_OPEN_MAX));
	if (!fails)
		printf("@@PASS linux4_sigwait\n");
	return fails != 0;
}
