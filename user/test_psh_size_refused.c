/* PG_PSH_SIZE (a file's size) sets only a file's: a System V segment's and
 * an anonymous MAP_SHARED region's another process shares are refused
 * (E_INVAL: Linux has no ftruncate there), so no process can make another
 * one's shared memory SIGBUS; a memfd's and a tmpfs file's still are set. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "abi/err.h"
#include "abi/pager.h"
#include "sys/ipc.h"

int libsys_pg_call(struct sys_msg *m);

static int fails;
#define CHECK(c)                                                                         \
	do {                                                                             \
		if (!(c)) {                                                              \
			printf("@@FAIL psh_size_refused: line %d: %s\n", __LINE__, #c);  \
			fflush(stdout);                                                  \
			fails++;                                                         \
		}                                                                        \
	} while (0)

/* PG_PSH_SIZE at p: mode (0 ask), size. */
static int psh_size(void *p, uint64_t mode, uint64_t size)
{
	struct sys_msg m = { .label = PG_PSH_SIZE, .w = { (uint64_t)(uintptr_t)p, size, mode } };
	return libsys_pg_call(&m);
}

int main(void)
{
	/* a System V segment: asked yes, sized no; its page still reads */
	int id = shmget(IPC_PRIVATE, 8192, IPC_CREAT | 0600);
	CHECK(id >= 0);
	volatile char *s = shmat(id, NULL, 0);
	CHECK(s != (void *)-1);
	s[5000] = 7;
	CHECK(psh_size((void *)s, 0, 0) == E_OK);
	CHECK(psh_size((void *)s, PG_PSH_SET, 0) == E_INVAL);
	CHECK(psh_size((void *)s, PG_PSH_GROW, 0) == E_INVAL);
	CHECK(psh_size((void *)s, PG_PSH_ADD, 1) == E_INVAL);
	CHECK(s[5000] == 7);
	shmdt((void *)s);
	shmctl(id, IPC_RMID, NULL);

	/* an anonymous MAP_SHARED region a forked child shares: the child
	 * cannot size it under its parent */
	volatile char *a = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
				-1, 0);
	CHECK(a != MAP_FAILED);
	a[100] = 1;
	fflush(stdout);
	pid_t c = fork();
	if (c == 0)
		_exit(psh_size((void *)a, PG_PSH_SET, 0) == E_INVAL ? 0 : 1);
	int st;
	CHECK(waitpid(c, &st, 0) == c);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	a[5000] = 2; /* not SIGBUS */
	CHECK(a[100] == 1 && a[5000] == 2);
	munmap((void *)a, 8192);

	/* a memfd and a tmpfs file are files: ftruncate sizes them */
	int m = memfd_create("x", 0);
	CHECK(m >= 0);
	CHECK(ftruncate(m, 10000) == 0);
	struct stat sb;
	CHECK(fstat(m, &sb) == 0 && sb.st_size == 10000);
	close(m);
	int f = open("/tmp/pshsz", O_CREAT | O_RDWR | O_TRUNC, 0644);
	CHECK(f >= 0);
	CHECK(ftruncate(f, 5000) == 0);
	CHECK(fstat(f, &sb) == 0 && sb.st_size == 5000);
	close(f);
	unlink("/tmp/pshsz");
	if (!fails)
		printf("@@PASS psh_size_refused\n");
	return fails != 0;
}
