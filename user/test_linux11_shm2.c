/* Shared memory between unrelated images, as an ordinary Linux program
 * (checked under Linux 6.1: make linux-check PROG=user/test_linux11_shm2.c).
 * It runs copies of itself (argv[0] with arguments) as the other side.
 *   linux11_shm2_sysv    a System V segment made by key in the parent is
 *                        found by key in an exec'd copy, which writes it;
 *                        shm_cpid is the maker, shm_lpid the last to
 *                        attach or detach; shmat at a chosen address
 *                        (SHM_RND rounds it, unaligned without it EINVAL);
 *                        IPC_SET changes the mode; a segment a child made
 *                        and left outlives the child; IPC_RMID frees the key
 *   linux11_shm2_posix   shm_open'd object and a named semaphore used by an
 *                        exec'd copy: it waits on the semaphore, reads what
 *                        the parent wrote, answers; O_TRUNC empties the
 *                        object; shrinking it makes the cut pages SIGBUS
 *   linux11_shm2_sem     an unnamed process-shared semaphore pair in
 *                        MAP_SHARED memory: parent and child take turns 200
 *                        times, in order; sem_getvalue; sem_trywait EAGAIN
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <semaphore.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *part;
static int fails;
static char *self;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL %s: line %d: %s (errno %d)\n", part, __LINE__, \
	#c, errno); fails++; fflush(stdout); } } while (0)

static char shm_name[64], sem_name[64];

static int copy_main(int argc, char **argv)
{
	if (!strcmp(argv[1], "sysv") && argc > 2) {
		key_t key = (key_t)strtol(argv[2], NULL, 0);
		int id = shmget(key, 0, 0);
		if (id < 0)
			return 1;
		char *p = shmat(id, NULL, 0);
		if (p == (void *)-1)
			return 2;
		if (strcmp(p, "parent wrote"))
			return 3;
		strcpy(p + 100, "exec'd copy wrote");
		return shmdt(p) ? 4 : 0;
	}
	if (!strcmp(argv[1], "leave") && argc > 2) { /* make a segment and go */
		key_t key = (key_t)strtol(argv[2], NULL, 0);
		int id = shmget(key, 8192, IPC_CREAT | IPC_EXCL | 0600);
		if (id < 0)
			return 1;
		char *p = shmat(id, NULL, 0);
		if (p == (void *)-1)
			return 2;
		strcpy(p, "left behind");
		return 0; /* exit detaches */
	}
	if (!strcmp(argv[1], "posix") && argc > 3) {
		int fd = shm_open(argv[2], O_RDWR, 0);
		sem_t *s = sem_open(argv[3], 0);
		if (fd < 0 || s == SEM_FAILED)
			return 1;
		char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (p == MAP_FAILED)
			return 2;
		if (sem_wait(s))
			return 3;
		if (strcmp(p, "go"))
			return 4;
		strcpy(p, "done");
		sem_post(s);
		sem_close(s);
		return 0;
	}
	return 99;
}

static int run_copy(char *const argv[])
{
	pid_t pid = fork();
	if (pid == 0) {
		execv(self, argv);
		_exit(127);
	}
	int st = -1;
	if (waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 200 + WTERMSIG(st);
}

static void sysv(void)
{
	int f = fails;
	part = "linux11_shm2_sysv";
	key_t key = 0x4c320000 + (getpid() & 0xfff);
	char ks[32];
	snprintf(ks, sizeof ks, "%d", (int)key);
	int id = shmget(key, 4096, IPC_CREAT | IPC_EXCL | 0640);
	CHECK(id >= 0);
	char *p = shmat(id, NULL, 0);
	CHECK(p != (void *)-1);
	strcpy(p, "parent wrote");
	struct shmid_ds ds;
	CHECK(shmctl(id, IPC_STAT, &ds) == 0 && ds.shm_cpid == getpid() &&
	      ds.shm_lpid == getpid() && (ds.shm_perm.mode & 0777) == 0640);
	char *argv[] = { self, "sysv", ks, NULL };
	CHECK(run_copy(argv) == 0);
	CHECK(strcmp(p + 100, "exec'd copy wrote") == 0);
	CHECK(shmctl(id, IPC_STAT, &ds) == 0 && ds.shm_nattch == 1 && ds.shm_lpid != getpid());
	ds.shm_perm.mode = 0600;
	CHECK(shmctl(id, IPC_SET, &ds) == 0);
	CHECK(shmctl(id, IPC_STAT, &ds) == 0 && (ds.shm_perm.mode & 0777) == 0600);

	/* at a chosen address */
	char *spot = mmap(NULL, 8 * 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(spot != MAP_FAILED);
	munmap(spot, 8 * 4096);
	errno = 0;
	CHECK(shmat(id, spot + 4096 + 100, 0) == (void *)-1 && errno == EINVAL);
	char *q = shmat(id, spot + 4096 + 100, SHM_RND);
	CHECK(q == spot + 4096);
	if (q != (void *)-1) {
		CHECK(strcmp(q, "parent wrote") == 0);
		CHECK(shmdt(q) == 0);
	}
	CHECK(shmdt(p) == 0);
	CHECK(shmctl(id, IPC_RMID, NULL) == 0);
	errno = 0;
	CHECK(shmget(key, 0, 0) == -1 && errno == ENOENT);

	/* made by a child that ended: still there */
	char *argv2[] = { self, "leave", ks, NULL };
	CHECK(run_copy(argv2) == 0);
	int id2 = shmget(key, 0, 0);
	CHECK(id2 >= 0);
	if (id2 >= 0) {
		CHECK(shmctl(id2, IPC_STAT, &ds) == 0 && ds.shm_nattch == 0 && ds.shm_segsz == 8192);
		char *r = shmat(id2, NULL, SHM_RDONLY);
		CHECK(r != (void *)-1 && strcmp(r, "left behind") == 0);
		if (r != (void *)-1)
			shmdt(r);
		CHECK(shmctl(id2, IPC_RMID, NULL) == 0);
	}
	if (fails == f)
		printf("@@PASS %s\n", part);
}

static sigjmp_buf env;
static volatile int bus_seen;
static void on_bus(int sig)
{
	(void)sig;
	bus_seen = 1;
	siglongjmp(env, 1);
}

static void posix(void)
{
	int f = fails;
	part = "linux11_shm2_posix";
	snprintf(shm_name, sizeof shm_name, "/l11shm2-%d", (int)getpid());
	snprintf(sem_name, sizeof sem_name, "/l11sem2-%d", (int)getpid());
	int fd = shm_open(shm_name, O_CREAT | O_EXCL | O_RDWR, 0600);
	CHECK(fd >= 0);
	CHECK(ftruncate(fd, 4 * 4096) == 0);
	sem_t *s = sem_open(sem_name, O_CREAT | O_EXCL, 0600, 0);
	CHECK(s != SEM_FAILED);
	char *p = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(p != MAP_FAILED);
	strcpy(p, "go");
	CHECK(sem_post(s) == 0);
	pid_t pid = fork();
	if (pid == 0) {
		execl(self, self, "posix", shm_name, sem_name, (char *)NULL);
		_exit(127);
	}
	int st = -1;
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK(strcmp(p, "done") == 0);
	int v = -1;
	CHECK(sem_getvalue(s, &v) == 0 && v == 1);
	CHECK(sem_close(s) == 0 && sem_unlink(sem_name) == 0);
	errno = 0;
	CHECK(sem_open(sem_name, 0) == SEM_FAILED && errno == ENOENT);

	/* O_TRUNC empties it; shrinking cuts pages off (SIGBUS) */
	p[3 * 4096] = 'x';
	int fd2 = shm_open(shm_name, O_RDWR | O_TRUNC, 0);
	CHECK(fd2 >= 0);
	struct stat sb;
	CHECK(fstat(fd, &sb) == 0 && sb.st_size == 0);
	CHECK(ftruncate(fd2, 2 * 4096) == 0);
	CHECK(p[0] == 0);
	signal(SIGBUS, on_bus);
	if (sigsetjmp(env, 1) == 0)
		(void)*(volatile char *)(p + 3 * 4096);
	CHECK(bus_seen);
	signal(SIGBUS, SIG_DFL);
	close(fd2);
	close(fd);
	munmap(p, 4 * 4096);
	CHECK(shm_unlink(shm_name) == 0);
	if (fails == f)
		printf("@@PASS %s\n", part);
}

struct pingpong {
	sem_t ping, pong;
	int turn[400];
	int n;
};

static void sem_part(void)
{
	int f = fails;
	part = "linux11_shm2_sem";
	struct pingpong *pp = mmap(NULL, sizeof *pp, PROT_READ | PROT_WRITE,
				   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(pp != MAP_FAILED);
	CHECK(sem_init(&pp->ping, 1, 0) == 0 && sem_init(&pp->pong, 1, 0) == 0);
	errno = 0;
	CHECK(sem_trywait(&pp->ping) == -1 && errno == EAGAIN);
	pid_t pid = fork();
	if (pid == 0) {
		for (int i = 0; i < 200; i++) {
			while (sem_wait(&pp->ping))
				;
			pp->turn[pp->n++] = 2;
			sem_post(&pp->pong);
		}
		_exit(0);
	}
	for (int i = 0; i < 200; i++) {
		pp->turn[pp->n++] = 1;
		sem_post(&pp->ping);
		while (sem_wait(&pp->pong))
			;
	}
	int st = -1;
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	int ordered = pp->n == 400;
	for (int i = 0; i < pp->n; i++)
		ordered &= pp->turn[i] == 1 + (i & 1);
	CHECK(ordered);
	int v = -1;
	CHECK(sem_getvalue(&pp->ping, &v) == 0 && v == 0);
	CHECK(sem_destroy(&pp->ping) == 0 && sem_destroy(&pp->pong) == 0);
	munmap(pp, sizeof *pp);
	if (fails == f)
		printf("@@PASS %s\n", part);
}

int main(int argc, char **argv)
{
	if (argc > 1)
		return copy_main(argc, argv);
	self = argv[0];
	setvbuf(stdout, NULL, _IONBF, 0);
	sysv();
	posix();
	sem_part();
	return fails != 0;
}
