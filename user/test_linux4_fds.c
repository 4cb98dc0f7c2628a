/* Descriptors and pipes at Linux's sizes: RLIMIT_NOFILE and
 * sysconf(_SC_OPEN_MAX) 1024, dup up to fd 1023 then EMFILE (errno kept
 * by the calls that work), poll and select over descriptors past 32, a
 * descriptor past 32 kept across exec; 100 pipes open in one process; one
 * pipe held by 60 fork children (each reads its byte). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/wait.h>

static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL linux4_fds: line %d: %s (errno %d)\n", __LINE__, #c, errno); fails++; } } while (0)

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "exec") == 0) { /* the exec'd image */
		int fd = atoi(argv[2]);
		char c = 0;
		int ok = fd > 32 && read(fd, &c, 1) == 1 && c == 'E';
		return ok ? 0 : 1;
	}
	struct rlimit rl;
	CHECK(getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur == 1024);
	CHECK(sysconf(_SC_OPEN_MAX) == 1024);

	/* Every descriptor up to 1023, then EMFILE. */
	static int got[1100];
	int n = 0, fd;
	errno = 0;
	while (n < 1100 && (fd = dup(1)) >= 0)
		got[n++] = fd;
	CHECK(errno == EMFILE);
	CHECK(n > 1000 && got[n - 1] == 1023);
	CHECK(dup2(1, 1023) == 1023 && dup2(1, 1024) == -1 && errno == EBADF);
	for (int i = 0; i < n; i++)
		close(got[i]);

	/* 100 pipes in one process. */
	static int p[100][2];
	int made = 0;
	while (made < 100 && pipe(p[made]) == 0)
		made++;
	CHECK(made == 100);
	for (int i = 0; i < made; i++)
		CHECK(write(p[i][1], "x", 1) == 1);
	/* poll over all read ends (fds well past 32): every one readable */
	static struct pollfd pf[100];
	for (int i = 0; i < made; i++)
		pf[i] = (struct pollfd){ p[i][0], POLLIN, 0 };
	CHECK(poll(pf, (nfds_t)made, 0) == made);
	int maxfd = 0;
	fd_set rd;
	FD_ZERO(&rd);
	for (int i = 0; i < made; i++) {
		FD_SET(p[i][0], &rd);
		if (p[i][0] > maxfd)
			maxfd = p[i][0];
	}
	struct timeval tv = { 0, 0 };
	CHECK(maxfd > 150 && select(maxfd + 1, &rd, NULL, NULL, &tv) == made);
	for (int i = 0; i < made; i++) {
		char c;
		CHECK(read(p[i][0], &c, 1) == 1 && c == 'x');
	}
	/* the same pipe's end many times in one poll */
	int d1 = dup(p[5][0]), d2 = dup(p[5][0]);
	struct pollfd same[3] = { { p[5][0], POLLIN, 0 }, { d1, POLLIN, 0 }, { p[5][1], POLLOUT, 0 } };
	CHECK(poll(same, 3, 0) == 1 && same[2].revents == POLLOUT && same[0].revents == 0);
	CHECK(write(p[5][1], "y", 1) == 1);
	CHECK(poll(same, 3, 0) == 3 && (same[0].revents & POLLIN) && (same[1].revents & POLLIN));
	close(d1);
	close(d2);
	for (int i = 0; i < made; i++) {
		close(p[i][0]);
		close(p[i][1]);
	}

	/* One pipe held by 60 children. */
	int q[2];
	CHECK(pipe(q) == 0);
	int kids = 0;
	for (int i = 0; i < 60; i++) {
		pid_t pid = fork();
		if (pid < 0)
			break;
		if (pid == 0) {
			char c = 0;
			_exit(read(q[0], &c, 1) == 1 && c == 'g' ? 0 : 1);
		}
		kids++;
	}
	CHECK(kids == 60);
	for (int i = 0; i < kids; i++)
		CHECK(write(q[1], "g", 1) == 1);
	int bad = 0, st;
	for (int i = 0; i < kids; i++)
		if (wait(&st) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
			bad++;
	CHECK(bad == 0);
	close(q[0]);
	close(q[1]);

	/* A descriptor past 32 across exec. */
	int e[2];
	CHECK(pipe(e) == 0);
	int high = dup2(e[0], 700);
	CHECK(high == 700 && write(e[1], "E", 1) == 1);
	pid_t pid = fork();
	if (pid == 0) {
		char *args[] = { argv[0], "exec", "700", NULL };
		execv(argv[0], args);
		_exit(127);
	}
	CHECK(pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	if (!fails)
		printf("@@PASS linux4_fds\n");
	return fails != 0;
}
