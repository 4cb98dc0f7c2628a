/* MAP_SHARED anonymous memory: a shared object holds the frames, every
 * mapping region (of this process, its forked children, the parts a split
 * made) holds one reference, and each mapper records the object's frames
 * in its page table as PAGE_SHARED pages: mapped with the region's rights,
 * never copy-on-write, never freed by a mapper (release() skips them).
 * The last reference frees the frames.  Objects come from a pool (its
 * own SHM_MAX, then pages pool_grow gives: as many as memory holds).
 * Objects of shm_open have a name in one namespace for every process (a
 * reference each: an unlinked object lives on while it is mapped), and a
 * size (ftruncate's).  Pure: frames come through dp_ops. */
#include "abi/err.h"
#include "lib/string.h"
#include "demand.h"
#include "pool.h"

#define SHM_MAX 256 /* objects of the pool's own array; more grow it */
#define SHM_NAMES_FIXED 16 /* names of the pool's own array; more grow it */
/* Names in the whole system at most: Linux's tmpfs inode limit (half of
 * RAM's pages) at 128 MiB.  A name outlives the process that made it and
 * belongs to nobody the OOM killer could end, and the names are a sorted
 * list walked under pg.big for writing: one program making names without
 * end took memory in nodes no exit gave back, and every request that ran
 * alone slowed with it (hostile18_names). */
#define SHM_NAMES_MAX 16384

static struct shm objs[SHM_MAX];
static struct pool obj_pool;

/* A name of the global namespace (shm_open): one reference on obj. */
struct shm_name {
	struct shm_name *next;
	struct shm *obj;
	char name[SHM_NAME_MAX + 1];
};
static struct shm_name name_mem[SHM_NAMES_FIXED];
static struct pool name_pool;
static struct shm_name *names; /* the namespace: a list in strcmp order */
/* Where the last shm_name_next left off: resume is the first name past
 * resume_after (NULL: none), kept so as links and unlinks come: a walk
 * (readdir) goes on from there, O(1) a step, not from the list's head. */
static struct shm_name *resume;
static char resume_after[SHM_NAME_MAX + 1];
static bool resume_valid;

const struct backing backing_shared = {
	.kind = PG_BACK_SHARED, .zero_read = false, .count = &dp_stats.faults_zero,
};

#define SEGS_FIXED 16 /* segment records of the pool's own array; more grow it */
static struct shm_seg seg_mem[SEGS_FIXED];
static struct pool seg_pool;
static struct shm *segs[SHM_SEG_MAX]; /* by id % SHM_SEG_MAX */
static uint16_t seg_seq[SHM_SEG_MAX]; /* bumped as a slot is taken: old ids go stale */

/* o (its last reference gone) leaves the segment table. */
static void seg_forget(struct shm *o)
{
	segs[o->seg->id % SHM_SEG_MAX] = NULL;
	pool_put(&seg_pool, o->seg);
	o->seg = NULL;
}

static uint64_t next_ino; /* the last object's number */

struct shm *shm_new(void)
{
	if (!obj_pool.mem)
		pool_init(&obj_pool, objs, sizeof objs[0], SHM_MAX);
	struct shm *o = pool_get(&obj_pool);
	if (!o)
		return NULL;
	o->refs = 1;
	o->sized = false;
	o->size = 0;
	o->seg = NULL;
	o->ino = ++next_ino;
	o->names = 0;
	o->fs = false;
	pagetab_init(&o->pages);
	return o;
}

void shm_get(struct shm *o)
{
	o->refs++;
}

/* What shm_free_frame frees a page of. */
struct freeing {
	const struct shm *o;
	const struct dp_ops *ops;
};

static void shm_free_frame(const struct page *p, void *arg)
{
	const struct freeing *f = arg;
	f->ops->free(p->pfn, p->gen);
	STAT_SUB(dp_stats.frames_held, 1);
	if (f->o->fs)
		STAT_SUB(dp_stats.tmpfs_frames, 1);
}

void shm_put(struct shm *o, const struct dp_ops *ops)
{
	if (--o->refs)
		return;
	if (o->seg)
		seg_forget(o);
	struct freeing f = { o, ops };
	pagetab_destroy(&o->pages, shm_free_frame, &f);
	pool_put(&obj_pool, o);
}

int shm_frame(struct shm *o, uint64_t index, bool past_ok, const struct dp_ops *ops,
	      uint64_t *pfn, uint32_t *gen)
{
	uint64_t key = index * PAGE_SIZE;
	if (key >= (1ull << 47))
		return E_INVAL;
	if (o->sized && key >= o->size && !past_ok) /* a whole page past the end: SIGBUS */
		return E_RANGE;
	struct page *p = pagetab_lookup(&o->pages, key);
	if (p) {
		*pfn = p->pfn;
		*gen = p->gen;
		return E_OK;
	}
	/* the files' total (dp_stats.tmpfs_limit, half of memory as Linux's
	 * tmpfs): their frames outlive every process, no OOM kill gives them
	 * back, so past it the writer hears (ENOSPC, SIGBUS), not the
	 * system; the count and the check are under the share lock */
	if (o->fs && dp_stats.tmpfs_frames >= dp_stats.tmpfs_limit)
		return E_NOSPC;
	/* marked shared for the kernel: futexes in it are keyed by the frame */
	if ((ops->alloc_shared ? ops->alloc_shared : ops->alloc)(pfn, gen))
		return E_NOMEM;
	if (pagetab_insert(&o->pages, key, *pfn, *gen, 0)) {
		ops->free(*pfn, *gen);
		return E_NOMEM;
	}
	STAT_ADD(dp_stats.frames_held, 1);
	STAT_ADD(dp_stats.faults_zero, 1);
	if (o->fs)
		STAT_ADD(dp_stats.tmpfs_frames, 1);
	return E_OK;
}

int shm_fill(struct shm *o, uint64_t from, uint64_t to, const struct dp_ops *ops,
	     uint64_t *done)
{
	uint64_t pfn;
	uint32_t gen;
	for (uint64_t a = from & ~(uint64_t)(PAGE_SIZE - 1); a < to; a += PAGE_SIZE) {
		int e = shm_frame(o, a / PAGE_SIZE, true, ops, &pfn, &gen);
		if (e) {
			*done = a > from ? a : from;
			return e;
		}
	}
	*done = to;
	return E_OK;
}

void shm_zero_from(struct shm *o, uint64_t from, const struct dp_ops *ops)
{
	struct page *p = pagetab_from(&o->pages, from & ~(uint64_t)(PAGE_SIZE - 1));
	for (; p; p = pagetab_next(&o->pages, p)) {
		uint64_t off = p->va < from ? from - p->va : 0;
		memset((uint8_t *)ops->window(p->pfn) + off, 0, PAGE_SIZE - off);
	}
}

void shm_zero_range(struct shm *o, uint64_t from, uint64_t to, const struct dp_ops *ops)
{
	struct page *p = pagetab_from(&o->pages, from & ~(uint64_t)(PAGE_SIZE - 1));
	for (; p && p->va < to; p = pagetab_next(&o->pages, p)) {
		uint64_t off = p->va < from ? from - p->va : 0;
		uint64_t end = to - p->va < PAGE_SIZE ? to - p->va : PAGE_SIZE;
		memset((uint8_t *)ops->window(p->pfn) + off, 0, end - off);
	}
}

void shm_free_from(struct shm *o, uint64_t from, const struct dp_ops *ops)
{
	struct page *p = pagetab_from(&o->pages, from), *next, gone;
	struct freeing f = { o, ops };
	for (; p; p = next) {
		next = pagetab_next(&o->pages, p); /* stays where it is */
		if (pagetab_remove(&o->pages, p->va, &gone))
			shm_free_frame(&gone, &f);
	}
}

unsigned shm_users(const struct shm *o)
{
	return o->refs;
}

size_t shm_objects_used(void)
{
	return obj_pool.mem ? obj_pool.inuse : 0;
}

/* The slot of name in the list: where it is, or where it would go. */
static struct shm_name **name_slot(const char *name)
{
	struct shm_name **n = &names;
	while (*n && strcmp((*n)->name, name) < 0)
		n = &(*n)->next;
	return n;
}

/* The name at slot at, if it is name. */
static struct shm_name *name_at(struct shm_name **at, const char *name)
{
	return *at && !strcmp((*at)->name, name) ? *at : NULL;
}

/* n into the list at its place (its name not there). */
static void name_insert(struct shm_name *n)
{
	struct shm_name **at = name_slot(n->name);
	n->next = *at;
	*at = n;
	if (resume_valid && strcmp(n->name, resume_after) > 0 &&
	    (!resume || strcmp(n->name, resume->name) < 0))
		resume = n; /* now the first past resume_after */
}

/* The name at slot at out of the list. */
static struct shm_name *name_remove(struct shm_name **at)
{
	struct shm_name *n = *at;
	*at = n->next;
	if (resume == n)
		resume = n->next;
	return n;
}

struct shm *shm_lookup(const char *name)
{
	struct shm_name *n = name_at(name_slot(name), name);
	return n ? n->obj : NULL;
}

int shm_link(const char *name, struct shm *o)
{
	size_t len = strlen(name);
	if (len == 0 || len > SHM_NAME_MAX)
		return E_INVAL;
	if (name_at(name_slot(name), name))
		return E_BUSY;
	if (!name_pool.mem)
		pool_init(&name_pool, name_mem, sizeof name_mem[0], SHM_NAMES_FIXED);
	if (name_pool.inuse >= SHM_NAMES_MAX)
		return E_NOSPC;
	struct shm_name *n = pool_get(&name_pool);
	if (!n)
		return E_NOMEM;
	memcpy(n->name, name, len + 1);
	n->obj = o;
	o->refs++;
	o->names++;
	name_insert(n);
	return E_OK;
}

int shm_unlink_name(const char *name, const struct dp_ops *ops)
{
	struct shm_name **at = name_slot(name), *n = name_at(at, name);
	if (!n)
		return E_NOENT;
	name_remove(at);
	n->obj->names--;
	shm_put(n->obj, ops);
	pool_put(&name_pool, n);
	return E_OK;
}

int shm_name_next(const char *after, const char *prefix, char *out, uint64_t *size)
{
	size_t plen = strlen(prefix);
	const char *from = strcmp(after, prefix) >= 0 ? after : NULL; /* NULL: >= prefix */
	struct shm_name *n;
	if (from && resume_valid && !strcmp(from, resume_after))
		n = resume; /* a walk going on */
	else
		for (n = names; n && (from ? strcmp(n->name, from) <= 0 :
					   strcmp(n->name, prefix) < 0); n = n->next)
			;
	if (!n || strncmp(n->name, prefix, plen)) /* the prefix's names are one run */
		return E_NOENT;
	size_t len = strlen(n->name) + 1;
	memcpy(out, n->name, len);
	*size = n->obj->size;
	memcpy(resume_after, n->name, len);
	resume = n->next;
	resume_valid = true;
	return E_OK;
}

int shm_rename(const char *old, const char *new, const struct dp_ops *ops)
{
	struct shm_name **at = name_slot(old), *n = name_at(at, old);
	if (!n)
		return E_NOENT;
	size_t len = strlen(new);
	if (len == 0 || len > SHM_NAME_MAX)
		return E_INVAL;
	if (!strcmp(old, new))
		return E_OK;
	name_remove(at);
	if (name_at(name_slot(new), new))
		shm_unlink_name(new, ops);
	memcpy(n->name, new, len + 1);
	name_insert(n); /* at its new name's place */
	return E_OK;
}

size_t shm_names_used(void)
{
	return name_pool.mem ? name_pool.inuse : 0;
}

int shm_seg_get(int32_t key, uint64_t size, unsigned flags, uint32_t mode, uint32_t pid,
		uint64_t now, int32_t *id)
{
	int free = -1;
	for (int i = 0; i < SHM_SEG_MAX; i++) {
		struct shm *o = segs[i];
		if (!o) {
			if (free < 0)
				free = i;
			continue;
		}
		if (key == 0 || o->seg->removed || o->seg->key != key)
			continue;
		if ((flags & SHM_SEG_CREAT) && (flags & SHM_SEG_EXCL))
			return E_BUSY;
		if (size > o->seg->segsz)
			return E_INVAL;
		*id = o->seg->id;
		return E_OK;
	}
	if (key != 0 && !(flags & SHM_SEG_CREAT))
		return E_NOENT;
	if (size == 0 || size > (1ull << 40))
		return E_INVAL;
	if (free < 0)
		return E_OVERFLOW;
	if (!seg_pool.mem)
		pool_init(&seg_pool, seg_mem, sizeof seg_mem[0], SEGS_FIXED);
	struct shm_seg *g = pool_get(&seg_pool);
	struct shm *o = g ? shm_new() : NULL;
	if (!o) {
		if (g)
			pool_put(&seg_pool, g);
		return E_NOMEM;
	}
	seg_seq[free] = (uint16_t)((seg_seq[free] + 1) & 0x7fff);
	*g = (struct shm_seg){ .key = key, .id = (int32_t)seg_seq[free] * SHM_SEG_MAX + free,
			       .mode = mode & 0777, .cpid = pid, .segsz = size, .ctime = now };
	o->seg = g;
	segs[free] = o; /* the table's reference: shm_new's */
	*id = g->id;
	return E_OK;
}

struct shm *shm_seg_find(int32_t id)
{
	if (id < 0)
		return NULL;
	struct shm *o = segs[id % SHM_SEG_MAX];
	return o && o->seg->id == id ? o : NULL;
}

unsigned shm_seg_nattch(const struct shm *o)
{
	return o->refs - (o->seg->removed ? 0 : 1);
}

void shm_seg_remove(struct shm *o, const struct dp_ops *ops)
{
	if (o->seg->removed)
		return;
	o->seg->removed = true;
	o->seg->key = 0;
	shm_put(o, ops);
}

size_t shm_segs_used(void)
{
	return seg_pool.mem ? seg_pool.inuse : 0;
}
