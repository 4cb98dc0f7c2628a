/* hostile18_names: a process makes shm_open names (tmpfs files) until it
 * is refused.  A name outlives the process that made it and is nobody's
 * for the OOM killer to end; the pager held them all, without a limit,
 * in memory no exit gave back (some 380 bytes a name and object: 25,000
 * free frames at 128 MiB last some 270,000 names), and walked them, a
 * sorted list, in every request that runs alone.  Now the system holds
 * at most 16,384 names (Linux's tmpfs inode limit at 128 MiB):
 *   - the hog is refused with ENOSPC, as a full tmpfs refuses on Linux;
 *   - meanwhile another process is refused a new name (shm_open and a
 *     tmpfs file alike: ENOSPC) and still opens an existing one;
 *   - once the names are unlinked a new one is made again, and every
 *     frame is back.
 * Under Linux (gcc + glibc) the limit depends on RAM: a hog that makes
 * CAP names unrefused passes there. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#define T "hostile18_names"
#include "linux_frames.h"
#define CAP 20000
#define TOP 999999 /* names from /h18n_999999 down: each sorts first */

static int pfd[2], gfd[2];

static void name_of(char *b, size_t n, long i)
{
	snprintf(b, n, "/h18n_%06ld", i);
}

/* The hog: names until refused; (count, errno) to pfd; waits on gfd. */
static void hog(void)
{
	long msg[2] = { 0, 0 };
	char b[32];
	for (; msg[0] < CAP; msg[0]++) {
		name_of(b, sizeof b, TOP - msg[0]);
		int fd = shm_open(b, O_CREAT | O_EXCL | O_RDWR, 0600);
		if (fd < 0) {
			msg[1] = errno;
			break;
		}
		close(fd);
	}
	if (write(pfd[1], msg, sizeof msg) != sizeof msg)
		_exit(2);
	char c;
	_exit(read(gfd[0], &c, 1) == 1 ? 0 : 3);
}

static int run(void)
{
	int bad = 0;
	char b[32];
	if (pipe(pfd) || pipe(gfd)) {
		printf("@@FAIL " T ": pipe\n");
		return 1;
	}
	pid_t h = fork();
	if (h == 0)
		hog();
	long msg[2] = { 0, -1 };
	if (read(pfd[0], msg, sizeof msg) != sizeof msg) {
		printf("@@FAIL " T ": the hog said nothing\n");
		return 1;
	}
	printf(T ": %ld names, then errno %ld\n", msg[0], msg[1]);
	if (msg[1] == 0 && (FRAMES || msg[0] != CAP)) {
		printf("@@FAIL " T ": %ld names made, none refused\n", msg[0]);
		bad = 1;
	} else if (msg[1] != 0 && (msg[1] != ENOSPC || msg[0] < 1000)) {
		printf("@@FAIL " T ": refused with errno %ld after %ld names, not ENOSPC\n",
		       msg[1], msg[0]);
		bad = 1;
	}
	if (msg[1] == ENOSPC) {
		/* full: a new name is refused to anyone, an old one opens */
		int fd = shm_open("/h18n_other", O_CREAT | O_RDWR, 0600);
		if (fd >= 0 || errno != ENOSPC) {
			printf("@@FAIL " T ": a new name while full: fd %d errno %d\n", fd, errno);
			bad = 1;
		}
		fd = open("/tmp/h18n_file", O_CREAT | O_RDWR, 0600);
		if (fd >= 0 || errno != ENOSPC) {
			printf("@@FAIL " T ": a new tmpfs file while full: fd %d errno %d\n",
			       fd, errno);
			bad = 1;
		}
		name_of(b, sizeof b, TOP);
		fd = shm_open(b, O_RDWR, 0600);
		if (fd < 0) {
			printf("@@FAIL " T ": an existing name while full: errno %d\n", errno);
			bad = 1;
		} else {
			close(fd);
		}
	}
	if (write(gfd[1], "x", 1) != 1)
		bad = 1;
	int st;
	if (waitpid(h, &st, 0) != h || !WIFEXITED(st) || WEXITSTATUS(st)) {
		printf("@@FAIL " T ": the hog ended 0x%x\n", st);
		bad = 1;
	}
	/* its names outlived it: unlinked here, lowest first (each first) */
	for (long i = msg[0] - 1; i >= 0; i--) {
		name_of(b, sizeof b, TOP - i);
		if (shm_unlink(b)) {
			printf("@@FAIL " T ": unlink %s: errno %d\n", b, errno);
			bad = 1;
			break;
		}
	}
	int fd = shm_open("/h18n_other", O_CREAT | O_EXCL | O_RDWR, 0600);
	if (fd < 0) {
		printf("@@FAIL " T ": a new name once they are gone: errno %d\n", errno);
		bad = 1;
	} else {
		close(fd);
		shm_unlink("/h18n_other");
	}
	close(pfd[0]); close(pfd[1]); close(gfd[0]); close(gfd[1]);
	return bad;
}

int main(void)
{
	return run_twice_counted(run);
}
