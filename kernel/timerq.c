/* Sleep queue as a sorted list (see kernel/include/timerq.h for why). */
#include "timerq.h"

void timerq_init(struct timerq *q)
{
	list_init(&q->head);
	q->count = 0;
}

void timerq_node_init(struct timerq_node *n)
{
	n->link.next = n->link.prev = NULL;
	n->on = NULL;
	n->deadline = 0;
}

static struct timerq_node *node_of(struct list_link *l)
{
	return container_of(l, struct timerq_node, link);
}

/* Walk back from the latest deadline to the last node with deadline <= n's
 * and link n after it (after the head if there is none): ties stay FIFO. */
int timerq_insert(struct timerq *q, struct timerq_node *n, uint64_t deadline)
{
	if (n->on)
		return E_BUSY;
	struct list_link *pos = q->head.prev;
	while (pos != &q->head && node_of(pos)->deadline > deadline)
		pos = pos->prev;
	n->deadline = deadline;
	list_add(pos, &n->link);
	n->on = q;
	q->count++;
	return E_OK;
}

int timerq_remove(struct timerq *q, struct timerq_node *n)
{
	if (n->on != q)
		return E_NOENT;
	list_del(&n->link);
	n->on = NULL;
	q->count--;
	return E_OK;
}

struct timerq_node *timerq_pop_expired(struct timerq *q, uint64_t now)
{
	if (list_empty(&q->head))
		return NULL;
	struct timerq_node *n = node_of(q->head.next);
	if (n->deadline > now)
		return NULL;
	timerq_remove(q, n);
	return n;
}

uint64_t timerq_next_deadline(const struct timerq *q)
{
	if (list_empty(&q->head))
		return UINT64_MAX;
	return node_of(q->head.next)->deadline;
}

bool timerq_queued(const struct timerq_node *n)
{
	return n->on != NULL;
}
