/* KSM's settings, statistics, the advisor and the consistency check.
 * See ksm.h. */
#include "abi/err.h"
#include "ksm_int.h"

int ksm_set(unsigned key, uint64_t v, uint64_t v2)
{
	struct ksm_stats *s = &ksm.st;
	switch (key) {
	case KSM_CTL_RUN:
		if (v > 2)
			return E_INVAL;
		s->run = (uint32_t)v;
		return E_OK;
	case KSM_CTL_PAGES_TO_SCAN:
		if (v < 1 || v > KSM_PAGES_MAX)
			return E_INVAL;
		s->pages_to_scan = (uint32_t)v;
		s->advisor_secs = 0; /* set by hand: the advisor stops */
		return E_OK;
	case KSM_CTL_SLEEP_MS:
		if (v > KSM_SLEEP_MAX)
			return E_INVAL;
		s->sleep_ms = (uint32_t)v;
		return E_OK;
	case KSM_CTL_MAX_PAGE_SHARING:
		if (v < 2 || v > KSM_SHARING_MAX)
			return E_INVAL;
		s->max_page_sharing = (uint32_t)v;
		return E_OK;
	case KSM_CTL_USE_ZERO_PAGES:
		if (v > 1)
			return E_INVAL;
		s->use_zero_pages = (uint32_t)v;
		return E_OK;
	case KSM_CTL_ADVISOR:
		if (v > 3600 || v2 < 1 || v2 > 100)
			return E_INVAL;
		s->advisor_secs = (uint32_t)v;
		s->advisor_cpu = (uint32_t)v2;
		return E_OK;
	case KSM_CTL_DOMAINS:
		if (v > 1)
			return E_INVAL;
		if (v != s->domains && s->pages_shared)
			return E_BUSY; /* unmerge first (run 2), as merge_across_nodes */
		s->domains = (uint32_t)v;
		return E_OK;
	}
	return E_INVAL;
}

void ksm_get_stats(struct ksm_stats *s, uint32_t owner)
{
	uint64_t items = ksm.nitems, size = sizeof(struct ksm_item);
	*s = ksm.st;
	s->pages_sharing = ksm.sharing;
	s->pages_unshared = ksm.count[IT_UNSTABLE];
	s->pages_volatile = ksm.count[IT_VOLATILE] + ksm.count[IT_NEW];
	s->ksm_zero_pages = ksm.count[IT_ZERO];
	s->stable_node_chains = ksm.chains;
	s->rmap_items = items;
	s->general_profit = (int64_t)((ksm.sharing + ksm.count[IT_ZERO]) * KSM_PAGE) -
			    (int64_t)(items * size);
	if (owner >= KSM_OWNERS)
		return;
	const struct ksm_owner *o = &ksm.owners[owner];
	s->ksm_merging_pages = o->merging;
	s->ksm_rmap_items = o->items;
	s->ksm_process_profit = (int64_t)(o->merging * KSM_PAGE) - (int64_t)(o->items * size);
	s->domain = o->domain;
}

uint32_t ksm_advise(uint64_t total, uint64_t ns_per_page, uint32_t sleep_ms,
		    uint64_t target_ms, uint32_t cpu_pct)
{
	uint64_t n = KSM_PAGES_MAX, sleep_ns = (uint64_t)sleep_ms * 1000000;
	uint64_t target_ns = target_ms * 1000000, work = total * ns_per_page;
	/* time: total / n batches of n * ns_per_page + sleep_ns each */
	if (sleep_ns && work < target_ns)
		n = total * sleep_ns / (target_ns - work) + 1;
	/* CPU: n * ns_per_page <= cpu% of (n * ns_per_page + sleep_ns) */
	if (sleep_ns && cpu_pct < 100 && ns_per_page) {
		uint64_t cap = cpu_pct * sleep_ns / (ns_per_page * (100 - cpu_pct));
		if (n > cap)
			n = cap;
	}
	if (n < KSM_ADV_MIN)
		n = KSM_ADV_MIN;
	return (uint32_t)(n > KSM_PAGES_MAX ? KSM_PAGES_MAX : n);
}

void ksm_account(uint64_t ns, unsigned scanned)
{
	ksm.adv_ns += ns;
	ksm.adv_pages += scanned;
	if (!ksm.pass_ended)
		return;
	ksm.pass_ended = false;
	if (ksm.st.advisor_secs && ksm.adv_pages) {
		uint64_t per = ksm.adv_ns / ksm.adv_pages;
		ksm.st.pages_to_scan = ksm_advise(ksm.nitems, per ? per : 1,
						  ksm.st.sleep_ms,
						  ksm.st.advisor_secs * 1000ull,
						  ksm.st.advisor_cpu);
	}
	ksm.adv_ns = ksm.adv_pages = 0;
}

/* The stable tree in order, each node's dups and their item lists. */
static bool check_stable(const struct kavl *n, uint64_t *dups, uint64_t *items,
			 uint64_t *sharing, uint64_t *chains)
{
	if (!n)
		return true;
	const struct ksm_stable *s = (const struct ksm_stable *)n;
	unsigned nd = 0;
	for (const struct ksm_dup *d = s->dups; d; d = d->next, nd++) {
		unsigned ni = 0;
		for (const struct ksm_item *it = d->items; it; it = it->next, ni++)
			if (it->dup != d || it->state != IT_STABLE ||
			    (it->next && it->next->prev != it))
				return false;
		if (ni != d->nitems || d->head != s || tree_find(&ksm.dups, d->node.key) != &d->node)
			return false;
		*items += ni;
		*sharing += ni ? ni - 1 : 0;
	}
	*dups += nd;
	*chains += nd >= 2;
	return nd == s->ndups && nd &&
	       check_stable(n->l, dups, items, sharing, chains) &&
	       check_stable(n->r, dups, items, sharing, chains);
}

/* The items list: keys strictly increasing, links both ways, each owner's
 * head its first item, n items. */
static bool check_items(void)
{
	const struct ksm_item *prev = NULL;
	uint64_t n = 0;
	bool cur_seen = !ksm.cur;
	for (const struct ksm_item *it = ksm.first; it; prev = it, it = it->lnext, n++) {
		if (it->lprev != prev || (prev && prev->key >= it->key) ||
		    it->owner >= KSM_OWNERS ||
		    (ksm.owners[it->owner].head == it) != (!prev || prev->owner != it->owner))
			return false;
		cur_seen |= it == ksm.cur;
	}
	for (unsigned o = 0; o < KSM_OWNERS; o++)
		if (ksm.owners[o].head && ksm.owners[o].head->owner != o)
			return false;
	return prev == ksm.last && n == ksm.nitems && cur_seen;
}

bool ksm_check(void)
{
	unsigned long n = 0;
	uint64_t dups = 0, items = 0, sharing = 0, chains = 0, total = 0;
	if (!kavl_check(ksm.stable, &n) || !kavl_check(ksm.unstable, &n) ||
	    !check_items() || !tree_check(&ksm.dups))
		return false;
	if (!check_stable(ksm.stable, &dups, &items, &sharing, &chains))
		return false;
	for (unsigned i = 0; i < IT_STATES; i++)
		total += ksm.count[i];
	return dups == ksm.st.pages_shared && dups == ksm.dups.count &&
	       items == ksm.count[IT_STABLE] && sharing == ksm.sharing &&
	       chains == ksm.chains && total == ksm.nitems;
}
