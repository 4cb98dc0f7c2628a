/* hunt2_thread_calls: the library calls whose answers come back as bytes
 * (stat, open and read of a file, mincore, posix_spawn's arguments), made
 * by several threads at once.  Each must use its own thread's IPC buffer:
 * libsys read the main thread's for these, so a second thread's stat or
 * open failed with ENOENT or found another file, its mincore vector held
 * another call's bytes, and a posix_spawn from it wrote its arguments
 * over whatever the main thread was sending.  Every thread checks every
 * answer: the file's size as the main thread saw it first, its first
 * bytes the ELF magic, mincore 1 for the pages it touched and 0 for the
 * others, the spawned child's exit status 42. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define T "hunt2_thread_calls"
#define THREADS 4
#define ROUNDS 40

extern char **environ;
static const char *self;
static off_t self_size;
static volatile int go;

static void fail(int k, int r, const char *what, long x)
{
	printf("@@FAIL " T ": thread %d round %d: %s (%ld, errno %d)\n", k, r, what, x, errno);
	fflush(stdout);
	_exit(1);
}

static void one_round(int k, int r, unsigned char *pages)
{
	struct stat st;
	if (stat(self, &st) != 0)
		fail(k, r, "stat", -1);
	if (st.st_size != self_size)
		fail(k, r, "stat: another size", (long)st.st_size);
	int fd = open(self, O_RDONLY);
	if (fd < 0)
		fail(k, r, "open", fd);
	char magic[4];
	if (read(fd, magic, 4) != 4 || memcmp(magic, "\177ELF", 4))
		fail(k, r, "read: not the ELF magic", magic[1]);
	close(fd);
	unsigned char vec[8];
	for (int p = 0; p < 8; p++)
		if (((k + r + p) & 1) && !pages[p * 4096])
			pages[p * 4096] = 1; /* touched: resident from now on */
	if (mincore(pages, 8 * 4096, vec))
		fail(k, r, "mincore", -1);
	for (int p = 0; p < 8; p++)
		if ((vec[p] & 1) != pages[p * 4096])
			fail(k, r, "mincore: another vector", p);
	if (r % 10 == k % 10) {
		pid_t c;
		char *v[] = { (char *)self, "img", NULL };
		int e = posix_spawn(&c, self, NULL, NULL, v, environ);
		if (e)
			fail(k, r, "posix_spawn", e);
		int wst;
		if (waitpid(c, &wst, 0) != c || !WIFEXITED(wst) || WEXITSTATUS(wst) != 42)
			fail(k, r, "spawned child's status", wst);
	}
}

static void *thread(void *arg)
{
	int k = (int)(intptr_t)arg;
	unsigned char *pages = mmap(NULL, 8 * 4096, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (pages == MAP_FAILED)
		fail(k, 0, "mmap", -1);
	while (!go)
		;
	for (int r = 0; r < ROUNDS; r++)
		one_round(k, r, pages);
	return NULL;
}

int main(int argc, char **argv)
{
	self = argv[0];
	if (argc > 1)
		return 42;
	struct stat st;
	if (stat(self, &st) != 0) {
		printf("@@FAIL " T ": stat %s errno %d\n", self, errno);
		return 1;
	}
	self_size = st.st_size;
	pthread_t t[THREADS];
	for (intptr_t i = 1; i < THREADS; i++)
		if (pthread_create(&t[i], NULL, thread, (void *)i))
			fail((int)i, 0, "pthread_create", 0);
	go = 1;
	thread((void *)0);
	for (int i = 1; i < THREADS; i++)
		pthread_join(t[i], NULL);
	printf("@@PASS " T "\n");
	return 0;
}
