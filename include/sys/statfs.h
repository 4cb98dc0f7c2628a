/* <sys/statfs.h>: Linux's statfs and fstatfs (libsys/libc6.c), as
 * <sys/statvfs.h> says, with f_type the file system's magic number
 * (<linux/magic.h>): TMPFS_MAGIC for files, PROC_SUPER_MAGIC under /proc,
 * SYSFS_MAGIC under /sys (the initrd's programs are on the root's
 * tmpfs). */
#ifndef _SYS_STATFS_H
#define _SYS_STATFS_H
#include <sys/types.h>

typedef struct { int __val[2]; } fsid_t;

struct statfs {
	long f_type;
	long f_bsize;
	unsigned long f_blocks;
	unsigned long f_bfree;
	unsigned long f_bavail;
	unsigned long f_files;
	unsigned long f_ffree;
	fsid_t f_fsid;
	long f_namelen;
	long f_frsize;
	long f_flags;
	long f_spare[4];
};

int statfs(const char *path, struct statfs *buf);
int fstatfs(int fd, struct statfs *buf);
#endif
