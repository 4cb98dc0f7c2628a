/* <pwd.h>: the one user there is, root (uid 0, home "/", shell
 * "/bin/sh"): getpwuid(0), getpwnam("root"), getpwent once
 * (libsys/libc5.c); another uid or name is NULL (errno unchanged, as
 * glibc's "not found"). */
#ifndef _PWD_H
#define _PWD_H
#include <stddef.h>
#include <sys/types.h>
struct passwd {
	char *pw_name;
	char *pw_passwd;
	uid_t pw_uid;
	gid_t pw_gid;
	char *pw_gecos;
	char *pw_dir;
	char *pw_shell;
};
struct passwd *getpwuid(uid_t uid);
struct passwd *getpwnam(const char *name);
int getpwuid_r(uid_t uid, struct passwd *pw, char *buf, size_t len, struct passwd **out);
int getpwnam_r(const char *name, struct passwd *pw, char *buf, size_t len, struct passwd **out);
void setpwent(void);
void endpwent(void);
struct passwd *getpwent(void);
#endif
