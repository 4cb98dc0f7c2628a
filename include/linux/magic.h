/* <linux/magic.h>: the f_type numbers statfs answers here (the file
 * systems this system has), with Linux's values. */
#ifndef _LINUX_MAGIC_H
#define _LINUX_MAGIC_H
#define TMPFS_MAGIC      0x01021994
#define PROC_SUPER_MAGIC 0x9fa0
#define SYSFS_MAGIC      0x62656572
#endif
