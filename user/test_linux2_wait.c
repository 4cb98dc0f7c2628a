/* The wait family: vfork + _exit, wait, wait3, wait4 with rusage,
 * waitid with siginfo (CLD_EXITED, CLD_KILLED), WNOHANG while a child
 * runs, waitpid(-1), ECHILD, and exit statuses (0..255, killed). */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL linux2_wait: line %d: %s (errno %d)\n", __LINE__, #c, errno); fails++; } } while (0)

int main(void)
{
	int st;
	/* vfork: the child only calls _exit */
	pid_t v = vfork();
	if (v == 0)
		_exit(42);
	CHECK(v > 0);
	CHECK(waitpid(v, &st, 0) == v && WIFEXITED(st) && WEXITSTATUS(st) == 42);

	/* wait */
	pid_t c = fork();
	if (c == 0)
		exit(255);
	CHECK(wait(&st) == c && WIFEXITED(st) && WEXITSTATUS(st) == 255);

	/* exit codes wrap at 256 */
	c = fork();
	if (c == 0)
		exit(256 + 7);
	CHECK(waitpid(c, &st, 0) == c && WEXITSTATUS(st) == 7);

	/* wait3 / wait4 with rusage */
	c = fork();
	if (c == 0) {
		char *p = malloc(1 << 20);
		memset(p, 1, 1 << 20);
		_exit(p[100]);
	}
	struct rusage ru;
	memset(&ru, 0, sizeof ru);
	CHECK(wait4(c, &st, 0, &ru) == c && WEXITSTATUS(st) == 1);
	CHECK(ru.ru_minflt > 0 || ru.ru_maxrss > 0);
	c = fork();
	if (c == 0)
		_exit(9);
	CHECK(wait3(&st, 0, &ru) == c && WEXITSTATUS(st) == 9);

	/* WNOHANG while the child is still running */
	c = fork();
	if (c == 0) {
		usleep(200000);
		_exit(5);
	}
	CHECK(waitpid(c, &st, WNOHANG) == 0);
	CHECK(waitpid(c, &st, 0) == c && WEXITSTATUS(st) == 5);

	/* waitid */
	c = fork();
	if (c == 0)
		_exit(17);
	siginfo_t si;
	memset(&si, 0, sizeof si);
	CHECK(waitid(P_PID, (id_t)c, &si, WEXITED) == 0);
	CHECK(si.si_pid == c && si.si_signo == SIGCHLD && si.si_code == CLD_EXITED && si.si_status == 17);
	c = fork();
	if (c == 0)
		_exit(18);
	memset(&si, 0, sizeof si);
	CHECK(waitid(P_ALL, 0, &si, WEXITED) == 0 && si.si_pid == c && si.si_status == 18);
	/* WNOHANG with a running child: 0 and si_pid 0 */
	c = fork();
	if (c == 0) {
		usleep(200000);
		_exit(19);
	}
	memset(&si, 0, sizeof si);
	si.si_pid = 12345;
	CHECK(waitid(P_PID, (id_t)c, &si, WEXITED | WNOHANG) == 0 && si.si_pid == 0);
	CHECK(waitpid(c, &st, 0) == c && WEXITSTATUS(st) == 19);

	/* a killed child */
	c = fork();
	if (c == 0) {
		for (;;)
			sleep(1);
	}
	CHECK(kill(c, SIGKILL) == 0);
	CHECK(waitpid(c, &st, 0) == c && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	c = fork();
	if (c == 0) {
		for (;;)
			sleep(1);
	}
	CHECK(kill(c, SIGTERM) == 0);
	memset(&si, 0, sizeof si);
	CHECK(waitid(P_PID, (id_t)c, &si, WEXITED) == 0);
	CHECK(si.si_code == CLD_KILLED && si.si_status == SIGTERM);

	/* waitpid(0): any child of our group; WUNTRACED changes nothing */
	c = fork();
	if (c == 0)
		_exit(21);
	CHECK(waitpid(0, &st, WUNTRACED) == c && WIFEXITED(st) && WEXITSTATUS(st) == 21);

	/* waitpid(-1) takes any; ECHILD when none left */
	pid_t a = fork();
	if (a == 0)
		_exit(1);
	pid_t b = fork();
	if (b == 0)
		_exit(2);
	int got = 0;
	for (int i = 0; i < 2; i++) {
		pid_t w = waitpid(-1, &st, 0);
		CHECK(w == a || w == b);
		got += WEXITSTATUS(st);
	}
	CHECK(got == 3);
	errno = 0;
	CHECK(wait(&st) == -1 && errno == ECHILD);
	errno = 0;
	CHECK(waitpid(getpid(), &st, 0) == -1 && errno == ECHILD);
	errno = 0;
	CHECK(waitid(P_ALL, 0, &si, WEXITED) == -1 && errno == ECHILD);
	if (!fails)
		printf("@@PASS linux2_wait\n");
	return fails != 0;
}
