/* Robust mutexes as Linux programs use them (a plain Linux program,
 * checked under Linux with make linux-check):
 *  - the attribute: PTHREAD_MUTEX_STALLED by default, ROBUST set and read
 *    back, other values EINVAL;
 *  - a thread that returns or calls pthread_exit holding a private robust
 *    mutex: the next locker (lock, trylock, timedlock, and one already
 *    asleep in lock) gets it with EOWNERDEAD; pthread_mutex_consistent
 *    makes it usable again; unlocked without it, the mutex is not
 *    recoverable (ENOTRECOVERABLE for every locker, the sleepers woken);
 *  - with the types: a recursive one held three times by the dead thread
 *    is held once by the heir; errorcheck's EDEADLK, an unlock by another
 *    thread EPERM (trylock by the holder EDEADLK, as glibc), trylock
 *    EBUSY and timedlock ETIMEDOUT while another holds it;
 *  - pthread_cond_wait gives the mutex back (0), or EOWNERDEAD if the
 *    signaller ended holding it;
 *  - process-shared ones in MAP_SHARED memory: a child SIGKILLed holding
 *    one while the parent sleeps in pthread_mutex_lock (the parent wakes
 *    with EOWNERDEAD), a child that exit()s holding one in shm_open
 *    memory, a child killed by a fault holding one in System V shared
 *    memory, an heir that dies again before consistent (EOWNERDEAD
 *    once more), and a child SIGKILLed while its main thread holds one
 *    and a second thread another. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define T "linux6_robust"

static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL " T ": line %d: %s (errno %d)\n", __LINE__, #c, errno); fails++; } } while (0)
#define EQ(a, b) do { long a_ = (a), b_ = (b); if (a_ != b_) { printf("@@FAIL " T ": line %d: %s = %ld, not %ld\n", __LINE__, #a, a_, b_); fails++; } } while (0)

static void init_robust(pthread_mutex_t *m, int type, int pshared)
{
	pthread_mutexattr_t a;
	EQ(pthread_mutexattr_init(&a), 0);
	EQ(pthread_mutexattr_settype(&a, type), 0);
	EQ(pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST), 0);
	EQ(pthread_mutexattr_setpshared(&a, pshared), 0);
	EQ(pthread_mutex_init(m, &a), 0);
	pthread_mutexattr_destroy(&a);
}

static void attr(void)
{
	pthread_mutexattr_t a;
	int r = -1;
	EQ(pthread_mutexattr_init(&a), 0);
	EQ(pthread_mutexattr_getrobust(&a, &r), 0);
	EQ(r, PTHREAD_MUTEX_STALLED);
	EQ(pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST), 0);
	EQ(pthread_mutexattr_getrobust(&a, &r), 0);
	EQ(r, PTHREAD_MUTEX_ROBUST);
	EQ(pthread_mutexattr_setrobust(&a, 7), EINVAL);
	EQ(pthread_mutexattr_getrobust(&a, &r), 0);
	EQ(r, PTHREAD_MUTEX_ROBUST);
	pthread_mutexattr_destroy(&a);
}

/* ---- threads of this process ---- */

struct die {
	pthread_mutex_t *m;
	int times;   /* locks taken */
	int how;     /* 0 return, 1 pthread_exit */
	int hold;    /* held until released (then the caller locks meanwhile) */
	volatile int locked, released;
};

static void *die_holding(void *p)
{
	struct die *d = p;
	for (int i = 0; i < d->times; i++)
		EQ(pthread_mutex_lock(d->m), 0);
	__atomic_store_n(&d->locked, 1, __ATOMIC_SEQ_CST);
	while (d->hold && !__atomic_load_n(&d->released, __ATOMIC_SEQ_CST))
		usleep(1000);
	if (d->how)
		pthread_exit(NULL);
	return NULL;
}

/* A thread takes m times times and ends holding it; joined unless hold
 * (then it ends once d->released is set, and the caller locks meanwhile). */
static pthread_t dies(struct die *d, pthread_mutex_t *m, int times, int how, int hold)
{
	pthread_t t;
	*d = (struct die){ m, times, how, hold, 0, 0 };
	EQ(pthread_create(&t, NULL, die_holding, d), 0);
	if (!hold)
		EQ(pthread_join(t, NULL), 0);
	else
		while (!__atomic_load_n(&d->locked, __ATOMIC_SEQ_CST))
			usleep(1000);
	return t;
}

static void abs_in(struct timespec *ts, long ms)
{
	clock_gettime(CLOCK_REALTIME, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (ms % 1000) * 1000000;
	if (ts->tv_nsec >= 1000000000) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000;
	}
}

static void thread_dies(void)
{
	pthread_mutex_t m;
	struct die d;
	struct timespec ts;
	init_robust(&m, PTHREAD_MUTEX_NORMAL, PTHREAD_PROCESS_PRIVATE);
	/* returned holding it: lock says EOWNERDEAD, we hold it */
	dies(&d, &m, 1, 0, 0);
	EQ(pthread_mutex_lock(&m), EOWNERDEAD);
	EQ(pthread_mutex_consistent(&m), 0);
	EQ(pthread_mutex_consistent(&m), EINVAL); /* consistent already */
	EQ(pthread_mutex_unlock(&m), 0);
	EQ(pthread_mutex_lock(&m), 0);
	EQ(pthread_mutex_unlock(&m), 0);
	/* pthread_exit holding it: trylock, then timedlock */
	dies(&d, &m, 1, 1, 0);
	EQ(pthread_mutex_trylock(&m), EOWNERDEAD);
	EQ(pthread_mutex_consistent(&m), 0);
	EQ(pthread_mutex_unlock(&m), 0);
	dies(&d, &m, 1, 1, 0);
	abs_in(&ts, 1000);
	EQ(pthread_mutex_timedlock(&m, &ts), EOWNERDEAD);
	EQ(pthread_mutex_consistent(&m), 0);
	EQ(pthread_mutex_unlock(&m), 0);
	/* held: trylock EBUSY, timedlock ETIMEDOUT; then we sleep in lock
	 * while it ends holding it and wake with EOWNERDEAD */
	pthread_t t = dies(&d, &m, 1, 1, 1);
	EQ(pthread_mutex_trylock(&m), EBUSY);
	abs_in(&ts, 20);
	EQ(pthread_mutex_timedlock(&m, &ts), ETIMEDOUT);
	EQ(pthread_mutex_unlock(&m), EPERM); /* not ours */
	__atomic_store_n(&d.released, 1, __ATOMIC_SEQ_CST); /* it ends while we sleep */
	EQ(pthread_mutex_lock(&m), EOWNERDEAD);
	EQ(pthread_join(t, NULL), 0);
	EQ(pthread_mutex_consistent(&m), 0);
	EQ(pthread_mutex_unlock(&m), 0);
	EQ(pthread_mutex_destroy(&m), 0);
}

static void *lock_expect(void *p)
{
	return (void *)(long)pthread_mutex_lock(p);
}

static void not_recoverable(void)
{
	pthread_mutex_t m;
	struct die d;
	init_robust(&m, PTHREAD_MUTEX_NORMAL, PTHREAD_PROCESS_PRIVATE);
	pthread_t t = dies(&d, &m, 1, 0, 1);
	__atomic_store_n(&d.released, 1, __ATOMIC_SEQ_CST);
	EQ(pthread_mutex_lock(&m), EOWNERDEAD);
	EQ(pthread_join(t, NULL), 0);
	pthread_t w; /* asleep in lock (most likely) while we hold it inconsistent */
	EQ(pthread_create(&w, NULL, lock_expect, &m), 0);
	usleep(50 * 1000);
	EQ(pthread_mutex_unlock(&m), 0); /* not made consistent: w gets ENOTRECOVERABLE */
	void *r;
	EQ(pthread_join(w, &r), 0);
	EQ((long)r, ENOTRECOVERABLE);
	EQ(pthread_mutex_lock(&m), ENOTRECOVERABLE);
	EQ(pthread_mutex_trylock(&m), ENOTRECOVERABLE);
	EQ(pthread_mutex_consistent(&m), EINVAL);
	EQ(pthread_mutex_destroy(&m), 0);
}

static void *unlock_other(void *p)
{
	return (void *)(long)pthread_mutex_unlock(p);
}

static void types(void)
{
	pthread_mutex_t m;
	struct die d;
	void *r;
	/* recursive: held three times by the dead thread, once by its heir */
	init_robust(&m, PTHREAD_MUTEX_RECURSIVE, PTHREAD_PROCESS_PRIVATE);
	dies(&d, &m, 3, 1, 0);
	EQ(pthread_mutex_lock(&m), EOWNERDEAD);
	EQ(pthread_mutex_consistent(&m), 0);
	EQ(pthread_mutex_lock(&m), 0);   /* twice now */
	EQ(pthread_mutex_trylock(&m), 0); /* three times */
	EQ(pthread_mutex_unlock(&m), 0);
	EQ(pthread_mutex_unlock(&m), 0);
	EQ(pthread_mutex_unlock(&m), 0);
	EQ(pthread_mutex_unlock(&m), EPERM); /* free now */
	pthread_t t;
	dies(&d, &m, 1, 0, 0); /* and it works again */
	EQ(pthread_mutex_lock(&m), EOWNERDEAD);
	EQ(pthread_mutex_consistent(&m), 0);
	EQ(pthread_create(&t, NULL, unlock_other, &m), 0);
	EQ(pthread_join(t, &r), 0);
	EQ((long)r, EPERM);
	EQ(pthread_mutex_unlock(&m), 0);
	EQ(pthread_mutex_destroy(&m), 0);
	/* errorcheck */
	init_robust(&m, PTHREAD_MUTEX_ERRORCHECK, PTHREAD_PROCESS_PRIVATE);
	EQ(pthread_mutex_lock(&m), 0);
	EQ(pthread_mutex_lock(&m), EDEADLK);
	EQ(pthread_mutex_trylock(&m), EDEADLK); /* (glibc's answer) */
	EQ(pthread_create(&t, NULL, unlock_other, &m), 0);
	EQ(pthread_join(t, &r), 0);
	EQ((long)r, EPERM);
	EQ(pthread_mutex_unlock(&m), 0);
	EQ(pthread_mutex_unlock(&m), EPERM);
	dies(&d, &m, 1, 0, 0);
	EQ(pthread_mutex_lock(&m), EOWNERDEAD);
	EQ(pthread_mutex_lock(&m), EDEADLK); /* ours, inconsistent or not */
	EQ(pthread_mutex_consistent(&m), 0);
	EQ(pthread_mutex_unlock(&m), 0);
	EQ(pthread_mutex_destroy(&m), 0);
}

/* pthread_cond_wait on a robust mutex: a signaller that unlocks gives
 * it back (0); one that ends holding it makes the wait EOWNERDEAD. */
struct cw {
	pthread_mutex_t m;
	pthread_cond_t c;
	int flag, unlock;
};

static void *signaller(void *p)
{
	struct cw *w = p;
	EQ(pthread_mutex_lock(&w->m), 0);
	w->flag = 1;
	EQ(pthread_cond_signal(&w->c), 0);
	if (w->unlock)
		EQ(pthread_mutex_unlock(&w->m), 0);
	return NULL;
}

static void cond_wait(void)
{
	struct cw w;
	pthread_t t;
	init_robust(&w.m, PTHREAD_MUTEX_NORMAL, PTHREAD_PROCESS_PRIVATE);
	EQ(pthread_cond_init(&w.c, NULL), 0);
	for (int unlock = 1; unlock >= 0; unlock--) {
		w.flag = 0;
		w.unlock = unlock;
		EQ(pthread_mutex_lock(&w.m), 0);
		EQ(pthread_create(&t, NULL, signaller, &w), 0);
		int r = 0;
		while (!w.flag && r == 0)
			r = pthread_cond_wait(&w.c, &w.m);
		EQ(r, unlock ? 0 : EOWNERDEAD);
		CHECK(w.flag);
		if (r == EOWNERDEAD)
			EQ(pthread_mutex_consistent(&w.m), 0);
		EQ(pthread_mutex_unlock(&w.m), 0);
		EQ(pthread_join(t, NULL), 0);
	}
	pthread_cond_destroy(&w.c);
	EQ(pthread_mutex_destroy(&w.m), 0);
}

/* ---- processes ---- */

static void reap(pid_t c, int sig)
{
	int st = 0;
	EQ(waitpid(c, &st, 0), c);
	if (sig) {
		CHECK(WIFSIGNALED(st));
		EQ(WTERMSIG(st), sig);
	} else {
		CHECK(WIFEXITED(st));
		EQ(WEXITSTATUS(st), 0);
	}
}

/* A child locks m (a process-shared robust mutex in shared memory), says
 * so through a pipe, and ends as how says: 0 exit(0), 1 SIGKILL to
 * itself after hold_ms, 2 a fault (SIGSEGV). */
static pid_t child_holds(pthread_mutex_t *m, int how, int hold_ms, int expect)
{
	int p[2];
	CHECK(pipe(p) == 0);
	pid_t c = fork();
	if (c == 0) {
		int e = pthread_mutex_lock(m);
		char ok = e == expect ? 'y' : 'n';
		if (write(p[1], &ok, 1) != 1)
			_exit(3);
		if (hold_ms)
			usleep(hold_ms * 1000);
		if (how == 1)
			kill(getpid(), SIGKILL);
		if (how == 2) {
			volatile int *volatile nowhere = NULL;
			*nowhere = 1;
		}
		exit(0);
	}
	char ok = 0;
	EQ(read(p[0], &ok, 1), 1);
	EQ(ok, 'y');
	close(p[0]);
	close(p[1]);
	return c;
}

/* A child whose second thread (not its main one) holds m when the
 * child is SIGKILLed; its main thread holds m2 too. */
static int kid_pipe;
static void *kid_locks(void *p)
{
	if (pthread_mutex_lock(p) != 0 || write(kid_pipe, "y", 1) != 1)
		_exit(3);
	for (;;)
		pause();
}

static void thread_of_child(pthread_mutex_t *m, pthread_mutex_t *m2)
{
	int p[2];
	CHECK(pipe(p) == 0);
	pid_t c = fork();
	if (c == 0) {
		pthread_t t;
		kid_pipe = p[1];
		if (pthread_mutex_lock(m2) != 0 || pthread_create(&t, NULL, kid_locks, m))
			_exit(3);
		for (;;)
			pause();
	}
	char ok = 0;
	EQ(read(p[0], &ok, 1), 1);
	EQ(pthread_mutex_trylock(m), EBUSY);
	EQ(pthread_mutex_trylock(m2), EBUSY);
	EQ(kill(c, SIGKILL), 0);
	reap(c, SIGKILL);
	EQ(pthread_mutex_lock(m), EOWNERDEAD);
	EQ(pthread_mutex_lock(m2), EOWNERDEAD);
	EQ(pthread_mutex_consistent(m), 0);
	EQ(pthread_mutex_consistent(m2), 0);
	EQ(pthread_mutex_unlock(m), 0);
	EQ(pthread_mutex_unlock(m2), 0);
	close(p[0]);
	close(p[1]);
}

static void shared_anon(void)
{
	pthread_mutex_t *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
				  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(m != MAP_FAILED);
	init_robust(m, PTHREAD_MUTEX_NORMAL, PTHREAD_PROCESS_SHARED);
	/* killed while we sleep in pthread_mutex_lock */
	pid_t c = child_holds(m, 1, 300, 0);
	EQ(pthread_mutex_lock(m), EOWNERDEAD);
	reap(c, SIGKILL);
	EQ(pthread_mutex_consistent(m), 0);
	EQ(pthread_mutex_unlock(m), 0);
	/* an heir that dies again before consistent: EOWNERDEAD again */
	c = child_holds(m, 0, 0, 0);
	reap(c, 0);
	c = child_holds(m, 1, 0, EOWNERDEAD);
	reap(c, SIGKILL);
	EQ(pthread_mutex_trylock(m), EOWNERDEAD);
	EQ(pthread_mutex_consistent(m), 0);
	EQ(pthread_mutex_unlock(m), 0);
	/* a child that takes it while we hold it: no owner died */
	EQ(pthread_mutex_lock(m), 0);
	c = fork();
	if (c == 0)
		_exit(pthread_mutex_lock(m) == 0 && pthread_mutex_unlock(m) == 0 ? 0 : 1);
	usleep(50 * 1000);
	EQ(pthread_mutex_unlock(m), 0);
	reap(c, 0);
	EQ(pthread_mutex_lock(m), 0);
	EQ(pthread_mutex_unlock(m), 0);
	init_robust(m + 1, PTHREAD_MUTEX_NORMAL, PTHREAD_PROCESS_SHARED);
	thread_of_child(m, m + 1);
	munmap(m, 4096);
}

static void shared_posix(void)
{
	char name[64];
	snprintf(name, sizeof name, "/linux6_robust_%d", (int)getpid());
	int fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
	CHECK(fd >= 0);
	CHECK(ftruncate(fd, 4096) == 0);
	pthread_mutex_t *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(m != MAP_FAILED);
	init_robust(m, PTHREAD_MUTEX_ERRORCHECK, PTHREAD_PROCESS_SHARED);
	pid_t c = child_holds(m, 0, 0, 0); /* exit(0) holding it */
	reap(c, 0);
	/* seen through another mapping of the object */
	pthread_mutex_t *m2 = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(m2 != MAP_FAILED);
	EQ(pthread_mutex_lock(m2), EOWNERDEAD);
	EQ(pthread_mutex_consistent(m2), 0);
	EQ(pthread_mutex_unlock(m2), 0);
	munmap(m2, 4096);
	munmap(m, 4096);
	close(fd);
	shm_unlink(name);
}

static void shared_sysv(void)
{
	int id = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
	CHECK(id >= 0);
	pthread_mutex_t *m = shmat(id, NULL, 0);
	CHECK(m != (void *)-1);
	init_robust(m, PTHREAD_MUTEX_RECURSIVE, PTHREAD_PROCESS_SHARED);
	pid_t c = child_holds(m, 2, 0, 0); /* killed by a fault */
	reap(c, SIGSEGV);
	EQ(pthread_mutex_lock(m), EOWNERDEAD);
	EQ(pthread_mutex_consistent(m), 0);
	EQ(pthread_mutex_unlock(m), 0);
	/* a child SIGKILLed from here while it holds it */
	int p[2];
	CHECK(pipe(p) == 0);
	c = fork();
	if (c == 0) {
		pthread_mutex_lock(m);
		pthread_mutex_lock(m); /* twice: recursive */
		if (write(p[1], "y", 1) != 1)
			_exit(3);
		for (;;)
			pause();
	}
	char ok = 0;
	EQ(read(p[0], &ok, 1), 1);
	EQ(pthread_mutex_trylock(m), EBUSY);
	EQ(kill(c, SIGKILL), 0);
	reap(c, SIGKILL);
	EQ(pthread_mutex_trylock(m), EOWNERDEAD);
	EQ(pthread_mutex_consistent(m), 0);
	EQ(pthread_mutex_unlock(m), 0);
	EQ(pthread_mutex_unlock(m), EPERM); /* held once, not twice */
	close(p[0]);
	close(p[1]);
	shmdt(m);
	shmctl(id, IPC_RMID, NULL);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	attr();
	thread_dies();
	not_recoverable();
	types();
	cond_wait();
	shared_anon();
	shared_posix();
	shared_sysv();
	if (!fails)
		printf("@@PASS " T "\n");
	return fails != 0;
}
