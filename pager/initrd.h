/* The initrd: a POSIX ustar archive of programs (built by the Makefile with
 * `tar --format=ustar`).  Pure: reads only the bytes it is given. */
#ifndef PAGER_INITRD_H
#define PAGER_INITRD_H

#include <stddef.h>
#include <stdint.h>

#define INITRD_BLOCK    512
#define INITRD_NAME_MAX 256 /* prefix "/" name, NUL-terminated */

struct initrd_file {
	char name[INITRD_NAME_MAX]; /* without a leading "./" */
	const uint8_t *data;        /* inside the archive */
	uint64_t size;
};

/* The next regular file at or after byte *pos of the len-byte archive at
 * tar (start with *pos = 0); *pos moves past it.  Other entry types are
 * skipped.  E_OK, E_NOENT at the end (a zero block or the end of the data),
 * E_INVAL for a damaged header (magic, checksum, size field, or a file that
 * runs past len). */
int initrd_next(const void *tar, size_t len, size_t *pos, struct initrd_file *f);

/* Find the regular file called name.  E_OK, E_NOENT, or E_INVAL as above. */
int initrd_find(const void *tar, size_t len, const char *name,
		struct initrd_file *f);

#endif
