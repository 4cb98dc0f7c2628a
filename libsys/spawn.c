/* posix_spawn (spawn.h) over the pager's spawn: the program is the
 * initrd's file named by path's last component. */
#include <errno.h>
#include <spawn.h>
#include <string.h>
#include "abi/err.h"
#include "abi/pager.h"
#include "sys/proc.h"
#include "libsys.h"

int posix_spawn(pid_t *pid, const char *path, const posix_spawn_file_actions_t *actions,
		const posix_spawnattr_t *attr, char *const argv[], char *const envp[])
{
	(void)envp;
	if (actions || attr)
		return ENOSYS;
	if (!path || !*path)
		return ENOENT;
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

int posix_spawnp(pid_t *pid, const char *file, const posix_spawn_file_actions_t *actions,
		 const posix_spawnattr_t *attr, char *const argv[], char *const envp[])
{
	return posix_spawn(pid, file, actions, attr, argv, envp);
}
