/* execve and its family, system, popen and pclose as Linux programs use
 * them.  The program execs itself: with a first argument it is a helper
 * that checks what exec kept (pid, parent, descriptors without
 * FD_CLOEXEC and their positions, ignored signals, the blocked set, argv,
 * the environment) and what it did not (close-on-exec descriptors, pipe
 * ends only they held, handlers), and exits 0 if all is right.  A failed
 * exec leaves the caller as it was. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL linux3_exec: line %d: %s (errno %d)\n", __LINE__, #c, errno); fails++; } } while (0)

static const char *self;

/* ---- helpers: the image exec started ---- */

static int helper(int argc, char **argv)
{
	const char *mode = argv[1];
	if (!strcmp(mode, "pid")) /* pid ppid */
		return !(getpid() == atoi(argv[2]) && getppid() == atoi(argv[3]));
	if (!strcmp(mode, "exit"))
		return atoi(argv[2]);
	if (!strcmp(mode, "print")) {
		printf("hello from %s\n", argv[2]);
		return 0;
	}
	if (!strcmp(mode, "readall")) { /* stdin must be exactly argv[2] */
		char buf[256];
		size_t n = 0;
		ssize_t k;
		while ((k = read(0, buf + n, sizeof buf - 1 - n)) > 0)
			n += (size_t)k;
		buf[n] = '\0';
		return strcmp(buf, argv[2]) != 0;
	}
	if (!strcmp(mode, "args")) { /* the words after "args": a, b c, d"e, 9 more */
		return !(argc == 14 && !strcmp(argv[0], "renamed") && !strcmp(argv[2], "a") &&
			 !strcmp(argv[3], "b c") && !strcmp(argv[4], "d\"e") &&
			 !strcmp(argv[13], "12") && argv[14] == NULL);
	}
	if (!strcmp(mode, "env")) /* FOO=bar only */
		return !(getenv("FOO") && !strcmp(getenv("FOO"), "bar") && environ[0] &&
			 !environ[1]);
	if (!strcmp(mode, "envkeep"))
		return !(getenv("BAZ") && !strcmp(getenv("BAZ"), "qux"));
	if (!strcmp(mode, "fds")) { /* wfd cloexec_fd file_fd gofd */
		int w = atoi(argv[2]), ce = atoi(argv[3]), f = atoi(argv[4]), go = atoi(argv[5]);
		int ok = fcntl(ce, F_GETFD) == -1 && errno == EBADF;
		ok &= lseek(f, 0, SEEK_CUR) == 100;
		ok &= fcntl(w, F_GETFD) == 0;
		char c;
		ok &= read(go, &c, 1) == 1 && c == 'g'; /* after the parent saw EOF */
		ok &= write(w, "ok", 2) == 2;
		return !ok;
	}
	if (!strcmp(mode, "sig")) {
		struct sigaction a;
		sigset_t now;
		int ok = sigaction(SIGUSR1, NULL, &a) == 0 && a.sa_handler == SIG_DFL;
		ok &= sigaction(SIGUSR2, NULL, &a) == 0 && a.sa_handler == SIG_IGN;
		ok &= sigprocmask(SIG_SETMASK, NULL, &now) == 0 && sigismember(&now, SIGTERM) &&
		      !sigismember(&now, SIGUSR1);
		raise(SIGUSR2); /* ignored: still here */
		return !ok;
	}
	return 99;
}

/* ---- the parent's checks ---- */

static int run_status(pid_t c)
{
	int st;
	if (waitpid(c, &st, 0) != c)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 256 + WTERMSIG(st);
}

static void keeps_pid(void)
{
	char pid[16], ppid[16];
	pid_t c = fork();
	if (c == 0) {
		snprintf(pid, sizeof pid, "%d", (int)getpid());
		snprintf(ppid, sizeof ppid, "%d", (int)getppid());
		execl(self, self, "pid", pid, ppid, (char *)NULL);
		_exit(50);
	}
	CHECK(run_status(c) == 0);
}

static void *sleeper(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

static void argv_env_threads(void)
{
	pid_t c = fork();
	if (c == 0) {
		execl(self, "renamed", "args", "a", "b c", "d\"e", "4", "5", "6", "7", "8", "9",
		      "10", "11", "12", (char *)NULL);
		_exit(50);
	}
	CHECK(run_status(c) == 0);
	c = fork();
	if (c == 0) {
		char *env[] = { "FOO=bar", NULL };
		execle(self, self, "env", (char *)NULL, env);
		_exit(50);
	}
	CHECK(run_status(c) == 0);
	c = fork();
	if (c == 0) { /* environ kept by execv; another thread goes */
		pthread_t t;
		setenv("BAZ", "qux", 1);
		if (pthread_create(&t, NULL, sleeper, NULL))
			_exit(51);
		char *v[] = { (char *)self, "envkeep", NULL };
		execvp(self, v);
		_exit(50);
	}
	CHECK(run_status(c) == 0);
}

static void descriptors(void)
{
	int w[2], q[2], go[2];
	CHECK(pipe(w) == 0 && pipe2(q, O_CLOEXEC) == 0 && pipe(go) == 0);
	int f = open(self, O_RDONLY);
	CHECK(f >= 0 && lseek(f, 100, SEEK_SET) == 100);
	int ce = open("/dev/null", O_RDONLY | O_CLOEXEC);
	CHECK(ce >= 0);
	pid_t c = fork();
	if (c == 0) {
		char a[4][16];
		snprintf(a[0], 16, "%d", w[1]);
		snprintf(a[1], 16, "%d", ce);
		snprintf(a[2], 16, "%d", f);
		snprintf(a[3], 16, "%d", go[0]);
		close(w[0]);
		close(q[0]); /* q[1]: only a close-on-exec descriptor holds it */
		execl(self, self, "fds", a[0], a[1], a[2], a[3], (char *)NULL);
		_exit(50);
	}
	close(w[1]);
	close(q[1]);
	close(go[0]);
	/* the child's q[1] went with its exec: EOF while it still runs */
	struct pollfd p = { q[0], POLLIN, 0 };
	CHECK(poll(&p, 1, 30000) == 1 && (p.revents & POLLHUP));
	char b[4];
	CHECK(read(q[0], b, sizeof b) == 0);
	CHECK(write(go[1], "g", 1) == 1);
	CHECK(read(w[0], b, sizeof b) == 2 && !memcmp(b, "ok", 2));
	CHECK(run_status(c) == 0);
	close(w[0]);
	close(q[0]);
	close(go[1]);
	close(f);
	close(ce);
}

static void on_usr1(int s)
{
	(void)s;
}

static void signals(void)
{
	pid_t c = fork();
	if (c == 0) {
		struct sigaction a = { 0 };
		a.sa_handler = on_usr1;
		sigaction(SIGUSR1, &a, NULL);
		signal(SIGUSR2, SIG_IGN);
		sigset_t s;
		sigemptyset(&s);
		sigaddset(&s, SIGTERM);
		sigprocmask(SIG_BLOCK, &s, NULL);
		execl(self, self, "sig", (char *)NULL);
		_exit(50);
	}
	CHECK(run_status(c) == 0);
}

static char *volatile bad_path;
static char **volatile bad_argv = (char **)8;

static void failures(void)
{
	int fd = open("/dev/zero", O_RDONLY);
	char *mem = malloc(100);
	strcpy(mem, "still here");
	errno = 0;
	CHECK(execl("/no/such/program", "x", (char *)NULL) == -1 && errno == ENOENT);
	errno = 0;
	CHECK(execlp("no-such-program-here", "x", (char *)NULL) == -1 && errno == ENOENT);
	char *v[] = { "x", NULL };
	errno = 0;
	CHECK(execve(bad_path, v, environ) == -1 && errno == EFAULT);
	errno = 0;
	CHECK(execve(self, bad_argv, environ) == -1 && errno == EFAULT);
	char *badv[] = { "x", (char *)16, NULL };
	errno = 0;
	CHECK(execve(self, badv, environ) == -1 && errno == EFAULT);
	CHECK(!strcmp(mem, "still here"));
	char c;
	CHECK(read(fd, &c, 1) == 1 && c == 0); /* descriptors untouched */
	free(mem);
	close(fd);
}

static void system_popen(void)
{
	char cmd[256];
	CHECK(system(NULL) != 0);
	snprintf(cmd, sizeof cmd, "%s exit 3", self);
	int st = system(cmd);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 3);
	snprintf(cmd, sizeof cmd, "%s exit 0", self);
	CHECK(system(cmd) == 0);
	st = system("no-such-program-here");
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 127);
	FILE *f;
	snprintf(cmd, sizeof cmd, "%s print 'the child'", self);
	f = popen(cmd, "r");
	CHECK(f != NULL);
	if (f) {
		char line[64] = "";
		CHECK(fgets(line, sizeof line, f) && !strcmp(line, "hello from the child\n"));
		CHECK(fgets(line, sizeof line, f) == NULL);
		CHECK(pclose(f) == 0);
	}
	snprintf(cmd, sizeof cmd, "%s readall \"abc def\"", self);
	f = popen(cmd, "w");
	CHECK(f != NULL);
	if (f) {
		CHECK(fputs("abc ", f) >= 0 && fputs("def", f) >= 0);
		CHECK(pclose(f) == 0);
	}
	snprintf(cmd, sizeof cmd, "%s exit 7", self);
	f = popen(cmd, "r");
	CHECK(f != NULL);
	if (f) {
		st = pclose(f);
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 7);
	}
	errno = 0;
	CHECK(popen(cmd, "x") == NULL && errno == EINVAL);
}

int main(int argc, char **argv)
{
	self = argv[0];
	if (argc > 1)
		return helper(argc, argv);
	keeps_pid();
	argv_env_threads();
	descriptors();
	signals();
	failures();
	system_popen();
	if (!fails)
		printf("@@PASS linux3_exec\n");
	return fails != 0;
}
