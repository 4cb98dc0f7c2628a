/* How a child ended (abi/pager.h PG_WAIT): libsys's own form, shared by
 * sys/proc.h and the POSIX layer (libsys/posix.c). */
#ifndef SYS_WAIT_STATUS_H
#define SYS_WAIT_STATUS_H

#include <stdint.h>

struct wait_status {
	uint32_t pid;      /* the child's (PG_WAIT_ANY asks for any) */
	int how;           /* PG_WAIT_EXITED or PG_WAIT_KILLED */
	uint64_t code;     /* exit status, or the FAULT_* label */
	uint64_t addr, rip;
};

#endif
