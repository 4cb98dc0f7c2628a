/* forkdemo: fork a process with 1 MiB written, let the child write 8 of
 * its 256 pages, and show that copy-on-write copied only those (plus the
 * few stack pages both sides touched). */
#include "sys/sys.h"
#include "sys/unistd.h"

#define PAGES   256
#define WRITTEN 8

int main(void)
{
	static struct pg_stats a, b;
	struct wait_status st;
	volatile char *p;
	if (mmap_anon(PAGES * 4096, (void **)&p))
		return 1;
	for (int i = 0; i < PAGES; i++)
		p[i * 4096] = 'P';
	pager_stats(&a);
	int pid = fork();
	if (pid < 0) {
		printf("forkdemo: fork: %s\n", err_str(-pid));
		return 1;
	}
	if (pid == 0) {
		for (int i = 0; i < WRITTEN; i++)
			p[i * 4096] = 'C';
		printf("forkdemo: child %u wrote %d of %d pages\n", sys_pid, WRITTEN, PAGES);
		exit(0);
	}
	waitpid((uint32_t)pid, &st);
	pager_stats(&b);
	printf("forkdemo: parent %u still reads '%c'; child %d exited %lu\n", sys_pid,
	       p[0], pid, st.code);
	printf("forkdemo: COW copies +%lu (pages written by the child: %d), "
	       "reuses +%lu, forks +%lu\n", b.cow_copies - a.cow_copies, WRITTEN,
	       b.cow_reuses - a.cow_reuses, b.forks - a.forks);
	return 0;
}
