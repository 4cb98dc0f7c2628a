/* forkdemo: fork a process with 1 MiB written, let the child write 8 of
 * its 256 pages, and show that copy-on-write copied only those (plus the
 * few stack pages both sides touched). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "sys/unistd.h"

#define PAGES   256
#define WRITTEN 8

int main(void)
{
	static struct pg_stats a, b;
	int status = 0;
	volatile char *p = mmap(NULL, PAGES * 4096, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return 1;
	for (int i = 0; i < PAGES; i++)
		p[i * 4096] = 'P';
	pager_stats(&a);
	pid_t pid = fork();
	if (pid < 0) {
		printf("forkdemo: fork: %s\n", strerror(errno));
		return 1;
	}
	if (pid == 0) {
		for (int i = 0; i < WRITTEN; i++)
			p[i * 4096] = 'C';
		printf("forkdemo: child %d wrote %d of %d pages\n", getpid(), WRITTEN, PAGES);
		exit(0);
	}
	waitpid(pid, &status, 0);
	pager_stats(&b);
	printf("forkdemo: parent %d still reads '%c'; child %d exited %d\n", getpid(),
	       p[0], pid, WEXITSTATUS(status));
	printf("forkdemo: COW copies +%lu (pages written by the child: %d), "
	       "reuses +%lu, forks +%lu\n", b.cow_copies - a.cow_copies, WRITTEN,
	       b.cow_reuses - a.cow_reuses, b.forks - a.forks);
	return 0;
}
