/* <sys/auxv.h>: getauxval for the few entries a program asks about:
 * AT_PAGESZ 4096, AT_CLKTCK 100, AT_HWCAP and AT_HWCAP2 0, AT_SECURE 0,
 * AT_RANDOM 16 bytes made at the first call; else 0 with ENOENT. */
#ifndef _SYS_AUXV_H
#define _SYS_AUXV_H
#define AT_NULL    0
#define AT_PAGESZ  6
#define AT_HWCAP  16
#define AT_CLKTCK 17
#define AT_SECURE 23
#define AT_RANDOM 25
#define AT_HWCAP2 26
#define AT_EXECFN 31
/* Linux's other names; getauxval answers them 0 with ENOENT, as for an
 * entry the kernel did not give (the uids: 0, root) */
#define AT_IGNORE  1
#define AT_EXECFD  2
#define AT_PHDR    3
#define AT_PHENT   4
#define AT_PHNUM   5
#define AT_BASE    7
#define AT_FLAGS   8
#define AT_ENTRY   9
#define AT_NOTELF 10
#define AT_UID    11
#define AT_EUID   12
#define AT_GID    13
#define AT_EGID   14
#define AT_PLATFORM 15
#define AT_BASE_PLATFORM 24
#define AT_SYSINFO_EHDR 33
#define AT_MINSIGSTKSZ 51
unsigned long getauxval(unsigned long type);
#endif
