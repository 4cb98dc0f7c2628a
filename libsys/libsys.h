/* libsys's internals shared between its files (not for programs). */
#ifndef LIBSYS_LIBSYS_H
#define LIBSYS_LIBSYS_H

#include "sys/ipc.h"

/* Call the pager with *m; the reply replaces *m.  Returns the IPC error,
 * or else the pager's answer (the reply label). */
int libsys_pg_call(struct sys_msg *m);

/* errno's value for an enum err (E_OK: 0). */
int libsys_errno(int e);

/* Set errno from e and return -1 (e != E_OK), or return 0. */
int libsys_fail(int e);

/* The file behind fd as PG_MMAP's w3 wants it (PG_LIST index + 1), 0 if
 * fd is not an open initrd file. */
uint64_t libsys_fd_file(int fd);

/* fmt.c's float conversions (fltfmt.c); set by crt0 before main. */
void libsys_float_init(void);

#endif
