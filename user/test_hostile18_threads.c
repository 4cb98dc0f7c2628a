/* hostile18_threads: processes that start threads until refused, each
 * thread asleep on a condition variable with the smallest stack.  A
 * thread costs the kernel 20 KiB (a 16 KiB stack and its IPC buffer page)
 * that no resident page shows.  Each refusal must be an error (EAGAIN or
 * ENOMEM), never a panic or a hang; at 128 MiB, once such hogs have taken
 * memory, a bystander with more resident pages than any hog that faults
 * must not be the OOM killer's choice (it counts a process's threads'
 * kernel pages); every frame comes back. */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#define T "hostile18_threads"
#include "linux_frames.h"
#define HOGS 3
#define CAP 5000 /* threads tried at most per hog */
#define MAX_FREE 40000

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int pfd[2], gfd[2];

static void *sleeper(void *arg)
{
	pthread_mutex_lock(&mu);
	for (;;)
		pthread_cond_wait(&cv, &mu);
	return arg;
}

/* A hog: threads until refused; (count, errno) to pfd; waits on gfd. */
static void hog(void)
{
	pthread_attr_t a;
	pthread_attr_init(&a);
	pthread_attr_setstacksize(&a, PTHREAD_STACK_MIN);
	long msg[2] = { 0, 0 };
	for (; msg[0] < CAP; msg[0]++) {
		pthread_t t;
		int e = pthread_create(&t, &a, sleeper, NULL);
		if (e) {
			msg[1] = e;
			break;
		}
	}
	if (write(pfd[1], msg, sizeof msg) != sizeof msg)
		_exit(2);
	char c;
	_exit(read(gfd[0], &c, 1) == 1 ? 0 : 3);
}

int main(void)
{
#if FRAMES
	touch_image();
	long before = frames_before(3000);
	if (pipe(pfd) || pipe(gfd))
		return 1;
	long dense = before / 4;
	int bad = 0, fill = before <= MAX_FREE;
	pid_t by = -1;
	int bfd[2];
	if (fill) {
		/* the bystander: a quarter of memory mapped now, touched once
		 * the hogs hold theirs */
		if (pipe(bfd))
			return 1;
		by = fork();
		if (by == 0) {
			char go, *p = mmap(NULL, dense * 4096, PROT_READ | PROT_WRITE,
					   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (p == MAP_FAILED || read(bfd[0], &go, 1) != 1)
				_exit(2);
			for (long i = 0; i < dense; i++)
				p[i * 4096] = 1;
			_exit(0);
		}
	}
	pid_t h[HOGS];
	int st_of[HOGS], done = 0, killed = 0;
	for (int i = 0; i < HOGS; i++) {
		st_of[i] = -1;
		if ((h[i] = fork()) == 0)
			hog();
	}
	/* each hog reports, or is killed (for want of memory) first */
	while (done < HOGS) {
		struct pollfd pf = { pfd[0], POLLIN, 0 };
		if (poll(&pf, 1, 200) == 1) {
			long msg[2];
			if (read(pfd[0], msg, sizeof msg) != sizeof msg)
				return 1;
			done++;
			printf(T ": %ld threads, then error %ld; %lu free frames\n", msg[0],
			       msg[1], (unsigned long)frames_available());
			if (msg[1] != EAGAIN && msg[1] != ENOMEM) {
				printf("@@FAIL " T ": refused with %ld, not EAGAIN or ENOMEM\n",
				       msg[1]);
				bad = 1;
			}
			continue;
		}
		for (int i = 0; i < HOGS; i++)
			if (st_of[i] < 0 && waitpid(h[i], &st_of[i], WNOHANG) == h[i]) {
				if (!WIFSIGNALED(st_of[i]) || WTERMSIG(st_of[i]) != SIGKILL) {
					printf("@@FAIL " T ": a hog ended 0x%x\n", st_of[i]);
					return 1;
				}
				killed++;
				done++;
			}
	}
	if (fill) {
		int st;
		if (write(bfd[1], "g", 1) != 1 || waitpid(by, &st, 0) != by ||
		    !WIFEXITED(st) || WEXITSTATUS(st)) {
			printf("@@FAIL " T ": the bystander (%ld pages) was killed while the "
			       "hogs held their threads\n", dense);
			bad = 1;
		}
		close(bfd[0]);
		close(bfd[1]);
	}
	for (int i = 0; i < HOGS; i++)
		if (write(gfd[1], "x", 1) != 1)
			bad = 1;
	for (int i = 0; i < HOGS; i++) {
		int st;
		if (st_of[i] >= 0)
			continue; /* killed, counted above */
		if (waitpid(h[i], &st, 0) != h[i])
			bad = 1;
		else if (WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL)
			killed++;
		else if (!WIFEXITED(st) || WEXITSTATUS(st)) {
			printf("@@FAIL " T ": a hog ended 0x%x\n", st);
			bad = 1;
		}
	}
	printf(T ": %d of %d hogs killed for want of memory\n", killed, HOGS);
	close(pfd[0]); close(pfd[1]); close(gfd[0]); close(gfd[1]);
	if (bad || !frames_back(before, 20000))
		return 1;
#endif
	printf("@@PASS " T "\n");
	return 0;
}
