/* <linux/mman.h>: what Linux's uapi header adds to <sys/mman.h>'s names
 * (MREMAP_*, MAP_* and MADV_* are there): the huge-page size bits of
 * MAP_HUGETLB (mmap with MAP_HUGETLB fails EINVAL here: no huge pages)
 * and the overcommit modes of /proc/sys/vm/overcommit_memory. */
#ifndef _LINUX_MMAN_H
#define _LINUX_MMAN_H
#include <sys/mman.h>

#define MAP_HUGE_SHIFT 26
#define MAP_HUGE_MASK  0x3f
#define MAP_HUGE_2MB   (21 << MAP_HUGE_SHIFT)
#define MAP_HUGE_1GB   (30 << MAP_HUGE_SHIFT)

#define OVERCOMMIT_GUESS  0
#define OVERCOMMIT_ALWAYS 1
#define OVERCOMMIT_NEVER  2
#endif
