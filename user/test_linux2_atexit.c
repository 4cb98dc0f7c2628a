/* Exit handlers: atexit and on_exit run in reverse order of registration
 * at exit() and at return from main, not at _exit(); on_exit gets the
 * status and its argument; a handler may register another. The children
 * record what ran in a shared page the parent reads. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL linux2_atexit: line %d: %s (errno %d)\n", __LINE__, #c, errno); fails++; } } while (0)

static char *log_;

static void add(const char *s) { strcat(log_, s); }
static void h1(void) { add("1"); }
static void h2(void) { add("2"); }
static void h3(void) { add("3"); }
static void late(void) { add("L"); }
static void h4(void) { add("4"); atexit(late); }
static void onx(int status, void *arg)
{
	char b[32];
	snprintf(b, sizeof b, "[%d,%s]", status, (char *)arg);
	add(b);
}

static int child(int how)
{
	pid_t c = fork();
	if (c == 0) {
		atexit(h1);
		on_exit(onx, "x");
		atexit(h2);
		if (how == 3)
			atexit(h4);
		atexit(h3);
		if (how == 0)
			exit(6);
		if (how == 1)
			_exit(6);
		if (how == 2 || how == 3)
			return 7; /* as from main: caller exits with it */
	}
	int st;
	if (waitpid(c, &st, 0) != c || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

int main(void)
{
	log_ = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(log_ != MAP_FAILED);

	log_[0] = 0;
	int r = child(0);
	if (r == -2)
		return 0;
	CHECK(r == 6);
	CHECK(strcmp(log_, "32[6,x]1") == 0);

	log_[0] = 0;
	CHECK(child(1) == 6);
	CHECK(log_[0] == 0);

	log_[0] = 0;
	pid_t me = getpid();
	r = child(2);
	if (getpid() != me)
		exit(r);
	CHECK(r == 7);
	CHECK(strcmp(log_, "32[7,x]1") == 0);

	log_[0] = 0;
	r = child(3);
	if (getpid() != me)
		exit(r);
	CHECK(r == 7);
	CHECK(strcmp(log_, "34L2[7,x]1") == 0);

	/* handlers registered before fork run in the child too, once */
	log_[0] = 0;
	atexit(h1);
	pid_t c = fork();
	if (c == 0)
		exit(0);
	int st;
	CHECK(waitpid(c, &st, 0) == c && WEXITSTATUS(st) == 0);
	CHECK(strcmp(log_, "1") == 0);
	log_[0] = 0;
	if (!fails)
		printf("@@PASS linux2_atexit\n");
	fflush(stdout);
	return fails != 0;
}
