/* <linux/fs.h>: a few of the kernel's file-system names programs use. */
#ifndef _LINUX_FS_H
#define _LINUX_FS_H
#include <linux/limits.h>
#include <linux/types.h>
#define BLOCK_SIZE_BITS 10
#define BLOCK_SIZE (1 << BLOCK_SIZE_BITS)
#define SEEK_DATA 3
#define SEEK_HOLE 4
#define RENAME_NOREPLACE 1
#define RENAME_EXCHANGE 2
#define RENAME_WHITEOUT 4
#endif
