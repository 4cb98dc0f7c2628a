/* A MAP_SHARED mapping of a shared memory object past the object's size
 * (a plain Linux program; passes with gcc and glibc): a whole page past
 * the end is SIGBUS (si_code BUS_ADRERR, si_addr the address), the part
 * of the last page past the end reads zero; growing the object makes the
 * page readable (zero); a process without a handler is killed by SIGBUS
 * (WTERMSIG); a new object (size 0) and a memfd_create object the same.
 * Run three times, the free frames counted around the third. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define T "linux5_shm_sigbus"
#include "linux_frames.h"

static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL " T ": line %d: %s (errno %d)\n", __LINE__, #c, errno); fails++; } } while (0)

static sigjmp_buf env;
static volatile int got_sig, got_code;
static void *volatile got_addr;

static void on_bus(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	got_sig = sig;
	got_code = si->si_code;
	got_addr = si->si_addr;
	siglongjmp(env, 1);
}

/* Read the byte at p: 1 if it was SIGBUS at p (handler set), 0 if read. */
static int bus_at(volatile char *p)
{
	got_sig = 0;
	if (!sigsetjmp(env, 1)) {
		(void)*p;
		return 0;
	}
	return got_sig == SIGBUS && got_code == BUS_ADRERR && got_addr == (void *)p;
}

/* A child that touches p without a handler: killed by SIGBUS? */
static int killed_by_bus(volatile char *p)
{
	pid_t c = fork();
	if (c == 0) {
		signal(SIGBUS, SIG_DFL);
		*p = 1;
		_exit(0);
	}
	int st = 0;
	return c > 0 && waitpid(c, &st, 0) == c && WIFSIGNALED(st) && WTERMSIG(st) == SIGBUS;
}

static int run(void)
{
	char name[64];
	snprintf(name, sizeof name, "/l5bus.%d", (int)getpid());
	struct sigaction sa, old;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_bus;
	sa.sa_flags = SA_SIGINFO;
	CHECK(sigaction(SIGBUS, &sa, &old) == 0);

	int fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
	CHECK(fd >= 0);
	CHECK(ftruncate(fd, 4096 + 100) == 0);
	char *m = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(m != MAP_FAILED);
	if (fd < 0 || m == MAP_FAILED)
		return 1;
	m[0] = 'a';
	m[4096 + 99] = 'b';
	CHECK(!bus_at(m + 4096 + 100) && m[4096 + 100] == 0); /* the last page's tail */
	CHECK(!bus_at(m + 4095 + 4096));
	CHECK(bus_at(m + 2 * 4096));
	CHECK(bus_at(m + 3 * 4096 + 17));
	CHECK(killed_by_bus(m + 2 * 4096 + 5));
	CHECK(m[0] == 'a' && m[4096 + 99] == 'b');

	/* grown: the pages are there, zero */
	CHECK(ftruncate(fd, 4 * 4096) == 0);
	CHECK(!bus_at(m + 2 * 4096) && m[2 * 4096] == 0);
	m[3 * 4096 + 17] = 'c';
	CHECK(munmap(m, 4 * 4096) == 0);

	/* a second mapping of the object after a shrink */
	CHECK(ftruncate(fd, 4096) == 0);
	m = mmap(NULL, 2 * 4096, PROT_READ, MAP_SHARED, fd, 0);
	CHECK(m != MAP_FAILED);
	if (m != MAP_FAILED) {
		CHECK(m[0] == 'a' && !bus_at(m + 4095));
		CHECK(bus_at(m + 4096));
		CHECK(munmap(m, 2 * 4096) == 0);
	}
	close(fd);
	CHECK(shm_unlink(name) == 0);

	/* a new object: size 0, its first page is past the end */
	fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
	CHECK(fd >= 0);
	m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(m != MAP_FAILED);
	if (m != MAP_FAILED) {
		CHECK(bus_at(m));
		CHECK(killed_by_bus(m));
		CHECK(munmap(m, 4096) == 0);
	}
	close(fd);
	CHECK(shm_unlink(name) == 0);

	/* memfd_create's objects alike; write() makes it longer */
	fd = memfd_create("l5bus", 0);
	CHECK(fd >= 0);
	CHECK(write(fd, "xyz", 3) == 3);
	m = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(m != MAP_FAILED);
	if (m != MAP_FAILED) {
		CHECK(!bus_at(m) && m[0] == 'x' && m[3] == 0);
		CHECK(bus_at(m + 4096));
		CHECK(killed_by_bus(m + 2 * 4096));
		CHECK(ftruncate(fd, 2 * 4096 + 1) == 0);
		CHECK(!bus_at(m + 2 * 4096) && m[2 * 4096] == 0);
		CHECK(munmap(m, 3 * 4096) == 0);
	}
	close(fd);
	CHECK(sigaction(SIGBUS, &old, NULL) == 0);
	return fails;
}

int main(void)
{
	/* once more before the counted runs, as test_linux5_sysvshm */
	if (run())
		return 1;
	return run_twice_counted(run);
}
