/* System V shared memory as the whole system's (a plain Linux program;
 * passes with gcc and glibc): a key made by one process is found by a
 * child that calls shmget after the fork, by an unrelated process
 * (posix_spawn of this program) and, made by a child, by its parent; all
 * see each other's writes.  IPC_CREAT|IPC_EXCL (EEXIST), no key
 * (ENOENT), a size past the segment (EINVAL), IPC_PRIVATE making a new
 * one each time; IPC_STAT's size, creator, last pid and attachments
 * counted across processes (a fork child's inherited one too); exit and
 * exec detach; IPC_RMID frees the key at once while the memory lives
 * until the last detach, after which the id is EINVAL; bad ids and
 * addresses EINVAL; a SHM_RDONLY attachment's write is SIGSEGV.  Run
 * three times, the free frames counted around the third run. */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

#define T "linux5_sysvshm_global"
#include "linux_frames.h"

extern char **environ;
static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL " T ": line %d: %s (errno %d)\n", __LINE__, #c, errno); fails++; } } while (0)

#define LEN (3 * 4096 + 100) /* not whole pages */
static const char *prog;

/* The child's part of a check (exit status 0: it held). */
#define KID(c) do { if (!(c)) { printf(T ": child line %d: %s (errno %d)\n", __LINE__, #c, errno); _exit(1); } } while (0)

static void finish(pid_t pid)
{
	int st = 0;
	CHECK(pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static pid_t start(const char *what, int id, key_t key)
{
	char a[16], b[16];
	snprintf(a, sizeof a, "%d", id);
	snprintf(b, sizeof b, "%d", (int)key);
	char *args[] = { (char *)prog, (char *)what, a, b, NULL };
	pid_t pid = -1;
	int e = posix_spawn(&pid, prog, NULL, NULL, args, environ);
	CHECK(e == 0);
	return e ? -1 : pid;
}

/* An unrelated process: key's segment is id; its bytes what the maker
 * wrote; write ours back and leave it attached (exit detaches). */
static int stranger(int id, key_t key)
{
	int got = shmget(key, 0, 0);
	KID(got == id);
	unsigned char *p = shmat(got, NULL, 0);
	KID(p != (void *)-1);
	for (int i = 0; i < LEN; i += 97)
		KID(p[i] == (unsigned char)(i * 7 + 1));
	p[LEN - 1] = 0x5a;
	struct shmid_ds ds;
	KID(shmctl(id, IPC_STAT, &ds) == 0 && ds.shm_nattch == 2 && ds.shm_lpid == getpid());
	return 0;
}

/* After an exec: what the program had attached before is detached (only
 * the parent's attachment is left). */
static int execed(int id)
{
	struct shmid_ds ds;
	KID(shmctl(id, IPC_STAT, &ds) == 0);
	KID(ds.shm_nattch == 1);
	return 0;
}

static sigjmp_buf env;
static void on_segv(int sig) { (void)sig; siglongjmp(env, 1); }

static int run(void)
{
	key_t key = (key_t)(0x5e500000 | (getpid() & 0xfffff));
	int pfd[2];
	CHECK(pipe(pfd) == 0);

	/* a child forked before the segment exists finds it by its key */
	pid_t c = fork();
	if (c == 0) {
		char x;
		KID(read(pfd[0], &x, 1) == 1);
		int id = shmget(key, LEN, 0600);
		KID(id >= 0);
		unsigned char *p = shmat(id, NULL, 0);
		KID(p != (void *)-1);
		KID(p[0] == 0xab && p[LEN - 1] == 0xcd);
		p[1] = 0x11;
		KID(shmdt(p) == 0);
		_exit(0);
	}
	int id = shmget(key, LEN, IPC_CREAT | 0600);
	CHECK(id >= 0);
	unsigned char *p = shmat(id, NULL, 0);
	CHECK(p != (void *)-1);
	if (id < 0 || p == (void *)-1)
		return 1;
	p[0] = 0xab, p[LEN - 1] = 0xcd;
	CHECK(write(pfd[1], "g", 1) == 1);
	finish(c);
	CHECK(p[1] == 0x11);

	/* the errors of shmget */
	errno = 0;
	CHECK(shmget(key, LEN, IPC_CREAT | IPC_EXCL | 0600) == -1 && errno == EEXIST);
	CHECK(shmget(key, LEN, IPC_CREAT | 0600) == id);
	CHECK(shmget(key, 0, 0) == id);
	errno = 0;
	CHECK(shmget(key, LEN + 8192, 0) == -1 && errno == EINVAL);
	errno = 0;
	CHECK(shmget(key ^ 0x40000, 4096, 0) == -1 && errno == ENOENT);
	int a = shmget(IPC_PRIVATE, 4096, 0600), b = shmget(IPC_PRIVATE, 4096, 0600);
	CHECK(a >= 0 && b >= 0 && a != b && a != id && b != id);
	CHECK(shmctl(a, IPC_RMID, NULL) == 0 && shmctl(b, IPC_RMID, NULL) == 0);

	/* an unrelated process finds it and writes; its attachment counted */
	for (int i = 0; i < LEN; i += 97)
		p[i] = (unsigned char)(i * 7 + 1);
	finish(start("s", id, key));
	CHECK(p[LEN - 1] == 0x5a);

	/* IPC_STAT: after the stranger's exit only ours is left */
	struct shmid_ds ds;
	CHECK(shmctl(id, IPC_STAT, &ds) == 0);
	CHECK(ds.shm_segsz == LEN && ds.shm_nattch == 1 && ds.shm_cpid == getpid());
	CHECK(ds.shm_perm.__key == key && (ds.shm_perm.mode & 0777) == 0600);
	CHECK(ds.shm_lpid != getpid() && ds.shm_lpid > 0); /* the stranger's */

	/* a fork child's inherited attachment counts; exec detaches it */
	c = fork();
	if (c == 0) {
		KID(shmctl(id, IPC_STAT, &ds) == 0 && ds.shm_nattch == 2);
		unsigned char *q = shmat(id, NULL, 0);
		KID(q != (void *)-1 && q[0] == 1 && q[97] == p[97]);
		KID(shmctl(id, IPC_STAT, &ds) == 0 && ds.shm_nattch == 3);
		char s[16];
		snprintf(s, sizeof s, "%d", id);
		char *args[] = { (char *)prog, "e", s, "0", NULL };
		execve(prog, args, environ);
		_exit(3);
	}
	finish(c);

	/* the parent finds a key its child made */
	key_t key2 = key ^ 0x80000;
	c = fork();
	if (c == 0) {
		int id2 = shmget(key2, 8192, IPC_CREAT | IPC_EXCL | 0600);
		KID(id2 >= 0);
		char *q = shmat(id2, NULL, 0);
		KID(q != (void *)-1);
		strcpy(q + 4096, "from the child");
		_exit(0); /* attached: exit detaches */
	}
	finish(c);
	int id2 = shmget(key2, 0, 0);
	CHECK(id2 >= 0 && id2 != id);
	char *q = shmat(id2, NULL, 0);
	CHECK(q != (void *)-1);
	if (q != (void *)-1) {
		CHECK(strcmp(q + 4096, "from the child") == 0);
		CHECK(shmctl(id2, IPC_STAT, &ds) == 0 && ds.shm_nattch == 1 && ds.shm_cpid == c);
		CHECK(shmdt(q) == 0);
	}
	CHECK(shmctl(id2, IPC_RMID, NULL) == 0);
	errno = 0;
	CHECK(shmctl(id2, IPC_STAT, &ds) == -1 && errno == EINVAL); /* gone: no attachment */

	/* SHM_RDONLY: reads the bytes, a write is SIGSEGV */
	volatile unsigned char *ro = shmat(id, NULL, SHM_RDONLY);
	CHECK(ro != (void *)-1);
	if (ro != (void *)-1) {
		CHECK(ro[0] == 1 && ro[LEN - 1] == 0x5a);
		struct sigaction sa, old;
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_segv;
		sigaction(SIGSEGV, &sa, &old);
		volatile int wrote = 0;
		if (!sigsetjmp(env, 1)) {
			ro[8] = 1;
			wrote = 1;
		}
		sigaction(SIGSEGV, &old, NULL);
		CHECK(!wrote && p[8] != 1);
		CHECK(shmdt((void *)ro) == 0);
	}

	/* IPC_RMID while a child is attached: the key goes at once, the
	 * memory stays shared until the last detach, then the id is gone */
	int go[2], back[2];
	CHECK(pipe(go) == 0 && pipe(back) == 0);
	c = fork();
	if (c == 0) {
		char x;
		KID(read(go[0], &x, 1) == 1); /* removed by now */
		p[100] = 0x77;
		KID(write(back[1], "w", 1) == 1);
		KID(read(go[0], &x, 1) == 1);
		KID(p[101] == 0x78);
		KID(shmdt(p) == 0);
		_exit(0);
	}
	CHECK(shmctl(id, IPC_RMID, NULL) == 0);
	errno = 0;
	CHECK(shmget(key, 0, 0) == -1 && errno == ENOENT);
	CHECK(shmctl(id, IPC_STAT, &ds) == 0 && ds.shm_nattch == 2);
	int id3 = shmget(key, 4096, IPC_CREAT | IPC_EXCL | 0600); /* the key is free */
	CHECK(id3 >= 0 && id3 != id);
	CHECK(shmctl(id3, IPC_RMID, NULL) == 0);
	char x;
	CHECK(write(go[1], "r", 1) == 1 && read(back[0], &x, 1) == 1);
	CHECK(p[100] == 0x77);
	p[101] = 0x78;
	CHECK(write(go[1], "d", 1) == 1);
	finish(c);
	CHECK(shmctl(id, IPC_STAT, &ds) == 0 && ds.shm_nattch == 1);
	CHECK(shmdt(p) == 0);
	errno = 0;
	CHECK(shmctl(id, IPC_STAT, &ds) == -1 && errno == EINVAL);

	/* bad ids and addresses */
	errno = 0;
	CHECK(shmat(id, NULL, 0) == (void *)-1 && errno == EINVAL);
	errno = 0;
	CHECK(shmctl(-1, IPC_STAT, &ds) == -1 && errno == EINVAL);
	errno = 0;
	CHECK(shmctl(0x3fffffff, IPC_RMID, NULL) == -1 && errno == EINVAL);
	errno = 0;
	CHECK(shmat(-5, NULL, 0) == (void *)-1 && errno == EINVAL);
	errno = 0;
	CHECK(shmdt(&fails) == -1 && errno == EINVAL);
	close(pfd[0]), close(pfd[1]);
	close(go[0]), close(go[1]), close(back[0]), close(back[1]);
	return fails;
}

int main(int argc, char **argv)
{
	if (argc == 4)
		return argv[1][0] == 's' ? stranger(atoi(argv[2]), (key_t)atoi(argv[3])) :
					   execed(atoi(argv[2]));
	prog = argv[0];
	/* once more before the counted runs: the second run still grows the
	 * pager's tables by a frame (seen: 22, 1, then 0, 0, 0 frames over
	 * five runs), none is lost after */
	if (run())
		return 1;
	return run_twice_counted(run);
}
