/* <execinfo.h>: glibc's backtrace (libsys/libc6.c).  Programs are built
 * without unwind tables or frame pointers, so a walk up the stack is not
 * safe: backtrace gives the one frame it can be sure of, its caller's
 * return address (glibc's first entry is backtrace's own caller too).
 * backtrace_symbols names each address as "[0x...]" in one malloc'd
 * block the caller frees; backtrace_symbols_fd writes a line each. */
#ifndef _EXECINFO_H
#define _EXECINFO_H
int backtrace(void **buffer, int size);
char **backtrace_symbols(void *const *buffer, int size);
void backtrace_symbols_fd(void *const *buffer, int size, int fd);
#endif
