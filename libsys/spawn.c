/* posix_spawn (spawn.h): over the pager's spawn when there is nothing to
 * do in the child (the program is the initrd's file named by path's last
 * component), else fork, the attributes and file actions, and exec. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include "abi/err.h"
#include "abi/pager.h"
#include "sys/proc.h"
#include "libsys.h"

/* One file action: open (path, oflag, mode onto fd), close fd, dup2 fd
 * onto newfd, chdir path, fchdir fd. */
struct libsys_spawn_action {
	enum { ACT_OPEN, ACT_CLOSE, ACT_DUP2, ACT_CHDIR, ACT_FCHDIR } kind;
	int fd, newfd, oflag;
	mode_t mode;
	char *path;
};

/* The pager's spawn of path's program with argv: 0 or an errno value. */
static int spawn_fast(pid_t *pid, const char *path, char *const argv[])
{
	const char *name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	const char *args[PG_MAX_ARGS + 1] = { name };
	int n = 1;
	for (; argv && argv[0] && argv[n]; n++) {
		if (n == PG_MAX_ARGS)
			return E2BIG;
		args[n] = argv[n];
	}
	args[n] = NULL;
	uint32_t p;
	int e = spawnv(args, &p);
	if (e == E_INVAL)
		return E2BIG;
	if (e)
		return libsys_errno(e);
	if (pid)
		*pid = (pid_t)p;
	return 0;
}

/* In the child: the attributes, then the actions in order; 0 or an
 * errno value. */
static int child_setup(const posix_spawn_file_actions_t *fa, const posix_spawnattr_t *at)
{
	if (at) {
		if ((at->__flags & POSIX_SPAWN_SETSID) && setsid() < 0)
			return errno;
		if ((at->__flags & POSIX_SPAWN_SETPGROUP) && setpgid(0, at->__pgrp) < 0)
			return errno;
		if (at->__flags & POSIX_SPAWN_SETSIGDEF)
			for (int s = 1; s < NSIG; s++)
				if (sigismember(&at->__sd, s) == 1 && s != SIGKILL && s != SIGSTOP)
					signal(s, SIG_DFL);
		if ((at->__flags & POSIX_SPAWN_SETSIGMASK) &&
		    sigprocmask(SIG_SETMASK, &at->__ss, NULL) < 0)
			return errno;
	}
	for (int i = 0; fa && i < fa->__used; i++) {
		const struct libsys_spawn_action *a = &fa->__actions[i];
		int r = 0;
		switch (a->kind) {
		case ACT_OPEN: {
			int fd = open(a->path, a->oflag, a->mode);
			if (fd < 0)
				return errno;
			if (fd != a->fd) {
				r = dup2(fd, a->fd);
				close(fd);
			}
			break;
		}
		case ACT_CLOSE:
			close(a->fd); /* Linux: a close of no descriptor is no error */
			break;
		case ACT_DUP2:
			if (a->fd == a->newfd) /* the descriptor stays open across exec */
				r = fcntl(a->fd, F_SETFD, 0);
			else
				r = dup2(a->fd, a->newfd);
			break;
		case ACT_CHDIR: r = chdir(a->path); break;
		case ACT_FCHDIR: r = fchdir(a->fd); break;
		}
		if (r < 0)
			return errno;
	}
	return 0;
}

/* fork; the child sets up and execs (search: execvpe), telling a failure
 * through a close-on-exec pipe (the parent then reaps it). */
static int spawn_fork(pid_t *pid, const char *path, const posix_spawn_file_actions_t *fa,
		      const posix_spawnattr_t *at, char *const argv[], char *const envp[],
		      int search)
{
	static char *const empty[] = { NULL };
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return errno;
	pid_t c = fork();
	if (c < 0) {
		int e = errno;
		close(p[0]);
		close(p[1]);
		return e;
	}
	if (c == 0) {
		close(p[0]);
		int e = child_setup(fa, at);
		if (!e) {
			if (search)
				execvpe(path, argv, envp ? envp : empty);
			else
				execve(path, argv, envp ? envp : empty);
			e = errno;
		}
		while (write(p[1], &e, sizeof e) < 0 && errno == EINTR)
			;
		_exit(127);
	}
	close(p[1]);
	int e = 0;
	ssize_t n;
	while ((n = read(p[0], &e, sizeof e)) < 0 && errno == EINTR)
		;
	close(p[0]);
	if (n == (ssize_t)sizeof e) {
		waitpid(c, NULL, 0);
		return e ? e : ECHILD;
	}
	if (pid)
		*pid = c;
	return 0;
}

static int spawn_any(pid_t *pid, const char *path, const posix_spawn_file_actions_t *fa,
		     const posix_spawnattr_t *at, char *const argv[], char *const envp[],
		     int search)
{
	if (!path || !*path)
		return ENOENT;
	if (!fa && !at && (!envp || !envp[0]))
		return spawn_fast(pid, path, argv);
	return spawn_fork(pid, path, fa, at, argv, envp, search);
}

int posix_spawn(pid_t *pid, const char *path, const posix_spawn_file_actions_t *actions,
		const posix_spawnattr_t *attr, char *const argv[], char *const envp[])
{
	return spawn_any(pid, path, actions, attr, argv, envp, 0);
}

int posix_spawnp(pid_t *pid, const char *file, const posix_spawn_file_actions_t *actions,
		 const posix_spawnattr_t *attr, char *const argv[], char *const envp[])
{
	return spawn_any(pid, file, actions, attr, argv, envp, 1);
}

/* ---- file actions: a growing array; errno values as glibc's ---- */

int posix_spawn_file_actions_init(posix_spawn_file_actions_t *fa)
{
	memset(fa, 0, sizeof *fa);
	return 0;
}

int posix_spawn_file_actions_destroy(posix_spawn_file_actions_t *fa)
{
	for (int i = 0; i < fa->__used; i++)
		free(fa->__actions[i].path);
	free(fa->__actions);
	memset(fa, 0, sizeof *fa);
	return 0;
}

/* Append a (path copied); EBADF for a negative descriptor, ENOMEM. */
static int add_action(posix_spawn_file_actions_t *fa, struct libsys_spawn_action a,
		      const char *path)
{
	if (a.fd < 0 || (a.kind == ACT_DUP2 && a.newfd < 0))
		return EBADF;
	if (fa->__used == fa->__allocated) {
		int n = fa->__allocated ? 2 * fa->__allocated : 8;
		void *p = realloc(fa->__actions, (size_t)n * sizeof *fa->__actions);
		if (!p)
			return ENOMEM;
		fa->__actions = p;
		fa->__allocated = n;
	}
	a.path = NULL;
	if (path && !(a.path = strdup(path)))
		return ENOMEM;
	fa->__actions[fa->__used++] = a;
	return 0;
}

int posix_spawn_file_actions_addopen(posix_spawn_file_actions_t *fa, int fd, const char *path,
				     int oflag, mode_t mode)
{
	struct libsys_spawn_action a = { .kind = ACT_OPEN, .fd = fd, .oflag = oflag, .mode = mode };
	return add_action(fa, a, path);
}

int posix_spawn_file_actions_addclose(posix_spawn_file_actions_t *fa, int fd)
{
	struct libsys_spawn_action a = { .kind = ACT_CLOSE, .fd = fd };
	return add_action(fa, a, NULL);
}

int posix_spawn_file_actions_adddup2(posix_spawn_file_actions_t *fa, int fd, int newfd)
{
	struct libsys_spawn_action a = { .kind = ACT_DUP2, .fd = fd, .newfd = newfd };
	return add_action(fa, a, NULL);
}

int posix_spawn_file_actions_addchdir_np(posix_spawn_file_actions_t *fa, const char *path)
{
	struct libsys_spawn_action a = { .kind = ACT_CHDIR };
	return add_action(fa, a, path);
}

int posix_spawn_file_actions_addfchdir_np(posix_spawn_file_actions_t *fa, int fd)
{
	struct libsys_spawn_action a = { .kind = ACT_FCHDIR, .fd = fd };
	return add_action(fa, a, NULL);
}

/* ---- attributes: kept in the struct ---- */

int posix_spawnattr_init(posix_spawnattr_t *a)
{
	memset(a, 0, sizeof *a);
	return 0;
}

int posix_spawnattr_destroy(posix_spawnattr_t *a)
{
	(void)a;
	return 0;
}

int posix_spawnattr_getflags(const posix_spawnattr_t *a, short *flags)
{
	*flags = a->__flags;
	return 0;
}

/* EINVAL for a flag POSIX and glibc do not have. */
int posix_spawnattr_setflags(posix_spawnattr_t *a, short flags)
{
	if (flags & ~0xff)
		return EINVAL;
	a->__flags = flags;
	return 0;
}

int posix_spawnattr_getpgroup(const posix_spawnattr_t *a, pid_t *pgrp)
{
	*pgrp = a->__pgrp;
	return 0;
}

int posix_spawnattr_setpgroup(posix_spawnattr_t *a, pid_t pgrp)
{
	a->__pgrp = pgrp;
	return 0;
}

int posix_spawnattr_getsigmask(const posix_spawnattr_t *a, sigset_t *set)
{
	*set = a->__ss;
	return 0;
}

int posix_spawnattr_setsigmask(posix_spawnattr_t *a, const sigset_t *set)
{
	a->__ss = *set;
	return 0;
}

int posix_spawnattr_getsigdefault(const posix_spawnattr_t *a, sigset_t *set)
{
	*set = a->__sd;
	return 0;
}

int posix_spawnattr_setsigdefault(posix_spawnattr_t *a, const sigset_t *set)
{
	a->__sd = *set;
	return 0;
}

int posix_spawnattr_getschedparam(const posix_spawnattr_t *a, struct sched_param *p)
{
	*p = a->__sp;
	return 0;
}

int posix_spawnattr_setschedparam(posix_spawnattr_t *a, const struct sched_param *p)
{
	a->__sp = *p;
	return 0;
}

int posix_spawnattr_getschedpolicy(const posix_spawnattr_t *a, int *policy)
{
	*policy = a->__policy;
	return 0;
}

int posix_spawnattr_setschedpolicy(posix_spawnattr_t *a, int policy)
{
	a->__policy = policy;
	return 0;
}
