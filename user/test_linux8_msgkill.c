/* linux8_msgkill: a process killed in the middle of a System V message
 * queue call leaves the queue usable by everyone else.  Each round a
 * child hammers one key's queue (msgsnd and msgrcv of messages of varied
 * sizes, now and then IPC_RMID and msgget IPC_CREAT of it again) and is
 * killed (SIGKILL) after a pause that varies from round to round; then
 * the parent, after reaping it, must get the key's queue (msgget
 * IPC_CREAT), see counts that match the messages it can drain, and send
 * and receive a marker, all within 10 s (SIGALRM fails the test).  Queues
 * live in shared memory here: a child killed while holding a queue's
 * lock, or between making a queue's segment and setting it up, left
 * every later caller waiting for good.  First, many queues made and
 * removed one after another by one process all work.  Checked under
 * Linux 6.1. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/wait.h>

#define T "linux8_msgkill"
#define ROUNDS 80

struct msg {
	long type;
	char text[4000];
};

static void on_alarm(int sig)
{
	(void)sig;
	static const char m[] = "@@FAIL " T ": a queue call waited 10 s after a kill\n";
	write(1, m, sizeof m - 1);
	_exit(1);
}

static void nap_us(long us)
{
	struct timespec ts = { us / 1000000, (us % 1000000) * 1000L };
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* The child: sends and takes messages on key's queue for ever. */
static void hammer(key_t key)
{
	static struct msg m;
	memset(m.text, 'x', sizeof m.text);
	for (unsigned i = 0;; i++) {
		int id = msgget(key, IPC_CREAT | 0600);
		if (id < 0)
			continue;
		m.type = 1 + i % 3;
		msgsnd(id, &m, 100 + (i * 389) % 3800, IPC_NOWAIT);
		if (i % 2)
			msgrcv(id, &m, sizeof m.text, 0, IPC_NOWAIT);
		if (i % 64 == 63)
			msgctl(id, IPC_RMID, NULL);
	}
}

/* MANY queues made, used and removed one after another by one process:
 * every call works (libsys kept every queue it had used attached, and
 * after 64 every call on a new one was EINVAL); 0 if all went well. */
#define MANY 200
static int many_queues(void)
{
	static struct msg m;
	for (int i = 0; i < MANY; i++) {
		int id = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
		struct msqid_ds ds;
		m.type = 1;
		if (id < 0 || msgsnd(id, &m, 10, 0) != 0 || msgctl(id, IPC_STAT, &ds) != 0 ||
		    ds.msg_qnum != 1 || msgrcv(id, &m, sizeof m.text, 0, IPC_NOWAIT) != 10 ||
		    msgctl(id, IPC_RMID, NULL) != 0) {
			printf("@@FAIL " T ": queue %d of %d: id %d errno %d\n", i, MANY, id, errno);
			return 1;
		}
		errno = 0;
		if (msgsnd(id, &m, 10, IPC_NOWAIT) != -1 || (errno != EINVAL && errno != EIDRM)) {
			printf("@@FAIL " T ": queue %d removed: msgsnd errno %d\n", i, errno);
			return 1;
		}
	}
	return 0;
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	signal(SIGALRM, on_alarm);
	if (many_queues())
		return 1;
	key_t key = ftok("/", 0x5a);
	int old = msgget(key, 0);
	if (old >= 0)
		msgctl(old, IPC_RMID, NULL); /* left by an earlier run */
	static struct msg m;
	for (int r = 0; r < ROUNDS; r++) {
		pid_t pid = fork();
		if (pid < 0) {
			printf("@@FAIL " T ": fork errno %d\n", errno);
			return 1;
		}
		if (pid == 0)
			hammer(key);
		nap_us(300 + (r * 797) % 4000);
		kill(pid, SIGKILL);
		int st;
		waitpid(pid, &st, 0);
		alarm(10);
		int id = msgget(key, IPC_CREAT | 0600);
		struct msqid_ds ds;
		if (id < 0 || msgctl(id, IPC_STAT, &ds) != 0) {
			printf("@@FAIL " T ": round %d: id %d errno %d\n", r, id, errno);
			return 1;
		}
		unsigned long n = 0, bytes = 0;
		ssize_t got;
		while ((got = msgrcv(id, &m, sizeof m.text, 0, IPC_NOWAIT)) >= 0)
			n++, bytes += (unsigned long)got;
		if (errno != ENOMSG || n != ds.msg_qnum || bytes != ds.__msg_cbytes) {
			printf("@@FAIL " T ": round %d: drained %lu messages (%lu bytes), "
			       "IPC_STAT said %lu (%lu), errno %d\n", r, n, bytes,
			       (unsigned long)ds.msg_qnum, (unsigned long)ds.__msg_cbytes, errno);
			return 1;
		}
		m.type = 7;
		strcpy(m.text, "marker");
		if (msgsnd(id, &m, 7, 0) != 0 || msgrcv(id, &m, sizeof m.text, 7, 0) != 7 ||
		    strcmp(m.text, "marker") != 0) {
			printf("@@FAIL " T ": round %d: marker errno %d\n", r, errno);
			return 1;
		}
		alarm(0);
	}
	int id = msgget(key, 0);
	if (id < 0 || msgctl(id, IPC_RMID, NULL) != 0) {
		printf("@@FAIL " T ": final IPC_RMID: id %d errno %d\n", id, errno);
		return 1;
	}
	printf("@@PASS " T "\n");
	return 0;
}
