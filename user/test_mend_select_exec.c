/* select with nfds above FD_SETSIZE is clamped as Linux does (it was
 * EINVAL), select and ppoll with a timeout of more than a day still
 * answer a ready descriptor at once, and execve of a path of 4096 bytes
 * or more is ENAMETOOLONG (it was EFAULT): review 11, finding 10. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <time.h>
#include <unistd.h>

static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL mend_select_exec: line %d: %s (errno %d)\n", __LINE__, #c, errno); fails++; } } while (0)

#define TWO_DAYS (2 * 24 * 3600)

/* Room past the set: Linux reads no further than its table, nor do we. */
static struct { fd_set set; char more[512]; } rd;

int main(void)
{
	int p[2];
	CHECK(pipe(p) == 0);
	CHECK(write(p[1], "x", 1) == 1);
	FD_ZERO(&rd.set);
	FD_SET(p[0], &rd.set);
	struct timeval tv = { 0, 0 };
	errno = 0;
	CHECK(select(FD_SETSIZE + 100, &rd.set, NULL, NULL, &tv) == 1);
	CHECK(FD_ISSET(p[0], &rd.set));
	FD_ZERO(&rd.set);
	FD_SET(p[0], &rd.set);
	struct timeval longer = { TWO_DAYS, 0 };
	CHECK(select(p[0] + 1, &rd.set, NULL, NULL, &longer) == 1);
	CHECK(longer.tv_sec <= TWO_DAYS && longer.tv_sec > TWO_DAYS - 60);
	struct pollfd pf = { p[0], POLLIN, 0 };
	struct timespec ts = { TWO_DAYS, 0 };
	CHECK(ppoll(&pf, 1, &ts, NULL) == 1 && (pf.revents & POLLIN));
	char *path = malloc(5000);
	CHECK(path != NULL);
	memset(path, 'a', 4999);
	path[0] = '/';
	path[4999] = '\0';
	char *argv[] = { path, NULL };
	errno = 0;
	CHECK(execv(path, argv) == -1 && errno == ENAMETOOLONG);
	free(path);
	if (fails)
		return 1;
	printf("@@PASS mend_select_exec\n");
	return 0;
}
