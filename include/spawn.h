/* <spawn.h>: posix_spawn and posix_spawnp start a program of the initrd
 * (named by path's last component) as a child, with argv (at most
 * PG_MAX_ARGS entries, PG_SPAWN_MAX bytes in all).  Without file actions
 * or attributes and with an empty envp, the pager spawns it at once;
 * else (libsys/spawn.c) a fork child applies the attributes
 * (POSIX_SPAWN_SETPGROUP, SETSID, SETSIGMASK, SETSIGDEF; RESETIDS,
 * SETSCHEDPARAM and SETSCHEDULER are accepted) and the file actions in
 * order (open, close, dup2, chdir, fchdir), then execs the program with
 * envp (posix_spawnp: execvpe).  Returns 0 or an errno value (ENOENT no
 * such program, the failing action's error, E2BIG, ENOMEM, EAGAIN); a
 * child that cannot exec is reaped and never seen. */
#ifndef _SPAWN_H
#define _SPAWN_H

#include <sched.h>
#include <signal.h>
#include <sys/types.h>

struct libsys_spawn_action;
typedef struct {
	int __allocated, __used;
	struct libsys_spawn_action *__actions;
	int __pad[16];
} posix_spawn_file_actions_t;

typedef struct {
	short __flags;
	pid_t __pgrp;
	sigset_t __sd, __ss;
	struct sched_param __sp;
	int __policy;
	int __pad[16];
} posix_spawnattr_t;

#define POSIX_SPAWN_RESETIDS      0x01
#define POSIX_SPAWN_SETPGROUP     0x02
#define POSIX_SPAWN_SETSIGDEF     0x04
#define POSIX_SPAWN_SETSIGMASK    0x08
#define POSIX_SPAWN_SETSCHEDPARAM 0x10
#define POSIX_SPAWN_SETSCHEDULER  0x20
#define POSIX_SPAWN_USEVFORK      0x40
#define POSIX_SPAWN_SETSID        0x80

int posix_spawn(pid_t *pid, const char *path, const posix_spawn_file_actions_t *actions,
		const posix_spawnattr_t *attr, char *const argv[], char *const envp[]);
int posix_spawnp(pid_t *pid, const char *file, const posix_spawn_file_actions_t *actions,
		 const posix_spawnattr_t *attr, char *const argv[], char *const envp[]);

int posix_spawn_file_actions_init(posix_spawn_file_actions_t *fa);
int posix_spawn_file_actions_destroy(posix_spawn_file_actions_t *fa);
int posix_spawn_file_actions_addopen(posix_spawn_file_actions_t *fa, int fd, const char *path,
				     int oflag, mode_t mode);
int posix_spawn_file_actions_addclose(posix_spawn_file_actions_t *fa, int fd);
int posix_spawn_file_actions_adddup2(posix_spawn_file_actions_t *fa, int fd, int newfd);
int posix_spawn_file_actions_addchdir_np(posix_spawn_file_actions_t *fa, const char *path);
int posix_spawn_file_actions_addfchdir_np(posix_spawn_file_actions_t *fa, int fd);

int posix_spawnattr_init(posix_spawnattr_t *a);
int posix_spawnattr_destroy(posix_spawnattr_t *a);
int posix_spawnattr_getflags(const posix_spawnattr_t *a, short *flags);
int posix_spawnattr_setflags(posix_spawnattr_t *a, short flags);
int posix_spawnattr_getpgroup(const posix_spawnattr_t *a, pid_t *pgrp);
int posix_spawnattr_setpgroup(posix_spawnattr_t *a, pid_t pgrp);
int posix_spawnattr_getsigmask(const posix_spawnattr_t *a, sigset_t *set);
int posix_spawnattr_setsigmask(posix_spawnattr_t *a, const sigset_t *set);
int posix_spawnattr_getsigdefault(const posix_spawnattr_t *a, sigset_t *set);
int posix_spawnattr_setsigdefault(posix_spawnattr_t *a, const sigset_t *set);
int posix_spawnattr_getschedparam(const posix_spawnattr_t *a, struct sched_param *p);
int posix_spawnattr_setschedparam(posix_spawnattr_t *a, const struct sched_param *p);
int posix_spawnattr_getschedpolicy(const posix_spawnattr_t *a, int *policy);
int posix_spawnattr_setschedpolicy(posix_spawnattr_t *a, int policy);

#endif
