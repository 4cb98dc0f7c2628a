/* hunt16_forkbusy: fork while other threads are inside malloc, free,
 * stdio and a mutex (a plain Linux program, checked on Linux 6.1).  Four
 * threads loop over malloc/realloc/free of many sizes, fprintf to a FILE
 * of /dev/null and a pthread_mutex; the main thread forks 40 children
 * meanwhile.  Each child (one thread) must be able to malloc, free,
 * fprintf to the same FILE and to a pipe, fflush and create a thread of
 * its own; then it exits 0.  A library lock (malloc's, stdio's) left held
 * by a thread that is not in the child would hang it.  (The program's own
 * mutex may be held at the fork: the child does not touch it, as POSIX
 * and Linux require.) */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define NAME "hunt16_forkbusy"
#define CHILDREN 40

static atomic_int stop;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static FILE *devnull;
static long shared_counter;

static void *busy(void *arg)
{
	unsigned seed = (unsigned)(long)arg * 2654435761u;
	void *keep[16] = { 0 };
	while (!atomic_load(&stop)) {
		seed = seed * 1103515245u + 12345u;
		int i = (int)(seed >> 8) % 16;
		size_t sz = (seed >> 12) % 70000 + 1;
		void *n = realloc(keep[i], sz);
		if (n) {
			memset(n, i, sz < 256 ? sz : 256);
			keep[i] = n;
		}
		fprintf(devnull, "%d %zu %p\n", i, sz, n);
		pthread_mutex_lock(&mu);
		shared_counter++;
		pthread_mutex_unlock(&mu);
	}
	for (int i = 0; i < 16; i++)
		free(keep[i]);
	return NULL;
}

static void *child_thread(void *arg)
{
	char *p = malloc(1000);
	if (p)
		snprintf(p, 1000, "thread %ld", (long)arg);
	return p;
}

/* in_child: everything a one-thread child may do; returns its exit code */
static int in_child(int wfd)
{
	void *ptrs[64];
	for (int r = 0; r < 4; r++) {
		for (int i = 0; i < 64; i++)
			ptrs[i] = malloc((size_t)(i * 997 + r * 13) % 100000 + 1);
		for (int i = 0; i < 64; i++)
			free(ptrs[i]);
	}
	fprintf(devnull, "child %d\n", getpid());
	fflush(devnull);
	FILE *w = fdopen(wfd, "w");
	if (!w)
		return 2;
	fprintf(w, "ok %d\n", getpid());
	fflush(w);
	pthread_t t;
	void *res = NULL;
	if (pthread_create(&t, NULL, child_thread, (void *)7L) != 0 || pthread_join(t, &res) != 0 ||
	    !res || strcmp(res, "thread 7") != 0)
		return 3;
	free(res);
	fclose(w);
	return 0;
}

int main(void)
{
	devnull = fopen("/dev/null", "w");
	if (!devnull) {
		printf("@@FAIL %s: /dev/null\n", NAME);
		return 1;
	}
	pthread_t t[4];
	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, busy, (void *)(long)(i + 1));
	int bad = 0, oks = 0;
	for (int c = 0; c < CHILDREN; c++) {
		int fds[2];
		if (pipe(fds) != 0) {
			bad++;
			break;
		}
		fflush(stdout);
		pid_t pid = fork();
		if (pid == 0) {
			close(fds[0]);
			_exit(in_child(fds[1]));
		}
		close(fds[1]);
		char buf[64];
		ssize_t n = read(fds[0], buf, sizeof buf - 1);
		if (n > 3 && memcmp(buf, "ok ", 3) == 0)
			oks++;
		close(fds[0]);
		int st = 0;
		waitpid(pid, &st, 0);
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			printf("%s: child %d status 0x%x\n", NAME, c, st);
			bad++;
		}
	}
	atomic_store(&stop, 1);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	printf("%s: %d children, %d wrote, %d bad; the threads took the mutex %ld times\n",
	       NAME, CHILDREN, oks, bad, shared_counter);
	if (bad == 0 && oks == CHILDREN && shared_counter > 0)
		printf("@@PASS %s\n", NAME);
	else
		printf("@@FAIL %s: %d bad children, %d wrote\n", NAME, bad, oks);
	return 0;
}
