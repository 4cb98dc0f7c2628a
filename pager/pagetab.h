/* The pages of one address space the pager has given a frame: virtual page
 * -> (pfn, generation, flags).  A radix tree like the hardware's page
 * tables: four levels of 256 slots over the 35-bit page number, leaves of
 * 128 entries, so a lookup or insert is five loads whatever the size, and
 * empty leaves and nodes go back at once.
 *
 * Fork shares leaves instead of copying them: a leaf referenced by k tables
 * has refs k, and its entries cannot change while it is shared.  Before
 * an entry in a shared leaf is added, changed or removed, the table takes
 * a copy of its own (pagetab_own); insert and remove refuse otherwise.
 * Pure (host-tested).  Its 4 KiB pages come from a fixed array of
 * PAGETAB_PAGES, then from pool_grow (pool.h), and go back to pool_shrink. */
#ifndef PAGER_PAGETAB_H
#define PAGER_PAGETAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PAGETAB_PAGES 256 /* fixed pages shared by all tables */
#define PAGE_COW  0x1 /* the frame is shared (cow.c counts), mapped read-only */
#define PAGE_ZERO 0x2 /* the shared zero frame, mapped read-only */
#define PAGE_CACHED 0x4 /* with PAGE_COW: a program-text frame in filecache.c */
#define PAGE_KSM  0x8 /* with PAGE_COW: a frame KSM merged (ksm.h), which
                     * holds one more share of it; with PAGE_ZERO: KSM put
                     * the zero frame there */
#define PAGE_SHARED 0x10 /* a MAP_SHARED object's frame (backing_shared.c holds it) */

struct page {
	uint64_t va;
	uint64_t pfn;
	uint32_t gen, flags;
};

#define PAGETAB_LEAF 128 /* entries in a leaf */

struct pt_node;
struct pagetab {
	struct pt_node *root;
	size_t count;         /* entries */
	size_t peak;          /* the most entries it held at once (getrusage's
			       * ru_maxrss) */
	size_t nodes;         /* its nodes (leaves may be shared) */
	/* pagetab_lookup_leaf's hint: the bottom node (the one over leaves)
	 * it last walked to, for the page numbers pn with pn >> 15 ==
	 * hint_key - 1 (0: none; all zero is a valid empty hint).  Nodes are
	 * a table's own (fork copies them) and go only in prune and destroy,
	 * which drop it: the faults of one space in the same 128 MiB skip
	 * the upper three levels and their pages. */
	uint64_t hint_key;
	struct pt_node *hint;
};

/* An empty table. */
void pagetab_init(struct pagetab *t);

/* Record frame (pfn, gen) with flags for the page at va.  E_INVAL (va not
 * page-aligned or outside the 47-bit user half), E_BUSY (the page already
 * has one, or its leaf is shared), E_NOMEM (no page for the table). */
int pagetab_insert(struct pagetab *t, uint64_t va, uint64_t pfn, uint32_t gen,
		   uint32_t flags);

/* The entry of the page at va, or NULL. */
struct page *pagetab_lookup(const struct pagetab *t, uint64_t va);

/* pagetab_lookup that also gives, in *leaf, the leaf where va's entry is
 * or goes (NULL if there is none yet): a hint for the two calls below,
 * valid until t next changes (an insert, remove, own or prune).  A fault
 * that looks a page up, finds none and inserts it walks the tree once;
 * from the bottom node of the last such walk if va is under it (t's
 * hint_key, which this sets: call it with what guards t's changes). */
struct page *pagetab_lookup_leaf(struct pagetab *t, uint64_t va, void **leaf);
/* pagetab_is_shared of va, from its leaf hint. */
bool pagetab_leaf_shared(const void *leaf);
/* pagetab_insert with the leaf hint pagetab_lookup_leaf gave for va (t
 * unchanged since): no walk if the leaf exists; NULL: the whole walk. */
int pagetab_insert_hint(struct pagetab *t, void *leaf, uint64_t va, uint64_t pfn,
			uint32_t gen, uint32_t flags);

/* The first entry at or after va, or NULL; the one after p. */
struct page *pagetab_from(const struct pagetab *t, uint64_t va);
struct page *pagetab_next(const struct pagetab *t, const struct page *p);

/* Make the empty table dst a copy of src that shares src's leaves (O(nodes),
 * not O(entries)).  A leaf shared for the first time gets shared(entry,
 * arg) on each entry first (fork marks them copy-on-write there).
 * E_NOMEM (dst stays empty). */
int pagetab_clone(struct pagetab *dst, struct pagetab *src,
		  void (*shared)(struct page *p, void *arg), void *arg);

/* True if the leaf that holds va's entry (or would) is shared; how many
 * tables share it (1: t alone, or no leaf). */
bool pagetab_is_shared(const struct pagetab *t, uint64_t va);
unsigned pagetab_sharers(const struct pagetab *t, uint64_t va);

/* Give t its own copy of va's leaf if that is shared; copied(entry, arg)
 * runs on each entry of the copy.  E_NOMEM (nothing changed). */
int pagetab_own(struct pagetab *t, uint64_t va,
		void (*copied)(struct page *p, void *arg), void *arg);

/* Forget the page at va; true and its entry copied to *out if it had one
 * (false also if its leaf is shared).  Entries of other pages stay where
 * they are (pointers remain valid). */
bool pagetab_remove(struct pagetab *t, uint64_t va, struct page *out);

/* pagetab_destroy a leaf at a time (a process's end, beside other
 * threads): t's first leaf, NULL once t is empty; whether that leaf is
 * shared or holds an entry with one of flags (what decides the caller's
 * locks); then that leaf goes as pagetab_destroy's do, with the nodes it
 * leaves empty. */
const void *pagetab_first_leaf(const struct pagetab *t);
bool pagetab_leaf_touches(const void *leaf, uint32_t flags);
void pagetab_drop_leaf(struct pagetab *t, const void *leaf,
		       void (*release)(const struct page *p, void *arg), void *arg);

/* Empty t: a shared leaf only loses t's reference; each entry of a leaf t
 * alone holds goes to release(entry, arg) first. */
void pagetab_destroy(struct pagetab *t, void (*release)(const struct page *p, void *arg),
		     void *arg);

/* Pages recorded in t; 4 KiB pages all tables hold (for leak checks);
 * PAGE_COW entries in shared leaves, once per leaf (a statistic). */
size_t pagetab_count(const struct pagetab *t);
/* The most pages t recorded at once since pagetab_init (a clone starts
 * at the count it copied). */
size_t pagetab_peak(const struct pagetab *t);
size_t pagetab_pages_used(void);
size_t pagetab_shared_entries(void);
/* The 4 KiB pages t's tree takes: its nodes and the leaves it refers to
 * (a leaf shared with another table counted in each).  A walk over the
 * nodes, not the leaves: for the OOM killer's choice, where a process
 * touching one page in every leaf's span costs a leaf a page. */
size_t pagetab_table_pages(const struct pagetab *t);

#endif
