/* Initrd file pages (ELF PT_LOAD segments, and mmap of a file): the bytes of the segment's file
 * part that fall in the page are copied at first touch; the rest of the
 * page, and .bss, stay zero. */
#include "abi/err.h"
#include "lib/string.h"
#include "demand.h"

/* Copy r's file bytes of the page at va into page (already zeroed). */
static void file_fill(const struct region *r, uint64_t va, uint8_t *page)
{
	uint64_t lo = va > r->fvaddr ? va : r->fvaddr;
	uint64_t fend = r->fvaddr + r->filesz;
	uint64_t hi = va + PAGE_SIZE < fend ? va + PAGE_SIZE : fend;
	if (lo < hi)
		memcpy(page + (lo - va), r->fdata + (lo - r->fvaddr), hi - lo);
}

const struct backing backing_file = {
	.kind = PG_BACK_FILE, .fill = file_fill, .count = &dp_stats.faults_file,
};

/* A page of a file mapping (mmap of an initrd file) wholly past the end of
 * the file: E_FAULT (Linux raises SIGBUS there). */
static int mapfile_check(const struct region *r, uint64_t va)
{
	uint64_t fend = (r->fvaddr + r->filesz + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	return va >= fend ? E_FAULT : E_OK;
}

const struct backing backing_mapfile = {
	.kind = PG_BACK_FILE, .check = mapfile_check, .fill = file_fill,
	.count = &dp_stats.faults_file,
};
