/* MAP_SHARED anonymous memory: a shared object holds the frames, every
 * mapping region (of this process, its forked children, the parts a split
 * made) holds one reference, and each mapper records the object's frames
 * in its page table as PAGE_SHARED pages: mapped with the region's rights,
 * never copy-on-write, never freed by a mapper (release() skips them).
 * The last reference frees the frames.  Pure: frames come through dp_ops. */
#include "abi/err.h"
#include "lib/string.h"
#include "demand.h"

#define SHM_MAX 256

static struct shm objs[SHM_MAX];

const struct backing backing_shared = {
	.kind = PG_BACK_SHARED, .zero_read = false, .count = &dp_stats.faults_zero,
};

struct shm *shm_new(void)
{
	for (int i = 0; i < SHM_MAX; i++)
		if (!objs[i].refs) {
			memset(&objs[i], 0, sizeof objs[i]);
			objs[i].refs = 1;
			pagetab_init(&objs[i].pages);
			return &objs[i];
		}
	return NULL;
}

void shm_get(struct shm *o)
{
	o->refs++;
}

static void shm_free_frame(const struct page *p, void *arg)
{
	const struct dp_ops *ops = arg;
	ops->free(p->pfn, p->gen);
	STAT_SUB(dp_stats.frames_held, 1);
}

void shm_put(struct shm *o, const struct dp_ops *ops)
{
	if (--o->refs)
		return;
	pagetab_destroy(&o->pages, shm_free_frame, (void *)ops);
}

int shm_frame(struct shm *o, uint64_t index, const struct dp_ops *ops,
	      uint64_t *pfn, uint32_t *gen)
{
	uint64_t key = index * PAGE_SIZE;
	if (key >= (1ull << 47))
		return E_INVAL;
	struct page *p = pagetab_lookup(&o->pages, key);
	if (p) {
		*pfn = p->pfn;
		*gen = p->gen;
		return E_OK;
	}
	if (ops->alloc(pfn, gen))
		return E_NOMEM;
	if (pagetab_insert(&o->pages, key, *pfn, *gen, 0)) {
		ops->free(*pfn, *gen);
		return E_NOMEM;
	}
	STAT_ADD(dp_stats.frames_held, 1);
	STAT_ADD(dp_stats.faults_zero, 1);
	return E_OK;
}

unsigned shm_users(const struct shm *o)
{
	return o->refs;
}

size_t shm_objects_used(void)
{
	size_t n = 0;
	for (int i = 0; i < SHM_MAX; i++)
		n += objs[i].refs != 0;
	return n;
}
