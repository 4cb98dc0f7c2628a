/* hunt2_shm_threads: shm_open, memfd_create, ftruncate, mmap, write,
 * read, close and shm_unlink from four threads of one process at once,
 * each on objects of its own.  libsys's table of open objects is shared
 * by the threads: each thread must always find its own object's bytes
 * through its own descriptor and mapping (a slot given to two threads, or
 * a table moved under a reader, shows as another object's bytes, a
 * mapping gone, or a failed call). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <unistd.h>

#define T "hunt2_shm_threads"
#define THREADS 4
#define ROUNDS 60

static volatile int go;

static void fail(int k, int r, const char *what, long x)
{
	printf("@@FAIL " T ": thread %d round %d: %s (%ld, errno %d)\n", k, r, what, x, errno);
	fflush(stdout);
	_exit(1);
}

static void *thread(void *arg)
{
	int k = (int)(intptr_t)arg;
	while (!go)
		;
	for (int r = 0; r < ROUNDS; r++) {
		char name[32];
		snprintf(name, sizeof name, "/hunt2_shmt%d", k);
		int fd = r % 3 == 2 ? memfd_create(name + 1, 0) : shm_open(name, O_CREAT | O_RDWR, 0600);
		if (fd < 0)
			fail(k, r, "open", fd);
		if (ftruncate(fd, 8192))
			fail(k, r, "ftruncate", fd);
		uint32_t v = (uint32_t)(k << 24 | r);
		if (pwrite(fd, &v, 4, 4096) != 4)
			fail(k, r, "pwrite", fd);
		uint32_t *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (m == MAP_FAILED)
			fail(k, r, "mmap", fd);
		if (m[1024] != v)
			fail(k, r, "the mapping holds another object's bytes", (long)m[1024]);
		m[0] = v + 1;
		uint32_t w = 0;
		if (pread(fd, &w, 4, 0) != 4 || w != v + 1)
			fail(k, r, "pread: another object's bytes", (long)w);
		struct stat st;
		if (fstat(fd, &st) || st.st_size != 8192)
			fail(k, r, "fstat size", (long)st.st_size);
		if (close(fd))
			fail(k, r, "close", fd);
		if (m[1024] != v) /* the mapping outlives the descriptor */
			fail(k, r, "the mapping changed after close", (long)m[1024]);
		if (munmap(m, 8192))
			fail(k, r, "munmap", 0);
		if (r % 3 != 2 && shm_unlink(name))
			fail(k, r, "shm_unlink", 0);
		int id = shmget(IPC_PRIVATE, 8192, IPC_CREAT | 0600);
		if (id < 0)
			fail(k, r, "shmget", id);
		uint32_t *a = shmat(id, NULL, 0), *b = shmat(id, NULL, 0);
		if (a == (void *)-1 || b == (void *)-1)
			fail(k, r, "shmat", id);
		if (a[5] != 0)
			fail(k, r, "a new segment not zero (another's)", (long)a[5]);
		a[5] = v;
		if (b[5] != v)
			fail(k, r, "two attachments of a segment differ", (long)b[5]);
		if (shmdt(a) || shmctl(id, IPC_RMID, NULL) || b[5] != v || shmdt(b))
			fail(k, r, "shmdt/shmctl", id);
	}
	return NULL;
}

int main(void)
{
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
