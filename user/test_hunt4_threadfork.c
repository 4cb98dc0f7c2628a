/* hunt4_thread_fork: fork from a thread other than the main one (a plain
 * Linux program, checked on Linux 6.1).  The child's one thread goes on
 * in the forking thread's context, and must be able to do everything:
 * calls that carry data through the IPC buffer (read a file, a pipe's
 * bytes, getcwd, poll, /proc), a thread of its own, fork again.  It used
 * to be killed at its first such call: libsys kept the forking thread's
 * IPC buffer address (thread slot i's page), which the child, whose
 * thread has slot 0's, does not have (found by hunt4_mem_race's fork
 * advice scenario: "page fault (read, not present) addr 0x7fffff001000"
 * in memcpy).  Also the free frames come back. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#define T "hunt4_thread_fork"
#include "linux_frames.h"

static void *child_thread(void *arg)
{
	return (char *)arg + 1;
}

/* In the child: each call that moves data; its exit status says which
 * failed (0: none). */
static int child_work(void)
{
	char buf[256];
	int p[2];
	if (pipe(p) || write(p[1], "hunt4", 5) != 5 || read(p[0], buf, sizeof buf) != 5 ||
	    memcmp(buf, "hunt4", 5))
		return 10;
	struct pollfd pf = { p[0], POLLIN, 0 };
	if (write(p[1], "x", 1) != 1 || poll(&pf, 1, 1000) != 1 || !(pf.revents & POLLIN))
		return 11;
	close(p[0]);
	close(p[1]);
	if (!getcwd(buf, sizeof buf))
		return 12;
	int fd = open("/proc/self/status", O_RDONLY);
	if (fd < 0 || read(fd, buf, sizeof buf) <= 0)
		return 13;
	close(fd);
	pthread_t t;
	void *ret = NULL;
	if (pthread_create(&t, NULL, child_thread, buf) || pthread_join(t, &ret) ||
	    ret != buf + 1)
		return 14;
	pid_t g = fork(); /* and its own child */
	if (g == 0) {
		fd = open("/proc/self/statm", O_RDONLY);
		_exit(fd >= 0 && read(fd, buf, sizeof buf) > 0 ? 0 : 1);
	}
	int st;
	if (g < 0 || waitpid(g, &st, 0) != g || !WIFEXITED(st) || WEXITSTATUS(st))
		return 15;
	return 0;
}

static void *forker(void *arg)
{
	(void)arg;
	fflush(stdout);
	pid_t c = fork();
	if (c == 0)
		_exit(child_work());
	int st = 0;
	if (c < 0 || waitpid(c, &st, 0) != c)
		return (void *)1;
	if (!WIFEXITED(st) || WEXITSTATUS(st)) {
		if (WIFEXITED(st))
			printf("@@FAIL " T ": the child failed step %d\n", WEXITSTATUS(st));
		else
			printf("@@FAIL " T ": the child was killed by signal %d\n", WTERMSIG(st));
		return (void *)1;
	}
	return NULL;
}

static int run(void)
{
	for (int round = 0; round < 3; round++) {
		pthread_t t[2]; /* the second thread forks: not slot 0 or 1 */
		void *r0 = NULL, *r1 = NULL;
		if (pthread_create(&t[0], NULL, forker, NULL) ||
		    pthread_create(&t[1], NULL, forker, NULL)) {
			printf("@@FAIL " T ": pthread_create\n");
			return 1;
		}
		pthread_join(t[0], &r0);
		pthread_join(t[1], &r1);
		if (r0 || r1)
			return 1;
	}
	return 0;
}

int main(void)
{
	return run_twice_counted(run);
}
