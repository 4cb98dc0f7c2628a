/* Constructors and destructors as GCC makes them for Linux programs
 * (checked on Linux 6.1): __attribute__((constructor)) functions run
 * before main, by priority (101 before 102 before none); destructors run
 * at exit after the atexit functions, the highest priority last; a fork
 * child's exit runs them too (seen through a pipe). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char order[16];
static int out_fd = -1;

static void note(char c)
{
	size_t n = strlen(order);
	if (n < sizeof order - 1)
		order[n] = c;
}

__attribute__((constructor)) static void plain(void) { note('c'); }
__attribute__((constructor(102))) static void second(void) { note('b'); }
__attribute__((constructor(101))) static void first(void) { note('a'); }

static void say(char c)
{
	if (out_fd >= 0)
		(void)!write(out_fd, &c, 1);
}
__attribute__((destructor)) static void d_plain(void) { say('x'); }
__attribute__((destructor(101))) static void d_first(void) { say('z'); }
static void at_exit(void) { say('e'); }

int main(void)
{
	int ok = strcmp(order, "abc") == 0;
	if (!ok)
		printf("@@FAIL linux5_ctor: constructors ran as \"%s\", not \"abc\"\n", order);
	int p[2];
	if (pipe(p))
		return 1;
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		out_fd = p[1];
		atexit(at_exit);
		exit(0);
	}
	close(p[1]);
	char buf[8] = { 0 };
	size_t n = 0;
	ssize_t r;
	while (n < sizeof buf - 1 && (r = read(p[0], buf + n, sizeof buf - 1 - n)) > 0)
		n += (size_t)r;
	waitpid(pid, NULL, 0);
	if (strcmp(buf, "exz") != 0) {
		printf("@@FAIL linux5_ctor: atexit and destructors ran as \"%s\", not \"exz\"\n", buf);
		ok = 0;
	}
	if (ok)
		printf("@@PASS linux5_ctor\n");
	return !ok;
}
