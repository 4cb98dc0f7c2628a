/* The startup page (abi/pager.h struct pg_startup), read-only, at
 * PG_STARTUP_VA in every process: read every time (never cached: a forked
 * child's memory is a copy of its parent's, but its startup page is its
 * own). */
#ifndef SYS_STARTUP_H
#define SYS_STARTUP_H

#include "abi/pager.h"

#define sys_startup (*(const volatile struct pg_startup *)PG_STARTUP_VA)
#define sys_pager   (sys_startup.pager)            /* pager endpoint handle */
#define sys_pid     (sys_startup.pid)
#define sys_ipc_buf ((void *)sys_startup.ipc_buf)  /* main thread's IPC buffer */

#endif
