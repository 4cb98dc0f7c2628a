/* Everything a user program usually needs. */
#ifndef SYS_SYS_H
#define SYS_SYS_H

#include "abi/err.h"
#include "abi/fault.h"
#include "abi/pager.h"
#include "abi/stats.h"
#include "sys/ipc.h"
#include "sys/proc.h"
#include "sys/stdio.h"
#include "sys/string.h"
#include "sys/syscall.h"

#endif
