/* <linux/errno.h>: the error numbers (errno.h's). */
#ifndef _LINUX_ERRNO_H
#define _LINUX_ERRNO_H
#include <errno.h>
#endif
