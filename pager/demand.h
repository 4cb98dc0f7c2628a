/* Demand paging for one address space (MINIX VM style): lazy regions, each
 * with a backing (a small table of functions per kind of memory: anonymous
 * zero-fill, initrd file, stack), the pages the pager gave it (pagetab.c),
 * copy-on-write sharing between spaces (cow.c) and fork.  Pure
 * (host-tested): frames and mappings are reached only through struct
 * dp_ops, set once with dp_init.
 *
 * Frame ownership: the pager holds one reference on every frame it gives
 * out (its window mapping, dp_ops.alloc .. dp_ops.free) for as long as any
 * page of any space records the frame; each mapping holds its own in the
 * kernel.  A frame recorded by one page only is not in the COW table; a
 * shared one is there with its share count.
 *
 * Threads: calls on one space run one at a time (the pager's process
 * lock); calls on different spaces may run at once, all but dp_fork
 * and dp_merge_page (those only while nothing else runs): what
 * spaces share (cow.c, filecache.c, shared objects, shared page-table
 * leaves, KSM's dp_ksm_last) is touched under demand.c's share lock. */
#ifndef PAGER_DEMAND_H
#define PAGER_DEMAND_H

#include <stdbool.h>
#include <stdint.h>
#include "abi/pager.h"
#include "pagetab.h"
#include "region.h"
#include "abi/page.h"
#include "lock.h"

#define DP_PROTECT_MAX 4096 /* pages in one ops->protect (PROTECT_MASK_MAX) */
#define DP_AROUND 16 /* extra pages mapped per sequential fault (as Linux
                        * maps 64 KiB around a file fault) */

/* A frame the kernel made for the pager: (pfn, generation). */
struct dp_frame {
	uint64_t pfn, gen;
};

struct dp_ops {
	int (*alloc)(uint64_t *pfn, uint32_t *gen); /* a zeroed frame; E_NOMEM */
	void (*free)(uint64_t pfn, uint32_t gen);   /* drop the pager's hold */
	void *(*window)(uint64_t pfn);              /* the frame's bytes */
	int (*map)(uint32_t space, uint64_t va, uint64_t pfn, uint32_t gen,
		   unsigned rights);
	void (*unmap)(uint32_t space, uint64_t va, uint64_t npages);
	/* Rights for the mapped pages in [va, va + npages pages), npages <=
	 * DP_PROTECT_MAX, holes skipped: page i gets rights if bit i of mask
	 * is set, else rights without MAP_W. */
	void (*protect)(uint32_t space, uint64_t va, uint64_t npages, unsigned rights,
			const uint64_t *mask);
	/* Map src's pages in [va, va + npages pages) read-only at the same
	 * addresses in dst and take MAP_W from them in src; with copy, both
	 * get copy marks (a write there is copied by the kernel, a fill_take
	 * record). */
	int (*share)(uint32_t dst, uint32_t src, uint64_t va, uint64_t npages, bool copy);
	/* Up to n new zeroed frames mapped at va, va + 1 page, ... with rights
	 * (each also held like alloc's), into out[]; how many (it stops at a
	 * page mapped already, or when memory runs out). */
	unsigned (*alloc_map)(uint32_t space, uint64_t va, unsigned n, unsigned rights,
			      struct dp_frame *out);
	/* KSM's merge (NULL: none): if va maps (pfn, gen), take its write
	 * right, compare its bytes with (tpfn, tgen)'s and if equal map that
	 * read-only there; how: KSM_MERGE_FREE (drop the pager's hold on pfn
	 * too) | KSM_MERGE_TAG.  E_AGAIN (another frame, or other bytes). */
	int (*merge)(uint32_t space, uint64_t va, uint64_t pfn, uint32_t gen, uint64_t tpfn,
		     uint32_t tgen, unsigned how);
	/* alloc and map in one call (NULL: the two calls): a new zeroed frame
	 * held like alloc's and mapped at va with rights, where nothing is
	 * mapped.  E_NOMEM (or another error) with nothing taken. */
	int (*alloc_map1)(uint32_t space, uint64_t va, unsigned rights, uint64_t *pfn,
			  uint32_t *gen);
	/* alloc and a copy of held frame (src, src_gen) in one call (NULL:
	 * alloc, then a copy through the window): a new frame held like
	 * alloc's with src's bytes, never zeroed first.  E_NOMEM (or another
	 * error) with nothing taken. */
	int (*alloc_copy)(uint64_t src, uint32_t src_gen, uint64_t *pfn, uint32_t *gen);
	/* alloc for a frame of a shared object (NULL: alloc): the kernel
	 * marks it shared (FRAME_SHARED: futexes keyed by the frame). */
	int (*alloc_shared)(uint64_t *pfn, uint32_t *gen);
	/* Fills in the kernel (NULL: none).  fill_mark: a fill mark with
	 * rights at each unmapped page i of [va, va + npages pages), npages
	 * <= DP_PROTECT_MAX, whose bit i of mask is set: a fault there is
	 * filled by the kernel (a read: the zero frame; a write: a new zeroed
	 * frame held like alloc's) and logged.  fill_take: clear the marks of
	 * [va, va + npages pages) (npages 0: none), then move up to max
	 * logged fills to buf (FILL_REC_WORDS words each, abi/fault.h);
	 * how many. */
	void (*fill_mark)(uint32_t space, uint64_t va, uint64_t npages, unsigned rights,
			  const uint64_t *mask);
	unsigned (*fill_take)(uint32_t space, uint64_t *buf, unsigned max, uint64_t va,
			      uint64_t npages);
	/* (max may carry FILL_TAKE_STOP or FILL_TAKE_GO, abi/fault.h) */
};

/* A kind of memory.  check (may be NULL) refuses a page with E_FAULT
 * before any frame is taken; fill (NULL: zero) writes a new page's bytes
 * into its zeroed frame; count is the statistic a fill adds one to. */
struct backing {
	unsigned kind;   /* PG_BACK_* */
	bool zero_read;  /* a read of a new page may map the shared zero frame */
	int (*check)(const struct region *r, uint64_t va);
	void (*fill)(const struct region *r, uint64_t va, uint8_t *page);
	uint64_t *count;
};
extern const struct backing backing_anon, backing_heap, backing_file, backing_stack,
	backing_shared, backing_mapfile;

/* A MAP_SHARED anonymous object (backing_shared.c): its frames by page index
 * (a page table keyed by index * 4096), and the regions referring to it. */
struct shm_seg;
struct shm {
	uint32_t refs;
	bool sized;    /* a file (shm_open, memfd): a page past size is E_RANGE (SIGBUS) */
	struct pagetab pages;
	uint64_t size; /* shm_open objects: ftruncate's size */
	struct shm_seg *seg; /* a System V segment's record, or NULL */
	uint64_t ino;   /* its number, never reused (stat's st_ino) */
	uint32_t names; /* names it has in the namespace (stat's st_nlink) */
	bool fs;        /* a tmpfs file or shm_open object (PG_PSH_OPEN's): its
			 * frames count toward dp_stats.tmpfs_limit */
};
#define SHM_NAME_MAX 255 /* bytes of a name, the NUL not counted */

/* A new object with one reference; NULL when all SHM objects are in use.
 * The shm_* calls want the share lock (or nothing else running): beside
 * other spaces' calls use dp_shm_new, dp_shm_put. */
struct shm *shm_new(void);
/* One more reference; drop one (the last frees every frame with ops). */
void shm_get(struct shm *o);
void shm_put(struct shm *o, const struct dp_ops *ops);
/* The frame of page index (a zeroed one made now if it has none).
 * E_NOMEM, E_INVAL (index out of range), E_RANGE (a sized object's page
 * wholly past its size: the mapper's SIGBUS; past_ok: a frame all the
 * same, region.h's shm_hold), E_NOSPC (an fs object's new frame when the
 * file systems hold dp_stats.tmpfs_limit frames: the mapper's SIGBUS). */
int shm_frame(struct shm *o, uint64_t index, bool past_ok, const struct dp_ops *ops,
	      uint64_t *pfn, uint32_t *gen);
/* Frames made now for o's pages that have none in [from, to) (a write's
 * bytes, past the size too): E_OK, or shm_frame's error at the first
 * page it could not make, *done then its offset (to on E_OK). */
int shm_fill(struct shm *o, uint64_t from, uint64_t to, const struct dp_ops *ops,
	     uint64_t *done);
/* Zero o's bytes from offset from on in the frames it holds (a shrink:
 * ftruncate), making none: every mapper keeps its frames. */
void shm_zero_from(struct shm *o, uint64_t from, const struct dp_ops *ops);
/* Give back o's frames from offset from (a page boundary) on: no mapper
 * may map them any more (a shrink unmapped them everywhere first). */
void shm_free_from(struct shm *o, uint64_t from, const struct dp_ops *ops);
/* Zero o's bytes [from, to) in the frames it holds, making none. */
void shm_zero_range(struct shm *o, uint64_t from, uint64_t to, const struct dp_ops *ops);
/* Regions referring to o (its mappings); objects in use (leak checks). */
unsigned shm_users(const struct shm *o);
size_t shm_objects_used(void);

/* The namespace of shm_open, one for all processes (share lock, or alone):
 * the object named name, or NULL; name it o (one more reference on o:
 * E_BUSY the name is taken, E_INVAL empty or longer than SHM_NAME_MAX,
 * E_NOMEM, E_NOSPC: SHM_NAMES_MAX names linked already); take the name away (its reference dropped, with ops: E_NOENT
 * no such name); names in use. */
struct shm *shm_lookup(const char *name);
int shm_link(const char *name, struct shm *o);
int shm_unlink_name(const char *name, const struct dp_ops *ops);
size_t shm_names_used(void);
/* The first name (in strcmp order) past after ("": the first) that
 * starts with prefix: copied to out (SHM_NAME_MAX + 1 bytes), its
 * object's size in *size; E_NOENT none.  A walk that passes the name it
 * got back goes on where it left off whatever was linked or unlinked
 * meanwhile (a name that came past it is seen, one that went is not),
 * O(1) a step while no other walk comes between.  Name old's object new
 * instead (a name new had dropped first, with ops); E_NOENT no old. */
int shm_name_next(const char *after, const char *prefix, char *out, uint64_t *size);
int shm_rename(const char *old, const char *new, const struct dp_ops *ops);

/* System V segments (shmget), one table for all processes (share lock, or
 * alone): a segment is an object with a record; the table holds one
 * reference on it until IPC_RMID, each attachment (a region) one more, so
 * shm_nattch is its references less the table's.  A removed segment keeps
 * its id (IPC_STAT, shmat still work, as Linux) but not its key, and goes
 * with its last reference (shm_put forgets it). */
#define SHM_SEG_MAX 4096 /* segments at once (Linux's SHMMNI) */
struct shm_seg {
	int32_t key;     /* 0 (IPC_PRIVATE) once removed */
	int32_t id;
	uint32_t mode;   /* the low 9 bits of shmget's flags (IPC_SET's) */
	uint32_t cpid, lpid;
	bool removed;
	uint64_t segsz;
	uint64_t atime, dtime, ctime;
};
#define SHM_SEG_CREAT 1 /* shm_seg_get: make it if key has none */
#define SHM_SEG_EXCL  2 /* ... and only then (E_BUSY) */
/* Key's segment (key 0: always a new one) into *id: E_NOENT, E_BUSY,
 * E_INVAL (size 0 or past (1 << 40) for a new one, larger than an old
 * one), E_OVERFLOW (SHM_SEG_MAX in use), E_NOMEM.  pid, now: the new
 * record's creator and time. */
int shm_seg_get(int32_t key, uint64_t size, unsigned flags, uint32_t mode, uint32_t pid,
		uint64_t now, int32_t *id);
/* The object of segment id, or NULL (no such id, stale too). */
struct shm *shm_seg_find(int32_t id);
/* Attachments of segment object o (its references less the table's). */
unsigned shm_seg_nattch(const struct shm *o);
/* IPC_RMID of o: its key goes now, the table's reference too (ops: the
 * last frees the frames). */
void shm_seg_remove(struct shm *o, const struct dp_ops *ops);
size_t shm_segs_used(void);

/* One address space.  space is the kernel handle the ops get. */
struct dp_space {
	struct region_set regions;
	struct pagetab pages;
	uint32_t space;
	uint64_t faults;
	uint64_t last_fault; /* page of the last demand fault (fault-around) */
	uint64_t marked;     /* 1 + the 2 MiB block last given fill marks
			      * (dp_settle with a range forgets it) */
	/* Fills and copies the kernel made that could not be recorded yet
	 * for want of memory (a leaf to copy, a node): the process has
	 * written them, so they stay mapped and wait here (fill_take's four
	 * words each), the space's fills stopped, until a settle records
	 * them; meanwhile a fault answers E_NOMEM (the OOM path: wait, or a
	 * victim) and what would change those pages fails or drops them
	 * (as many as the kernel's log holds: every settle stops the
	 * space's fills while it takes them, so no more can come). */
	unsigned npend;
	uint64_t pend[16][4];
};

/* A mapping to install: what a fault answer carries. */
struct dp_map {
	uint64_t va, pfn;
	uint32_t gen;
	unsigned rights;
};

/* The counters (faults by kind, COW copies and reuses); the pager adds
 * the rest of struct pg_stats. */
extern struct pg_stats dp_stats;

/* Use ops for frames and mappings, and (zero_pfn, zero_gen) as the shared
 * zero frame (zero_gen 0 and zero_pfn 0: none; reads then take frames). */
void dp_init(const struct dp_ops *ops, uint64_t zero_pfn, uint32_t zero_gen);

/* From now on let the kernel fill zero-fill pages itself (ops' fill_mark
 * and fill_take, the zero frame): after a demand fault in an anonymous,
 * heap or stack region, the absent pages of its 2 MiB block get fill
 * marks (ARCHITECTURE.md "Fills in the kernel"). */
void dp_fills_on(void);

/* Take the pages the kernel filled in s since the last call into s's
 * records, after clearing the fill marks of [start, end) (start == end:
 * none).  Whatever looks at or changes s's pages calls it first: a
 * message whose badge has FAULT_BADGE_FILLS, and dp_release_range,
 * dp_protect, dp_move (their range: no page of it is filled behind
 * their back); dp_fork stops the parent's fills and copies first and lets
 * them go again at its end. */
void dp_settle(struct dp_space *s, uint64_t start, uint64_t end);

/* An empty address space with kernel handle space. */
void dp_space_init(struct dp_space *s, uint32_t space);

/* A lazy region [start, start + size) with rights and backing b; *out (may
 * be NULL) = it.  E_INVAL, E_BUSY (overlap), E_NOMEM as region_add. */
int dp_register_lazy(struct dp_space *s, uint64_t start, uint64_t size,
		     unsigned rights, const struct backing *b, struct region **out);

/* A pager-filled region (startup page, IPC buffers): faults there kill. */
int dp_register_fixed(struct dp_space *s, uint64_t start, uint64_t size,
		      unsigned rights);

/* Remove the region starting at start with its pages.  E_NOENT. */
int dp_unregister_lazy(struct dp_space *s, uint64_t start);

/* Unmap and release every page in [start, end); regions stay. */
void dp_release_range(struct dp_space *s, uint64_t start, uint64_t end);

/* Move the end of the region starting at start to end: the pages past a
 * lower end are unmapped and released; end == start removes the region.
 * E_NOENT (no region starts there), E_INVAL (unaligned), E_BUSY (it would
 * overlap another). */
int dp_resize(struct dp_space *s, uint64_t start, uint64_t end);

/* The region holding va, or NULL. */
struct region *dp_region(struct dp_space *s, uint64_t va);

/* Where a new region of size bytes fits in [lo, hi): *at (region_place).
 * E_INVAL (zero or unaligned size), E_NOMEM (no gap). */
int dp_place(const struct dp_space *s, uint64_t size, uint64_t lo, uint64_t hi,
	     uint64_t *at);

/* The record of s's page at va, or NULL. */
const struct page *dp_page(const struct dp_space *s, uint64_t va);

/* Pages s holds a frame for. */
uint64_t dp_pages(const struct dp_space *s);

/* Record frame (pfn, gen), held by the pager, as the page at va (already
 * mapped by the caller).  E_BUSY, E_NOMEM, E_INVAL as pagetab_insert. */
int dp_add_page(struct dp_space *s, uint64_t va, uint64_t pfn, uint32_t gen);

/* Serve a fault at addr with access bits acc (FAULT_ACC_*): the mapping
 * *m is put in place (ops->map) before this returns, so no answer lands
 * after a later change to the space (the pager's threads: the caller
 * holds the space's lock; a COW answer goes in under the share lock).
 * E_FAULT (no region allows it: kill), E_NOMEM (no frame or table entry). */
int dp_fault(struct dp_space *s, uint64_t addr, unsigned acc, struct dp_map *m);

/* dp_fault, but a read that gets the zero frame is not mapped when reply
 * is given: *reply says the caller must install *m itself (in its fault
 * answer, FAULT_REPLY_INSTALL: the kernel refuses it if the space changed
 * meanwhile, and the access then faults again); otherwise *reply = false. */
int dp_fault_reply(struct dp_space *s, uint64_t addr, unsigned acc, struct dp_map *m,
		   bool *reply);

/* Unshare the present page at va (KSM's unmerge, Linux's FAULT_FLAG_UNSHARE):
 * a private frame if it is the zero frame or really shared, else the same
 * frame, mapped (*m) with the region's rights, also in a read-only region
 * (not at all without MAP_R).  E_FAULT (no such page, or not in a lazy
 * region), E_NOMEM. */
int dp_unshare(struct dp_space *s, uint64_t va, struct dp_map *m);

/* Make child a copy-on-write copy of parent's lazy regions and pages.  On
 * failure child holds part of it; dp_destroy it.  E_NOMEM. */
int dp_fork(struct dp_space *parent, struct dp_space *child);

/* Set the rights of [start, end) inside one lazy region (splitting it);
 * present pages follow, a COW or zero-frame page without MAP_W, with one
 * ops call per DP_PROTECT_MAX pages that hold a present page (not one per
 * page).  E_INVAL (not inside one lazy region), E_NOMEM. */
int dp_protect(struct dp_space *s, uint64_t start, uint64_t end, unsigned rights);

/* A MAP_SHARED region [start, start + size) of object o (its page 0 at
 * va0), taking a reference on o.  Errors as dp_register_lazy. */
int dp_register_shared(struct dp_space *s, uint64_t start, uint64_t size,
		       unsigned rights, struct shm *o, uint64_t va0);

/* shm_new, and dropping a reference on o (shm_put with the ops of
 * dp_init), under the share lock. */
struct shm *dp_shm_new(void);
void dp_shm_put(struct shm *o);
/* shm_get under the share lock: one more reference on o. */
void dp_shm_get(struct shm *o);
/* shm_zero_from under the share lock. */
void dp_shm_zero_from(struct shm *o, uint64_t from);
/* shm_free_from under the share lock. */
void dp_shm_free_from(struct shm *o, uint64_t from);
/* shm_zero_range under the share lock. */
void dp_shm_zero_range(struct shm *o, uint64_t from, uint64_t to);
/* shm_fill under the share lock. */
int dp_shm_fill(struct shm *o, uint64_t from, uint64_t to, uint64_t *done);
/* The first n (<= PAGE_SIZE) bytes of o's page 0 set to bytes (its frame
 * made if missing), before o is seen by anyone else.  E_NOMEM. */
int dp_shm_init(struct shm *o, const void *bytes, size_t n);
/* The namespace calls above under the share lock (and dp_init's ops). */
struct shm *dp_shm_lookup(const char *name);
int dp_shm_link(const char *name, struct shm *o);
int dp_shm_unlink(const char *name);
int dp_shm_name_next(const char *after, const char *prefix, char *out, uint64_t *size);
int dp_shm_rename(const char *old, const char *new);
/* The System V calls above under the share lock (and dp_init's ops). */
int dp_seg_get(int32_t key, uint64_t size, unsigned flags, uint32_t mode, uint32_t pid,
	       uint64_t now, int32_t *id);
struct shm *dp_seg_find(int32_t id);
void dp_seg_remove(struct shm *o);

/* Merge the regions around [start, end) that are alike (after a change
 * split them or put one next to another), as Linux merges its areas. */
void dp_merge_around(struct dp_space *s, uint64_t start, uint64_t end);

/* True if every page of [start, end) lies in a region (fixed ones too). */
bool dp_covered(struct dp_space *s, uint64_t start, uint64_t end);

/* mremap's move of private anonymous memory: the pages of [old, old +
 * olen) (as many as fit in nlen) go to a new region [at, at + nlen) (free:
 * the caller placed it), entries and frames unchanged (COW shares kept,
 * nothing copied); the old range is unmapped (keep_old: stays, empty).
 * Alone (a fault of another thread waits).  E_NOMEM (no node; or not one
 * private anonymous region, a KSM region or page: the caller copies),
 * E_BUSY; nothing changed on an error. */
int dp_move(struct dp_space *s, uint64_t old, uint64_t olen, uint64_t at, uint64_t nlen,
	    bool keep_old);

/* munmap: [start, end) (page-aligned) leaves every region it meets
 * (regions split, the pages released, shared objects unreferenced); holes
 * are no error.  E_INVAL if it meets a fixed region (nothing changed),
 * E_NOMEM (no node for a split). */
int dp_unmap(struct dp_space *s, uint64_t start, uint64_t end);

/* madvise's fork advice on the lazy regions of [start, end): set and
 * clear REGION_DONTFORK / REGION_WIPEONFORK bits (WIPEONFORK only on
 * private anonymous memory: E_INVAL).  E_NOMEM. */
int dp_set_fork(struct dp_space *s, uint64_t start, uint64_t end, unsigned set,
		unsigned clear);

/* mprotect over several regions: every page of [start, end) must be in a
 * lazy region (else E_NOMEM, nothing changed; a fixed one: E_INVAL); each
 * part gets rights as dp_protect gives them, then neighbours that became
 * alike merge again. */
int dp_protect_range(struct dp_space *s, uint64_t start, uint64_t end,
		     unsigned rights);

/* MADV_DONTNEED: release the pages of [start, end) in lazy regions (a
 * private page reads zero or its file again, a shared one its object). */
void dp_dontneed(struct dp_space *s, uint64_t start, uint64_t end);

/* MAP_POPULATE, MADV_WILLNEED: give every absent page of [start, end) in a
 * readable lazy region its frame and mapping now (written ones if the
 * region is writable).  E_NOMEM when memory ran out, E_RANGE at a page
 * past a sized object's end (part is done). */
int dp_populate(struct dp_space *s, uint64_t start, uint64_t end);

/* What s has at va (struct pg_page_info, abi/pager.h). */
void dp_page_info(struct dp_space *s, uint64_t va, struct pg_page_info *out);

/* Release every page and region of s (its space is gone: no unmapping),
 * a step at a time: a leaf's pages (at most PAGETAB_LEAF) per call, then
 * the rest; true once s is empty.  A space no process names any more
 * (proc.c's doomed memory) is destroyed so beside other spaces' calls,
 * taking the share lock for a step that touches what they share. */
bool dp_destroy_step(struct dp_space *s);

/* dp_destroy_step until s is empty. */
void dp_destroy(struct dp_space *s);

/* How many spaces record the frame of s's page at va now: cow.c's count
 * of the leaves holding it, plus the other tables sharing this one's
 * (0 if no such page; the zero frame counts 1). */
unsigned dp_share_count(const struct dp_space *s, uint64_t va);

/* Frames shared through COW now (pg_stats.cow_frames): cow.c's shared
 * frames plus the COW entries of shared page-table leaves. */
uint64_t dp_shared_frames(void);

/* KSM (ksm.h, ksmd.c): a merged frame's pages are PAGE_COW | PAGE_KSM,
 * and KSM holds one share more.  When a page lets go of such a frame and
 * only KSM's share is left, dp_ksm_last(pfn, gen) is called (NULL: none). */
extern void (*dp_ksm_last)(uint64_t pfn, uint32_t gen);

/* KSM (ksmd.c): put (pfn, gen) with flags (PAGE_COW | PAGE_KSM: a merged
 * frame, one share more; PAGE_ZERO | PAGE_KSM: the zero frame, pfn/gen
 * ignored) at s's page va, mapped read-only, in place of its frame, which
 * must be expect.  ops->merge does it, and checks, after taking the page's
 * write right, that its bytes equal (pfn, gen)'s (the zero frame's for
 * PAGE_ZERO); the old frame's last share goes in the same call.  E_AGAIN
 * (no such page, another frame, or other bytes: the page stays
 * read-only), E_NOMEM, or the kernel's error. */
int dp_merge_page(struct dp_space *s, uint64_t va, uint64_t expect, uint64_t pfn,
		  uint32_t gen, uint32_t flags);

/* dp_merge_page in two halves, for merges batched in one kernel call
 * (ksm_merge_many): prepare checks the page and takes the target's share
 * (E_AGAIN, E_NOMEM: nothing taken) and fills *m (the kernel call's
 * arguments); commit, after the kernel's answer e for it, updates the
 * page's record (e == E_OK) or gives the share back.  Nothing else may
 * change s between the two (the other merges of the batch may). */
struct dp_merge {
	uint64_t va, old_pfn, pfn;
	uint32_t old_gen, gen, flags;
	unsigned how; /* KSM_MERGE_FREE (the old frame's last share), _TAG */
};
int dp_merge_prepare(struct dp_space *s, uint64_t va, uint64_t expect, uint64_t pfn,
		     uint32_t gen, uint32_t flags, struct dp_merge *m);
void dp_merge_commit(struct dp_space *s, const struct dp_merge *m, int e);

/* Pages of s present in [start, end). */
uint64_t dp_resident(const struct dp_space *s, uint64_t start, uint64_t end);

#endif
