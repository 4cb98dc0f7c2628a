/* How processes end, as the parent sees it: a failed assert() and
 * abort() end by SIGABRT (WIFSIGNALED, WTERMSIG), a NULL dereference by
 * SIGSEGV, an integer divide by zero by SIGFPE, raise() by its signal,
 * return from main and exit() by their codes; a SIGABRT handler runs
 * and abort still ends the process. */
#define _GNU_SOURCE
#include <assert.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL linux2_assert: line %d: %s (errno %d)\n", __LINE__, #c, errno); fails++; } } while (0)

static volatile int zero;
static volatile int *flag;

static void on_abrt(int sig) { (void)sig; *flag = 1; }

static int run(int how)
{
	pid_t c = fork();
	if (c == 0) {
		switch (how) {
		case 0: assert(zero == 1); break;
		case 1: abort();
		case 2: { volatile int *np = NULL; *np = 1; break; }
		case 3: { volatile int x = 1000 / zero; (void)x; break; }
		case 4: raise(SIGTERM); break;
		case 5: signal(SIGABRT, on_abrt); abort();
		case 6: assert(zero == 0); exit(3);
		case 7: raise(SIGKILL); break;
		}
		_exit(100);
	}
	int st;
	if (waitpid(c, &st, 0) != c)
		return -1;
	return st;
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	flag = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(flag != MAP_FAILED);
	printf("linux2_assert: an assertion message follows (expected)\n");
	int st = run(0);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT);
	st = run(1);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT && !WIFEXITED(st));
	st = run(2);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV);
	st = run(3);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGFPE);
	st = run(4);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
	*flag = 0;
	st = run(5);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT && *flag == 1);
	st = run(6);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 3);
	st = run(7);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	CHECK(strsignal(SIGABRT) != NULL);
	if (!fails)
		printf("@@PASS linux2_assert\n");
	return fails != 0;
}
