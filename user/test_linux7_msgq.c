/* System V message queues (sys/msg.h), as TLPI's and LTP's msgget/msgsnd/
 * msgrcv/msgctl tests use them (the header was missing here), checked on
 * Linux 6.1 with make linux-check: a private queue shared with a fork
 * child, receiving by type (0, t, -t, MSG_EXCEPT), E2BIG and
 * MSG_NOERROR, IPC_NOWAIT's ENOMSG and EAGAIN on a full queue, a
 * blocked sender woken by a receiver in another process, IPC_STAT's
 * counts and pids, EFAULT for bad buffers, keyed queues (IPC_CREAT, IPC_EXCL), and IPC_RMID
 * waking a blocked receiver with EIDRM.  One @@PASS line per group. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/wait.h>

static int failed;

#define CHECK(name, cond) do {                                                 \
	if (!(cond)) {                                                         \
		printf("@@FAIL %s: line %d: %s (errno %d)\n", name, __LINE__, #cond, errno); \
		failed = 1;                                                    \
		return;                                                        \
	}                                                                      \
} while (0)

struct msg {
	long mtype;
	char mtext[64];
};

static int send_text(int q, long type, const char *text)
{
	struct msg m = { .mtype = type };
	strcpy(m.mtext, text);
	return msgsnd(q, &m, strlen(text) + 1, 0);
}

static void types(void)
{
	const char *N = "linux7_msgq_types";
	int q = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
	CHECK(N, q >= 0);
	pid_t p = fork();
	if (p == 0) {
		int bad = send_text(q, 3, "three") || send_text(q, 1, "one") ||
			  send_text(q, 2, "two") || send_text(q, 5, "five");
		_exit(bad);
	}
	int st;
	CHECK(N, waitpid(p, &st, 0) == p && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	struct msqid_ds ds;
	CHECK(N, msgctl(q, IPC_STAT, &ds) == 0 && ds.msg_qnum == 4 && ds.msg_lspid == p);
	struct msg m;
	CHECK(N, msgrcv(q, &m, sizeof m.mtext, 2, 0) == 4 && m.mtype == 2 && !strcmp(m.mtext, "two"));
	CHECK(N, msgrcv(q, &m, sizeof m.mtext, -4, 0) == 4 && m.mtype == 1); /* lowest <= 4 */
	CHECK(N, msgrcv(q, &m, sizeof m.mtext, 3, MSG_EXCEPT) == 5 && m.mtype == 5);
	CHECK(N, msgrcv(q, &m, 2, 0, 0) == -1 && errno == E2BIG); /* "three" stays */
	CHECK(N, msgrcv(q, &m, 2, 0, MSG_NOERROR) == 2 && m.mtype == 3 && !memcmp(m.mtext, "th", 2));
	CHECK(N, msgrcv(q, &m, sizeof m.mtext, 0, IPC_NOWAIT) == -1 && errno == ENOMSG);
	CHECK(N, msgctl(q, IPC_STAT, &ds) == 0 && ds.msg_qnum == 0 && ds.msg_lrpid == getpid());
	m.mtype = 0;
	CHECK(N, msgsnd(q, &m, 1, 0) == -1 && errno == EINVAL);
	CHECK(N, msgsnd(q, NULL, 8, 0) == -1 && errno == EFAULT);
	CHECK(N, send_text(q, 1, "x") == 0);
	CHECK(N, msgrcv(q, (void *)8, 8, 0, 0) == -1 && errno == EFAULT);
	CHECK(N, msgctl(q, IPC_STAT, NULL) == -1 && errno == EFAULT);
	CHECK(N, msgrcv(q, &m, sizeof m.mtext, 0, IPC_NOWAIT) == -1 && errno == ENOMSG); /* gone */
	CHECK(N, msgctl(q, IPC_RMID, NULL) == 0);
	CHECK(N, msgsnd(q, &m, 1, 0) == -1 && (errno == EINVAL || errno == EIDRM));
	printf("@@PASS %s\n", N);
}

static void flow(void)
{
	const char *N = "linux7_msgq_flow";
	int q = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
	CHECK(N, q >= 0);
	struct msqid_ds ds;
	CHECK(N, msgctl(q, IPC_STAT, &ds) == 0);
	ds.msg_qbytes = 256; /* a small queue: four messages of 64 */
	CHECK(N, msgctl(q, IPC_SET, &ds) == 0);
	struct msg m = { .mtype = 1 };
	memset(m.mtext, 'x', sizeof m.mtext);
	int sent = 0;
	while (msgsnd(q, &m, sizeof m.mtext, IPC_NOWAIT) == 0)
		sent++;
	CHECK(N, errno == EAGAIN && sent == 4);
	pid_t p = fork();
	if (p == 0) { /* blocks until the parent takes one */
		struct msg n = { .mtype = 7 };
		_exit(msgsnd(q, &n, sizeof n.mtext, 0) == 0 ? 0 : 1);
	}
	usleep(50000);
	CHECK(N, msgrcv(q, &m, sizeof m.mtext, 0, 0) == sizeof m.mtext);
	int st;
	CHECK(N, waitpid(p, &st, 0) == p && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK(N, msgrcv(q, &m, sizeof m.mtext, 7, IPC_NOWAIT) == sizeof m.mtext);
	/* a receiver blocked in a child: IPC_RMID ends its wait with EIDRM */
	p = fork();
	if (p == 0) {
		struct msg n;
		ssize_t r = msgrcv(q, &n, sizeof n.mtext, 99, 0);
		/* EIDRM if it waited; EINVAL if the queue went first (it must
		 * end either way: a receiver left waiting is the failure) */
		_exit(r == -1 && (errno == EIDRM || errno == EINVAL) ? 0 : 1);
	}
	usleep(50000);
	CHECK(N, msgctl(q, IPC_RMID, NULL) == 0);
	CHECK(N, waitpid(p, &st, 0) == p && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	printf("@@PASS %s\n", N);
}

static void keys(void)
{
	const char *N = "linux7_msgq_keys";
	key_t key = 0x4c374b59 ^ getpid(); /* ours alone */
	msgctl(msgget(key, 0), IPC_RMID, NULL); /* a leftover of an earlier run */
	errno = 0;
	CHECK(N, msgget(key, 0600) == -1 && errno == ENOENT);
	int q = msgget(key, IPC_CREAT | 0640);
	CHECK(N, q >= 0);
	CHECK(N, msgget(key, IPC_CREAT | IPC_EXCL | 0600) == -1 && errno == EEXIST);
	CHECK(N, msgget(key, 0) == q && msgget(key, IPC_CREAT) == q);
	struct msqid_ds ds;
	CHECK(N, msgctl(q, IPC_STAT, &ds) == 0 && ds.msg_perm.__key == key &&
		 (ds.msg_perm.mode & 0777) == 0640 && ds.msg_qbytes > 0);
	pid_t p = fork();
	if (p == 0) { /* finds it by key */
		int c = msgget(key, 0);
		_exit(c == q && send_text(c, 4, "by key") == 0 ? 0 : 1);
	}
	int st;
	CHECK(N, waitpid(p, &st, 0) == p && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	struct msg m;
	CHECK(N, msgrcv(q, &m, sizeof m.mtext, 4, 0) == 7 && !strcmp(m.mtext, "by key"));
	CHECK(N, msgctl(q, IPC_RMID, NULL) == 0);
	CHECK(N, msgget(key, 0) == -1 && errno == ENOENT);
	CHECK(N, msgctl(q, 12345, &ds) == -1 && errno == EINVAL);
	printf("@@PASS %s\n", N);
}

int main(void)
{
	types();
	flow();
	keys();
	return failed;
}
