/* <linux/prctl.h>: prctl's options (sys/prctl.h). */
#ifndef _LINUX_PRCTL_H
#define _LINUX_PRCTL_H
#include <sys/prctl.h>
#endif
