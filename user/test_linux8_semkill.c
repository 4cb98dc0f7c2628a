/* linux8_semkill: a process killed inside semget (making a set) or inside
 * semctl(IPC_RMID) does not leave its key unusable.  Each round a child
 * makes the set of one key and removes it, over and over, and is killed
 * (SIGKILL) after a pause that varies from round to round; then the
 * parent, after reaping it, must get the key's set (semget IPC_CREAT,
 * within 10 s: SIGALRM fails the test) and use it (IPC_NOWAIT semops),
 * and remove it.  Sets are the whole system's here, segments of the
 * pager's table: a child killed between making the segment and marking
 * it ready, or between marking a set removed and removing its segment,
 * left a segment under the key that every later semget waited on for
 * good, or refused (EINVAL).  Checked under Linux 6.1 (where semget is
 * one system call). */
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

#define T "linux8_semkill"
#define ROUNDS 80

static void on_alarm(int sig)
{
	(void)sig;
	static const char m[] = "@@FAIL " T ": semget or semop waited 10 s on a set a killed child left\n";
	write(1, m, sizeof m - 1);
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
	setvbuf(stdout, NULL, _IONBF, 0);
	signal(SIGALRM, on_alarm);
	key_t key = ftok("/", 0x59);
	int old = semget(key, 0, 0);
	if (old >= 0)
		semctl(old, 0, IPC_RMID); /* left by an earlier run */
	for (int r = 0; r < ROUNDS; r++) {
		pid_t pid = fork();
		if (pid < 0) {
			printf("@@FAIL " T ": fork errno %d\n", errno);
			return 1;
		}
		if (pid == 0) {
			for (;;) {
				int id = semget(key, 2, IPC_CREAT | 0600);
				if (id >= 0)
					semctl(id, 0, IPC_RMID);
			}
		}
		nap_us(200 + (r * 797) % 3000);
		kill(pid, SIGKILL);
		int st;
		waitpid(pid, &st, 0);
		alarm(10);
		int id = semget(key, 2, IPC_CREAT | 0600);
		struct sembuf one = { 1, 1, IPC_NOWAIT }, back = { 1, -1, IPC_NOWAIT };
		if (id < 0 || semop(id, &one, 1) != 0 || semctl(id, 1, GETVAL) != 1 ||
		    semop(id, &back, 1) != 0) {
			printf("@@FAIL " T ": round %d: id %d errno %d\n", r, id, errno);
			return 1;
		}
		alarm(0);
		if (semctl(id, 0, IPC_RMID) != 0) {
			printf("@@FAIL " T ": round %d: IPC_RMID errno %d\n", r, errno);
			return 1;
		}
	}
	printf("@@PASS " T "\n");
	return 0;
}
