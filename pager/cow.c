/* COW share counts: a count per frame number, in 4 KiB leaves of 1,024
 * counts under pages of 512 leaf pointers under one static array (a
 * radix table like a page table's).  It replaced an AVL tree keyed by
 * frame number, whose insert and remove rebalanced at every level: about
 * 1,900 instructions per page over a fork, its COW write and its exit. */
#include "abi/err.h"
#include "abi/page.h"
#include "cow.h"
#include "hot.h"

#define LEAF_COUNTS (PAGE_SIZE / sizeof(uint32_t))  /* 1024 frames per leaf */
#define MID_LEAVES (PAGE_SIZE / sizeof(uint32_t *)) /* 512 leaves per middle page */
#define TOP_MIDS (COW_PFN_MAX / LEAF_COUNTS / MID_LEAVES)
_Static_assert(TOP_MIDS == 512, "one page of middle pointers");

static PG_HOT_DATA uint32_t **top[TOP_MIDS];
static PG_HOT_DATA uint64_t covered; /* frame numbers below it have a count */
static size_t entries, shared; /* counts > 0; counts >= 2 */

/* pfn's count, or NULL beyond the table. */
static PG_HOT uint32_t *slot(uint64_t pfn)
{
	if (pfn >= covered)
		return NULL;
	return &top[pfn / (LEAF_COUNTS * MID_LEAVES)][pfn / LEAF_COUNTS % MID_LEAVES]
		   [pfn % LEAF_COUNTS];
}

int cow_init(uint64_t limit, void *(*page)(uint64_t *cookie))
{
	if (limit > COW_PFN_MAX)
		return E_RANGE;
	/* one leaf at a time, so covered only ever names finished leaves */
	while (covered < limit) {
		uint64_t cookie, m = covered / (LEAF_COUNTS * MID_LEAVES);
		if (!top[m] && !(top[m] = page(&cookie)))
			return E_NOMEM;
		uint32_t **leaf = &top[m][covered / LEAF_COUNTS % MID_LEAVES];
		if (!(*leaf = page(&cookie)))
			return E_NOMEM;
		covered += LEAF_COUNTS;
	}
	return E_OK;
}

int cow_mark(uint64_t pfn)
{
	uint32_t *c = slot(pfn);
	if (!c)
		return E_RANGE;
	if (*c == 0) { /* the owner and the new sharer */
		*c = 2;
		entries++;
		shared++;
	} else {
		shared += (*c)++ == 1;
	}
	return E_OK;
}

PG_HOT bool cow_release(uint64_t pfn)
{
	uint32_t *c = slot(pfn);
	if (!c || *c == 0)
		return false;
	shared -= *c == 2;
	if (--*c > 0)
		return false;
	entries--;
	return true;
}

bool cow_is_cow(uint64_t pfn)
{
	uint32_t *c = slot(pfn);
	return c && *c;
}

unsigned cow_count(uint64_t pfn)
{
	uint32_t *c = slot(pfn);
	return c && *c ? *c : 1;
}

size_t cow_shared_frames(void)
{
	return shared;
}

size_t cow_entries(void)
{
	return entries;
}
