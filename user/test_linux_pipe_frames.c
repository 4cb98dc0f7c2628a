/* A pipe's frames come back when its last end goes: closed by every
 * holder, or with the processes that held it (exit, kill -9 while one
 * waits in write).  Counts free frames as the other frame tests do. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <sys/test.h>

#define T "linux_pipe_frames"
#define NPIPES 8

int main(void)
{
	static char buf[8192];
	int p[NPIPES][2], st;
	touch_image(); /* our own first touches are not frames lost */
	printf(T ": pipes' frames back\n");
	/* warm-up: the pager's first pipe and fork cost it pool pages for good */
	if (pipe(p[0]) || write(p[0][1], "w", 1) != 1)
		test_fail(T, "first pipe");
	close(p[0][0]), close(p[0][1]);
	pid_t pid = fork();
	if (pid == 0)
		_exit(0);
	waitpid(pid, &st, 0);

	uint64_t before = frames_steady(2000);
	for (int i = 0; i < NPIPES; i++)
		if (pipe(p[i]) || write(p[i][1], buf, sizeof buf) != sizeof buf)
			test_fail(T, "pipe %d", i);
	uint64_t open_now = frames_available();
	printf(T ": %lu free before, %lu with %d pipes\n", before, open_now, NPIPES);
	if (open_now + NPIPES * 8 > before)
		test_fail(T, "pipes hold no frames? %lu then %lu", before, open_now);
	/* A child holds every end too and exits; then we close ours. */
	pid = fork();
	if (pid == 0)
		_exit(0);
	if (waitpid(pid, &st, 0) != pid)
		test_fail(T, "waitpid");
	for (int i = 0; i < NPIPES; i++)
		if (close(p[i][0]) || close(p[i][1]))
			test_fail(T, "close %d", i);
	uint64_t after = frames_settle(before, 3000);
	printf(T ": %lu of %lu back after close\n", after, before);
	if (after + 8 < before)
		test_fail(T, "%lu frames not back after close", before - after);

	/* Pipes whose only holders are killed: one child waits in a write to
	 * a full pipe, its own child in a read of an empty one. */
	int ready[2];
	if (pipe(ready))
		test_fail(T, "pipe");
	pid = fork();
	if (pid == 0) {
		int q[2], r[2];
		static char big[128 * 1024];
		setpgid(0, 0); /* a group with its child: killpg ends both */
		close(ready[0]);
		if (pipe(q) || pipe(r))
			_exit(1);
		if (fork() == 0) {
			char c;
			read(r[0], &c, 1); /* waits: nobody writes r */
			_exit(0);
		}
		write(ready[1], "r", 1);
		write(q[1], big, sizeof big); /* waits: nobody reads q */
		_exit(0);
	}
	close(ready[1]);
	char c;
	if (read(ready[0], &c, 1) != 1)
		test_fail(T, "child not ready");
	close(ready[0]);
	usleep(100 * 1000);
	if (killpg(pid, SIGKILL) || waitpid(pid, &st, 0) != pid || !WIFSIGNALED(st))
		test_fail(T, "kill");
	after = frames_settle(before, 3000);
	printf(T ": %lu of %lu back after kill\n", after, before);
	if (after + 8 < before)
		test_fail(T, "%lu frames not back after kill -9", before - after);
	test_pass(T);
	return 0;
}
