/* Descriptors of tmpfs files across exec keep the file itself, not its
 * name (a plain Linux program; passes with gcc and glibc on Linux 6.1):
 * a file unlinked while open, one another file was renamed onto, one
 * renamed away, and a memfd, each kept by a descriptor through an exec of
 * this program: the new image reads the same bytes at the same offset,
 * O_APPEND still appends, an unlinked file lives while only the
 * descriptor holds it, the name's new file is untouched; a close-on-exec
 * descriptor is gone.  Run twice, the free frames counted around the
 * second: the files' frames come back once the exec'd image exits. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define T "linux6_files_exec"
#include "linux_frames.h"

static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL " T ": line %d: %s (errno %d)\n", __LINE__, #c, errno); fails++; } } while (0)

static const char *prog;
#define BIG (40 * 4096) /* the unlinked file: frames enough to see a leak */

/* The exec'd image: argv[2..6] are the descriptors. */
static int after_exec(char **argv)
{
	int del = atoi(argv[2]), ren = atoi(argv[3]), mv = atoi(argv[4]), mfd = atoi(argv[5]);
	int cx = atoi(argv[6]);
	char buf[64];
	struct stat st;
	/* unlinked while open: the same bytes, the offset kept, no links */
	CHECK(lseek(del, 0, SEEK_CUR) == 6);
	memset(buf, 0, sizeof buf);
	CHECK(read(del, buf, 5) == 5 && !memcmp(buf, "world", 5));
	CHECK(fstat(del, &st) == 0 && st.st_nlink == 0 && st.st_size == BIG);
	CHECK(pread(del, buf, 1, BIG - 1) == 1 && buf[0] == 'z');
	CHECK(pwrite(del, "W", 1, 0) == 1 && pread(del, buf, 1, 0) == 1 && buf[0] == 'W');
	/* another file renamed onto its name: still the first one, O_APPEND */
	CHECK(fcntl(ren, F_GETFL) & O_APPEND);
	CHECK(lseek(ren, 0, SEEK_CUR) == 5);
	CHECK(lseek(ren, 0, SEEK_SET) == 0);
	CHECK(write(ren, "+x", 2) == 2);
	memset(buf, 0, sizeof buf);
	CHECK(pread(ren, buf, sizeof buf, 0) == 7 && !strcmp(buf, "first+x"));
	CHECK(fstat(ren, &st) == 0 && st.st_nlink == 0);
	int fd = open("/tmp/l6exec_ren", O_RDONLY);
	memset(buf, 0, sizeof buf);
	CHECK(fd >= 0 && read(fd, buf, sizeof buf) == 5 && !strcmp(buf, "OTHER"));
	close(fd);
	/* renamed away: the same file, its writes seen at its new name */
	CHECK(lseek(mv, 0, SEEK_CUR) == 3);
	CHECK(write(mv, "-moved", 6) == 6);
	fd = open("/tmp/l6exec_mv2", O_RDONLY);
	memset(buf, 0, sizeof buf);
	CHECK(fd >= 0 && read(fd, buf, sizeof buf) == 9 && !strcmp(buf, "mvd-moved"));
	close(fd);
	CHECK(fstat(mv, &st) == 0 && st.st_nlink == 1);
	/* a memfd: its bytes, mappable */
	memset(buf, 0, sizeof buf);
	CHECK(pread(mfd, buf, sizeof buf, 0) == 4 && !strcmp(buf, "memf"));
	char *p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, mfd, 0);
	CHECK(p != MAP_FAILED && !memcmp(p, "memf", 4));
	if (p != MAP_FAILED)
		munmap(p, 4096);
	/* close-on-exec: gone */
	CHECK(fcntl(cx, F_GETFD) == -1 && errno == EBADF);
	unlink("/tmp/l6exec_mv2");
	unlink("/tmp/l6exec_ren");
	return fails ? 1 : 0;
}

static int run(void)
{
	char *big = malloc(BIG);
	memset(big, 'z', BIG);
	memcpy(big, "hello world", 11);
	int del = open("/tmp/l6exec_del", O_CREAT | O_RDWR | O_TRUNC, 0600);
	CHECK(del >= 0 && write(del, big, BIG) == BIG);
	free(big);
	CHECK(lseek(del, 6, SEEK_SET) == 6);
	CHECK(unlink("/tmp/l6exec_del") == 0);

	int ren = open("/tmp/l6exec_ren", O_CREAT | O_RDWR | O_TRUNC | O_APPEND, 0600);
	CHECK(ren >= 0 && write(ren, "first", 5) == 5);
	int o = open("/tmp/l6exec_other", O_CREAT | O_WRONLY | O_TRUNC, 0600);
	CHECK(o >= 0 && write(o, "OTHER", 5) == 5);
	close(o);
	CHECK(rename("/tmp/l6exec_other", "/tmp/l6exec_ren") == 0);

	int mv = open("/tmp/l6exec_mv", O_CREAT | O_RDWR | O_TRUNC, 0600);
	CHECK(mv >= 0 && write(mv, "mvd", 3) == 3);
	CHECK(rename("/tmp/l6exec_mv", "/tmp/l6exec_mv2") == 0);

	int mfd = memfd_create("l6exec", 0);
	CHECK(mfd >= 0 && write(mfd, "memf", 4) == 4);
	int cx = open("/tmp/l6exec_cx", O_CREAT | O_RDWR | O_TRUNC | O_CLOEXEC, 0600);
	CHECK(cx >= 0);
	unlink("/tmp/l6exec_cx");
	if (fails)
		return 1;

	pid_t c = fork();
	if (c == 0) {
		char a[5][16];
		int v[5] = { del, ren, mv, mfd, cx };
		for (int i = 0; i < 5; i++)
			snprintf(a[i], sizeof a[i], "%d", v[i]);
		char *args[] = { (char *)prog, "after", a[0], a[1], a[2], a[3], a[4], NULL };
		execv(prog, args);
		_exit(99);
	}
	close(del);
	close(ren);
	close(mv);
	close(mfd);
	close(cx);
	int st = 0;
	CHECK(waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	if (WIFEXITED(st) && WEXITSTATUS(st) == 99)
		printf("@@FAIL " T ": exec failed\n");
	return fails;
}

int main(int argc, char **argv)
{
	prog = argv[0];
	if (argc > 6 && !strcmp(argv[1], "after"))
		return after_exec(argv);
	return run_twice_counted(run);
}
