/* review14: a System V semaphore set whose user was killed while in a
 * semop stays usable by its parent before the parent waits for it.  The
 * set's lock names its holder's pid and is taken over from a holder that
 * is gone (fix13); but kill(pid, 0) finds a process that ended and is not
 * yet waited for (0, as Linux's), so a holder killed inside the lock held
 * it for as long as it stayed a zombie: a parent that used the set before
 * its waitpid waited for good.  Each round a child runs semops of many
 * operations on many semaphores (the lock is held much of the time) and
 * is killed after a varying pause; the parent then does its own semop
 * (IPC_NOWAIT) before reaping it.  Checked under Linux 6.1. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ROUNDS 60
#define NSEMS 200
#define NOPS 400

static int id;

static void on_alarm(int sig)
{
	(void)sig;
	static const char m[] = "@@FAIL review14_semzombie: semop waited for good on a lock a killed child held\n";
	write(1, m, sizeof m - 1); /* (no IPC_RMID: it would wait on the lock too) */
	_exit(1);
}

static void nap_us(long us)
{
	struct timespec ts = { us / 1000000, (us % 1000000) * 1000L };
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

int main(void)
{
	signal(SIGALRM, on_alarm);
	id = semget(IPC_PRIVATE, NSEMS, IPC_CREAT | 0600);
	if (id < 0) {
		printf("@@FAIL review14_semzombie: semget errno %d\n", errno);
		return 1;
	}
	static struct sembuf up[NOPS], down[NOPS];
	for (int i = 0; i < NOPS; i++) {
		up[i] = (struct sembuf){ (unsigned short)(i % NSEMS), 1, 0 };
		down[i] = (struct sembuf){ (unsigned short)(i % NSEMS), -1, 0 };
	}
	for (int r = 0; r < ROUNDS; r++) {
		pid_t pid = fork();
		if (pid < 0) {
			printf("@@FAIL review14_semzombie: fork errno %d\n", errno);
			return 1;
		}
		if (pid == 0) {
			for (;;) {
				semop(id, up, NOPS);
				semop(id, down, NOPS);
			}
		}
		nap_us(300 + (r * 797) % 3000);
		kill(pid, SIGKILL);
		alarm(10);
		struct sembuf one = { 0, 1, IPC_NOWAIT }, back = { 0, -1, IPC_NOWAIT };
		if (semop(id, &one, 1) != 0 || semop(id, &back, 1) != 0) {
			printf("@@FAIL review14_semzombie: round %d: semop errno %d\n", r, errno);
			return 1;
		}
		alarm(0);
		int st;
		waitpid(pid, &st, 0);
	}
	semctl(id, 0, IPC_RMID);
	printf("@@PASS review14_semzombie\n");
	return 0;
}
