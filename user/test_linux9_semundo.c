/* linux9_semundo: System V semaphores' SEM_UNDO, as on Linux: each
 * process's adjustment of a semaphore (the negation of its SEM_UNDO
 * operations, summed) is applied when it ends, however it ends.
 *   - exit_ways: a child takes a lock (sem_op -1, SEM_UNDO) and ends by
 *     exit(), _exit(), a return from main (a copy of this program, exec'd),
 *     SIGKILL, a fault (SIGSEGV): each time the lock is free again;
 *   - kill_wakes: a holder killed with SIGKILL while three processes wait
 *     in semop for its lock: every waiter wakes and takes it in turn;
 *   - accumulate: several operations, one of them two at once, plus one
 *     without SEM_UNDO: only the SEM_UNDO ones are undone, all together;
 *   - clamp: an adjustment that would take a value below 0 leaves 0, one
 *     past SEMVMX leaves SEMVMX (Linux clamps rather than waits);
 *   - fork_none: a fork child of a process with adjustments has none (its
 *     exit changes nothing; its parent's later does);
 *   - setval: SETVAL clears the adjustments of its semaphore in every
 *     process, SETALL of all; the others stay;
 *   - exec_keeps: a process that takes the lock and execs itself keeps the
 *     adjustment (the new image sees the lock taken and exits: freed);
 *   - threads: the threads of a process share its adjustments: what a
 *     thread took stays taken when the thread ends, and is given back
 *     when the process does;
 *   - stress: KILLS processes hammering a lock with SEM_UNDO are killed at
 *     varied moments while HAMMERS others take it ROUNDS times each: none
 *     hangs, and at the end the lock is free and the count 0.
 * Before, SEM_UNDO was accepted and never undone: the first check failed
 * and a waiter behind a killed holder waited for good.
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

#define T "linux9_semundo"
#define KILLS 60
#define HAMMERS 3
#define ROUNDS 300
#define LIMIT_S 120 /* a child not done by then hangs */

union semun {
	int val;
	struct semid_ds *buf;
	unsigned short *array;
};

static const char *self;
static int *volatile nowhere; /* NULL: a write there faults */
static int fails;

#define CHECK(c)                                                                        \
	do {                                                                            \
		if (!(c)) {                                                             \
			printf("@@FAIL " T ": line %d: %s (errno %d)\n", __LINE__, #c, errno); \
			fails++;                                                        \
		}                                                                       \
	} while (0)

/* One operation (retried on EINTR): semop's result. */
static int sop(int id, int num, int op, int flg)
{
	struct sembuf b = { (unsigned short)num, (short)op, (short)flg };
	int r;
	while ((r = semop(id, &b, 1)) == -1 && errno == EINTR)
		;
	return r;
}

static int val(int id, int num)
{
	return semctl(id, num, GETVAL);
}

static void setval(int id, int num, int v)
{
	union semun a = { .val = v };
	CHECK(semctl(id, num, SETVAL, a) == 0);
}

static int new_set(int nsems)
{
	int id = semget(IPC_PRIVATE, nsems, IPC_CREAT | 0600);
	CHECK(id >= 0);
	return id;
}

static void nap_ms(long ms)
{
	struct timespec t = { ms / 1000, (ms % 1000) * 1000000 };
	while (nanosleep(&t, &t) == -1 && errno == EINTR)
		;
}

/* Wait for pid up to LIMIT_S seconds: its wait status, or -1 (then it is
 * killed: it hung). */
static int reap(pid_t pid)
{
	int st;
	for (long ms = 0; ms < LIMIT_S * 1000L; ms += 5) {
		pid_t r = waitpid(pid, &st, WNOHANG);
		if (r == pid)
			return st;
		if (r < 0)
			return -1;
		nap_ms(5);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	return -1;
}

static int exited0(int st)
{
	return st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/* Run a copy of this program: role, id. */
static pid_t spawn(const char *role, int id)
{
	char sid[24];
	snprintf(sid, sizeof sid, "%d", id);
	pid_t pid = fork();
	if (pid == 0) {
		char *args[] = { (char *)self, (char *)role, sid, NULL };
		execv(self, args);
		_exit(127);
	}
	return pid;
}

/* Until GETNCNT of id's semaphore num is n (others asleep in semop). */
static void until_waiting(int id, int num, int n)
{
	for (int i = 0; i < LIMIT_S * 200 && semctl(id, num, GETNCNT) < n; i++)
		nap_ms(5);
}

/* A child that takes id's lock with SEM_UNDO, says so on fd, and ends by
 * how: its pid. */
static pid_t holder(int id, int how, int fd)
{
	pid_t pid = fork();
	if (pid != 0)
		return pid;
	if (sop(id, 0, -1, SEM_UNDO) != 0)
		_exit(3);
	if (write(fd, "h", 1) != 1)
		_exit(4);
	switch (how) {
	case 0: exit(0);
	case 1: _exit(0);
	case 2: for (;;) pause(); /* SIGKILL */
	default: *nowhere = 1; /* SIGSEGV */
	}
	_exit(5);
}

static void exit_ways(void)
{
	int id = new_set(1);
	setval(id, 0, 1);
	int p[2];
	CHECK(pipe(p) == 0);
	for (int how = 0; how < 4; how++) {
		pid_t pid = holder(id, how, p[1]);
		char c;
		CHECK(read(p[0], &c, 1) == 1);
		if (how == 2)
			kill(pid, SIGKILL);
		int st = reap(pid);
		CHECK(how < 2 ? exited0(st) : st != -1 && WIFSIGNALED(st));
		CHECK(val(id, 0) == 1);
		CHECK(sop(id, 0, -1, IPC_NOWAIT) == 0);
		CHECK(sop(id, 0, 1, 0) == 0);
	}
	/* a return from main: a copy that takes it and returns */
	int st = reap(spawn("return", id));
	CHECK(exited0(st));
	CHECK(val(id, 0) == 1);
	close(p[0]);
	close(p[1]);
	CHECK(semctl(id, 0, IPC_RMID) == 0);
}

/* A waiter: takes id's lock (no SEM_UNDO), gives it back, exits 0. */
static pid_t waiter(int id)
{
	pid_t pid = fork();
	if (pid == 0)
		_exit(sop(id, 0, -1, 0) == 0 && sop(id, 0, 1, 0) == 0 ? 0 : 1);
	return pid;
}

static void kill_wakes(void)
{
	int id = new_set(1);
	setval(id, 0, 1);
	int p[2];
	CHECK(pipe(p) == 0);
	pid_t h = holder(id, 2, p[1]);
	char c;
	CHECK(read(p[0], &c, 1) == 1);
	pid_t w[3];
	for (int i = 0; i < 3; i++)
		w[i] = waiter(id);
	until_waiting(id, 0, 3);
	CHECK(semctl(id, 0, GETNCNT) == 3);
	kill(h, SIGKILL);
	reap(h);
	for (int i = 0; i < 3; i++)
		CHECK(exited0(reap(w[i])));
	CHECK(val(id, 0) == 1);
	close(p[0]);
	close(p[1]);
	CHECK(semctl(id, 0, IPC_RMID) == 0);
}

static void accumulate(void)
{
	int id = new_set(2);
	setval(id, 0, 5);
	setval(id, 1, 4);
	pid_t pid = fork();
	if (pid == 0) {
		struct sembuf two[2] = { { 0, -1, SEM_UNDO }, { 1, 3, SEM_UNDO } };
		int ok = sop(id, 0, -2, SEM_UNDO) == 0 && semop(id, two, 2) == 0 &&
			 sop(id, 0, 1, SEM_UNDO) == 0 && sop(id, 0, -1, 0) == 0 &&
			 val(id, 0) == 2 && val(id, 1) == 7;
		_exit(ok ? 0 : 1);
	}
	CHECK(exited0(reap(pid)));
	CHECK(val(id, 0) == 4); /* 5, less the one taken without SEM_UNDO */
	CHECK(val(id, 1) == 4);
	CHECK(semctl(id, 0, IPC_RMID) == 0);
}

/* A child that does op on id's semaphore 0 with SEM_UNDO, says so on fd
 * and exits when told (a byte on back). */
static pid_t doer(int id, int num, int op, int fd, int back)
{
	pid_t pid = fork();
	if (pid == 0) {
		char c;
		if (sop(id, num, op, SEM_UNDO) != 0 || write(fd, "d", 1) != 1 ||
		    read(back, &c, 1) != 1)
			_exit(1);
		_exit(0);
	}
	return pid;
}

static void clamp(void)
{
	int id = new_set(2);
	int p[2], q[2];
	CHECK(pipe(p) == 0 && pipe(q) == 0);
	char c;
	/* +5 (adjustment -5); 4 taken by us: 1 - 5 leaves 0 */
	pid_t pid = doer(id, 0, 5, p[1], q[0]);
	CHECK(read(p[0], &c, 1) == 1);
	CHECK(sop(id, 0, -4, 0) == 0);
	CHECK(write(q[1], "x", 1) == 1);
	CHECK(exited0(reap(pid)));
	CHECK(val(id, 0) == 0);
	/* -5 of 10 (adjustment +5); then up to SEMVMX: stays SEMVMX */
	setval(id, 1, 10);
	pid = doer(id, 1, -5, p[1], q[0]);
	CHECK(read(p[0], &c, 1) == 1);
	CHECK(sop(id, 1, 32767 - 5, 0) == 0);
	CHECK(write(q[1], "x", 1) == 1);
	CHECK(exited0(reap(pid)));
	CHECK(val(id, 1) == 32767);
	close(p[0]), close(p[1]), close(q[0]), close(q[1]);
	CHECK(semctl(id, 0, IPC_RMID) == 0);
}

static void fork_none(void)
{
	int id = new_set(1);
	setval(id, 0, 3);
	pid_t pid = fork();
	if (pid == 0) {
		int ok = sop(id, 0, -1, SEM_UNDO) == 0;
		pid_t c = fork();
		if (c == 0)
			exit(0); /* no adjustment of its own */
		int st;
		ok = ok && waitpid(c, &st, 0) == c && val(id, 0) == 2;
		c = fork();
		if (c == 0)
			_exit(sop(id, 0, -1, SEM_UNDO) == 0 ? 0 : 1); /* its own */
		ok = ok && waitpid(c, &st, 0) == c && exited0(st) && val(id, 0) == 2;
		exit(ok ? 0 : 1);
	}
	CHECK(exited0(reap(pid)));
	CHECK(val(id, 0) == 3);
	CHECK(semctl(id, 0, IPC_RMID) == 0);
}

static void setval_clears(void)
{
	int id = new_set(2);
	setval(id, 0, 2);
	setval(id, 1, 2);
	int p[2], q[2];
	CHECK(pipe(p) == 0 && pipe(q) == 0);
	char c;
	/* SETVAL of 0: its adjustment gone, semaphore 1's kept */
	pid_t a = doer(id, 0, -1, p[1], q[0]);
	CHECK(read(p[0], &c, 1) == 1);
	pid_t b = doer(id, 1, -1, p[1], q[0]);
	CHECK(read(p[0], &c, 1) == 1);
	setval(id, 0, 5);
	CHECK(write(q[1], "xx", 2) == 2);
	CHECK(exited0(reap(a)));
	CHECK(exited0(reap(b)));
	CHECK(val(id, 0) == 5);
	CHECK(val(id, 1) == 2);
	/* SETALL: every adjustment gone */
	a = doer(id, 0, -1, p[1], q[0]);
	CHECK(read(p[0], &c, 1) == 1);
	b = doer(id, 1, -2, p[1], q[0]);
	CHECK(read(p[0], &c, 1) == 1);
	unsigned short all[2] = { 7, 8 };
	union semun arg = { .array = all };
	CHECK(semctl(id, 0, SETALL, arg) == 0);
	CHECK(write(q[1], "xx", 2) == 2);
	CHECK(exited0(reap(a)));
	CHECK(exited0(reap(b)));
	CHECK(val(id, 0) == 7);
	CHECK(val(id, 1) == 8);
	close(p[0]), close(p[1]), close(q[0]), close(q[1]);
	CHECK(semctl(id, 0, IPC_RMID) == 0);
}

static void exec_keeps(void)
{
	int id = new_set(1);
	setval(id, 0, 1);
	CHECK(exited0(reap(spawn("exec", id))));
	CHECK(val(id, 0) == 1);
	CHECK(semctl(id, 0, IPC_RMID) == 0);
}

static void *thread_take(void *arg)
{
	int id = *(int *)arg;
	return (void *)(long)(sop(id, 0, -1, SEM_UNDO) == 0 && sop(id, 1, -2, SEM_UNDO) == 0);
}

static void threads(void)
{
	int id = new_set(2);
	setval(id, 0, 1);
	setval(id, 1, 5);
	pid_t pid = fork();
	if (pid == 0) {
		pthread_t t[2];
		void *ok[2] = { 0, 0 };
		int ids[2] = { id, id };
		if (pthread_create(&t[0], NULL, thread_take, &ids[0]) != 0 ||
		    pthread_join(t[0], &ok[0]) != 0 || val(id, 0) != 0 || val(id, 1) != 3)
			_exit(1);
		setval(id, 0, 1); /* (clears only semaphore 0's) */
		if (pthread_create(&t[1], NULL, thread_take, &ids[1]) != 0 ||
		    pthread_join(t[1], &ok[1]) != 0 || val(id, 0) != 0 || val(id, 1) != 1)
			_exit(2);
		_exit(ok[0] && ok[1] ? 0 : 3);
	}
	CHECK(exited0(reap(pid)));
	CHECK(val(id, 0) == 1);
	CHECK(val(id, 1) == 5);
	CHECK(semctl(id, 0, IPC_RMID) == 0);
}

/* Take and give back id's lock (semaphore 0) counting holders in
 * semaphore 1, both with SEM_UNDO, n times (n < 0: for ever); semaphore 2
 * counts whole rounds (no SEM_UNDO). */
static void hammer(int id, int n)
{
	struct sembuf in[2] = { { 0, -1, SEM_UNDO }, { 1, 1, SEM_UNDO } };
	struct sembuf out[2] = { { 1, -1, SEM_UNDO }, { 0, 1, SEM_UNDO } };
	for (int i = 0; n < 0 || i < n; i++) {
		if (semop(id, in, 2) != 0 || val(id, 1) != 1 || semop(id, out, 2) != 0)
			_exit(1);
		if (n >= 0 && sop(id, 2, 1, 0) != 0)
			_exit(1);
	}
	_exit(0);
}

static void stress(void)
{
	int id = new_set(3);
	setval(id, 0, 1);
	pid_t h[HAMMERS];
	for (int i = 0; i < HAMMERS; i++)
		if ((h[i] = fork()) == 0)
			hammer(id, ROUNDS);
	for (int k = 0; k < KILLS; k++) {
		pid_t v = fork();
		if (v == 0)
			hammer(id, -1);
		nap_ms(1 + (k * 7) % 23);
		kill(v, SIGKILL);
		int st = reap(v);
		CHECK(st != -1 && WIFSIGNALED(st));
	}
	for (int i = 0; i < HAMMERS; i++)
		CHECK(exited0(reap(h[i])));
	CHECK(val(id, 0) == 1);
	CHECK(val(id, 1) == 0);
	CHECK(val(id, 2) == HAMMERS * ROUNDS);
	CHECK(semctl(id, 0, IPC_RMID) == 0);
}

/* The exec'd copies' roles. */
static int copy(const char *role, int id)
{
	if (!strcmp(role, "return"))
		return sop(id, 0, -1, SEM_UNDO) == 0 ? 0 : 1;
	if (!strcmp(role, "exec")) {
		if (sop(id, 0, -1, SEM_UNDO) != 0)
			return 1;
		char sid[24];
		snprintf(sid, sizeof sid, "%d", id);
		char *args[] = { (char *)self, "after", sid, NULL };
		execv(self, args);
		return 2;
	}
	if (!strcmp(role, "after")) /* still held; freed as this ends */
		return val(id, 0) == 0 ? 0 : 3;
	return 4;
}

int main(int argc, char **argv)
{
	self = argv[0];
	if (argc > 2)
		return copy(argv[1], atoi(argv[2]));
	setvbuf(stdout, NULL, _IONBF, 0);
	exit_ways();
	kill_wakes();
	accumulate();
	clamp();
	fork_none();
	setval_clears();
	exec_keeps();
	threads();
	stress();
	if (!fails)
		printf("@@PASS " T "\n");
	return fails != 0;
}
