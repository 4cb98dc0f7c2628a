/* Which processes are "init and the shell it keeps" (never an OOM victim,
 * allowed to halt and reboot) is decided by who started them, not by
 * their names (review 11, finding 8: a child of init that exec'd "sh" was
 * taken for the shell).  Run by init (every run starts init), this finds
 * its parent, init, protected, and itself and a child of its own not.
 * (The case of the finding itself, a child of init exec'ing sh, cannot be
 * run here: that sh would wait for console input for ever.) */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include "sys/sys.h"
#include "sys/unistd.h"

/* Process pid's PG_PS entry into *out; 0, or -1 if there is none. */
static int info_of(uint32_t pid, struct pg_procinfo *out)
{
	static struct pg_procinfo v[8];
	size_t n = 0;
	if (pager_ps(pid, v, 8, &n) != E_OK || n == 0 || v[0].pid != pid)
		return -1;
	*out = v[0];
	return 0;
}

/* 1 if process pid is protected, 0 if not, -1 if there is no such one. */
static int protected(uint32_t pid)
{
	struct pg_procinfo pi;
	return info_of(pid, &pi) ? -1 : (pi.oom_flags & PG_OOM_PROTECTED) != 0;
}

int main(void)
{
	struct pg_procinfo pi;
	uint32_t parent = (uint32_t)getppid();
	if (info_of(parent, &pi) || strcmp(pi.name, "init") || pi.ppid != 0) {
		printf("@@FAIL mend_protect: parent %u is not init\n", parent);
		return 1;
	}
	if (protected(parent) != 1) {
		printf("@@FAIL mend_protect: init (pid %u) is not protected\n", parent);
		return 1;
	}
	if (protected((uint32_t)getpid()) != 0) {
		printf("@@FAIL mend_protect: this test is protected\n");
		return 1;
	}
	int fd[2];
	if (pipe(fd))
		return 1;
	pid_t c = fork();
	if (c == 0) {
		char b;
		read(fd[0], &b, 1); /* until the parent has looked */
		_exit(0);
	}
	int child = protected((uint32_t)c);
	write(fd[1], "x", 1);
	waitpid(c, NULL, 0);
	if (child != 0) {
		printf("@@FAIL mend_protect: a child of a test is protected (%d)\n", child);
		return 1;
	}
	printf("@@PASS mend_protect\n");
	return 0;
}
