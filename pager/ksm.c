/* KSM: the scanner, its trees, merging.  See ksm.h. */
#include "abi/err.h"
#include "lib/string.h"
#include "ksm_int.h"

struct ksm_state ksm;

static struct ksm_item item_mem[KSM_ITEM_POOL];
static struct ksm_stable stable_mem[256];
static struct ksm_dup dup_mem[256];
static struct pool item_pool, stable_pool, dup_pool;
static const uint8_t zeros[KSM_PAGE];

#define VPN_BITS 35
static uint64_t key_of(uint32_t owner, uint64_t va)
{
	return (uint64_t)owner << VPN_BITS | va / KSM_PAGE;
}

static uint64_t va_of(const struct ksm_item *it)
{
	return (it->key & ((1ull << VPN_BITS) - 1)) * KSM_PAGE;
}

static uint64_t hash(const void *page)
{
	return ksm.ops->hash ? ksm.ops->hash(page) : ksm_hash(page);
}

typedef uint64_t __attribute__((aligned(1), may_alias)) kword;

/* memcmp's order of two pages: eight words at a time (their differences
 * or-ed), memcmp only over the 64 bytes where they first differ. */
static int compare(const uint8_t *a, const uint8_t *b)
{
	const kword *x = (const kword *)a, *y = (const kword *)b;
	ksm.st.page_compares++;
	for (unsigned i = 0; i < KSM_PAGE / 8; i += 8) {
		uint64_t d = (x[i] ^ y[i]) | (x[i + 1] ^ y[i + 1]) | (x[i + 2] ^ y[i + 2]) |
			     (x[i + 3] ^ y[i + 3]) | (x[i + 4] ^ y[i + 4]) |
			     (x[i + 5] ^ y[i + 5]) | (x[i + 6] ^ y[i + 6]) | (x[i + 7] ^ y[i + 7]);
		if (d)
			return memcmp(a + i * 8, b + i * 8, 64);
	}
	return 0;
}

/* ---- item states and counters ---- */

static void set_state(struct ksm_item *it, unsigned s)
{
	struct ksm_owner *o = &ksm.owners[it->owner];
	bool was = it->state == IT_STABLE || it->state == IT_ZERO;
	bool is = s == IT_STABLE || s == IT_ZERO;
	ksm.count[it->state]--;
	ksm.count[s]++;
	o->merging += (uint64_t)is - (uint64_t)was;
	it->state = (uint8_t)s;
}

static void attach(struct ksm_item *it, struct ksm_dup *d)
{
	it->dup = d;
	it->prev = NULL;
	it->next = d->items;
	if (d->items)
		d->items->prev = it;
	d->items = it;
	ksm.sharing += d->nitems++ >= 1;
	ksm.st.pages_merged++;
	it->age = 0;
	it->skip = 0;
	it->slow = 0;
	if (!ksm.ops->queue)
		d->live = 1; /* queued: when the flush has done it */
	set_state(it, IT_STABLE);
}

static void detach(struct ksm_item *it)
{
	struct ksm_dup *d = it->dup;
	if (it->prev)
		it->prev->next = it->next;
	else
		d->items = it->next;
	if (it->next)
		it->next->prev = it->prev;
	ksm.sharing -= --d->nitems >= 1;
	it->dup = NULL;
	set_state(it, IT_NEW);
}

/* Put new item it on the items list just before at (NULL: at the end). */
static void list_insert(struct ksm_item *it, struct ksm_item *at)
{
	struct ksm_owner *o = &ksm.owners[it->owner];
	it->lnext = at;
	it->lprev = at ? at->lprev : ksm.last;
	*(it->lprev ? &it->lprev->lnext : &ksm.first) = it;
	*(at ? &at->lprev : &ksm.last) = it;
	if (!o->head || o->head == at)
		o->head = it; /* the owner's items follow each other */
	ksm.nitems++;
}

static void list_remove(struct ksm_item *it)
{
	struct ksm_owner *o = &ksm.owners[it->owner];
	if (o->head == it)
		o->head = it->lnext && it->lnext->owner == it->owner ? it->lnext : NULL;
	if (ksm.cur == it)
		ksm.cur = it->lnext;
	*(it->lprev ? &it->lprev->lnext : &ksm.first) = it->lnext;
	*(it->lnext ? &it->lnext->lprev : &ksm.last) = it->lprev;
	ksm.nitems--;
}

/* The item of (owner, va) at the scan's cursor (key: the cursor's page,
 * ksm.cur the first item at or after it), made if new; the cursor moves
 * past it.  NULL if the pool is dry. */
static struct ksm_item *item_get(uint32_t owner, uint64_t key)
{
	struct ksm_item *it = ksm.cur;
	if (it && it->key == key) {
		ksm.cur = it->lnext;
		return it;
	}
	if (!(it = pool_get(&item_pool)))
		return NULL;
	it->key = key;
	it->owner = owner;
	it->state = IT_NEW;
	ksm.count[IT_NEW]++;
	ksm.owners[owner].items++;
	list_insert(it, ksm.cur);
	return it;
}

/* Forget it: off the items list and its dup; freed now, or when the
 * unstable tree holding it is dropped. */
static void forget(struct ksm_item *it)
{
	if (it->dup)
		detach(it);
	set_state(it, IT_NEW);
	ksm.count[IT_NEW]--;
	ksm.owners[it->owner].items--;
	list_remove(it);
	if (it->in_tree)
		it->dead = 1;
	else
		pool_put(&item_pool, it);
}

/* Forget the items from it on with keys below hi: their pages are gone. */
static void forget_from(struct ksm_item *it, uint64_t hi)
{
	while (it && it->key < hi) {
		struct ksm_item *n = it->lnext;
		forget(it);
		it = n;
	}
}

/* ---- the trees ---- */

struct key {
	uint32_t dom;
	uint64_t hash;
	const uint8_t *bytes;
};

static int order(const struct key *k, uint32_t dom, uint64_t h)
{
	if (k->dom != dom)
		return k->dom < dom ? -1 : 1;
	if (k->hash != h)
		return k->hash < h ? -1 : 1;
	return 0;
}

/* The stable tree by (domain, checksum) only: no bytes compared. */
static int stable_hash_cmp(const void *key, const struct kavl *n, void *ctx)
{
	(void)ctx;
	const struct ksm_stable *s = (const struct ksm_stable *)n;
	return order(key, s->dom, s->hash);
}

static int stable_cmp(const void *key, const struct kavl *n, void *ctx)
{
	(void)ctx;
	const struct key *k = key;
	const struct ksm_stable *s = (const struct ksm_stable *)n;
	int c = order(k, s->dom, s->hash);
	return c ? c : compare(k->bytes, ksm.ops->frame_bytes(s->dups->node.key));
}

/* An unstable node that is no longer a candidate (merged, forgotten,
 * gone) still steers searches by its checksum; between equal checksums
 * it sorts after every key. */
static int unstable_cmp(const void *key, const struct kavl *n, void *ctx)
{
	(void)ctx;
	const struct key *k = key;
	const struct ksm_item *it = (const struct ksm_item *)((const char *)n -
		__builtin_offsetof(struct ksm_item, un));
	int c = order(k, it->dom, it->hash);
	struct ksm_page pg;
	if (c)
		return c;
	if (it->dead || it->state != IT_UNSTABLE ||
	    !ksm.ops->page(it->owner, va_of(it), &pg) || pg.kind != KSM_PG_PRIVATE)
		return -1;
	return compare(k->bytes, pg.bytes);
}

static struct ksm_item *item_of(struct kavl *n)
{
	return n ? (struct ksm_item *)((char *)n - __builtin_offsetof(struct ksm_item, un)) : NULL;
}

/* Drop this pass's unstable tree: its dead items are freed. */
static void unstable_drop(struct kavl *n)
{
	if (!n)
		return;
	unstable_drop(n->l);
	unstable_drop(n->r);
	struct ksm_item *it = item_of(n);
	it->in_tree = 0;
	if (it->dead)
		pool_put(&item_pool, it);
}

/* A new dup of frame in stable node s (made and put in the tree if NULL,
 * for key k); NULL if a pool is dry. */
static struct ksm_dup *dup_new(struct ksm_stable *s, const struct key *k, uint64_t frame)
{
	struct ksm_dup *d = pool_get(&dup_pool);
	if (!d)
		return NULL;
	if (!s) {
		struct kavl *found = NULL;
		if (!(s = pool_get(&stable_pool))) {
			pool_put(&dup_pool, d);
			return NULL;
		}
		s->dom = k->dom;
		s->hash = k->hash;
		struct ksm_stable *t = (struct ksm_stable *)kavl_find(ksm.stable, k,
								    stable_hash_cmp, NULL);
		if (t)
			s->twin = t->twin = 1;
		ksm.stable = kavl_insert(ksm.stable, &s->avl, k, stable_cmp, NULL, &found);
		if (found) { /* the contents are there already: one more dup */
			pool_put(&stable_pool, s);
			s = (struct ksm_stable *)found;
		}
	}
	d->node.key = frame;
	d->live = 0;
	d->head = s;
	d->next = s->dups;
	s->dups = d;
	ksm.chains += ++s->ndups == 2;
	tree_insert(&ksm.dups, &d->node);
	ksm.st.pages_shared++;
	return d;
}

void ksm_frame_gone(uint64_t frame)
{
	struct ksm_dup *d = (struct ksm_dup *)tree_find(&ksm.dups, frame), **pp;
	if (!d)
		return;
	while (d->items)
		detach(d->items);
	struct ksm_stable *s = d->head;
	for (pp = &s->dups; *pp != d; pp = &(*pp)->next)
		;
	*pp = d->next;
	ksm.chains -= s->ndups-- == 2;
	if (!s->ndups) {
		struct key k = { s->dom, s->hash, ksm.ops->frame_bytes(frame) };
		struct kavl *gone = NULL;
		s->dups = d; /* stable_cmp reads the bytes through the first dup */
		ksm.stable = kavl_remove(ksm.stable, &k, stable_cmp, NULL, &gone);
		pool_put(&stable_pool, s);
	}
	tree_remove(&ksm.dups, frame);
	pool_put(&dup_pool, d);
	ksm.st.pages_shared--;
}

bool ksm_is_merged(uint64_t frame)
{
	return tree_find(&ksm.dups, frame) != NULL;
}

/* ---- merging ---- */

/* Merge it's page, which held frame expect when looked at, into frame
 * (ops->merge: write-protect, compare in full, remap).  True if done. */
static bool merge(struct ksm_item *it, uint64_t expect, uint64_t frame)
{
	ksm.st.page_compares++;
	if (ksm.ops->queue) {
		if (ksm.ops->queue(it->owner, va_of(it), expect, frame) == E_OK) {
			ksm.q[ksm.nq].it = it;
			ksm.q[ksm.nq++].frame = frame;
			return true; /* done, until ksm_flush says otherwise */
		}
	} else if (ksm.ops->merge(it->owner, va_of(it), expect, frame) == E_OK) {
		return true;
	}
	ksm.st.merges_failed++;
	return false;
}

static void backoff(struct ksm_item *it);

/* A queued merge of it into frame failed: it is not merged after all,
 * and a new frame that no merge went into goes back (as merge_new's
 * failure). */
static void merge_undo(struct ksm_item *it, uint64_t frame, bool failed)
{
	ksm.st.pages_merged--;
	if (frame == KSM_ZERO_FRAME) {
		set_state(it, IT_NEW);
	} else if (it->dup) {
		struct ksm_dup *d = it->dup;
		detach(it);
		if (!d->nitems && !d->live) {
			ksm_frame_gone(frame);
			ksm.ops->frame_put(frame);
		}
	}
	if (failed) {
		ksm.st.merges_failed++;
		it->slow = 1;
		backoff(it);
	}
}

static void flush(bool cancel)
{
	unsigned n = ksm.nq;
	int res[KSM_QUEUE];
	if (!n)
		return;
	ksm.ops->flush(res, n, cancel);
	ksm.nq = 0;
	for (unsigned i = 0; i < n; i++)
		if (!cancel && res[i] == E_OK && ksm.q[i].frame != KSM_ZERO_FRAME &&
		    ksm.q[i].it->dup)
			ksm.q[i].it->dup->live = 1;
	for (unsigned i = 0; i < n; i++)
		if (cancel || res[i] != E_OK)
			merge_undo(ksm.q[i].it, ksm.q[i].frame, !cancel && res[i] != E_BUSY);
}

void ksm_flush(void)
{
	flush(false);
}

void ksm_cancel(void)
{
	flush(true);
}

/* Merge it's page (pg) into dup d. */
static bool merge_into(struct ksm_item *it, const struct ksm_page *pg, struct ksm_dup *d)
{
	if (!merge(it, pg->frame, d->node.key))
		return false;
	attach(it, d);
	return true;
}

/* it's page (pg) becomes a new frame of content k (a copy of its bytes
 * now, then merged as any other): a new dup (in stable node s, or a new
 * one).  For chains and pairs. */
static struct ksm_dup *merge_new(struct ksm_item *it, const struct ksm_page *pg,
				 struct ksm_stable *s, const struct key *k)
{
	uint64_t f;
	if (ksm.ops->frame_new(pg->bytes, &f))
		return NULL;
	struct ksm_dup *d = dup_new(s, k, f);
	if (!d || !merge(it, pg->frame, f)) {
		if (d)
			ksm_frame_gone(f);
		ksm.ops->frame_put(f);
		return NULL;
	}
	attach(it, d);
	return d;
}

/* Join a frame of stable node s with room, or start one more frame of a
 * full chain.  True if merged. */
static bool join_stable(struct ksm_item *it, const struct ksm_page *pg,
			struct ksm_stable *s, const struct key *k)
{
	for (struct ksm_dup *d = s->dups; d; d = d->next)
		if (d->nitems < ksm.st.max_page_sharing)
			return merge_into(it, pg, d);
	return merge_new(it, pg, s, k) != NULL;
}

/* True if pages a and b agree on a sample of their bytes: 8 blocks of
 * 64 bytes spread over the page, the first and the last among them. */
static bool sample_equal(const uint8_t *a, const uint8_t *b)
{
	for (unsigned blk = 0; blk < KSM_PAGE / 64; blk += 9) {
		const kword *x = (const kword *)(a + blk * 64), *y = (const kword *)(b + blk * 64);
		if ((x[0] ^ y[0]) | (x[1] ^ y[1]) | (x[2] ^ y[2]) | (x[3] ^ y[3]) |
		    (x[4] ^ y[4]) | (x[5] ^ y[5]) | (x[6] ^ y[6]) | (x[7] ^ y[7]))
			return false;
	}
	return true;
}

/* Look it's page up in the stable tree and join it.  The node of its
 * checksum, if no other node has that checksum, is the only candidate:
 * if a sample of the bytes matches, the merge compares them in full
 * (ops->merge), so the pager's own compare is skipped; a collision fails
 * that merge, and the page goes on as one not found (a queued merge: at
 * its next scan, with the pager's compare).  The sample turns most
 * collisions away at once.  A new frame of a full chain copies the page's bytes,
 * so they are compared first.  True if merged. */
static bool try_stable(struct ksm_item *it, const struct ksm_page *pg, const struct key *k)
{
	struct ksm_stable *s = (struct ksm_stable *)kavl_find(ksm.stable, k, stable_hash_cmp,
							      NULL);
	if (s && !s->twin && !it->slow && s->dups->nitems < ksm.st.max_page_sharing &&
	    sample_equal(pg->bytes, ksm.ops->frame_bytes(s->dups->node.key)))
		return join_stable(it, pg, s, k);
	if (s)
		s = (struct ksm_stable *)kavl_find(ksm.stable, k, stable_cmp, NULL);
	return s && join_stable(it, pg, s, k);
}

/* A page scanned before whose last checksum is now a stable node's (the
 * second pass's common case: its twin merged meanwhile) joins that node
 * without a new checksum, if the node is the only one with that checksum,
 * one of its frames has room and a sample of the page still matches it:
 * the merge compares all 4096 bytes (ops->merge), so a page that changed
 * outside the sample fails the merge and goes on as usual (left
 * read-only, as any failed merge).  True if merged; *tried if a merge
 * failed. */
static bool quick_stable(struct ksm_item *it, const struct ksm_page *pg, uint32_t dom,
			 bool *tried)
{
	struct key k = { dom, it->hash, pg->bytes };
	struct ksm_stable *s = (struct ksm_stable *)kavl_find(ksm.stable, &k, stable_hash_cmp,
							      NULL);
	if (!s || s->twin || !sample_equal(pg->bytes, ksm.ops->frame_bytes(s->dups->node.key)))
		return false;
	for (struct ksm_dup *d = s->dups; d; d = d->next)
		if (d->nitems < ksm.st.max_page_sharing) {
			*tried = !merge_into(it, pg, d);
			return !*tried;
		}
	return false;
}

/* it's page equals u's (in the unstable tree): both move to a new frame. */
static bool merge_pair(struct ksm_item *it, const struct ksm_page *pg,
		       struct ksm_item *u, const struct key *k)
{
	struct ksm_page up;
	struct kavl *gone = NULL;
	if (!ksm.ops->page(u->owner, va_of(u), &up) || up.kind != KSM_PG_PRIVATE)
		return false;
	struct key uk = { k->dom, k->hash, up.bytes };
	ksm.unstable = kavl_remove(ksm.unstable, &uk, unstable_cmp, NULL, &gone);
	if (gone == &u->un) {
		u->in_tree = 0;
	} else if (gone) { /* cannot be: keys in the tree differ; put it back */
		struct kavl *found = NULL;
		ksm.unstable = kavl_insert(ksm.unstable, gone, &uk, unstable_cmp, NULL, &found);
	}
	struct ksm_dup *d = merge_new(u, &up, NULL, &uk);
	return d && merge_into(it, pg, d);
}

/* Look it's page up in the unstable tree: merge with a match, else go in. */
static bool try_unstable(struct ksm_item *it, const struct ksm_page *pg, const struct key *k)
{
	struct kavl *found = NULL;
	ksm.unstable = kavl_insert(ksm.unstable, &it->un, k, unstable_cmp, NULL, &found);
	if (found)
		return merge_pair(it, pg, item_of(found), k);
	it->in_tree = 1;
	it->dom = k->dom;
	set_state(it, IT_UNSTABLE);
	return false;
}

/* A page of zeros maps the zero frame. */
static bool try_zero(struct ksm_item *it, const struct ksm_page *pg)
{
	if (compare(pg->bytes, zeros) || !merge(it, pg->frame, KSM_ZERO_FRAME))
		return false;
	set_state(it, IT_ZERO);
	ksm.st.pages_merged++;
	it->age = it->skip = 0;
	return true;
}

/* Smart scan: a page that failed to merge again waits longer. */
static void backoff(struct ksm_item *it)
{
	if (it->age < 8)
		it->age++;
	if (it->age >= 3) {
		unsigned n = 1u << (it->age - 3);
		it->skip = (uint8_t)(n < KSM_SKIP_MAX ? n : KSM_SKIP_MAX);
	}
}

/* Smart scan skips it's page this pass: no checksum (the cost saved),
 * but if its last scan found it unchanged it goes in the unstable tree
 * under its last one, so a twin that comes meanwhile still finds it (the
 * merge compares the bytes). */
static void skipped(struct ksm_item *it, const struct ksm_page *pg)
{
	it->skip--;
	ksm.st.pages_skipped++;
	if (it->state != IT_UNSTABLE || pg->kind != KSM_PG_PRIVATE)
		return; /* only a page unchanged at its last scan */
	struct key k = { ksm.st.domains ? ksm.owners[it->owner].domain : 0, it->hash,
			 pg->bytes };
	if (try_unstable(it, pg, &k))
		it->age = 0;
}

/* True if it is merged already (its frame known), after bookkeeping. */
static bool still_merged(struct ksm_item *it, const struct ksm_page *pg)
{
	if (it->dup && !(pg->kind == KSM_PG_MERGED && pg->frame == it->dup->node.key))
		detach(it);
	if (it->state == IT_ZERO && pg->kind != KSM_PG_ZERO)
		set_state(it, IT_NEW);
	if (it->dup || it->state == IT_ZERO)
		return true;
	if (pg->kind == KSM_PG_MERGED) { /* merged before we met it: a fork */
		struct ksm_dup *d = (struct ksm_dup *)tree_find(&ksm.dups, pg->frame);
		if (d)
			attach(it, d);
		return true;
	}
	if (pg->kind == KSM_PG_ZERO) {
		set_state(it, IT_ZERO);
		return true;
	}
	return false;
}

/* One scan step on the page at (owner, va), which holds pg. */
static void scan_one(uint32_t owner, uint64_t va, const struct ksm_page *pg)
{
	struct ksm_item *it = item_get(owner, key_of(owner, va));
	if (!it)
		return;
	if (it->skip && !it->dup && it->state != IT_ZERO) {
		skipped(it, pg);
		return;
	}
	ksm.st.pages_scanned++;
	if (still_merged(it, pg))
		return;
	uint32_t dom = ksm.st.domains ? ksm.owners[owner].domain : 0;
	bool tried = false;
	if (it->hashed && !it->slow && quick_stable(it, pg, dom, &tried))
		return;
	struct key k = { dom, hash(pg->bytes), pg->bytes };
	if (ksm.st.use_zero_pages && k.hash == ksm.zero_hash && try_zero(it, pg))
		return;
	bool changed = !it->hashed || it->hash != k.hash;
	it->hash = k.hash;
	it->hashed = 1;
	if (!(tried && !changed) && try_stable(it, pg, &k))
		return; /* (unchanged after a failed quick merge: the same node fails again) */
	if (changed) {
		set_state(it, IT_VOLATILE);
		backoff(it);
	} else if (!try_unstable(it, pg, &k)) {
		backoff(it);
	} else {
		it->age = 0;
	}
}

/* The scan starts a new pass at the first item. */
static void scan_restart(void)
{
	ksm.cur_owner = 0;
	ksm.cur_va = 0;
	ksm.cur = ksm.first;
	ksm.pass_pages = 0;
}

static void end_pass(void)
{
	ksm_flush();
	forget_from(ksm.cur, UINT64_MAX);
	unstable_drop(ksm.unstable);
	ksm.unstable = NULL;
	scan_restart();
	ksm.st.full_scans++;
	ksm.pass_ended = true;
}

unsigned ksm_scan(unsigned n)
{
	unsigned done = 0;
	while (done < n) {
		uint32_t o = ksm.cur_owner;
		uint64_t va = ksm.cur_va;
		struct ksm_page pg;
		if (ksm.cur_owner >= KSM_OWNERS || !ksm.ops->next(&o, &va, &pg)) {
			end_pass(); /* a batch ends with its pass, as Linux's */
			break;
		}
		ksm.pass_pages++;
		forget_from(ksm.cur, key_of(o, va));
		ksm.cur_owner = o;
		ksm.cur_va = va + KSM_PAGE;
		if (ksm.cur_va >> (VPN_BITS + 12)) {
			ksm.cur_owner = o + 1;
			ksm.cur_va = 0;
		}
		scan_one(o, va, &pg);
		if (ksm.nq > KSM_QUEUE - 2)
			ksm_flush(); /* a step queues two merges at most */
		done++;
	}
	return done;
}

void ksm_owner_gone(uint32_t owner)
{
	if (owner >= KSM_OWNERS)
		return;
	ksm_flush();
	forget_from(ksm.owners[owner].head, key_of(owner + 1, 0));
	ksm.owners[owner].domain = 0;
}

void ksm_set_domain(uint32_t owner, uint32_t domain)
{
	if (owner < KSM_OWNERS)
		ksm.owners[owner].domain = domain;
}

uint32_t ksm_domain(uint32_t owner)
{
	return owner < KSM_OWNERS ? ksm.owners[owner].domain : 0;
}

void ksm_stop(void)
{
	ksm_flush();
	unstable_drop(ksm.unstable);
	ksm.unstable = NULL;
	scan_restart();
}

void ksm_reset(void)
{
	ksm_flush();
	forget_from(ksm.first, UINT64_MAX);
	ksm_stop();
}

void ksm_init(const struct ksm_ops *ops)
{
	memset(&ksm, 0, sizeof ksm);
	ksm.ops = ops;
	tree_init(&ksm.dups);
	pool_init(&item_pool, item_mem, sizeof item_mem[0], KSM_ITEM_POOL);
	pool_init(&stable_pool, stable_mem, sizeof stable_mem[0], 256);
	pool_init(&dup_pool, dup_mem, sizeof dup_mem[0], 256);
	ksm.zero_hash = hash(zeros);
	ksm.st.pages_to_scan = 100;
	ksm.st.sleep_ms = 20;
	ksm.st.max_page_sharing = 256;
	ksm.st.domains = 1;
}
