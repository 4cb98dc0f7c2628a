/* System V shared memory as OS-course tests use it: shmget(IPC_PRIVATE)
 * and shmat, forked children adding to counters in the segment, two
 * attachments of one segment showing the same bytes, a SHM_RDONLY
 * attachment refusing writes (SIGSEGV, caught), IPC_STAT's size and
 * attach count, keys with IPC_CREAT|IPC_EXCL (EEXIST) and without
 * IPC_CREAT (ENOENT), IPC_RMID with the memory staying until shmdt. */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL linux2_sysvshm: line %d: %s (errno %d)\n", __LINE__, #c, errno); fails++; } } while (0)

static sigjmp_buf env;
static void on_segv(int sig) { (void)sig; siglongjmp(env, 1); }

#define KIDS 8
#define ADDS 1000

int main(void)
{
	size_t len = 1 << 20;
	int id = shmget(IPC_PRIVATE, len, IPC_CREAT | 0600);
	CHECK(id >= 0);
	long *seg = shmat(id, NULL, 0);
	CHECK(seg != (void *)-1);
	if (seg == (void *)-1)
		return 1;
	CHECK(seg[0] == 0 && seg[len / sizeof(long) - 1] == 0);

	/* children add to shared counters */
	for (int k = 0; k < KIDS; k++) {
		pid_t c = fork();
		if (c == 0) {
			for (int i = 0; i < ADDS; i++)
				__atomic_fetch_add(&seg[0], 1, __ATOMIC_SEQ_CST);
			seg[1 + k] = getpid();
			seg[len / sizeof(long) - 1 - k] = k + 1;
			shmdt(seg);
			_exit(0);
		}
	}
	int ok = 0;
	for (int k = 0; k < KIDS; k++) {
		int st;
		if (wait(&st) > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0)
			ok++;
	}
	CHECK(ok == KIDS);
	CHECK(seg[0] == KIDS * ADDS);
	int pids = 0;
	for (int k = 0; k < KIDS; k++)
		pids += seg[1 + k] > 0 && seg[len / sizeof(long) - 1 - k] == k + 1;
	CHECK(pids == KIDS);

	/* a second attachment: same bytes, another address */
	long *two = shmat(id, NULL, 0);
	CHECK(two != (void *)-1 && two != seg);
	two[100] = 12345;
	CHECK(seg[100] == 12345);
	struct shmid_ds ds;
	CHECK(shmctl(id, IPC_STAT, &ds) == 0);
	CHECK(ds.shm_segsz == len && ds.shm_nattch == 2 && ds.shm_cpid == getpid());
	CHECK(shmdt(two) == 0);
	CHECK(shmctl(id, IPC_STAT, &ds) == 0 && ds.shm_nattch == 1);

	/* read-only attachment */
	volatile long *ro = shmat(id, NULL, SHM_RDONLY);
	CHECK(ro != (void *)-1);
	CHECK(ro[100] == 12345);
	signal(SIGSEGV, on_segv);
	volatile int wrote = 0;
	if (sigsetjmp(env, 1) == 0) {
		ro[100] = 1;
		wrote = 1;
	}
	CHECK(!wrote && seg[100] == 12345);
	signal(SIGSEGV, SIG_DFL);
	CHECK(shmdt((const void *)ro) == 0);

	/* keys */
	key_t key = (key_t)(0x4c320000 | (getpid() & 0xffff));
	int k1 = shmget(key, 8192, IPC_CREAT | IPC_EXCL | 0600);
	CHECK(k1 >= 0);
	errno = 0;
	CHECK(shmget(key, 8192, IPC_CREAT | IPC_EXCL | 0600) == -1 && errno == EEXIST);
	CHECK(shmget(key, 4096, 0600) == k1);
	errno = 0;
	CHECK(shmget(key, 1 << 20, 0600) == -1 && errno == EINVAL);
	errno = 0;
	CHECK(shmget((key_t)(key ^ 0x10000), 4096, 0600) == -1 && errno == ENOENT);
	CHECK(shmctl(k1, IPC_RMID, NULL) == 0);
	errno = 0;
	CHECK(shmget(key, 4096, 0600) == -1 && errno == ENOENT);
	CHECK(ftok("/", 'x') != -1);

	/* removed while attached: the memory stays until shmdt */
	CHECK(shmctl(id, IPC_RMID, NULL) == 0);
	seg[5] = 55;
	CHECK(seg[5] == 55);
	CHECK(shmdt(seg) == 0);
	errno = 0;
	CHECK(shmdt(seg) == -1 && errno == EINVAL);
	errno = 0;
	CHECK(shmget(IPC_PRIVATE, 0, IPC_CREAT | 0600) == -1 && errno == EINVAL);
	if (!fails)
		printf("@@PASS linux2_sysvshm\n");
	return fails != 0;
}
