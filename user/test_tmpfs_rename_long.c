/* rename of a tmpfs directory whose files' new paths would pass the
 * longest name (a plain Linux program: there, the 255 bytes are one
 * component's, so the rename succeeds and the file is at its new path;
 * here, where a whole path is one name, it is refused with ENAMETOOLONG):
 * never is a file lost. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int fails;
#define CHECK(c)                                                                          \
	do {                                                                              \
		if (!(c)) {                                                               \
			printf("@@FAIL tmpfs_rename_long: line %d: %s (errno %d)\n", __LINE__, \
			       #c, errno);                                                \
			fflush(stdout);                                                   \
			fails++;                                                          \
		}                                                                         \
	} while (0)

int main(void)
{
	char f[300], shortf[300], longdir[300], g[600], h[600], buf[8] = { 0 };
	CHECK(mkdir("/tmp/rl", 0755) == 0);
	snprintf(f, sizeof f, "/tmp/rl/%0230d", 0);
	memset(f + 8, 'x', 230);
	snprintf(shortf, sizeof shortf, "/tmp/rl/short");
	int fd = open(f, O_CREAT | O_WRONLY, 0644);
	CHECK(fd >= 0);
	CHECK(write(fd, "keep", 4) == 4);
	close(fd);
	fd = open(shortf, O_CREAT | O_WRONLY, 0644);
	CHECK(fd >= 0);
	close(fd);
	snprintf(longdir, sizeof longdir, "/tmp/%040d", 0);
	memset(longdir + 5, 'd', 40);
	errno = 0;
	int r = rename("/tmp/rl", longdir);
	int e = errno;
	snprintf(g, sizeof g, "%s/%s", longdir, f + 8);
	snprintf(h, sizeof h, "%s/short", longdir);
	const char *file = r == 0 ? g : f, *other = r == 0 ? h : shortf;
	printf("tmpfs_rename_long: rename -> %d errno %d\n", r, e);
	CHECK(r == 0 || e == ENAMETOOLONG);
	fd = open(file, O_RDONLY);
	CHECK(fd >= 0);
	CHECK(read(fd, buf, 4) == 4 && !memcmp(buf, "keep", 4));
	close(fd);
	CHECK(unlink(file) == 0);
	CHECK(unlink(other) == 0);
	CHECK(rmdir(r == 0 ? longdir : "/tmp/rl") == 0);
	if (!fails)
		printf("@@PASS tmpfs_rename_long\n");
	return fails != 0;
}
