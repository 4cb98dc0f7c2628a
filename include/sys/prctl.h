/* <sys/prctl.h>: prctl's PR_SET_NAME and PR_GET_NAME (the calling
 * thread's name, as pthread_setname_np), PR_SET_PDEATHSIG and
 * PR_GET_PDEATHSIG (kept, never sent), PR_SET_DUMPABLE/PR_GET_DUMPABLE;
 * EINVAL for the rest (libsys/libc5.c). */
#ifndef _SYS_PRCTL_H
#define _SYS_PRCTL_H
#define PR_SET_PDEATHSIG 1
#define PR_GET_PDEATHSIG 2
#define PR_GET_DUMPABLE  3
#define PR_SET_DUMPABLE  4
#define PR_SET_NAME      15
#define PR_GET_NAME      16
int prctl(int option, ...);
#endif
