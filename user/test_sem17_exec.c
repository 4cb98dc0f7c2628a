/* sem17_exec: an exec ends every other thread of the process, as
 * Linux's, and whatever they were doing on a System V semaphore set is
 * undone as if each had been killed on its own:
 *   - a thread asleep in semop is counted in GETNCNT / GETZCNT no more;
 *   - threads hammering the set (semop of many operations, GETALL,
 *     SETALL: each inside the set's lock for a while) leave it usable:
 *     the new image's calls on the set return (a lock a thread held when
 *     the exec ended it is not left held by the live exec'd process), and
 *     each semop was made whole or not at all.
 * ROUNDS images in a chain (each execs the next with the set's id), each
 * with its two sleepers and two hammer threads running when it execs;
 * the last removes the set.  The chain runs in a child, under alarm():
 * a hang is reported as such.
 * Before, the count stayed one too high after each exec (a sleeper
 * counted itself out only when it woke), and a thread ended inside the
 * lock left it to the exec'd image's pid, alive, so every later call on
 * the set spun for good.  Checked under Linux 6.1. */
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

#define T "sem17_exec"
#define NSEMS 250
#define ROUNDS 24
#define LIMIT_S 60 /* one image; past it, a hang */
#define HIGH 1000

union semun {
	int val;
	struct semid_ds *buf;
	unsigned short *array;
};

static int fails;
static const char *self;
static int set_id;
static volatile int hammered[2];

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
	static const char m[] = "@@FAIL " T ": hung on the set (limit reached)\n";
	ssize_t w = write(1, m, sizeof m - 1);
	(void)w;
	_exit(3);
}

static void nap_ms(long ms)
{
	struct timespec t = { ms / 1000, (ms % 1000) * 1000000 };
	while (nanosleep(&t, &t) == -1 && errno == EINTR)
		;
}

static void *sleeper(void *arg)
{
	int zero = arg != NULL;
	/* semaphore 0 is 0: waits to take one; 1 is 1: waits for 0 */
	struct sembuf b = { (unsigned short)zero, (short)(zero ? 0 : -1), 0 };
	semop(set_id, &b, 1);
	printf("@@FAIL " T ": a sleeper woke\n");
	return NULL;
}

/* Semaphores 2.. up by one each and down again, all in one semop. */
static void *hammer_ops(void *arg)
{
	(void)arg;
	static struct sembuf up[NSEMS - 2], down[NSEMS - 2];
	for (int k = 0; k < NSEMS - 2; k++) {
		up[k] = (struct sembuf){ (unsigned short)(k + 2), 1, 0 };
		down[k] = (struct sembuf){ (unsigned short)(k + 2), -1, 0 };
	}
	for (;;) {
		if (semop(set_id, up, NSEMS - 2) || semop(set_id, down, NSEMS - 2))
			break;
		hammered[0]++;
	}
	printf("@@FAIL " T ": hammer semop: errno %d\n", errno);
	return NULL;
}

/* GETALL, and SETALL of 0 and 1 as they are and the others HIGH (so
 * that hammer_ops never waits). */
static void *hammer_all(void *arg)
{
	(void)arg;
	static unsigned short v[NSEMS];
	union semun a = { .array = v };
	for (;;) {
		if (semctl(set_id, 0, GETALL, a))
			break;
		for (int k = 2; k < NSEMS; k++)
			v[k] = HIGH;
		if (semctl(set_id, 0, SETALL, a))
			break;
		hammered[1]++;
	}
	printf("@@FAIL " T ": hammer GETALL/SETALL: errno %d\n", errno);
	return NULL;
}

/* One image of the chain: round. */
static int image(int round)
{
	signal(SIGALRM, on_alarm);
	alarm(LIMIT_S);
	/* the calls return (no lock left held), nobody is waiting */
	CHECK(semctl(set_id, 0, GETVAL) == 0);
	CHECK(semctl(set_id, 1, GETVAL) == 1);
	CHECK(semctl(set_id, 0, GETNCNT) == 0);
	CHECK(semctl(set_id, 1, GETZCNT) == 0);
	/* each semop all or nothing: the hammered ones all alike */
	int v2 = semctl(set_id, 2, GETVAL);
	CHECK(round ? v2 >= HIGH - 1 && v2 <= HIGH + 1 : v2 == 0);
	for (int k = 3; k < NSEMS; k++)
		if (semctl(set_id, k, GETVAL) != v2) {
			CHECK(!"the hammered semaphores all alike");
			break;
		}
	if (round == ROUNDS) {
		CHECK(semctl(set_id, 0, IPC_RMID) == 0);
		return fails != 0;
	}
	pthread_t t;
	CHECK(pthread_create(&t, NULL, sleeper, NULL) == 0);
	CHECK(pthread_create(&t, NULL, sleeper, (void *)1) == 0);
	CHECK(pthread_create(&t, NULL, hammer_ops, NULL) == 0);
	CHECK(pthread_create(&t, NULL, hammer_all, NULL) == 0);
	long ms = 0;
	while ((semctl(set_id, 0, GETNCNT) != 1 || semctl(set_id, 1, GETZCNT) != 1 ||
		hammered[0] < 2 + round % 5 || hammered[1] < 2 + round % 3) &&
	       ms < LIMIT_S * 1000L) {
		nap_ms(1);
		ms++;
	}
	CHECK(ms < LIMIT_S * 1000L);
	if (fails)
		return 1;
	char sid[24], sround[24];
	snprintf(sid, sizeof sid, "%d", set_id);
	snprintf(sround, sizeof sround, "%d", round + 1);
	char *args[] = { (char *)self, sid, sround, NULL };
	execv(self, args);
	printf("@@FAIL " T ": execv: errno %d\n", errno);
	return 1;
}

int main(int argc, char **argv)
{
	self = argv[0];
	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc > 2) {
		set_id = atoi(argv[1]);
		return image(atoi(argv[2]));
	}
	set_id = semget(IPC_PRIVATE, NSEMS, IPC_CREAT | 0600);
	CHECK(set_id >= 0);
	union semun one = { .val = 1 };
	CHECK(semctl(set_id, 1, SETVAL, one) == 0);
	pid_t pid = fork();
	if (pid == 0) {
		char sid[24];
		snprintf(sid, sizeof sid, "%d", set_id);
		char *args[] = { (char *)self, sid, "0", NULL };
		execv(self, args);
		_exit(127);
	}
	int st;
	CHECK(pid > 0 && waitpid(pid, &st, 0) == pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	if (!(WIFEXITED(st) && WEXITSTATUS(st) == 0))
		semctl(set_id, 0, IPC_RMID);
	if (!fails)
		printf("@@PASS " T "\n");
	return fails != 0;
}
