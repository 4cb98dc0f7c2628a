/* kernel/timerq.c: deadline order, FIFO ties, early removal, and random
 * operations against an array model.
 * TEST_SEED=n in the environment replays another random sequence. */
#include <check.h>
#include "check_run.h"
#include "rng.h"
#include <stdlib.h>
#include <string.h>
#include "timerq.h"

#define FAST_EQ(a, b) do { \
	long long a_ = (long long)(a), b_ = (long long)(b); \
	if (a_ != b_) \
		ck_abort_msg("%s == %lld, expected %lld", #a, a_, b_); \
} while (0)

struct sleeper {
	int id;
	struct timerq_node tq;
};


static void setup(void)
{
	rng_state = rng_env_seed(0x9E3779B97F4A7C15ull);
}

static int id_of(struct timerq_node *n)
{
	return n ? container_of(n, struct sleeper, tq)->id : -1;
}

START_TEST(empty)
{
	struct timerq q;
	timerq_init(&q);
	ck_assert_uint_eq(timerq_next_deadline(&q), UINT64_MAX);
	ck_assert_ptr_null(timerq_pop_expired(&q, 0));
	ck_assert_ptr_null(timerq_pop_expired(&q, UINT64_MAX));
	ck_assert_uint_eq(q.count, 0);
}
END_TEST

START_TEST(order_and_ties)
{
	struct timerq q;
	struct sleeper s[7];
	static const uint64_t dl[7] = { 50, 10, 50, 30, 10, UINT64_MAX, 0 };
	timerq_init(&q);
	for (int i = 0; i < 7; i++) {
		s[i].id = i;
		timerq_node_init(&s[i].tq);
		ck_assert(!timerq_queued(&s[i].tq));
		ck_assert_int_eq(timerq_insert(&q, &s[i].tq, dl[i]), E_OK);
		ck_assert(timerq_queued(&s[i].tq));
	}
	ck_assert_uint_eq(q.count, 7);
	ck_assert_uint_eq(timerq_next_deadline(&q), 0);
	ck_assert_int_eq(id_of(timerq_pop_expired(&q, 0)), 6);
	ck_assert_ptr_null(timerq_pop_expired(&q, 9));
	ck_assert_uint_eq(timerq_next_deadline(&q), 10);
	ck_assert_int_eq(id_of(timerq_pop_expired(&q, 10)), 1); /* ties: FIFO */
	ck_assert_int_eq(id_of(timerq_pop_expired(&q, 10)), 4);
	ck_assert_ptr_null(timerq_pop_expired(&q, 29));
	ck_assert_int_eq(id_of(timerq_pop_expired(&q, 1000)), 3);
	ck_assert_int_eq(id_of(timerq_pop_expired(&q, 1000)), 0);
	ck_assert_int_eq(id_of(timerq_pop_expired(&q, 1000)), 2);
	ck_assert_ptr_null(timerq_pop_expired(&q, 1000));
	ck_assert_uint_eq(timerq_next_deadline(&q), UINT64_MAX);
	ck_assert_int_eq(id_of(timerq_pop_expired(&q, UINT64_MAX)), 5);
	ck_assert_uint_eq(q.count, 0);
	ck_assert(!timerq_queued(&s[5].tq));
}
END_TEST

START_TEST(remove_and_misuse)
{
	struct timerq q, other;
	struct sleeper a = { .id = 1 }, b = { .id = 2 };
	timerq_init(&q);
	timerq_init(&other);
	timerq_node_init(&a.tq);
	timerq_node_init(&b.tq);
	ck_assert_int_eq(timerq_remove(&q, &a.tq), E_NOENT);
	ck_assert_int_eq(timerq_insert(&q, &a.tq, 5), E_OK);
	ck_assert_int_eq(timerq_insert(&q, &a.tq, 7), E_BUSY);
	ck_assert_int_eq(timerq_insert(&other, &a.tq, 7), E_BUSY);
	ck_assert_uint_eq(a.tq.deadline, 5);
	ck_assert_int_eq(timerq_remove(&other, &a.tq), E_NOENT);
	ck_assert_int_eq(timerq_insert(&q, &b.tq, 6), E_OK);
	ck_assert_int_eq(timerq_remove(&q, &a.tq), E_OK); /* woken early */
	ck_assert_int_eq(timerq_remove(&q, &a.tq), E_NOENT);
	ck_assert_uint_eq(timerq_next_deadline(&q), 6);
	ck_assert_uint_eq(q.count, 1);
	ck_assert_int_eq(timerq_insert(&q, &a.tq, 6), E_OK); /* re-arm */
	ck_assert_int_eq(id_of(timerq_pop_expired(&q, 6)), 2);
	ck_assert_int_eq(id_of(timerq_pop_expired(&q, 6)), 1);
	ck_assert_uint_eq(other.count, 0);
}
END_TEST

/* Model: the queued sleepers in expiry order (deadline, then insertion). */
#define N 96
static struct timerq mq;
static struct sleeper ms[N];
static int order[N], nq;
static int queued[N];

static void check_against_model(void)
{
	struct list_link *l = mq.head.next;
	for (int k = 0; k < nq; k++, l = l->next)
		FAST_EQ(container_of(l, struct sleeper, tq.link)->id, order[k]);
	FAST_EQ((uintptr_t)l, (uintptr_t)&mq.head);
	l = mq.head.prev;
	for (int k = nq - 1; k >= 0; k--, l = l->prev)
		FAST_EQ(container_of(l, struct sleeper, tq.link)->id, order[k]);
	FAST_EQ(mq.count, nq);
	FAST_EQ(timerq_next_deadline(&mq),
		nq ? ms[order[0]].tq.deadline : UINT64_MAX);
	for (int i = 0; i < N; i++)
		FAST_EQ(timerq_queued(&ms[i].tq), queued[i]);
}

static void op_insert(int id, uint64_t deadline)
{
	int r = timerq_insert(&mq, &ms[id].tq, deadline);
	if (queued[id]) {
		FAST_EQ(r, E_BUSY);
		return;
	}
	FAST_EQ(r, E_OK);
	int k = nq;
	while (k > 0 && ms[order[k - 1]].tq.deadline > deadline)
		k--;
	memmove(&order[k + 1], &order[k], (nq - k) * sizeof(int));
	order[k] = id;
	nq++;
	queued[id] = 1;
}

static void op_remove(int id)
{
	int r = timerq_remove(&mq, &ms[id].tq);
	if (!queued[id]) {
		FAST_EQ(r, E_NOENT);
		return;
	}
	FAST_EQ(r, E_OK);
	int k = 0;
	while (order[k] != id)
		k++;
	memmove(&order[k], &order[k + 1], (nq - k - 1) * sizeof(int));
	nq--;
	queued[id] = 0;
}

/* Pop everything expired at now; the model pops the same prefix. */
static void op_expire(uint64_t now)
{
	struct timerq_node *n;
	int k = 0;
	while ((n = timerq_pop_expired(&mq, now))) {
		FAST_EQ(k < nq, 1);
		FAST_EQ(id_of(n), order[k]);
		FAST_EQ(n->deadline <= now, 1);
		queued[order[k++]] = 0;
	}
	FAST_EQ(k == nq || ms[order[k]].tq.deadline > now, 1);
	memmove(&order[0], &order[k], (nq - k) * sizeof(int));
	nq -= k;
}

START_TEST(random_ops_against_model)
{
	timerq_init(&mq);
	nq = 0;
	for (int i = 0; i < N; i++) {
		ms[i].id = i;
		timerq_node_init(&ms[i].tq);
		queued[i] = 0;
	}
	uint64_t now = 1000;
	for (int step = 0; step < 300000; step++) {
		int id = (int)(rnd() % N), op = (int)(rnd() % 10);
		if (op < 5) /* mostly near future, with many equal deadlines */
			op_insert(id, now + rnd() % (op < 3 ? 8 : 200));
		else if (op < 6)
			op_insert(id, rnd() % 2 ? UINT64_MAX : now - rnd() % 50);
		else if (op < 8)
			op_remove(id);
		else
			op_expire(now += rnd() % 5);
		if (step % 8 == 0)
			check_against_model();
	}
	op_expire(UINT64_MAX);
	check_against_model();
	FAST_EQ(nq, 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("timerq");
	TCase *t = tcase_create("timerq");
	tcase_add_checked_fixture(t, setup, NULL);
	tcase_set_timeout(t, 60);
	tcase_add_test(t, empty);
	tcase_add_test(t, order_and_ties);
	tcase_add_test(t, remove_and_misuse);
	tcase_add_test(t, random_ops_against_model);
	suite_add_tcase(s, t);
	return check_run(s);
}
