/* linux8_sem: System V semaphore sets are the whole system's, as on
 * Linux: keys and ids mean the same in processes that share nothing but
 * the set.  The program runs copies of itself (fork + execv of argv[0]:
 * nothing of the parent's memory is left in them) that:
 *   - open the parent's set by its ftok key (semget(key, 0, 0) gives the
 *     parent's id; more semaphores than the set has: EINVAL; IPC_CREAT |
 *     IPC_EXCL: EEXIST) and use it (GETVAL sees the parent's SETVAL, a
 *     semop is seen by the parent, GETPID names the copy);
 *   - use it by the id alone, given on the command line (IPC_STAT's key
 *     and sem_nsems, SETALL/GETALL);
 *   - play ping-pong, two copies on one IPC_PRIVATE set, ROUNDS rounds,
 *     each checking a counter semaphore the other moved on;
 *   - wait in semop while the parent removes the set: EIDRM (the parent
 *     removes it once GETNCNT says the copy waits);
 * and then the removed set's key is gone (ENOENT) and its id means
 * nothing (EINVAL) in a new copy; MANY sets in one process, each with its
 * own value, then removed; THREADS threads making, using and removing
 * sets of their own while moving a shared one on; a semop inside a
 * signal handler while the thread waits in another (EINTR there).  All
 * twice, the second time with the
 * free frames counted around it (no frame kept by a removed set).
 * Before, a set was a MAP_SHARED region and its key and id the process's
 * (copied by fork only): the copies found no set (ENOENT, EINVAL).
 * Checked under Linux 6.1. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/wait.h>

#define T "linux8_sem"
#include "linux_frames.h"

#define ROUNDS 300
#define MANY 300

union semun {
	int val;
	struct semid_ds *buf;
	unsigned short *array;
};

static const char *self;
static int fails;

#define CHECK(c)                                                                         \
	do {                                                                             \
		if (!(c)) {                                                              \
			printf("@@FAIL " T ": %s line %d: %s (errno %d)\n", role, __LINE__, \
			       #c, errno);                                               \
			fails++;                                                         \
		}                                                                        \
	} while (0)

static const char *role = "parent";

static int op(int id, int num, int delta)
{
	struct sembuf b = { (unsigned short)num, (short)delta, 0 };
	int r;
	while ((r = semop(id, &b, 1)) == -1 && errno == EINTR)
		;
	return r;
}

/* Run a copy of this program with its role and two numbers: its pid. */
static pid_t spawn(const char *what, long a, long b)
{
	char sa[24], sb[24];
	snprintf(sa, sizeof sa, "%ld", a);
	snprintf(sb, sizeof sb, "%ld", b);
	pid_t pid = fork();
	if (pid == 0) {
		char *args[] = { (char *)self, (char *)what, sa, sb, NULL };
		execv(self, args);
		_exit(127);
	}
	return pid;
}

/* Wait for pid: its exit status, or -1 when it did not exit. */
static int reap(pid_t pid)
{
	int st;
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

static key_t test_key(void)
{
	return ftok("/", 0x58);
}

/* The copies' parts: 0 if all went well. */
static int copy(const char *what, long a, long b)
{
	role = what;
	if (!strcmp(what, "bykey")) { /* a: the parent's id */
		key_t key = test_key();
		CHECK(semget(key, 0, 0) == a);
		CHECK(semget(key, 3, 0600) == a);
		CHECK(semget(key, 2, IPC_CREAT | 0600) == a);
		errno = 0;
		CHECK(semget(key, 4, 0) == -1 && errno == EINVAL);
		errno = 0;
		CHECK(semget(key, 3, IPC_CREAT | IPC_EXCL | 0600) == -1 && errno == EEXIST);
		int id = semget(key, 0, 0);
		CHECK(semctl(id, 0, GETVAL) == 5);
		CHECK(op(id, 1, 2) == 0);
		struct sembuf no = { 0, -6, IPC_NOWAIT };
		errno = 0;
		CHECK(semop(id, &no, 1) == -1 && errno == EAGAIN);
	} else if (!strcmp(what, "byid")) { /* a: the id, b: its key */
		int id = (int)a;
		struct semid_ds ds;
		union semun u = { .buf = &ds };
		CHECK(semctl(id, 0, IPC_STAT, u) == 0);
		CHECK(ds.sem_perm.__key == (key_t)b && ds.sem_nsems == 3);
		unsigned short v[3];
		u.array = v;
		CHECK(semctl(id, 0, GETALL, u) == 0);
		CHECK(v[0] == 5 && v[1] == 2 && v[2] == 0);
		v[2] = 7;
		CHECK(semctl(id, 0, SETALL, u) == 0);
	} else if (!strcmp(what, "ping") || !strcmp(what, "pong")) { /* a: the id */
		int id = (int)a, me = what[1] == 'i' ? 0 : 1;
		for (int r = 0; r < ROUNDS && !fails; r++) {
			CHECK(op(id, me, -1) == 0);
			/* ping moves the counter on at 2r, pong at 2r + 1 */
			CHECK(semctl(id, 2, GETVAL) == 2 * r + me);
			CHECK(op(id, 2, 1) == 0);
			CHECK(op(id, 1 - me, 1) == 0);
		}
	} else if (!strcmp(what, "waiter")) { /* a: the id */
		struct sembuf b2 = { 0, -1, 0 };
		errno = 0;
		int r = semop((int)a, &b2, 1);
		CHECK(r == -1 && errno == EIDRM);
	} else if (!strcmp(what, "gone")) { /* a: the removed id */
		errno = 0;
		CHECK(semget(test_key(), 0, 0) == -1 && errno == ENOENT);
		errno = 0;
		CHECK(semctl((int)a, 0, GETVAL) == -1 && errno == EINVAL);
	} else {
		CHECK(!"a role");
	}
	return fails ? 1 : 0;
}

/* Threads of one process: each makes, uses and removes its own sets while
 * all move a shared one on, THREAD_ROUNDS times; 0 if all went well. */
#define THREADS 4
#define THREAD_ROUNDS 100
static int shared_set;

static void *thread_main(void *arg)
{
	(void)arg;
	long bad = 0;
	for (int r = 0; r < THREAD_ROUNDS; r++) {
		int mine = semget(IPC_PRIVATE, 2, IPC_CREAT | 0600);
		union semun u = { .val = r + 1 };
		bad += mine < 0 || semctl(mine, 1, SETVAL, u) != 0 || op(mine, 1, 1) != 0 ||
		       semctl(mine, 1, GETVAL) != r + 2 || semctl(mine, 0, IPC_RMID) != 0;
		bad += op(shared_set, 0, 1) != 0;
	}
	return (void *)bad;
}

static volatile int handled;

static void on_usr1(int sig)
{
	(void)sig;
	handled = op(shared_set, 1, 1) == 0; /* a semop inside a handler */
}

static int threads_part(void)
{
	shared_set = semget(IPC_PRIVATE, 2, IPC_CREAT | 0600);
	CHECK(shared_set >= 0);
	pthread_t th[THREADS];
	for (int i = 0; i < THREADS; i++)
		CHECK(pthread_create(&th[i], NULL, thread_main, NULL) == 0);
	for (int i = 0; i < THREADS; i++) {
		void *bad = (void *)1;
		pthread_join(th[i], &bad);
		CHECK(bad == NULL);
	}
	CHECK(semctl(shared_set, 0, GETVAL) == THREADS * THREAD_ROUNDS);
	/* a handler's semop while this thread waits in one: EINTR here, the
	 * handler's done */
	signal(SIGUSR1, on_usr1);
	pid_t me = getpid(), c = fork();
	if (c == 0) {
		struct timespec nap = { 0, 2000000 };
		for (int i = 0; i < 5000 && semctl(shared_set, 1, GETNCNT) != 1; i++)
			nanosleep(&nap, NULL);
		kill(me, SIGUSR1);
		_exit(0);
	}
	struct sembuf b = { 1, -2, 0 };
	errno = 0;
	CHECK(semop(shared_set, &b, 1) == -1 && errno == EINTR);
	CHECK(handled && semctl(shared_set, 1, GETVAL) == 1);
	CHECK(reap(c) == 0);
	signal(SIGUSR1, SIG_DFL);
	CHECK(semctl(shared_set, 0, IPC_RMID) == 0);
	return fails;
}

static int run(void)
{
	key_t key = test_key();
	int old = semget(key, 0, 0);
	if (old >= 0)
		semctl(old, 0, IPC_RMID); /* left by an earlier run */

	/* by key and by id, in copies that share nothing with us */
	int id = semget(key, 3, IPC_CREAT | IPC_EXCL | 0600);
	CHECK(id >= 0);
	union semun u = { .val = 5 };
	CHECK(semctl(id, 0, SETVAL, u) == 0);
	pid_t c = spawn("bykey", id, 0);
	CHECK(reap(c) == 0);
	CHECK(semctl(id, 1, GETVAL) == 2);
	CHECK(semctl(id, 1, GETPID) == c);
	CHECK(reap(spawn("byid", id, key)) == 0);
	CHECK(semctl(id, 2, GETVAL) == 7);

	/* ping-pong between two copies on a private set */
	int pp = semget(IPC_PRIVATE, 3, IPC_CREAT | 0600);
	CHECK(pp >= 0);
	pid_t pong = spawn("pong", pp, 0), ping = spawn("ping", pp, 0);
	CHECK(op(pp, 0, 1) == 0); /* ping's turn first */
	CHECK(reap(ping) == 0 && reap(pong) == 0);
	CHECK(semctl(pp, 2, GETVAL) == 2 * ROUNDS);
	CHECK(semctl(pp, 0, IPC_RMID) == 0);

	/* removed while a copy waits in it: EIDRM there */
	u.val = 0;
	CHECK(semctl(id, 0, SETVAL, u) == 0);
	pid_t w = spawn("waiter", id, 0);
	struct timespec nap = { 0, 2000000 };
	for (int i = 0; i < 5000 && semctl(id, 0, GETNCNT) != 1; i++)
		nanosleep(&nap, NULL);
	CHECK(semctl(id, 0, GETNCNT) == 1);
	CHECK(semctl(id, 0, IPC_RMID) == 0);
	CHECK(reap(w) == 0);
	errno = 0;
	CHECK(semctl(id, 0, GETVAL) == -1 && errno == EINVAL);
	CHECK(reap(spawn("gone", id, 0)) == 0);

	/* more sets than a process keeps attached at once (here 256) */
	static int many[MANY];
	for (int i = 0; i < MANY; i++) {
		many[i] = semget(IPC_PRIVATE, 1, IPC_CREAT | 0600);
		u.val = i + 1;
		CHECK(many[i] >= 0 && semctl(many[i], 0, SETVAL, u) == 0);
	}
	for (int i = 0; i < MANY; i++)
		CHECK(semctl(many[i], 0, GETVAL) == i + 1);
	for (int i = 0; i < MANY; i++)
		CHECK(semctl(many[i], 0, IPC_RMID) == 0);
	return threads_part();
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	self = argv[0];
	if (argc > 3)
		return copy(argv[1], atol(argv[2]), atol(argv[3]));
	return run_twice_counted(run);
}
