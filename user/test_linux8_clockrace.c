/* linux8_clockrace: the first clock_gettime, usleep and sysconf calls of
 * a fresh process, made by 8 threads at once, all get sane answers and
 * a 1 ms usleep ends.  libsys read the kernel's clock rate through one
 * static buffer that each caller cleared before filling it: a thread
 * that read it while another had just cleared it took the rate as 0,
 * clock_gettime failed, usleep computed its end from garbage and slept
 * for ever (the rare silent hang of test_linux_pthread's key threads).
 * Each round is a new copy of this program (exec), so the clock is
 * read there for the first time; an alarm fails a round that hangs.
 * The window was a few instructions: this test did not catch it in one
 * boot of the old code (the hang was found by attaching gdb to a hung
 * full run); it guards the behaviour.  Checked under Linux 6.1. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

#define T "linux8_clockrace"
#define THREADS 8
#define ROUNDS 30

static volatile int go;
static int bad;

static void on_alarm(int sig)
{
	(void)sig;
	static const char m[] = "@@FAIL " T ": a usleep or clock call hung\n";
	write(1, m, sizeof m - 1);
	_exit(1);
}

static double secs(const struct timespec *t)
{
	return (double)t->tv_sec + (double)t->tv_nsec / 1e9;
}

static void *racer(void *arg)
{
	(void)arg;
	while (!go)
		;
	struct timespec a, r, b;
	int ea = clock_gettime(CLOCK_MONOTONIC, &a);
	int er = clock_gettime(CLOCK_REALTIME, &r);
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	usleep(1000);
	int eb = clock_gettime(CLOCK_MONOTONIC, &b);
	if (ea || er || eb || n < 1 || r.tv_sec < 1000000000 || secs(&b) < secs(&a) ||
	    secs(&b) - secs(&a) > 5.0) {
		printf("@@FAIL " T ": rc %d %d %d, cpus %ld, realtime %ld, monotonic %f then %f\n",
		       ea, er, eb, n, (long)r.tv_sec, secs(&a), secs(&b));
		__atomic_store_n(&bad, 1, __ATOMIC_SEQ_CST);
	}
	return NULL;
}

static int child(void)
{
	alarm(10);
	signal(SIGALRM, on_alarm);
	pthread_t t[THREADS];
	for (int i = 0; i < THREADS; i++)
		if (pthread_create(&t[i], NULL, racer, NULL))
			return 2;
	go = 1;
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	return bad;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc > 1)
		return child();
	for (int r = 0; r < ROUNDS; r++) {
		pid_t pid = fork();
		if (pid == 0) {
			execl(argv[0], argv[0], "child", (char *)NULL);
			_exit(3);
		}
		int st = 0;
		if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st)) {
			printf("@@FAIL " T ": round %d: status 0x%x\n", r, st);
			return 1;
		}
	}
	printf("@@PASS " T "\n");
	return 0;
}
