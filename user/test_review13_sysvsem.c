/* review13_sysvsem_fault_in_lock: one process's bad semctl argument hangs
 * every other process using the semaphore set.
 *
 * libsys keeps a System V semaphore set in MAP_SHARED memory, guarded by a
 * spin lock in that memory (sysvsem.c set_lock).  semctl(IPC_STAT) copies
 * the set's semid_ds to the caller's buffer, and SETALL/GETALL read and
 * write the caller's array, with the lock held: a bad pointer faults
 * there, the process dies by SIGSEGV with the lock held, and every later
 * semop, semctl of any process sharing the set spins for ever.
 *
 * Linux: semctl with a bad buffer fails EFAULT (the kernel copies), the
 * caller goes on, and the set keeps working for everyone.  Here: a child
 * calls semctl(id, 0, IPC_STAT, bad pointer) and ends however it ends;
 * then another child's semop must finish within HANG_MS. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define T "review13_sysvsem_fault_in_lock"
#define HANG_MS 8000

union semun_ {
	int val;
	struct semid_ds *buf;
	unsigned short *array;
};

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	int id = semget(IPC_PRIVATE, 1, IPC_CREAT | 0600);
	if (id < 0) {
		printf("@@FAIL " T ": semget errno %d\n", errno);
		return 1;
	}
	pid_t c = fork();
	if (c == 0) {
		union semun_ a = { .buf = (struct semid_ds *)8 };
		int r = semctl(id, 0, IPC_STAT, a);
		_exit(r == -1 && errno == EFAULT ? 0 : 3);
	}
	int st = 0;
	waitpid(c, &st, 0);
	const char *how = WIFSIGNALED(st) ? "killed by a signal" : "returned";
	c = fork();
	if (c == 0) {
		struct sembuf op = { 0, 1, 0 };
		_exit(semop(id, &op, 1) == 0 ? 0 : 4);
	}
	int st2 = 0;
	long start = now_ms();
	struct timespec nap = { 0, 2000000 };
	while (waitpid(c, &st2, WNOHANG) != c) {
		if (now_ms() - start >= HANG_MS) {
			kill(c, SIGKILL);
			waitpid(c, &st2, 0);
			printf("@@FAIL " T ": semop of another process still spinning after %d ms"
			       " (the first child %s inside semctl with the set's lock held)\n",
			       HANG_MS, how);
			return 1; /* the set's lock stays held: no IPC_RMID here */
		}
		nanosleep(&nap, NULL);
	}
	semctl(id, 0, IPC_RMID);
	if (!WIFEXITED(st2) || WEXITSTATUS(st2)) {
		printf("@@FAIL " T ": semop failed (status 0x%x)\n", st2);
		return 1;
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st)) {
		printf("@@FAIL " T ": semctl with a bad buffer did not fail EFAULT (status 0x%x)\n",
		       st);
		return 1;
	}
	printf("@@PASS " T "\n");
	return 0;
}
