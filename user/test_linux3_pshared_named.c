/* Named semaphores and shm_open names between unrelated processes: two
 * programs started with posix_spawn (no memory inherited from us) open
 * the same named semaphores and shared memory object by name and play
 * ping-pong; O_EXCL, ENOENT, ftruncate's size seen by the other process;
 * an unlinked semaphore and object live on while open or mapped; more than
 * 16 objects at once, each found by name by a spawned process.  Frames
 * are back at the end. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <semaphore.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define T "linux3_pshared_named"
#define ROUNDS 500
#define NOBJ 40
#define OBJ_SIZE (4 * 4096)

extern char **environ;
#include "linux3_pshared.h"

struct board {
	char hello[8];
	volatile int ball;
};

static void names(const char *base, char *sa, char *sb, char *obj)
{
	sprintf(sa, "/%s.a", base);
	sprintf(sb, "/%s.b", base);
	sprintf(obj, "/%s.obj", base);
}

/* A spawned player: 'a' serves, 'b' returns. */
static int player(char who, const char *base)
{
	char sa[64], sb[64], obj[64];
	names(base, sa, sb, obj);
	sem_t *a = sem_open(sa, 0), *b = sem_open(sb, 0);
	int fd = shm_open(obj, O_RDWR, 0);
	if (a == SEM_FAILED || b == SEM_FAILED || fd < 0)
		return 10;
	struct stat st;
	if (fstat(fd, &st) || st.st_size != OBJ_SIZE)
		return 11;
	struct board *p = mmap(NULL, OBJ_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED || strcmp(p->hello, "hello"))
		return 12;
	close(fd);
	for (int i = 0; i < ROUNDS; i++) {
		if (who == 'a') {
			if (p->ball != 2 * i)
				return 13;
			p->ball++;
			sem_post(a);
			sem_wait(b);
		} else {
			sem_wait(a);
			if (p->ball != 2 * i + 1)
				return 14;
			p->ball++;
			sem_post(b);
		}
	}
	sem_close(a);
	sem_close(b);
	munmap(p, OBJ_SIZE);
	return 0;
}

/* A spawned checker: every one of the NOBJ objects found by name. */
static int checker(const char *base)
{
	for (int i = 0; i < NOBJ; i++) {
		char n[64];
		sprintf(n, "/%s.%d", base, i);
		int fd = shm_open(n, O_RDWR, 0);
		if (fd < 0)
			return 20;
		int *v = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		close(fd);
		if (v == MAP_FAILED || *v != i)
			return 21;
		*v = i + 1000;
		munmap(v, 4096);
	}
	return 0;
}

static pid_t start(const char *self, const char *what, const char *base)
{
	char *args[] = { (char *)self, (char *)what, (char *)base, NULL };
	pid_t pid = -1;
	int e = posix_spawn(&pid, self, NULL, NULL, args, environ);
	CHECK(e == 0);
	return e ? -1 : pid;
}

static void finish(pid_t pid)
{
	int st = 0;
	CHECK(pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	if (WIFEXITED(st) && WEXITSTATUS(st))
		printf(T ": child exit %d\n", WEXITSTATUS(st));
}

static void play(const char *self, const char *base)
{
	char sa[64], sb[64], obj[64];
	names(base, sa, sb, obj);
	sem_t *a = sem_open(sa, O_CREAT | O_EXCL, 0600, 0);
	sem_t *b = sem_open(sb, O_CREAT | O_EXCL, 0600, 0);
	CHECK(a != SEM_FAILED && b != SEM_FAILED);
	errno = 0;
	CHECK(sem_open(sa, O_CREAT | O_EXCL, 0600, 0) == SEM_FAILED && errno == EEXIST);
	int fd = shm_open(obj, O_RDWR | O_CREAT | O_EXCL, 0600);
	CHECK(fd >= 0);
	errno = 0;
	CHECK(shm_open(obj, O_RDWR | O_CREAT | O_EXCL, 0600) < 0 && errno == EEXIST);
	CHECK(ftruncate(fd, OBJ_SIZE) == 0);
	struct board *p = mmap(NULL, OBJ_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(p != MAP_FAILED);
	if (fails)
		return;
	strcpy(p->hello, "hello");
	pid_t pa = start(self, "a", base), pb = start(self, "b", base);
	finish(pa);
	finish(pb);
	CHECK(p->ball == 2 * ROUNDS);
	/* unlinked: gone by name, alive while open or mapped */
	CHECK(sem_unlink(sa) == 0 && sem_unlink(sb) == 0);
	errno = 0;
	CHECK(sem_unlink(sa) == -1 && errno == ENOENT);
	errno = 0;
	CHECK(sem_open(sa, 0) == SEM_FAILED && errno == ENOENT);
	CHECK(sem_post(a) == 0 && sem_post(a) == 0 && sem_wait(a) == 0);
	int v = -1;
	CHECK(sem_getvalue(a, &v) == 0 && v == 1);
	CHECK(sem_close(a) == 0 && sem_close(b) == 0);
	CHECK(close(fd) == 0 && shm_unlink(obj) == 0);
	errno = 0;
	CHECK(shm_open(obj, O_RDWR, 0) < 0 && errno == ENOENT);
	CHECK(strcmp(p->hello, "hello") == 0);
	CHECK(munmap(p, OBJ_SIZE) == 0);
}

static void many(const char *self, const char *base)
{
	int *v[NOBJ];
	for (int i = 0; i < NOBJ; i++) {
		char n[64];
		sprintf(n, "/%s.%d", base, i);
		int fd = shm_open(n, O_RDWR | O_CREAT | O_EXCL, 0600);
		CHECK(fd >= 0);
		if (fd < 0)
			return;
		CHECK(ftruncate(fd, 4096) == 0);
		v[i] = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		CHECK(v[i] != MAP_FAILED && close(fd) == 0);
		if (v[i] == MAP_FAILED)
			return;
		*v[i] = i;
	}
	finish(start(self, "c", base));
	for (int i = 0; i < NOBJ; i++) {
		char n[64];
		sprintf(n, "/%s.%d", base, i);
		CHECK(*v[i] == i + 1000);
		CHECK(shm_unlink(n) == 0);
		CHECK(munmap(v[i], 4096) == 0);
	}
}

static const char *prog; /* argv[0]: the players are this program */

static void run(int r)
{
	char base[48];
	snprintf(base, sizeof base, "l3psh.%d.%d", (int)getpid(), r);
	play(prog, base);
	many(prog, base);
}

int main(int argc, char **argv)
{
	if (argc == 3)
		return argv[1][0] == 'c' ? checker(argv[2]) : player(argv[1][0], argv[2]);
	prog = argv[0];
	return run_twice(run);
}
