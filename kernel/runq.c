/* Priority run queue: one FIFO list per level and a bitmap of non-empty
 * levels, so the highest runnable priority is one bit scan away. */
#include "runq.h"

#define STORE(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELAXED)

void runq_init(struct runq *rq)
{
	for (unsigned p = 0; p < RUNQ_LEVELS; p++)
		list_init(&rq->level[p]);
	rq->bitmap = 0;
	STORE(rq->count, 0);
	STORE(rq->movable, 0);
}

static uint8_t clamp_prio(unsigned prio)
{
	return (uint8_t)(prio > PRIO_MAX ? PRIO_MAX : prio);
}

void runq_node_init(struct runq_node *n, unsigned prio)
{
	n->link.next = n->link.prev = NULL;
	n->on = NULL;
	n->prio = clamp_prio(prio);
	n->pinned = false;
	STORE(n->slice, RUNQ_SLICE);
	STORE(n->charged_at, 0);
}

int runq_node_pin(struct runq_node *n, bool pinned)
{
	if (n->on)
		return E_BUSY;
	n->pinned = pinned;
	return E_OK;
}

/* Link n in last of its level. */
static void enqueue(struct runq *rq, struct runq_node *n)
{
	struct list_link *h = &rq->level[n->prio];
	list_add(h->prev, &n->link);
	rq->bitmap |= 1u << n->prio;
	STORE(rq->count, rq->count + 1);
	if (!n->pinned)
		STORE(rq->movable, rq->movable + 1);
	n->on = rq;
}

static void dequeue(struct runq *rq, struct runq_node *n)
{
	list_del(&n->link);
	if (list_empty(&rq->level[n->prio]))
		rq->bitmap &= ~(1u << n->prio);
	STORE(rq->count, rq->count - 1);
	if (!n->pinned)
		STORE(rq->movable, rq->movable - 1);
	n->on = NULL;
}

int runq_push(struct runq *rq, struct runq_node *n)
{
	if (n->on)
		return E_BUSY;
	STORE(n->slice, RUNQ_SLICE);
	enqueue(rq, n);
	return E_OK;
}

/* The node runq_pop would return, left queued; NULL if empty. */
static struct runq_node *peek(struct runq *rq)
{
	int p = runq_peek_prio(rq);
	if (p < 0)
		return NULL;
	return container_of(rq->level[p].next, struct runq_node, link);
}

struct runq_node *runq_pop(struct runq *rq)
{
	struct runq_node *n = peek(rq);
	if (n)
		dequeue(rq, n);
	return n;
}

/* The oldest unpinned node of level p; NULL if it has none. */
static struct runq_node *first_movable(struct runq *rq, int p)
{
	for (struct list_link *l = rq->level[p].next; l != &rq->level[p]; l = l->next) {
		struct runq_node *n = container_of(l, struct runq_node, link);
		if (!n->pinned)
			return n;
	}
	return NULL;
}

struct runq_node *runq_steal(struct runq *rq)
{
	if (!rq->movable)
		return NULL;
	for (uint32_t bits = rq->bitmap; bits; bits &= ~(1u << (31 - __builtin_clz(bits)))) {
		struct runq_node *n = first_movable(rq, 31 - __builtin_clz(bits));
		if (n) {
			dequeue(rq, n);
			return n;
		}
	}
	return NULL;
}


int runq_peek_prio(const struct runq *rq)
{
	if (!rq->bitmap)
		return -1;
	return 31 - __builtin_clz(rq->bitmap);
}

bool runq_charge(struct runq_node *n, uint64_t now, uint64_t prev)
{
	bool ran_on = prev && __atomic_load_n(&n->charged_at, __ATOMIC_RELAXED) >= prev;
	uint32_t left = ran_on ? __atomic_load_n(&n->slice, __ATOMIC_RELAXED)
			       : runq_turn_left(n, now);
	left = left ? left - 1 : 0;
	STORE(n->slice, left);
	STORE(n->charged_at, now);
	return left == 0;
}
