#include <assert.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL linux_exit: line %d: %s\n", __LINE__, #c); fails++; } } while (0)

static int *shared;
static void h1(void) { shared[shared[0]++ + 1] = 1; }
static void h2(void) { shared[shared[0]++ + 1] = 2; }
static void h3(void) { shared[shared[0]++ + 1] = 3; _exit(77); }

static int child_status(void (*fn)(void))
{
	pid_t pid = fork();
	if (pid == 0) { fn(); _exit(200); }
	int st = 0;
	if (waitpid(pid, &st, 0) != pid) return -1;
	return st;
}

static void do_exit3(void) { exit(3); }
static void do_atexit(void) { atexit(h1); atexit(h2); exit(5); }
static void do_atexit_exit(void) { atexit(h3); atexit(h1); exit(0); }
static void do_return_main(void) { _exit(255 + 2); }
static void do_abort(void) { abort(); }
static void do_assert(void) { int x = 1; assert(x == 2); }
static void do_segv(void) { volatile int *volatile bad = (volatile int *)16; *bad = 1; }
static void do_div0(void) { volatile int z = 0; volatile int r = 10 / z; (void)r; }
static void do_kill_self(void) { kill(getpid(), SIGKILL); for (;;) ; }
static void do_raise_term(void) { raise(SIGTERM); }
static void do_ignore_then_exit(void) { signal(SIGTERM, SIG_IGN); raise(SIGTERM); exit(9); }
static volatile int usr1;
static void on_usr1(int s) { (void)s; usr1++; }
static void do_raise_handled(void) { signal(SIGUSR1, on_usr1); raise(SIGUSR1); raise(SIGUSR1); exit(usr1 == 2 ? 11 : 12); }

int main(void)
{
	shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int st = child_status(do_exit3);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 3);
	st = child_status(do_atexit);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 5);
	CHECK(shared[0] == 2 && shared[1] == 2 && shared[2] == 1);  /* reverse order */
	shared[0] = 0;
	st = child_status(do_atexit_exit);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 77);
	CHECK(shared[0] == 2 && shared[1] == 1 && shared[2] == 3);
	st = child_status(do_return_main);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 1);
	st = child_status(do_abort);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT);
	st = child_status(do_assert);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT);
	st = child_status(do_segv);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV && !WIFEXITED(st));
	st = child_status(do_div0);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGFPE);
	st = child_status(do_kill_self);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	st = child_status(do_raise_term);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
	st = child_status(do_ignore_then_exit);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 9);
	st = child_status(do_raise_handled);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 11);
	/* a child killed while the parent waits with WNOHANG first */
	pid_t pid = fork();
	if (pid == 0) { usleep(50000); _exit(4); }
	int polls = 0;
	while (waitpid(pid, &st, WNOHANG) == 0) { polls++; usleep(1000); }
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 4);
	fflush(stdout);
	if (!fails)
		printf("@@PASS linux_exit\n");
	return fails != 0;
}
