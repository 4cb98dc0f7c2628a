/* Many socket pairs, eventfds and epolls, abandoned: a child makes them
 * (bytes left in the sockets, every one in an epoll), hands them to a
 * grandchild that waits in a blocking recv, and exits without closing
 * (a listener with three connections never accepted too);
 * the grandchild is killed (SIGKILL).  Five rounds of 40 pairs: more than
 * the pager's 128 pairs (256 pipes) in all, so a round fails if an
 * earlier one left a pipe behind.  Then as many pairs as can be made
 * (ENFILE or EMFILE) twice: the same number both times.  The free
 * frames come back to what they were (counted in the guest). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define T "linux6_fdteardown"
#include "linux_frames.h"

#define PAIRS  40
#define ROUNDS 5

/* One round: 0 if the child made everything and the grandchild died of
 * SIGKILL while it waited. */
static int round_once(void)
{
	int go[2], st;
	if (pipe(go))
		return 1;
	pid_t child = fork();
	if (child == 0) {
		static char bytes[3000];
		int ep[4], sv[2];
		for (int i = 0; i < 4; i++)
			if ((ep[i] = epoll_create1(0)) < 0)
				_exit(2);
		for (int i = 0; i < PAIRS; i++) {
			int e = eventfd((unsigned)i, 0);
			if (socketpair(AF_UNIX, i % 3 == 0 ? SOCK_STREAM : i % 3 == 1 ? SOCK_DGRAM :
				       SOCK_SEQPACKET, 0, sv) || e < 0) {
				printf(T ": pair %d: errno %d\n", i, errno);
				_exit(3);
			}
			if (send(sv[0], bytes, sizeof bytes, 0) != sizeof bytes)
				_exit(4);
			struct epoll_event ev = { EPOLLIN, { .u64 = (uint64_t)i } };
			if (epoll_ctl(ep[i % 4], EPOLL_CTL_ADD, sv[1], &ev) ||
			    epoll_ctl(ep[(i + 1) % 4], EPOLL_CTL_ADD, e, &ev))
				_exit(5);
		}
		/* a listener with three connections nobody accepts */
		struct sockaddr_un la = { .sun_family = AF_UNIX };
		snprintf(la.sun_path + 1, sizeof la.sun_path - 1, T "-%d", (int)getpid());
		socklen_t ll = (socklen_t)(sizeof(sa_family_t) + 1 + strlen(la.sun_path + 1));
		int l = socket(AF_UNIX, SOCK_STREAM, 0);
		if (bind(l, (struct sockaddr *)&la, ll) || listen(l, 4))
			_exit(9);
		for (int i = 0; i < 3; i++) {
			int c = socket(AF_UNIX, SOCK_STREAM, 0);
			if (connect(c, (struct sockaddr *)&la, ll) || send(c, bytes, 100, 0) != 100)
				_exit(10);
		}
		pid_t gc = fork();
		if (gc == 0) { /* holds every end; waits in a recv nobody answers */
			char b[16];
			int a[2];
			if (socketpair(AF_UNIX, SOCK_STREAM, 0, a))
				_exit(6);
			pid_t me = getpid();
			write(go[1], &me, sizeof me);
			recv(a[0], b, sizeof b, 0);
			_exit(7);
		}
		_exit(gc > 0 ? 0 : 8); /* nothing closed: the end closes it */
	}
	waitpid(child, &st, 0);
	if (!WIFEXITED(st) || WEXITSTATUS(st)) {
		printf("@@FAIL " T ": child status %#x\n", st);
		return 1;
	}
	pid_t gc;
	if (read(go[0], &gc, sizeof gc) != sizeof gc) { /* it waits now (or is about to) */
		printf("@@FAIL " T ": no grandchild\n");
		return 1;
	}
	close(go[0]), close(go[1]);
	usleep(20000);
	if (kill(gc, SIGKILL)) {
		printf("@@FAIL " T ": kill %d: errno %d\n", (int)gc, errno);
		return 1;
	}
	for (int i = 0; i < 200 && kill(gc, 0) == 0; i++)
		usleep(10000); /* until it is gone (Linux: a zombie until reaped) */
	return 0;
}

/* How many pairs one process can make before ENFILE or EMFILE. */
static int most_pairs(void)
{
	int cnt[2];
	if (pipe(cnt))
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		int n = 0, sv[2];
		while (n < 2000 && socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0)
			n++;
		int e = errno;
		write(cnt[1], &n, sizeof n);
		_exit(e == ENFILE || e == EMFILE ? 0 : 1);
	}
	int n = -1, st;
	read(cnt[0], &n, sizeof n);
	waitpid(pid, &st, 0);
	close(cnt[0]), close(cnt[1]);
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? n : -1;
}

static int run(void)
{
	for (int r = 0; r < ROUNDS; r++) {
		if (round_once())
			return 1;
	}
	int a = most_pairs(), b = most_pairs();
	printf(T ": %d pairs, then %d\n", a, b);
	if (a <= 0 || a != b) {
		printf("@@FAIL " T ": pairs %d then %d\n", a, b);
		return 1;
	}
	return 0;
}

int main(void)
{
	return run_twice_counted(run);
}
