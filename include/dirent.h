/* <dirent.h>: directories as Linux programs list them (libsys/tmpfs.c):
 * "/" (the initrd's files, dev, proc, sys, tmp and tmpfs's entries),
 * /dev, /tmp, /dev/shm (shm_open's objects too) and the directories mkdir
 * made.  readdir gives ".", "..", then each entry once (one made or
 * removed while listing may or may not show); NULL at the end. */
#ifndef _DIRENT_H
#define _DIRENT_H

#include <sys/types.h>

struct dirent {
	ino_t d_ino;
	off_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[256];
};

#define DT_UNKNOWN 0
#define DT_FIFO 1
#define DT_CHR 2
#define DT_DIR 4
#define DT_BLK 6
#define DT_REG 8
#define DT_LNK 10
#define DT_SOCK 12

typedef struct __dirstream DIR;

/* opendir: ENOENT, ENOTDIR, EMFILE; fdopendir: of a directory descriptor
 * (open with O_DIRECTORY; EBADF, ENOTDIR), which closedir closes. */
DIR *opendir(const char *path);
DIR *fdopendir(int fd);
struct dirent *readdir(DIR *d);
int closedir(DIR *d);
void rewinddir(DIR *d);
/* libsys/libc7.c, over readdir: readdir_r (deprecated, as glibc),
 * scandir (malloc'd entries, the caller frees), alphasort, versionsort. */
int readdir_r(DIR *d, struct dirent *entry, struct dirent **result);
int scandir(const char *path, struct dirent ***list, int (*keep)(const struct dirent *),
	    int (*cmp)(const struct dirent **, const struct dirent **));
int alphasort(const struct dirent **a, const struct dirent **b);
int versionsort(const struct dirent **a, const struct dirent **b);
int dirfd(DIR *d);

#endif
