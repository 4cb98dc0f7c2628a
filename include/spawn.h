/* <spawn.h>: posix_spawn and posix_spawnp start a program of the initrd
 * (named by path's last component) as a child, with argv (at most
 * PG_MAX_ARGS entries, PG_SPAWN_MAX bytes in all); envp is not passed (a
 * process starts with an empty environment).  File actions and spawn
 * attributes are not kept: a non-NULL one is ENOSYS.  Returns 0 or an
 * errno value (ENOENT no such program, E2BIG, ENOMEM, EAGAIN). */
#ifndef _SPAWN_H
#define _SPAWN_H

#include <sys/types.h>

typedef struct { int __unused; } posix_spawn_file_actions_t;
typedef struct { int __unused; } posix_spawnattr_t;

int posix_spawn(pid_t *pid, const char *path, const posix_spawn_file_actions_t *actions,
		const posix_spawnattr_t *attr, char *const argv[], char *const envp[]);
int posix_spawnp(pid_t *pid, const char *file, const posix_spawn_file_actions_t *actions,
		 const posix_spawnattr_t *attr, char *const argv[], char *const envp[]);

#endif
