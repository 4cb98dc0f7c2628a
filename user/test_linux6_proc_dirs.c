/* /proc as directories and links (a plain Linux program; passes with gcc
 * and glibc on Linux 6.1): open("/proc", O_DIRECTORY); readdir("/proc")
 * lists self and the live pids (a child while it lives, not once reaped);
 * /proc/self and /proc/PID list their files; /proc/self/fd lists the open
 * descriptors (not a closed one) and readlink names them: a tmpfs file by
 * its path (its new one after a rename, " (deleted)" once unlinked), a
 * pipe "pipe:[ino]" with fstat's st_ino, /dev/null; opening
 * /proc/self/fd/N opens the file; readlink of /proc/self (the pid) and
 * /proc/self/exe (the program); Linux's errors for bad input.  Run twice,
 * the free frames counted around the second. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define T "linux6_proc_dirs"
#include "linux_frames.h"

static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL " T ": line %d: %s (errno %d)\n", __LINE__, #c, errno); fails++; } } while (0)

static const char *prog;

/* Whether directory path has entry name (of type type, unless 0). */
static int has(const char *path, const char *name, unsigned char type)
{
	DIR *d = opendir(path);
	if (!d)
		return 0;
	int found = 0;
	struct dirent *e;
	while ((e = readdir(d)))
		if (!strcmp(e->d_name, name) && (!type || e->d_type == type))
			found = 1;
	closedir(d);
	return found;
}

/* Whether /proc/self/fd lists fd (opendir's own descriptor aside). */
static int fd_listed(int fd)
{
	char n[16];
	snprintf(n, sizeof n, "%d", fd);
	return has("/proc/self/fd", n, DT_LNK);
}

/* readlink of path as a string ("" on error). */
static const char *link_of(const char *path)
{
	static char buf[512];
	ssize_t n = readlink(path, buf, sizeof buf - 1);
	buf[n < 0 ? 0 : n] = '\0';
	return buf;
}

static const char *fd_link(int fd)
{
	char p[64];
	snprintf(p, sizeof p, "/proc/self/fd/%d", fd);
	return link_of(p);
}

static int run(void)
{
	char path[64], want[96];
	struct stat st;
	/* the directory itself */
	int dfd = open("/proc", O_RDONLY | O_DIRECTORY);
	CHECK(dfd >= 0 && fstat(dfd, &st) == 0 && S_ISDIR(st.st_mode));
	close(dfd);
	CHECK(stat("/proc/self/fd", &st) == 0 && S_ISDIR(st.st_mode));

	/* the live pids: ours, a child's while it lives */
	int p[2];
	CHECK(pipe(p) == 0);
	pid_t c = fork();
	if (c == 0) {
		char b;
		close(p[1]);
		read(p[0], &b, 1);
		_exit(0);
	}
	close(p[0]);
	char me[16], child[16];
	snprintf(me, sizeof me, "%d", (int)getpid());
	snprintf(child, sizeof child, "%d", (int)c);
	CHECK(has("/proc", "self", DT_LNK));
	CHECK(has("/proc", "meminfo", DT_REG));
	CHECK(has("/proc", me, DT_DIR));
	CHECK(has("/proc", child, DT_DIR));
	CHECK(!has("/proc", "0", 0));
	snprintf(path, sizeof path, "/proc/%d", (int)c);
	CHECK(has(path, "status", DT_REG) && has(path, "maps", DT_REG) && has(path, "fd", DT_DIR));
	CHECK(has("/proc/self", "status", DT_REG) && has("/proc/self", "statm", DT_REG) &&
	      has("/proc/self", "cmdline", DT_REG) && has("/proc/self", "exe", DT_LNK) &&
	      has("/proc/self", "fd", DT_DIR));
	close(p[1]);
	int stc = 0;
	CHECK(waitpid(c, &stc, 0) == c);
	CHECK(!has("/proc", child, 0));
	CHECK(opendir(path) == NULL && errno == ENOENT);

	/* the descriptors and their links */
	int f = open("/tmp/l6proc_f", O_CREAT | O_RDWR | O_TRUNC, 0600);
	CHECK(f >= 0 && write(f, "linked", 6) == 6);
	CHECK(pipe(p) == 0);
	int gone = open("/dev/null", O_RDONLY);
	close(gone);
	int nul = open("/dev/null", O_WRONLY);
	CHECK(fd_listed(f) && fd_listed(p[0]) && fd_listed(p[1]) && fd_listed(nul));
	CHECK(!fd_listed(gone) || gone == nul);
	CHECK(!fd_listed(900));
	CHECK(!strcmp(fd_link(f), "/tmp/l6proc_f"));
	CHECK(!strcmp(fd_link(nul), "/dev/null"));
	CHECK(fstat(p[0], &st) == 0);
	snprintf(want, sizeof want, "pipe:[%lu]", (unsigned long)st.st_ino);
	CHECK(!strcmp(fd_link(p[0]), want) && !strcmp(fd_link(p[1]), want));
	CHECK(rename("/tmp/l6proc_f", "/tmp/l6proc_g") == 0);
	CHECK(!strcmp(fd_link(f), "/tmp/l6proc_g"));
	/* opening the link opens the file, at its start */
	snprintf(path, sizeof path, "/proc/self/fd/%d", f);
	int g = open(path, O_RDONLY);
	char buf[16] = "";
	CHECK(g >= 0 && pread(g, buf, sizeof buf, 0) == 6 && !memcmp(buf, "linked", 6));
	CHECK(g >= 0 && fstat(g, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 6);
	close(g);
	CHECK(lstat(path, &st) == 0 && S_ISLNK(st.st_mode));
	CHECK(stat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 6);
	CHECK(unlink("/tmp/l6proc_g") == 0);
	CHECK(!strcmp(fd_link(f), "/tmp/l6proc_g (deleted)"));
	/* readlink's truncation and errors */
	CHECK(readlink(path, buf, 4) == 4 && !memcmp(buf, "/tmp", 4));
	errno = 0;
	CHECK(readlink(path, buf, 0) == -1 && errno == EINVAL);
	CHECK(readlink("/proc/self/fd/900", buf, sizeof buf) == -1 && errno == ENOENT);
	CHECK(readlink("/tmp", buf, sizeof buf) == -1 && errno == EINVAL);
	CHECK(readlink("/proc/self/status", buf, sizeof buf) == -1 && errno == EINVAL);
	CHECK(readlink("/l6proc_none", buf, sizeof buf) == -1 && errno == ENOENT);
	CHECK(open("/proc/self/fd/900", O_RDONLY) == -1 && errno == ENOENT);
	close(f);
	close(p[0]);
	close(p[1]);
	CHECK(dup2(nul, 700) == 700 && fd_listed(700));
	close(700);
	close(nul);
	CHECK(!fd_listed(700)); /* a closed one (a low one opendir may take again) */

	/* the process's own links */
	CHECK(!strcmp(link_of("/proc/self"), me));
	const char *exe = link_of("/proc/self/exe"), *base = strrchr(prog, '/');
	base = base ? base + 1 : prog;
	CHECK(exe[0] == '/' && !strcmp(strrchr(exe, '/') + 1, base));
	CHECK(access(link_of("/proc/self/exe"), X_OK) == 0);
	int pd = open("/proc/self", O_RDONLY | O_DIRECTORY);
	char at[512] = "";
	ssize_t n = readlinkat(pd, "exe", at, sizeof at - 1);
	CHECK(pd >= 0 && n > 0 && !strcmp(at, link_of("/proc/self/exe")));
	close(pd);
	errno = 0;
	CHECK(readlink("/proc/self/exe", (char *)8, 64) == -1 && errno == EFAULT);
	errno = 0;
	CHECK(readlink(NULL, at, sizeof at) == -1 && errno == EFAULT);
	return fails;
}

int main(int argc, char **argv)
{
	(void)argc;
	prog = argv[0];
	return run_twice_counted(run);
}
