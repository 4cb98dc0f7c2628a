/* <sys/sysmacros.h>: a device number's major and minor parts, glibc's
 * encoding (st_dev, st_rdev). */
#ifndef _SYS_SYSMACROS_H
#define _SYS_SYSMACROS_H
#include <sys/types.h>
#define major(dev) ((unsigned)((((unsigned long long)(dev) >> 32) & 0xfffff000u) | \
			      (((unsigned long long)(dev) >> 8) & 0xfffu)))
#define minor(dev) ((unsigned)((((unsigned long long)(dev) >> 12) & 0xffffff00u) | \
			      ((unsigned long long)(dev) & 0xffu)))
#define makedev(ma, mi) ((dev_t)((((unsigned long long)(ma) & 0xfffff000ull) << 32) | \
				 (((unsigned long long)(ma) & 0xfffull) << 8) | \
				 (((unsigned long long)(mi) & 0xffffff00ull) << 12) | \
				 ((unsigned long long)(mi) & 0xffull)))
#endif
