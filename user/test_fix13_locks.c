/* The locks of review 13's fixes, as a plain Linux program (each passes
 * under Linux: make linux-check PROG=user/test_fix13_locks.c).
 *
 * fix13_flockfile: a stream's lock is recursive for its holder and keeps
 * every other thread out until released as many times as taken
 * (ftrylockfile fails in another thread meanwhile); the *_unlocked calls
 * write and read the stream under it.
 *
 * fix13_fork_stream_held: another thread holds a stream's lock (flockfile)
 * while the main thread forks and waits for the child; the child writes
 * to that stream, flushes it and exits (exit flushes every stream).  It
 * must end: the child has no thread holding the lock.  (Taking every
 * stream's lock across fork would wait for ever here.)
 *
 * fix13_atexit_threads: four threads of a child register 12 atexit
 * handlers each at once; at exit all 48 run (each writes a byte to a
 * pipe the parent counts), none lost.
 *
 * fix13_semctl_efault: semctl with a buffer that is not there fails
 * EFAULT (GETALL, SETALL, IPC_STAT, IPC_SET) and the set keeps working:
 * semop and GETVAL after. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define HANG_MS 8000

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait for child c up to HANG_MS: its status, or -1 (killed: it hung). */
static int wait_child(pid_t c)
{
	int st = 0;
	long start = now_ms();
	struct timespec nap = { 0, 2000000 };
	while (waitpid(c, &st, WNOHANG) != c) {
		if (now_ms() - start >= HANG_MS) {
			kill(c, SIGKILL);
			waitpid(c, &st, 0);
			return -1;
		}
		nanosleep(&nap, NULL);
	}
	return st;
}

static FILE *shared;

static void *try_lock(void *arg)
{
	(void)arg;
	int r = ftrylockfile(shared);
	if (r == 0)
		funlockfile(shared);
	return (void *)(long)(r == 0);
}

/* Whether another thread can take shared's lock now. */
static int other_can_lock(void)
{
	pthread_t t;
	void *got;
	pthread_create(&t, NULL, try_lock, NULL);
	pthread_join(t, &got);
	return (int)(long)got;
}

static int test_flockfile(void)
{
	const char *T = "fix13_flockfile";
	shared = fopen("/tmp/fix13_flock", "w+");
	if (!shared) {
		printf("@@FAIL %s: fopen errno %d\n", T, errno);
		return 1;
	}
	const char *why = NULL;
	if (!other_can_lock())
		why = "a free stream's lock could not be taken";
	flockfile(shared);
	flockfile(shared);
	if (!why && ftrylockfile(shared) != 0)
		why = "ftrylockfile by its holder failed";
	if (!why && other_can_lock())
		why = "another thread took a held lock";
	funlockfile(shared); /* the ftrylockfile's */
	funlockfile(shared);
	if (!why && other_can_lock())
		why = "another thread took a lock still held once";
	fputs_unlocked("ab", shared);
	putc_unlocked('c', shared);
	fwrite_unlocked("de\n", 1, 3, shared);
	fflush_unlocked(shared);
	funlockfile(shared);
	if (!why && !other_can_lock())
		why = "the lock stayed held after as many releases as takes";
	char line[16] = "";
	rewind(shared);
	flockfile(shared);
	if (!why && (!fgets_unlocked(line, sizeof line, shared) || strcmp(line, "abcde\n")))
		why = "the *_unlocked calls did not write or read back \"abcde\"";
	if (!why && (getc_unlocked(shared) != EOF || !feof_unlocked(shared)))
		why = "getc_unlocked at the end did not give EOF";
	funlockfile(shared);
	fclose(shared);
	unlink("/tmp/fix13_flock");
	if (why) {
		printf("@@FAIL %s: %s\n", T, why);
		return 1;
	}
	printf("@@PASS %s\n", T);
	return 0;
}

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int holding, release_it;

static void *holder(void *arg)
{
	(void)arg;
	flockfile(shared);
	fputs("held\n", shared);
	pthread_mutex_lock(&m);
	holding = 1;
	pthread_cond_broadcast(&cv);
	while (!release_it)
		pthread_cond_wait(&cv, &m);
	pthread_mutex_unlock(&m);
	funlockfile(shared);
	return NULL;
}

static int test_fork_stream_held(void)
{
	const char *T = "fix13_fork_stream_held";
	shared = fopen("/tmp/fix13_fork", "w");
	if (!shared) {
		printf("@@FAIL %s: fopen errno %d\n", T, errno);
		return 1;
	}
	pthread_t t;
	pthread_create(&t, NULL, holder, NULL);
	pthread_mutex_lock(&m);
	while (!holding)
		pthread_cond_wait(&cv, &m);
	pthread_mutex_unlock(&m);
	pid_t c = fork();
	if (c == 0) {
		fputs("child\n", shared);
		if (fflush(shared))
			_exit(3);
		exit(0); /* flushes every stream */
	}
	int st = c < 0 ? -2 : wait_child(c);
	pthread_mutex_lock(&m);
	release_it = 1;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&m);
	pthread_join(t, NULL);
	fclose(shared);
	unlink("/tmp/fix13_fork");
	if (st == -1) {
		printf("@@FAIL %s: child still running after %d ms (a stream lock of a thread"
		       " it does not have)\n", T, HANG_MS);
		return 1;
	}
	if (st < 0 || !WIFEXITED(st) || WEXITSTATUS(st)) {
		printf("@@FAIL %s: fork or child failed (status %d)\n", T, st);
		return 1;
	}
	printf("@@PASS %s\n", T);
	return 0;
}

#define REG_THREADS 4
#define REG_EACH 12
static int exit_pipe;

static void on_exit_byte(void)
{
	char b = 1;
	if (write(exit_pipe, &b, 1) != 1)
		_exit(5);
}

static pthread_barrier_t go;

static void *registrar(void *arg)
{
	(void)arg;
	pthread_barrier_wait(&go);
	for (int i = 0; i < REG_EACH; i++)
		if (atexit(on_exit_byte))
			return (void *)1;
	return NULL;
}

static int test_atexit_threads(void)
{
	const char *T = "fix13_atexit_threads";
	int bad_rounds = 0, got_last = 0;
	for (int round = 0; round < 10 && !bad_rounds; round++) {
		int p[2];
		if (pipe(p)) {
			printf("@@FAIL %s: pipe errno %d\n", T, errno);
			return 1;
		}
		pid_t c = fork();
		if (c == 0) {
			close(p[0]);
			exit_pipe = p[1];
			pthread_t t[REG_THREADS];
			pthread_barrier_init(&go, NULL, REG_THREADS);
			for (int i = 0; i < REG_THREADS; i++)
				pthread_create(&t[i], NULL, registrar, NULL);
			for (int i = 0; i < REG_THREADS; i++)
				pthread_join(t[i], NULL);
			exit(0);
		}
		close(p[1]);
		char buf[256];
		int got = 0;
		ssize_t n;
		while ((n = read(p[0], buf, sizeof buf)) > 0)
			got += (int)n;
		close(p[0]);
		int st = wait_child(c);
		got_last = got;
		if (got != REG_THREADS * REG_EACH || st < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
			bad_rounds++;
	}
	if (bad_rounds) {
		printf("@@FAIL %s: %d of %d atexit handlers ran\n", T, got_last,
		       REG_THREADS * REG_EACH);
		return 1;
	}
	printf("@@PASS %s\n", T);
	return 0;
}

union semun_ {
	int val;
	struct semid_ds *buf;
	unsigned short *array;
};

static int test_semctl_efault(void)
{
	const char *T = "fix13_semctl_efault";
	int id = semget(IPC_PRIVATE, 2, IPC_CREAT | 0600);
	if (id < 0) {
		printf("@@FAIL %s: semget errno %d\n", T, errno);
		return 1;
	}
	static const struct { int cmd; const char *name; } cmds[] = {
		{ GETALL, "GETALL" }, { SETALL, "SETALL" }, { IPC_STAT, "IPC_STAT" },
		{ IPC_SET, "IPC_SET" },
	};
	for (unsigned i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
		union semun_ a;
		if (cmds[i].cmd == GETALL || cmds[i].cmd == SETALL)
			a.array = (unsigned short *)8;
		else
			a.buf = (struct semid_ds *)8;
		errno = 0;
		int r = semctl(id, 0, cmds[i].cmd, a);
		if (r != -1 || errno != EFAULT) {
			printf("@@FAIL %s: semctl %s with a bad buffer gave %d errno %d\n", T,
			       cmds[i].name, r, errno);
			semctl(id, 0, IPC_RMID);
			return 1;
		}
	}
	struct sembuf op = { 1, 3, 0 };
	int r = semop(id, &op, 1);
	int v = semctl(id, 1, GETVAL);
	semctl(id, 0, IPC_RMID);
	if (r || v != 3) {
		printf("@@FAIL %s: after the EFAULTs semop gave %d, the value is %d (3)\n", T, r,
		       v);
		return 1;
	}
	printf("@@PASS %s\n", T);
	return 0;
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	int bad = test_flockfile();
	bad |= test_fork_stream_held();
	bad |= test_atexit_threads();
	bad |= test_semctl_efault();
	return bad;
}
