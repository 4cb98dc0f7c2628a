/* readdir of a tmpfs directory while its entries are unlinked (rm -rf's
 * pattern: each entry removed as it is read) and while files come and go
 * elsewhere (a plain Linux program): every entry is seen once, none
 * skipped, and the directory is empty at the end. */
#define _GNU_SOURCE
#include <dirent.h>
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
			printf("@@FAIL tmpfs_readdir_unlink: line %d: %s (errno %d)\n",    \
			       __LINE__, #c, errno);                                      \
			fflush(stdout);                                                   \
			fails++;                                                          \
		}                                                                         \
	} while (0)

static void make(const char *p)
{
	int fd = open(p, O_CREAT | O_WRONLY, 0644);
	CHECK(fd >= 0);
	close(fd);
}

int main(void)
{
	char p[128];
	CHECK(mkdir("/tmp/rdu", 0755) == 0);
	CHECK(mkdir("/tmp/rdu_other", 0755) == 0);
	for (int i = 0; i < 40; i++) {
		snprintf(p, sizeof p, "/tmp/rdu/f%d", i);
		make(p);
	}
	DIR *d = opendir("/tmp/rdu");
	CHECK(d != NULL);
	struct dirent *e;
	int n = 0, seen[40] = { 0 };
	while (d && (e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		int k = -1;
		CHECK(sscanf(e->d_name, "f%d", &k) == 1 && k >= 0 && k < 40);
		if (k >= 0 && k < 40)
			seen[k]++;
		snprintf(p, sizeof p, "/tmp/rdu/%s", e->d_name);
		if (unlink(p) == 0)
			n++;
		/* names made and dropped elsewhere shift nothing here */
		snprintf(p, sizeof p, "/tmp/rdu_other/g%d", n);
		make(p);
		if (n % 3 == 0) {
			snprintf(p, sizeof p, "/tmp/rdu_other/g%d", n - 1);
			unlink(p);
		}
	}
	if (d)
		closedir(d);
	printf("tmpfs_readdir_unlink: removed %d of 40\n", n);
	CHECK(n == 40);
	for (int i = 0; i < 40; i++)
		CHECK(seen[i] == 1);
	CHECK(rmdir("/tmp/rdu") == 0);
	d = opendir("/tmp/rdu_other");
	CHECK(d != NULL);
	while (d && (e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			snprintf(p, sizeof p, "/tmp/rdu_other/%s", e->d_name);
			CHECK(unlink(p) == 0);
		}
	if (d)
		closedir(d);
	CHECK(rmdir("/tmp/rdu_other") == 0);
	if (!fails)
		printf("@@PASS tmpfs_readdir_unlink\n");
	return fails != 0;
}
