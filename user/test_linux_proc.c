#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <sys/types.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <errno.h>

static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL linux_proc: line %d: %s\n", __LINE__, #c); fails++; } } while (0)

int main(void)
{
	CHECK(sysconf(_SC_PAGESIZE) == 4096 && getpagesize() == 4096 && sysconf(_SC_PAGE_SIZE) == 4096);
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	CHECK(ncpu >= 1 && ncpu <= sysconf(_SC_NPROCESSORS_CONF));
	CHECK(sysconf(_SC_PHYS_PAGES) > 1000);
	CHECK(sysconf(_SC_CLK_TCK) == 100);
	CHECK(sysconf(_SC_OPEN_MAX) > 2);
	CHECK(sysconf(_SC_ARG_MAX) > 0);
	pid_t me = getpid(), parent = getppid();
	CHECK(me > 1 && parent >= 1 && me != parent);
	CHECK(getuid() == 0 && geteuid() == 0 && getgid() == 0);
	pid_t kids[5];
	for (int i = 0; i < 5; i++) {
		kids[i] = fork();
		if (kids[i] == 0) {
			if (getppid() != me) _exit(1);
			if (getpid() == me) _exit(2);
			_exit(20 + i);
		}
		CHECK(kids[i] > 0 && kids[i] != me);
	}
	int seen = 0;
	for (int i = 0; i < 5; i++) {
		int st;
		pid_t w = wait(&st);
		for (int k = 0; k < 5; k++)
			if (w == kids[k]) { CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 20 + k); seen |= 1 << k; }
	}
	CHECK(seen == 31);
	struct rusage ru;
	CHECK(getrusage(RUSAGE_SELF, &ru) == 0 && ru.ru_maxrss > 0);
	struct utsname un;
	CHECK(uname(&un) == 0 && strlen(un.sysname) > 0 && strcmp(un.machine, "x86_64") == 0);
	char host[64];
	CHECK(gethostname(host, sizeof host) == 0);
	char cwd[256];
	CHECK(getcwd(cwd, sizeof cwd) != NULL && cwd[0] == '/');
	if (!fails)
		printf("@@PASS linux_proc\n");
	return fails != 0;
}
