/* tmpfs_limit: files in memory (/tmp, /dev/shm, shm_open) hold at most
 * half of memory together, as Linux's tmpfs: their frames outlive every
 * process and no OOM kill gives them back, so a program filling /tmp must
 * hear ENOSPC, not take all memory (it was the OOM killer's victim, its
 * file stayed, and every later process that faulted was killed in turn).
 *   - a child writes /tmp in 1 MiB pieces: the writes stop with ENOSPC
 *     (after a short one or not) near statvfs's f_bfree, the child lives,
 *     and statvfs then shows no room;
 *   - meanwhile another process can still fault in half of what is free;
 *   - a shm_open object sized but not touched: a write(2) is ENOSPC, an
 *     O_APPEND write too, and a store through its mapping is SIGBUS;
 *   - the file unlinked: the room is back (statvfs), the object takes the
 *     write, and every frame is back once both are gone. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>
#define T "tmpfs_limit"
#include "linux_frames.h"

#define CHUNK (1 << 20)
#define FILE_CHUNKS 256 /* 256 MiB a file (a file is 1 GiB at most here) */
#define FILL "/tmp/tmpfs_limit_fill"
#define OBJ "/tmpfs_limit_obj"

static char buf[CHUNK];
static int failed;

static void check(int ok, const char *what)
{
	if (!ok) {
		printf("@@FAIL " T ": %s (errno %d)\n", what, errno);
		failed = 1;
	}
}

/* Pages statvfs says /tmp has room for (f_bfree), -1 on an error. */
static long room(void)
{
	struct statvfs v;
	if (statvfs("/tmp", &v))
		return -1;
	return (long)(v.f_bfree * v.f_frsize / 4096);
}

/* The name of fill file i. */
static char *fill_name(int i)
{
	static char name[64];
	snprintf(name, sizeof name, FILL "%d", i);
	return name;
}

/* The child that fills /tmp, FILE_CHUNKS a file: exit 0 if the writes
 * ended in ENOSPC with about free pages written, 2+ else. */
static void filler(long free_pages)
{
	long total = 0;
	ssize_t n = 0;
	for (int i = 0; n >= 0; i++) {
		int fd = open(fill_name(i), O_CREAT | O_WRONLY | O_TRUNC, 0600);
		if (fd < 0)
			_exit(2);
		for (int k = 0; k < FILE_CHUNKS && (n = write(fd, buf, CHUNK)) > 0; k++)
			total += n;
		if (close(fd))
			_exit(5);
	}
	int err = errno;
	printf(T ": %ld pages written, then %zd errno %d (room was %ld)\n",
	       total / 4096, n, err, free_pages);
	if (n != -1 || err != ENOSPC)
		_exit(3);
	if (total / 4096 > free_pages || total / 4096 < free_pages - 2 * CHUNK / 4096)
		_exit(4);
	_exit(0);
}

/* The fill files unlinked: 0 if there was one at least. */
static int unfill(void)
{
	int i = 0;
	while (unlink(fill_name(i)) == 0)
		i++;
	return i ? 0 : -1;
}

/* A child that faults pages in and checks them: its wait status. */
static int toucher(long pages)
{
	pid_t c = fork();
	if (c == 0) {
		char *p = mmap(NULL, pages * 4096, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			_exit(2);
		for (long i = 0; i < pages; i++)
			p[i * 4096] = (char)i;
		for (long i = 0; i < pages; i++)
			if (p[i * 4096] != (char)i)
				_exit(3);
		_exit(0);
	}
	int st = -1;
	waitpid(c, &st, 0);
	return st;
}

/* A child that stores into page 0 of the mapping m: its wait status. */
static int storer(char *m)
{
	pid_t c = fork();
	if (c == 0) {
		m[0] = 1;
		_exit(0);
	}
	int st = -1;
	waitpid(c, &st, 0);
	return st;
}

/* The whole test, in a child of main's (its own mappings gone when it
 * ends, before frames are counted): 0 if all went well. */
static int run(void)
{
	long free0 = room();
	check(free0 > 0, "statvfs of /tmp");

	int st = -1;
	pid_t c = fork();
	if (c == 0)
		filler(free0);
	waitpid(c, &st, 0);
	check(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the filler did not end well");
	printf(T ": filler ended 0x%x, room now %ld pages\n", st, room());
	check(room() < 16, "statvfs shows room in a full /tmp");

#if FRAMES
	long now = (long)frames_available();
	st = toucher(now / 2);
	check(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "a process faulting half the free memory did not live");
#endif

	int fd = shm_open(OBJ, O_CREAT | O_RDWR, 0600);
	check(fd >= 0, "shm_open");
	check(ftruncate(fd, 16 * 4096) == 0, "ftruncate of a new object (no frame)");
	errno = 0;
	check(write(fd, buf, 4096) == -1 && errno == ENOSPC, "a write in a full tmpfs");
	int afd = shm_open(OBJ, O_RDWR, 0);
	check(afd >= 0 && fcntl(afd, F_SETFL, O_APPEND) == 0, "O_APPEND");
	errno = 0;
	check(write(afd, buf, 100) == -1 && errno == ENOSPC, "an append in a full tmpfs");
	char *m = mmap(NULL, 16 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	check(m != MAP_FAILED, "mmap of the object");
	if (m != MAP_FAILED) {
		st = storer(m);
		check(WIFSIGNALED(st) && WTERMSIG(st) == SIGBUS,
		      "a store in a full tmpfs was not SIGBUS");
	}

	check(unfill() == 0, "unlink");
	long free1 = room();
	printf(T ": room after the unlink %ld pages (at the start %ld)\n", free1, free0);
	check(free1 >= free0 - 16, "the room did not come back");
	check(lseek(fd, 0, SEEK_SET) == 0 && write(fd, buf, 4096) == 4096 &&
	      m != MAP_FAILED && m[4095] == 'f', "a write once there is room");
	check(shm_unlink(OBJ) == 0, "shm_unlink");
	return failed;
}

int main(void)
{
	memset(buf, 'f', sizeof buf);
	unfill();
	shm_unlink(OBJ);
#if FRAMES
	long before = frames_before(3000);
#endif
	int st = -1;
	pid_t c = fork();
	if (c == 0)
		_exit(run());
	waitpid(c, &st, 0);
	if (!WIFEXITED(st) || WEXITSTATUS(st)) {
		printf("@@FAIL " T ": the test's process ended 0x%x\n", st);
		failed = 1;
	}
#if FRAMES
	if (!frames_back(before, 10000))
		failed = 1;
#endif
	if (!failed)
		printf("@@PASS " T "\n");
	return failed;
}
