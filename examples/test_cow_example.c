/* A test program as one writes it for Linux: mmap, fork, copy-on-write
 * checked with page_info (this system's /proc/self/pagemap), @@PASS. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	size_t len = 16 * getpagesize();
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	memset(p, 'x', len);                    /* fault every page in */

	struct pg_page_info before;
	page_info(p, getpagesize(), &before);   /* frame of the first page */

	pid_t pid = fork();
	if (pid == 0) {
		struct pg_page_info shared, copied;
		page_info(p, getpagesize(), &shared);
		p[0] = 'y';                     /* the write copies the page */
		page_info(p, getpagesize(), &copied);
		int ok = shared.pfn == before.pfn && (shared.flags & PGI_COW) &&
			 shared.mapcount == 2 &&
			 copied.pfn != before.pfn && !(copied.flags & PGI_COW);
		printf("child: frame 0x%lx shared by %u, then 0x%lx after the write\n",
		       (unsigned long)shared.pfn, shared.mapcount,
		       (unsigned long)copied.pfn);
		_exit(ok ? 0 : 1);
	}
	int status;
	waitpid(pid, &status, 0);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && p[0] == 'x')
		printf("@@PASS cow_example\n");
	else
		printf("@@FAIL cow_example: status 0x%x\n", status);
	munmap(p, len);
	return 0;
}
