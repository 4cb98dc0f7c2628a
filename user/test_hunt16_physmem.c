/* hunt16_physmem: a program may use most of the machine's memory (a plain
 * Linux program, checked on Linux 6.1 at 64 and 128 MiB).  It mallocs half
 * of sysconf(_SC_PHYS_PAGES), touches and checks every page, frees it, and
 * a child then does the same (the memory came back).  At 64 MiB this
 * failed with the OOM killer: the boot modules (the 19 MiB initrd) stayed
 * reserved after the kernel had copied them into the pager, so programs
 * had 18 MiB of 63. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#define NAME "hunt16_physmem"

/* use_half: malloc half the RAM, write and check a word in every page;
 * returns the pages found wrong, or -1 if malloc failed. */
static long use_half(long pages, long pg)
{
	size_t len = (size_t)(pages / 2) * (size_t)pg;
	unsigned char *p = malloc(len);
	if (!p)
		return -1;
	for (size_t off = 0; off < len; off += (size_t)pg)
		*(uint64_t *)(p + off) = off * 2654435761u;
	long bad = 0;
	for (size_t off = 0; off < len; off += (size_t)pg)
		if (*(uint64_t *)(p + off) != off * 2654435761u)
			bad++;
	free(p);
	return bad;
}

int main(void)
{
	long pg = sysconf(_SC_PAGESIZE), pages = sysconf(_SC_PHYS_PAGES);
	long avail = sysconf(_SC_AVPHYS_PAGES);
	printf("%s: %ld pages of RAM, %ld free, using %ld\n", NAME, pages, avail,
	       pages / 2);
	long bad = use_half(pages, pg);
	pid_t pid = fork();
	if (pid == 0)
		_exit(use_half(pages, pg) == 0 ? 0 : 1);
	int st = 0;
	waitpid(pid, &st, 0);
	if (bad == 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0)
		printf("@@PASS %s\n", NAME);
	else
		printf("@@FAIL %s: parent %ld bad (-1: no memory), child status 0x%x\n",
		       NAME, bad, st);
	return 0;
}
