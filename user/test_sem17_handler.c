/* sem17_handler: semop and semctl work in a signal handler that
 * interrupts the same thread's semop or semctl on the same set, as on
 * Linux (where each is one system call, never left half done).
 *   - a child's main thread hammers one set (semop of many operations up
 *     and down, GETALL) while a second thread sends it SIGUSR1 over and
 *     over; the handler takes semaphore 0 and gives it back (semop) and
 *     reads GETNCNT.  HANDLED handler runs must all return, and the set
 *     must be as it was after.
 * Before, the set's lock named its holder by pid only: a handler landing
 * inside its own thread's hold saw the lock held by its own (live) pid
 * and spun for good.  The child runs under alarm(): a hang is reported.
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

#define T "sem17_handler"
#define NSEMS 250
#define HANDLED 3000
#define LIMIT_S 100

union semun {
	int val;
	struct semid_ds *buf;
	unsigned short *array;
};

static int set_id;
static volatile int handled, bad, done;
static pthread_t main_thread;

static void on_alarm(int sig)
{
	(void)sig;
	static const char m[] = "@@FAIL " T ": hung (a handler's call on the set)\n";
	ssize_t w = write(1, m, sizeof m - 1);
	(void)w;
	_exit(3);
}

static void on_usr1(int sig)
{
	(void)sig;
	int e = errno;
	struct sembuf down = { 0, -1, 0 }, up = { 0, 1, 0 };
	if (semop(set_id, &down, 1) || semop(set_id, &up, 1) || semctl(set_id, 0, GETNCNT) != 0)
		bad++;
	handled++;
	errno = e;
}

static void *signaller(void *arg)
{
	(void)arg;
	while (!done) {
		pthread_kill(main_thread, SIGUSR1);
		sched_yield();
	}
	return NULL;
}

static int child(void)
{
	signal(SIGALRM, on_alarm);
	alarm(LIMIT_S);
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_usr1;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGUSR1, &sa, NULL);
	static struct sembuf up[NSEMS - 1], down[NSEMS - 1];
	static unsigned short v[NSEMS];
	union semun a = { .array = v };
	for (int k = 0; k < NSEMS - 1; k++) {
		up[k] = (struct sembuf){ (unsigned short)(k + 1), 1, 0 };
		down[k] = (struct sembuf){ (unsigned short)(k + 1), -1, 0 };
	}
	main_thread = pthread_self();
	pthread_t t;
	if (pthread_create(&t, NULL, signaller, NULL))
		return 2;
	int fails = 0;
	while (handled < HANDLED) {
		/* (EINTR: a handler ran before the call was made) */
		if ((semop(set_id, up, NSEMS - 1) && errno != EINTR) ||
		    (semop(set_id, down, NSEMS - 1) && errno != EINTR) ||
		    (semctl(set_id, 0, GETALL, a) && errno != EINTR)) {
			printf("@@FAIL " T ": main: errno %d\n", errno);
			fails++;
			break;
		}
	}
	done = 1;
	pthread_join(t, NULL);
	if (bad) {
		printf("@@FAIL " T ": %d handler calls failed\n", bad);
		fails++;
	}
	return fails != 0;
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	int fails = 0;
	set_id = semget(IPC_PRIVATE, NSEMS, IPC_CREAT | 0600);
	if (set_id < 0) {
		printf("@@FAIL " T ": semget: errno %d\n", errno);
		return 1;
	}
	union semun one = { .val = 1 };
	semctl(set_id, 0, SETVAL, one);
	pid_t pid = fork();
	if (pid == 0)
		_exit(child());
	int st;
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st)) {
		printf("@@FAIL " T ": the child failed or hung\n");
		fails++;
	}
	/* the set as it was: 0 is 1, the others 0 (or 1: a semop up done
	 * when the child stopped), nobody waiting */
	if (semctl(set_id, 0, GETVAL) != 1 || semctl(set_id, 0, GETNCNT) != 0) {
		printf("@@FAIL " T ": semaphore 0 is %d\n", semctl(set_id, 0, GETVAL));
		fails++;
	}
	semctl(set_id, 0, IPC_RMID);
	if (!fails)
		printf("@@PASS " T "\n");
	return fails != 0;
}
