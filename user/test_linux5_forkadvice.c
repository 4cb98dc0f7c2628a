/* madvise's fork advice as Linux keeps it (a plain Linux program, checked
 * on Linux 6.1): MADV_WIPEONFORK memory reads zero in a fork child (and
 * in the child's own child: the setting is inherited) while the parent
 * keeps its bytes, MADV_KEEPONFORK undoes it, MAP_SHARED memory refuses
 * it (EINVAL); MADV_DONTFORK memory is not in the child at all (SIGSEGV
 * there, only in the advised middle of a mapping: the pages around it
 * are copied), MADV_DOFORK undoes it; the parent writes its advised
 * pages after each fork and reads them back; the free frames come back. */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#define T "linux5_forkadvice"
#include "linux_frames.h"

#define PAGES 8
static size_t pg;
static sigjmp_buf jb;

static void on_segv(int sig)
{
	(void)sig;
	siglongjmp(jb, 1);
}

/* In a child: 1 if reading page i of p faults. */
static int faults(volatile char *p, int i)
{
	if (sigsetjmp(jb, 1))
		return 1;
	(void)p[i * pg];
	return 0;
}

/* Run child(p) in a fork child; its exit status, or 100 + signal. */
static int in_child(char *p, int (*child)(char *))
{
	pid_t pid = fork();
	if (pid == 0)
		_exit(child(p));
	int st;
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return 99;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 100 + WTERMSIG(st);
}

/* 0 if every byte of pages [from, to) of p is v. */
static int all(const char *p, int from, int to, int v)
{
	for (size_t i = from * pg; i < to * pg; i++)
		if (p[i] != (char)v)
			return 1;
	return 0;
}

static int grandchild(char *p)
{
	return all(p, 0, PAGES, 0); /* inherited: wiped again */
}

/* The child of a WIPEONFORK mapping: zeros, its own writes, and its own
 * child sees zeros again. */
static int wiped(char *p)
{
	if (all(p, 0, PAGES, 0))
		return 1;
	memset(p, 0x33, PAGES * pg);
	if (all(p, 0, PAGES, 0x33))
		return 2;
	return in_child(p, grandchild) == 0 ? 0 : 3;
}

static int kept(char *p)
{
	return all(p, 0, PAGES, 0x11);
}

static int middle_gone(char *p)
{
	signal(SIGSEGV, on_segv);
	for (int i = 0; i < PAGES; i++)
		if (faults(p, i) != (i >= 2 && i < 5))
			return 10 + i;
	return all(p, 0, 2, 0x11) || all(p, 5, PAGES, 0x11);
}

static int run(void)
{
	int bad = 0;
	char *p = mmap(NULL, PAGES * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		printf("@@FAIL " T ": mmap\n");
		return 1;
	}
	memset(p, 0x11, PAGES * pg);
	if (madvise(p, PAGES * pg, MADV_WIPEONFORK)) {
		printf("@@FAIL " T ": MADV_WIPEONFORK: errno %d\n", errno);
		return 1;
	}
	int r = in_child(p, wiped);
	if (r) {
		printf("@@FAIL " T ": WIPEONFORK child: %d\n", r);
		bad = 1;
	}
	memset(p + pg, 0x11, pg); /* the parent writes after the forks */
	if (all(p, 0, PAGES, 0x11)) {
		printf("@@FAIL " T ": the parent's pages changed\n");
		bad = 1;
	}
	if (madvise(p, PAGES * pg, MADV_KEEPONFORK) || (r = in_child(p, kept))) {
		printf("@@FAIL " T ": KEEPONFORK: %d (errno %d)\n", r, errno);
		bad = 1;
	}
	char *s = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (s == MAP_FAILED || madvise(s, pg, MADV_WIPEONFORK) != -1 || errno != EINVAL) {
		printf("@@FAIL " T ": WIPEONFORK of MAP_SHARED memory not EINVAL\n");
		bad = 1;
	}
	munmap(s, pg);

	if (madvise(p + 2 * pg, 3 * pg, MADV_DONTFORK) || (r = in_child(p, middle_gone))) {
		printf("@@FAIL " T ": DONTFORK of pages 2-4: %d (errno %d)\n", r, errno);
		bad = 1;
	}
	memset(p + 3 * pg, 0x11, pg);
	if (all(p, 0, PAGES, 0x11)) {
		printf("@@FAIL " T ": the parent's pages changed after DONTFORK\n");
		bad = 1;
	}
	if (madvise(p, PAGES * pg, MADV_DOFORK) || (r = in_child(p, kept))) {
		printf("@@FAIL " T ": DOFORK: %d (errno %d)\n", r, errno);
		bad = 1;
	}
	munmap(p, PAGES * pg);
	return bad;
}

int main(void)
{
	pg = (size_t)sysconf(_SC_PAGESIZE);
	return run_twice_counted(run);
}
