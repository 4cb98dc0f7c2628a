/* The page: the unit of mapping, protection, frames and the pager's work,
 * the same on both sides of every boundary. */
#ifndef ABI_PAGE_H
#define ABI_PAGE_H

#define PAGE_SHIFT 12
#define PAGE_SIZE  4096ull

#endif
