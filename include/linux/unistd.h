/* <linux/unistd.h>: the system-call numbers (__NR_*). */
#ifndef _LINUX_UNISTD_H
#define _LINUX_UNISTD_H
#include <asm/unistd.h>
#endif
