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
unsigned long getauxval(unsigned long type);
#endif
