/* <grp.h>: one group, root (gid 0), as <pwd.h> has one user; setgroups
 * (libsys/libc7.c) keeps up to 32 supplementary groups for getgroups. */
#ifndef _GRP_H
#define _GRP_H
#include <stddef.h>
#include <sys/types.h>

struct group {
	char *gr_name;
	char *gr_passwd;
	gid_t gr_gid;
	char **gr_mem;
};

struct group *getgrgid(gid_t gid);
struct group *getgrnam(const char *name);
int setgroups(size_t size, const gid_t *list);
#endif
