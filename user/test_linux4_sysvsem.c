/* System V semaphores the way OS course programs use them with shmget and
 * fork: a semaphore as a mutex around a shared counter (4 children), a
 * bounded buffer with "empty"/"full" semaphores between a producer and a
 * consumer process, semctl SETVAL/GETVAL/SETALL/GETALL/GETPID/IPC_STAT,
 * IPC_NOWAIT (EAGAIN), several operations applied together or not at
 * all, a wait-for-zero, semtimedop's timeout (EAGAIN), and IPC_RMID
 * waking a waiting child with EIDRM. */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/wait.h>

union semun {
	int val;
	struct semid_ds *buf;
	unsigned short *array;
};

static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL linux4_sysvsem: line %d: %s (errno %d)\n", __LINE__, #c, errno); fails++; } } while (0)

static void P(int id, int n) { struct sembuf op = { (unsigned short)n, -1, 0 }; while (semop(id, &op, 1) < 0 && errno == EINTR) ; }
static void V(int id, int n) { struct sembuf op = { (unsigned short)n, 1, 0 }; semop(id, &op, 1); }

struct ring { int buf[4]; int in, out; long sum, counter; };

int main(void)
{
	int shm = shmget(IPC_PRIVATE, sizeof(struct ring), IPC_CREAT | 0600);
	CHECK(shm >= 0);
	struct ring *r = shmat(shm, NULL, 0);
	CHECK(r != (void *)-1);
	memset(r, 0, sizeof *r);

	/* A mutex: 4 children add 500 each. */
	int mtx = semget(IPC_PRIVATE, 1, IPC_CREAT | 0600);
	CHECK(mtx >= 0);
	union semun arg = { .val = 1 };
	CHECK(semctl(mtx, 0, SETVAL, arg) == 0 && semctl(mtx, 0, GETVAL) == 1);
	for (int i = 0; i < 4; i++)
		if (fork() == 0) {
			for (int j = 0; j < 500; j++) {
				P(mtx, 0);
				long c = r->counter;
				if (j % 50 == 0)
					sched_yield();
				r->counter = c + 1;
				V(mtx, 0);
			}
			_exit(0);
		}
	for (int i = 0; i < 4; i++)
		wait(NULL);
	CHECK(r->counter == 2000);
	CHECK(semctl(mtx, 0, GETVAL) == 1 && semctl(mtx, 0, GETPID) > 0);

	/* A bounded buffer: empty = 4, full = 0. */
	int ef = semget(IPC_PRIVATE, 2, IPC_CREAT | 0600);
	unsigned short init[2] = { 4, 0 }, now[2];
	arg.array = init;
	CHECK(semctl(ef, 0, SETALL, arg) == 0);
	arg.array = now;
	CHECK(semctl(ef, 0, GETALL, arg) == 0 && now[0] == 4 && now[1] == 0);
	pid_t prod = fork();
	if (prod == 0) {
		for (int i = 1; i <= 300; i++) {
			P(ef, 0);
			r->buf[r->in] = i;
			r->in = (r->in + 1) % 4;
			V(ef, 1);
		}
		_exit(0);
	}
	pid_t cons = fork();
	if (cons == 0) {
		for (int i = 1; i <= 300; i++) {
			P(ef, 1);
			r->sum += r->buf[r->out];
			r->out = (r->out + 1) % 4;
			V(ef, 0);
		}
		_exit(0);
	}
	int st;
	CHECK(waitpid(prod, &st, 0) == prod && WIFEXITED(st));
	CHECK(waitpid(cons, &st, 0) == cons && WIFEXITED(st));
	CHECK(r->sum == 300 * 301 / 2);

	/* IPC_NOWAIT, all-or-nothing, wait-for-zero, a timeout. */
	struct sembuf take1 = { 1, -1, IPC_NOWAIT };
	errno = 0;
	CHECK(semop(ef, &take1, 1) == -1 && errno == EAGAIN);
	struct sembuf both[2] = { { 0, -1, IPC_NOWAIT }, { 1, -1, IPC_NOWAIT } };
	CHECK(semop(ef, both, 2) == -1 && errno == EAGAIN);
	CHECK(semctl(ef, 0, GETVAL) == 4); /* the first was not applied alone */
	struct sembuf zero = { 1, 0, 0 };
	CHECK(semop(ef, &zero, 1) == 0);
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	struct sembuf take = { 1, -1, 0 };
	errno = 0;
	CHECK(semtimedop(ef, &take, 1, &ts) == -1 && errno == EAGAIN);
	struct sembuf bad = { 5, 1, 0 };
	errno = 0;
	CHECK(semop(ef, &bad, 1) == -1 && errno == EFBIG);
	errno = 0;
	CHECK(semop(ef, &take, 0) == -1 && errno == EINVAL);
	struct semid_ds ds;
	arg.buf = &ds;
	CHECK(semctl(ef, 0, IPC_STAT, arg) == 0 && ds.sem_nsems == 2);

	/* IPC_RMID wakes a waiter: EIDRM. */
	pid_t w = fork();
	if (w == 0) {
		struct sembuf op = { 1, -1, 0 };
		int rc = semop(ef, &op, 1);
		_exit(rc == -1 && errno == EIDRM ? 0 : 1);
	}
	while (semctl(ef, 1, GETNCNT) == 0)
		usleep(1000);
	CHECK(semctl(ef, 0, IPC_RMID) == 0);
	CHECK(waitpid(w, &st, 0) == w && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	errno = 0;
	CHECK(semctl(ef, 0, GETVAL) == -1 && (errno == EINVAL || errno == EIDRM));

	/* Keys. */
	key_t k = ftok("/", 'S');
	int a = semget(k, 3, IPC_CREAT | IPC_EXCL | 0600);
	CHECK(a >= 0 && semget(k, 3, 0) == a);
	errno = 0;
	CHECK(semget(k, 3, IPC_CREAT | IPC_EXCL | 0600) == -1 && errno == EEXIST);
	errno = 0;
	CHECK(semget(k, 4, 0) == -1 && errno == EINVAL);
	CHECK(semctl(a, 0, IPC_RMID) == 0 && semctl(mtx, 0, IPC_RMID) == 0);
	errno = 0;
	CHECK(semget(k, 1, 0) == -1 && errno == ENOENT);
	shmdt(r);
	shmctl(shm, IPC_RMID, NULL);
	if (!fails)
		printf("@@PASS linux4_sysvsem\n");
	return fails != 0;
}
