/* Shared memory between processes as a systems course uses it, as an
 * ordinary Linux program (checked under Linux 6.1: make linux-check
 * PROG=user/test_linux11_shm.c):
 *   linux11_shm_pshared  a MAP_SHARED|MAP_ANONYMOUS page holds a
 *                        process-shared mutex and condition variable and
 *                        a counter; 3 forked children and the parent each
 *                        add 1000 under the mutex; a producer/consumer
 *                        hand-off of 200 items through one slot with the
 *                        condvar; the sum is exact
 *   linux11_shm_posix    shm_open(O_CREAT|O_EXCL)/ftruncate/mmap in the
 *                        parent, a child opens the same name (no O_CREAT),
 *                        maps it with an offset of one page and writes;
 *                        fstat's st_size; shm_unlink: the name is gone
 *                        (ENOENT) but the mapping stays; O_EXCL on a
 *                        name that exists EEXIST
 *   linux11_shm_sysv     shmget(IPC_PRIVATE)/shmat in parent and child see
 *                        the same bytes; shm_nattch counts attachments;
 *                        IPC_RMID while attached keeps the segment usable
 *                        until the last shmdt; shmat of a removed id EINVAL;
 *                        SHM_RDONLY attachment faults on a store and
 *                        cannot be made writable (mprotect EACCES); a key's
 *                        IPC_CREAT|IPC_EXCL twice EEXIST
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
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
#define CHECK(c) do { if (!(c)) { printf("@@FAIL %s: line %d: %s (errno %d)\n", part, __LINE__, \
	#c, errno); fails++; fflush(stdout); } } while (0)

struct shared {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	long counter;
	int full, item, done;
	long consumed;
};

static int wait_ok(pid_t pid)
{
	int st = 0;
	return waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

static void pshared(void)
{
	int f = fails;
	part = "linux11_shm_pshared";
	struct shared *s = mmap(NULL, sizeof *s, PROT_READ | PROT_WRITE,
				MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(s != MAP_FAILED);
	pthread_mutexattr_t ma;
	pthread_condattr_t ca;
	pthread_mutexattr_init(&ma);
	CHECK(pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED) == 0);
	pthread_condattr_init(&ca);
	CHECK(pthread_condattr_setpshared(&ca, PTHREAD_PROCESS_SHARED) == 0);
	CHECK(pthread_mutex_init(&s->mu, &ma) == 0);
	CHECK(pthread_cond_init(&s->cv, &ca) == 0);
	int ps = 0;
	CHECK(pthread_mutexattr_getpshared(&ma, &ps) == 0 && ps == PTHREAD_PROCESS_SHARED);

	pid_t kids[3];
	for (int k = 0; k < 3; k++) {
		kids[k] = fork();
		if (kids[k] == 0) {
			for (int i = 0; i < 1000; i++) {
				pthread_mutex_lock(&s->mu);
				long v = s->counter;
				if (i % 100 == 0)
					sched_yield();
				s->counter = v + 1;
				pthread_mutex_unlock(&s->mu);
			}
			_exit(0);
		}
	}
	for (int i = 0; i < 1000; i++) {
		pthread_mutex_lock(&s->mu);
		s->counter++;
		pthread_mutex_unlock(&s->mu);
	}
	for (int k = 0; k < 3; k++)
		CHECK(wait_ok(kids[k]));
	CHECK(s->counter == 4000);

	/* producer (child) / consumer (parent) through one slot */
	pid_t prod = fork();
	if (prod == 0) {
		for (int i = 1; i <= 200; i++) {
			pthread_mutex_lock(&s->mu);
			while (s->full)
				pthread_cond_wait(&s->cv, &s->mu);
			s->item = i;
			s->full = 1;
			pthread_cond_broadcast(&s->cv);
			pthread_mutex_unlock(&s->mu);
		}
		pthread_mutex_lock(&s->mu);
		while (s->full)
			pthread_cond_wait(&s->cv, &s->mu);
		s->done = 1;
		pthread_cond_broadcast(&s->cv);
		pthread_mutex_unlock(&s->mu);
		_exit(0);
	}
	long sum = 0;
	int got = 0;
	pthread_mutex_lock(&s->mu);
	for (;;) {
		while (!s->full && !s->done)
			pthread_cond_wait(&s->cv, &s->mu);
		if (s->full) {
			sum += s->item;
			got++;
			s->full = 0;
			pthread_cond_broadcast(&s->cv);
		} else {
			break;
		}
	}
	pthread_mutex_unlock(&s->mu);
	CHECK(wait_ok(prod));
	CHECK(got == 200 && sum == 200 * 201 / 2);
	CHECK(pthread_cond_destroy(&s->cv) == 0);
	CHECK(pthread_mutex_destroy(&s->mu) == 0);
	munmap(s, sizeof *s);
	if (fails == f)
		printf("@@PASS %s\n", part);
}

static void posix(void)
{
	int f = fails;
	part = "linux11_shm_posix";
	long pg = sysconf(_SC_PAGESIZE);
	char name[64];
	snprintf(name, sizeof name, "/linux11-shm-%d", (int)getpid());
	shm_unlink(name);
	int fd = shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600);
	CHECK(fd >= 0);
	errno = 0;
	CHECK(shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600) == -1 && errno == EEXIST);
	CHECK(ftruncate(fd, 3 * pg) == 0);
	struct stat st;
	CHECK(fstat(fd, &st) == 0 && st.st_size == 3 * pg);
	char *p = mmap(NULL, 3 * pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(p != MAP_FAILED);
	CHECK(p[0] == 0 && p[3 * pg - 1] == 0);
	strcpy(p, "from parent");
	pid_t pid = fork();
	if (pid == 0) {
		int cfd = shm_open(name, O_RDWR, 0);
		if (cfd < 0)
			_exit(1);
		char *c = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_SHARED, cfd, pg);
		if (c == MAP_FAILED)
			_exit(2);
		close(cfd);
		strcpy(c + pg, "from child"); /* the object's third page */
		char *whole = mmap(NULL, pg, PROT_READ, MAP_SHARED, (cfd = shm_open(name, O_RDONLY, 0)), 0);
		if (whole == MAP_FAILED || strcmp(whole, "from parent"))
			_exit(3);
		_exit(0);
	}
	CHECK(wait_ok(pid));
	CHECK(strcmp(p + 2 * pg, "from child") == 0);
	CHECK(shm_unlink(name) == 0);
	errno = 0;
	CHECK(shm_open(name, O_RDWR, 0) == -1 && errno == ENOENT);
	errno = 0;
	CHECK(shm_unlink(name) == -1 && errno == ENOENT);
	CHECK(strcmp(p, "from parent") == 0); /* still mapped */
	p[10] = '!';
	close(fd);
	CHECK(p[10] == '!');
	munmap(p, 3 * pg);
	if (fails == f)
		printf("@@PASS %s\n", part);
}

static sigjmp_buf env;
static void on_segv(int sig)
{
	(void)sig;
	siglongjmp(env, 1);
}

static void sysv(void)
{
	int f = fails;
	part = "linux11_shm_sysv";
	int id = shmget(IPC_PRIVATE, 10000, IPC_CREAT | 0600);
	CHECK(id >= 0);
	struct shmid_ds ds;
	CHECK(shmctl(id, IPC_STAT, &ds) == 0 && ds.shm_segsz == 10000 && ds.shm_nattch == 0);
	char *a = shmat(id, NULL, 0);
	CHECK(a != (void *)-1);
	CHECK(a[0] == 0 && a[9999] == 0);
	strcpy(a, "sysv");
	CHECK(shmctl(id, IPC_STAT, &ds) == 0 && ds.shm_nattch == 1);
	char *b = shmat(id, NULL, 0);
	CHECK(b != (void *)-1 && b != a && strcmp(b, "sysv") == 0);
	CHECK(shmctl(id, IPC_STAT, &ds) == 0 && ds.shm_nattch == 2);
	int go[2], back[2];
	CHECK(pipe(go) == 0 && pipe(back) == 0);
	pid_t pid = fork();
	if (pid == 0) {
		char c;
		/* the child inherits both attachments */
		struct shmid_ds cds;
		if (shmctl(id, IPC_STAT, &cds) || cds.shm_nattch != 4)
			_exit(1);
		strcpy(a + 5000, "child");
		if (write(back[1], "x", 1) != 1 || read(go[0], &c, 1) != 1)
			_exit(2);
		/* removed by the parent: still attached, still usable */
		if (strcmp(a, "after rmid"))
			_exit(3);
		shmdt(a);
		shmdt(b);
		_exit(0);
	}
	char c;
	CHECK(read(back[0], &c, 1) == 1);
	CHECK(strcmp(b + 5000, "child") == 0);
	CHECK(shmctl(id, IPC_RMID, NULL) == 0);
	strcpy(a, "after rmid");
	CHECK(shmctl(id, IPC_STAT, &ds) == 0 && (ds.shm_perm.mode & SHM_DEST));
	CHECK(write(go[1], "x", 1) == 1);
	CHECK(wait_ok(pid));
	CHECK(shmctl(id, IPC_STAT, &ds) == 0 && ds.shm_nattch == 2);
	CHECK(shmdt(a) == 0);
	errno = 0;
	CHECK(shmdt(a) == -1 && errno == EINVAL);
	CHECK(strcmp(b, "after rmid") == 0);
	CHECK(shmdt(b) == 0);
	errno = 0;
	CHECK(shmat(id, NULL, 0) == (void *)-1 && (errno == EINVAL || errno == EIDRM));
	errno = 0;
	CHECK(shmctl(id, IPC_STAT, &ds) == -1 && (errno == EINVAL || errno == EIDRM));

	/* a read-only attachment */
	key_t key = 0x4c313100 + (getpid() & 0xff);
	int k = shmget(key, 4096, IPC_CREAT | IPC_EXCL | 0600);
	CHECK(k >= 0);
	errno = 0;
	CHECK(shmget(key, 4096, IPC_CREAT | IPC_EXCL | 0600) == -1 && errno == EEXIST);
	CHECK(shmget(key, 0, 0) == k);
	char *w = shmat(k, NULL, 0);
	strcpy(w, "rw");
	char *r = shmat(k, NULL, SHM_RDONLY);
	CHECK(r != (void *)-1 && strcmp(r, "rw") == 0);
	signal(SIGSEGV, on_segv);
	volatile int faulted = 0;
	if (sigsetjmp(env, 1) == 0)
		r[0] = 'x';
	else
		faulted = 1;
	signal(SIGSEGV, SIG_DFL);
	CHECK(faulted && w[0] == 'r');
	errno = 0;
	CHECK(mprotect(r, 4096, PROT_READ | PROT_WRITE) == -1 && errno == EACCES);
	CHECK(shmdt(r) == 0 && shmdt(w) == 0);
	CHECK(shmctl(k, IPC_RMID, NULL) == 0);
	errno = 0;
	CHECK(shmget(key, 0, 0) == -1 && errno == ENOENT);
	if (fails == f)
		printf("@@PASS %s\n", part);
}

int main(void)
{
	pshared();
	posix();
	sysv();
	return fails != 0;
}
