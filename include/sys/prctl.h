/* <sys/prctl.h>: prctl's PR_SET_NAME and PR_GET_NAME (the calling
 * thread's name, as pthread_setname_np), PR_SET_PDEATHSIG and
 * PR_GET_PDEATHSIG (kept, never sent), PR_SET_DUMPABLE/PR_GET_DUMPABLE;
 * PR_SET_NO_NEW_PRIVS, PR_SET_THP_DISABLE, PR_SET_CHILD_SUBREAPER,
 * PR_SET_KEEPCAPS, PR_SET_TIMERSLACK kept for their PR_GET_ (not
 * applied); PR_GET_SECCOMP 0; PR_CAPBSET_READ 1 (root); EINVAL for the
 * rest (libsys/libc5.c). */
#ifndef _SYS_PRCTL_H
#define _SYS_PRCTL_H
#define PR_SET_PDEATHSIG 1
#define PR_GET_PDEATHSIG 2
#define PR_GET_DUMPABLE  3
#define PR_SET_DUMPABLE  4
#define PR_GET_KEEPCAPS  7
#define PR_SET_KEEPCAPS  8
#define PR_SET_NAME      15
#define PR_GET_NAME      16
#define PR_GET_SECCOMP   21
#define PR_SET_SECCOMP   22
#define PR_CAPBSET_READ  23
#define PR_CAPBSET_DROP  24
#define PR_SET_TIMERSLACK 29
#define PR_GET_TIMERSLACK 30
#define PR_SET_CHILD_SUBREAPER 36
#define PR_GET_CHILD_SUBREAPER 37
#define PR_SET_NO_NEW_PRIVS 38
#define PR_GET_NO_NEW_PRIVS 39
#define PR_SET_THP_DISABLE 41
#define PR_GET_THP_DISABLE 42
#define PR_SET_VMA 0x53564d41
#define PR_SET_VMA_ANON_NAME 0
int prctl(int option, ...);
#endif
