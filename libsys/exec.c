/* The exec family over PG_IO_EXEC, and system, popen and pclose on fork,
 * exec and pipes.
 *
 * exec: the pager replaces the caller's image by an initrd program and
 * keeps the process (pid, parent, children, pipe ends, ignored signals);
 * what lives in our own memory travels on the new image's startup page
 * (struct pg_startup.exec_carry): argv, the environment, the descriptors
 * without FD_CLOEXEC (files.c), the ignored and blocked signals.  The
 * pipe ends only close-on-exec descriptors hold are let go by the pager
 * when the exec succeeds; a failed exec changes nothing.
 *
 * A path names an initrd program: leading '/' and "./" are dropped, and a
 * name with a directory the initrd does not have is looked up by its last
 * part ("/bin/sh" is "sh").  system and popen run a simple command line
 * themselves (no shell: sh has no -c): words split at blanks, '...' and
 * "..." quoting and backslash escapes; a line with a shell operator
 * (| & ; < > ( ) $ ` outside quotes) runs nothing and reports status 127. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "abi/err.h"
#include "abi/pager.h"
#include "lib/string.h"
#include "sys/startup.h"
#include "libsys.h"

#define CARRY_MAGIC 0x63657865u /* "exec" */
#define EXEC_ARGS_MAX 256       /* argv and envp entries */

/* The carry bytes: this header, the descriptors (fdlen bytes, files.c's),
 * then argc + envc NUL-terminated strings (strlen bytes). */
struct carry_hdr {
	uint32_t magic, argc, envc, fdlen;
	uint64_t ignored, blocked;
	uint32_t strlen, pad;
	uint64_t cpu_ns, thread_ns; /* libsys_cpu_ns's, for the new image */
};

/* The initrd name path means (see the top), or NULL (errno ENOENT). */
static const char *program_name(const char *path)
{
	while (*path == '/')
		path++;
	while (path[0] == '.' && path[1] == '/')
		path += 2;
	if (*path && libsys_initrd_has(path)) /* the initrd's: not from the current directory */
		return path;
	const char *base = strrchr(path, '/');
	if (base && base[1] && libsys_initrd_has(base + 1))
		return base + 1;
	errno = ENOENT;
	return NULL;
}

/* Append the strings v[0..) (NULL-ended, or v NULL: none) at *at in buf
 * (cap bytes); their count, or -1 (EFAULT, E2BIG). */
static long put_strings(char *buf, size_t cap, size_t *at, char *const v[])
{
	long n = 0;
	for (; v; n++) {
		if (n == EXEC_ARGS_MAX || libsys_user_room(&v[n], sizeof v[n], 0) != sizeof v[n]) {
			errno = n == EXEC_ARGS_MAX ? E2BIG : EFAULT;
			return -1;
		}
		if (!v[n])
			break;
		long len = libsys_user_strlen(v[n], cap - *at);
		if (len < 0)
			return -1;
		memcpy(buf + *at, v[n], (size_t)len + 1);
		*at += (size_t)len + 1;
	}
	return n;
}

/* The carry bytes for argv and envp into buf; their length, or -1. */
static long make_carry(char *buf, size_t cap, char *const argv[], char *const envp[],
		       struct pg_exec_drop *drops, uint32_t *nd, uint64_t *keeps, uint32_t *nk)
{
	struct carry_hdr h = { .magic = CARRY_MAGIC };
	size_t at = sizeof h;
	h.fdlen = (uint32_t)libsys_fd_export(buf + at, cap - at, drops, nd, keeps, nk);
	if (at + h.fdlen > cap || *nk > PG_EXEC_KEEP_MAX) {
		errno = E2BIG;
		return -1;
	}
	at += h.fdlen;
	size_t s0 = at;
	long argc = put_strings(buf, cap, &at, argv);
	long envc = argc < 0 ? -1 : put_strings(buf, cap, &at, envp);
	if (envc < 0)
		return -1;
	h.argc = (uint32_t)argc;
	h.envc = (uint32_t)envc;
	h.strlen = (uint32_t)(at - s0);
	h.ignored = libsys_sig_ignored();
	h.blocked = libsys_sigmask_get();
	h.cpu_ns = libsys_cpu_ns(0);
	h.thread_ns = libsys_cpu_ns(1);
	memcpy(buf, &h, sizeof h);
	return (long)at;
}

int execve(const char *path, char *const argv[], char *const envp[])
{
	if (!path || libsys_user_strlen(path, 4096) < 0) { /* Linux's PATH_MAX */
		errno = path && errno == E2BIG ? ENAMETOOLONG : EFAULT;
		return -1;
	}
	const char *name = program_name(path);
	size_t a = name ? strlen(name) + 1 : 0;
	if (!name)
		return -1;
	if (a > 256) {
		errno = ENAMETOOLONG;
		return -1;
	}
	struct pg_exec_drop drops[2 * LIBSYS_FD_MAX]; /* a socket holds two ends */
	uint64_t keeps[PG_EXEC_KEEP_MAX];
	uint32_t nd = 0, nk = 0;
	char carry[PG_EXEC_MAX];
	long clen = make_carry(carry, sizeof carry, argv, envp, drops, &nd, keeps, &nk);
	if (clen < 0)
		return -1;
	size_t dl = nd * sizeof drops[0], kl = nk * sizeof keeps[0];
	if (a + dl + kl + (size_t)clen > PG_PIPE_BUF) {
		errno = E2BIG;
		return -1;
	}
	char *b = libsys_ipc_buf();
	memcpy(b, name, a);
	memcpy(b + a, drops, dl);
	memcpy(b + a + dl, keeps, kl);
	memcpy(b + a + dl + kl, carry, (size_t)clen);
	struct sys_msg m = { .label = IPC_LABEL(PG_IO_EXEC, a + dl + kl + (size_t)clen),
			     .w = { a, nd, nk } };
	int e = libsys_pg_call(&m);
	return libsys_fail(e ? e : E_INVAL); /* back here: it failed */
}

char **libsys_exec_resume(const char *carry, size_t len, int *argc)
{
	struct carry_hdr h;
	if (len < sizeof h)
		return NULL;
	memcpy(&h, carry, sizeof h);
	if (h.magic != CARRY_MAGIC || sizeof h + h.fdlen + h.strlen > len)
		return NULL;
	libsys_fd_import(carry + sizeof h, h.fdlen);
	char *s = malloc(h.strlen + 1);
	char **v = malloc((h.argc + h.envc + 2) * sizeof *v);
	if (!s || !v)
		return NULL;
	memcpy(s, carry + sizeof h + h.fdlen, h.strlen);
	s[h.strlen] = '\0';
	size_t at = 0;
	for (uint32_t i = 0; i < h.argc + h.envc; i++) {
		v[i + (i >= h.argc)] = s + at; /* argv, NULL, envp, NULL */
		at += strlen(s + at) + 1;
		if (at > h.strlen)
			return NULL;
	}
	v[h.argc] = NULL;
	v[h.argc + h.envc + 1] = NULL;
	environ = v + h.argc + 1;
	for (int sig = 1; sig <= 64 && sig < _NSIG; sig++)
		if ((h.ignored >> (sig - 1)) & 1)
			signal(sig, SIG_IGN);
	libsys_sigmask_set(h.blocked);
	libsys_cpu_carried = h.cpu_ns;
	libsys_thread_cpu_carried = h.thread_ns; /* (we are the main thread) */
	*argc = (int)h.argc;
	return v;
}

int execv(const char *path, char *const argv[])
{
	return execve(path, argv, environ);
}

int execvpe(const char *file, char *const argv[], char *const envp[])
{
	return execve(file, argv, envp); /* no PATH: initrd names */
}

int execvp(const char *file, char *const argv[])
{
	return execve(file, argv, environ);
}

/* The arguments after arg0 up to NULL into v (at most EXEC_ARGS_MAX);
 * with env, the char ** after the NULL into *env.  -1 (E2BIG). */
static int list_args(const char *arg0, va_list ap, char **v, char ***env)
{
	int n = 0;
	const char *a = arg0;
	while (a) {
		if (n == EXEC_ARGS_MAX - 1) {
			errno = E2BIG;
			return -1;
		}
		v[n++] = (char *)a;
		a = va_arg(ap, const char *);
	}
	v[n] = NULL;
	if (env)
		*env = va_arg(ap, char **);
	return 0;
}

int execl(const char *path, const char *arg, ...)
{
	char *v[EXEC_ARGS_MAX];
	va_list ap;
	va_start(ap, arg);
	int r = list_args(arg, ap, v, NULL);
	va_end(ap);
	return r ? r : execve(path, v, environ);
}

int execlp(const char *file, const char *arg, ...)
{
	char *v[EXEC_ARGS_MAX];
	va_list ap;
	va_start(ap, arg);
	int r = list_args(arg, ap, v, NULL);
	va_end(ap);
	return r ? r : execvp(file, v);
}

int execle(const char *path, const char *arg, ...)
{
	char *v[EXEC_ARGS_MAX], **env;
	va_list ap;
	va_start(ap, arg);
	int r = list_args(arg, ap, v, &env);
	va_end(ap);
	return r ? r : execve(path, v, env);
}

/* ---- system and popen ---- */

#define LINE_MAX_ 1024
#define WORDS_MAX 64

/* Split line into words (in buf, LINE_MAX_ bytes) at v[0..): their count,
 * or -1 for a shell operator or a line too long or unterminated. */
static int split_words(const char *line, char *buf, char **v)
{
	int n = 0, quote = 0, in_word = 0;
	size_t at = 0;
	for (const char *p = line;; p++) {
		char c = *p;
		if (at + 2 > LINE_MAX_ || n == WORDS_MAX - 1)
			return -1;
		if (!c || (!quote && (c == ' ' || c == '\t' || c == '\n'))) {
			if (quote)
				return -1;
			if (in_word)
				buf[at++] = '\0', in_word = 0;
			if (!c)
				break;
			continue;
		}
		if (!in_word)
			v[n++] = buf + at, in_word = 1;
		if (quote == c) {
			quote = 0;
		} else if (!quote && (c == '\'' || c == '"')) {
			quote = c;
		} else if (c == '\\' && quote != '\'' && p[1]) {
			buf[at++] = *++p;
		} else if (!quote && strchr("|&;<>()$`", c)) {
			return -1;
		} else {
			buf[at++] = c;
		}
	}
	v[n] = NULL;
	return n;
}

/* In a child: run line's command; 127 if it cannot. */
static _Noreturn void run_line(const char *line)
{
	static char buf[LINE_MAX_];
	static char *v[WORDS_MAX];
	int n = split_words(line, buf, v);
	if (n > 0)
		execvp(v[0], v);
	if (n < 0)
		fprintf(stderr, "system: not a simple command: %s\n", line);
	_exit(n == 0 ? 0 : 127);
}

int system(const char *cmd)
{
	if (!cmd)
		return 1; /* a command processor is there */
	struct sigaction ign = { .sa_handler = SIG_IGN }, old_int, old_quit;
	sigset_t chld, old_mask;
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, &old_mask);
	sigaction(SIGINT, &ign, &old_int);
	sigaction(SIGQUIT, &ign, &old_quit);
	pid_t pid = fork();
	if (pid == 0) {
		sigaction(SIGINT, &old_int, NULL);
		sigaction(SIGQUIT, &old_quit, NULL);
		sigprocmask(SIG_SETMASK, &old_mask, NULL);
		run_line(cmd);
	}
	int status = -1;
	if (pid > 0) {
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	}
	int e = errno;
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGQUIT, &old_quit, NULL);
	sigprocmask(SIG_SETMASK, &old_mask, NULL);
	errno = e;
	return pid < 0 ? -1 : status;
}

/* popen's streams and their children. */
#define POPEN_MAX 16
static struct {
	FILE *f;
	pid_t pid;
} popened[POPEN_MAX];

FILE *popen(const char *cmd, const char *mode)
{
	int rd = mode && mode[0] == 'r', wr = mode && mode[0] == 'w';
	if ((!rd && !wr) || !cmd || (mode[1] && mode[1] != 'e')) {
		errno = EINVAL;
		return NULL;
	}
	int slot = 0;
	while (slot < POPEN_MAX && popened[slot].f)
		slot++;
	int p[2];
	if (slot == POPEN_MAX) {
		errno = EMFILE;
		return NULL;
	}
	if (pipe2(p, O_CLOEXEC))
		return NULL;
	pid_t pid = fork();
	if (pid == 0) { /* dup2 clears FD_CLOEXEC on the copy */
		for (int i = 0; i < POPEN_MAX; i++)
			if (popened[i].f)
				close(fileno(popened[i].f));
		dup2(rd ? p[1] : p[0], rd ? 1 : 0);
		run_line(cmd);
	}
	close(rd ? p[1] : p[0]);
	if (pid < 0) {
		close(rd ? p[0] : p[1]);
		return NULL;
	}
	if (!mode[1] || mode[1] != 'e')
		fcntl(rd ? p[0] : p[1], F_SETFD, 0);
	FILE *f = fdopen(rd ? p[0] : p[1], rd ? "r" : "w");
	if (!f) {
		close(rd ? p[0] : p[1]);
		waitpid(pid, NULL, 0);
		return NULL;
	}
	popened[slot].f = f;
	popened[slot].pid = pid;
	return f;
}

int pclose(FILE *f)
{
	int slot = 0;
	while (slot < POPEN_MAX && (!f || popened[slot].f != f))
		slot++;
	if (slot == POPEN_MAX) {
		errno = ECHILD;
		return -1;
	}
	pid_t pid = popened[slot].pid;
	popened[slot].f = NULL;
	fclose(f);
	int status;
	pid_t r;
	while ((r = waitpid(pid, &status, 0)) < 0 && errno == EINTR)
		;
	return r < 0 ? -1 : status;
}
