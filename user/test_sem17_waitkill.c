/* sem17_waitkill: semctl's GETNCNT and GETZCNT count only the threads
 * still waiting in semop, as Linux's: a process killed (SIGKILL) while it
 * waits is counted no more once it is gone.
 *   - counts: two processes wait for semaphore 0 to grow, one for
 *     semaphore 1 to be 0; each killed and reaped in turn takes one off
 *     the count it was in, and the one left still wakes and takes a post;
 *   - stress: KIDS processes take and give a lock (SEM_UNDO) over and
 *     over and are killed one by one at varied moments: at the end both
 *     counts are 0 and the lock is free (its value 1).
 * Before, a waiter counted itself in before it slept and out after it
 * woke, so a kill in between left the count one too high for good: the
 * first check after a kill failed.  A hang (the set's lock never let go)
 * is cut by alarm() and reported.  Checked under Linux 6.1. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/wait.h>

#define T "sem17_waitkill"
#define KIDS 12
#define LIMIT_S 120 /* the whole test; past it, a hang */

union semun {
	int val;
	struct semid_ds *buf;
	unsigned short *array;
};

static int fails;

#define CHECK(c)                                                                        \
	do {                                                                            \
		if (!(c)) {                                                             \
			printf("@@FAIL " T ": line %d: %s (errno %d)\n", __LINE__, #c, errno); \
			fails++;                                                        \
		}                                                                       \
	} while (0)

static void on_alarm(int sig)
{
	(void)sig;
	static const char m[] = "@@FAIL " T ": hung (limit reached)\n";
	ssize_t w = write(1, m, sizeof m - 1);
	(void)w;
	_exit(1);
}

static int sop(int id, int num, int op, int flg)
{
	struct sembuf b = { (unsigned short)num, (short)op, (short)flg };
	int r;
	while ((r = semop(id, &b, 1)) == -1 && errno == EINTR)
		;
	return r;
}

static void nap_ms(long ms)
{
	struct timespec t = { ms / 1000, (ms % 1000) * 1000000 };
	while (nanosleep(&t, &t) == -1 && errno == EINTR)
		;
}

/* Until semctl(id, num, cmd) is n (the others asleep in semop): 1 if
 * it came. */
static int until_count(int id, int num, int cmd, int n)
{
	for (long ms = 0; ms < LIMIT_S * 1000L; ms += 2) {
		if (semctl(id, num, cmd) == n)
			return 1;
		nap_ms(2);
	}
	return 0;
}

/* A child that waits in semop for op on semaphore num, then exits 0. */
static pid_t waiter(int id, int num, int op)
{
	pid_t pid = fork();
	if (pid == 0)
		_exit(sop(id, num, op, 0) == 0 ? 0 : 2);
	CHECK(pid > 0);
	return pid;
}

static void kill_reap(pid_t pid)
{
	int st;
	CHECK(kill(pid, SIGKILL) == 0);
	CHECK(waitpid(pid, &st, 0) == pid);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
}

static void counts(void)
{
	int id = semget(IPC_PRIVATE, 2, IPC_CREAT | 0600);
	CHECK(id >= 0);
	union semun one = { .val = 1 };
	CHECK(semctl(id, 1, SETVAL, one) == 0);
	pid_t a = waiter(id, 0, -1);
	CHECK(until_count(id, 0, GETNCNT, 1));
	pid_t b = waiter(id, 0, -1);
	pid_t z = waiter(id, 1, 0);
	CHECK(until_count(id, 0, GETNCNT, 2));
	CHECK(until_count(id, 1, GETZCNT, 1));
	kill_reap(a);
	CHECK(semctl(id, 0, GETNCNT) == 1);
	CHECK(semctl(id, 1, GETZCNT) == 1);
	kill_reap(z);
	CHECK(semctl(id, 1, GETZCNT) == 0);
	CHECK(semctl(id, 0, GETNCNT) == 1);
	/* the one left is still waiting, and wakes */
	CHECK(sop(id, 0, 1, 0) == 0);
	int st;
	CHECK(waitpid(b, &st, 0) == b && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK(semctl(id, 0, GETNCNT) == 0);
	CHECK(semctl(id, 0, GETVAL) == 0);
	CHECK(semctl(id, 0, IPC_RMID) == 0);
}

static void stress(void)
{
	int id = semget(IPC_PRIVATE, 2, IPC_CREAT | 0600);
	CHECK(id >= 0);
	union semun one = { .val = 1 };
	CHECK(semctl(id, 0, SETVAL, one) == 0);
	CHECK(semctl(id, 1, SETVAL, one) == 0);
	pid_t kids[KIDS];
	for (int i = 0; i < KIDS; i++) {
		kids[i] = fork();
		if (kids[i] == 0) {
			for (;;) {
				/* the lock; and waiting for 1 to be 0 never comes */
				struct sembuf zero = { 1, 0, IPC_NOWAIT };
				sop(id, 0, -1, SEM_UNDO);
				semop(id, &zero, 1);
				sop(id, 0, 1, SEM_UNDO);
				if (i % 3 == 0)
					sop(id, 1, 0, 0); /* waits for good */
			}
		}
		CHECK(kids[i] > 0);
	}
	CHECK(until_count(id, 1, GETZCNT, (KIDS + 2) / 3));
	for (int i = 0; i < KIDS; i++) {
		/* varied moments: the others go on meanwhile */
		for (int k = 0; k < 1 + i % 5; k++) {
			CHECK(sop(id, 0, -1, 0) == 0);
			CHECK(sop(id, 0, 1, 0) == 0);
		}
		nap_ms(1 + i % 4);
		kill_reap(kids[i]);
	}
	CHECK(semctl(id, 0, GETNCNT) == 0);
	CHECK(semctl(id, 1, GETZCNT) == 0);
	CHECK(semctl(id, 0, GETVAL) == 1);
	CHECK(semctl(id, 0, IPC_RMID) == 0);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	signal(SIGALRM, on_alarm);
	alarm(LIMIT_S);
	counts();
	stress();
	if (!fails)
		printf("@@PASS " T "\n");
	return fails != 0;
}
