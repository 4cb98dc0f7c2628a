/* kernel/runq.c: priority order, FIFO within a level, stealing (pinned
 * nodes stay), turns (time slices), and thousands of random operations against an array model.
 * TEST_SEED=n in the environment replays another random sequence. */
#include <check.h>
#include "check_run.h"
#include "rng.h"
#include <stdlib.h>
#include <string.h>
#include "runq.h"

#define FAST_EQ(a, b) do { \
	long long a_ = (long long)(a), b_ = (long long)(b); \
	if (a_ != b_) \
		ck_abort_msg("%s == %lld, expected %lld", #a, a_, b_); \
} while (0)

struct thr { /* stands in for the lead's thread struct */
	int id;
	struct runq_node rq;
	int pad;
};


static void setup(void)
{
	rng_state = rng_env_seed(0x9E3779B97F4A7C15ull);
}

static int id_of(struct runq_node *n)
{
	return n ? container_of(n, struct thr, rq)->id : -1;
}

START_TEST(empty)
{
	struct runq rq;
	runq_init(&rq);
	ck_assert_ptr_null(runq_pop(&rq));
	ck_assert_int_eq(runq_peek_prio(&rq), -1);
	ck_assert_uint_eq(runq_count(&rq), 0);
}
END_TEST

START_TEST(priority_then_fifo)
{
	struct runq rq;
	struct thr t[6];
	static const unsigned prio[6] = { 3, 31, 3, 0, 31, 17 };
	runq_init(&rq);
	for (int i = 0; i < 6; i++) {
		t[i].id = i;
		runq_node_init(&t[i].rq, prio[i]);
		ck_assert_int_eq(runq_push(&rq, &t[i].rq), E_OK);
	}
	ck_assert_uint_eq(runq_count(&rq), 6);
	ck_assert_int_eq(runq_peek_prio(&rq), 31);
	static const int order[6] = { 1, 4, 5, 0, 2, 3 };
	for (int i = 0; i < 6; i++) {
		struct runq_node *n = runq_pop(&rq);
		ck_assert_int_eq(id_of(n), order[i]);
		ck_assert_ptr_null(n->on);
	}
	ck_assert_ptr_null(runq_pop(&rq));
	ck_assert_int_eq(runq_peek_prio(&rq), -1);
}
END_TEST

START_TEST(round_robin)
{
	struct runq rq;
	struct thr t[3];
	runq_init(&rq);
	for (int i = 0; i < 3; i++) {
		t[i].id = i;
		runq_node_init(&t[i].rq, 10);
		runq_push(&rq, &t[i].rq);
	}
	/* Round robin: pop, run, push to the tail. */
	for (int k = 0; k < 9; k++) {
		struct runq_node *n = runq_pop(&rq);
		ck_assert_int_eq(id_of(n), k % 3);
		runq_push(&rq, n);
	}
}
END_TEST

START_TEST(misuse_refused)
{
	struct runq a, b;
	struct thr t = { .id = 1 };
	runq_init(&a);
	runq_init(&b);
	runq_node_init(&t.rq, 200);
	ck_assert_uint_eq(t.rq.prio, PRIO_MAX); /* clamped */
	ck_assert_int_eq(runq_push(&a, &t.rq), E_OK);
	ck_assert_int_eq(runq_push(&a, &t.rq), E_BUSY);
	ck_assert_int_eq(runq_push(&b, &t.rq), E_BUSY);
	ck_assert_uint_eq(runq_count(&a), 1);
	ck_assert_uint_eq(runq_count(&b), 0);
	ck_assert_int_eq(id_of(runq_pop(&a)), 1);
	ck_assert_uint_eq(runq_count(&a), 0);
	ck_assert_int_eq(runq_peek_prio(&a), -1);
}
END_TEST

START_TEST(steal_takes_best_unpinned)
{
	struct runq rq;
	struct thr t[5];
	static const unsigned prio[5] = { 20, 20, 9, 9, 3 };
	static const bool pin[5] = { true, false, true, false, true };
	runq_init(&rq);
	ck_assert_ptr_null(runq_steal(&rq));
	for (int i = 0; i < 5; i++) {
		t[i].id = i;
		runq_node_init(&t[i].rq, prio[i]);
		ck_assert_int_eq(runq_node_pin(&t[i].rq, pin[i]), E_OK);
		runq_push(&rq, &t[i].rq);
	}
	ck_assert_int_eq(runq_node_pin(&t[0].rq, false), E_BUSY); /* queued */
	ck_assert_uint_eq(runq_movable(&rq), 2);
	/* Highest level first, oldest unpinned first; pinned ones stay. */
	ck_assert_int_eq(id_of(runq_steal(&rq)), 1);
	ck_assert_int_eq(id_of(runq_steal(&rq)), 3);
	ck_assert_ptr_null(runq_steal(&rq));
	ck_assert_uint_eq(runq_movable(&rq), 0);
	ck_assert_uint_eq(runq_count(&rq), 3);
	ck_assert_int_eq(runq_peek_prio(&rq), 20);
	ck_assert_int_eq(id_of(runq_pop(&rq)), 0);
	ck_assert_int_eq(id_of(runq_pop(&rq)), 2);
	ck_assert_int_eq(id_of(runq_pop(&rq)), 4);
	ck_assert_int_eq(runq_peek_prio(&rq), -1);
	/* An emptied level's bit goes with its last stolen node. */
	runq_node_pin(&t[1].rq, false);
	runq_push(&rq, &t[1].rq);
	ck_assert_int_eq(id_of(runq_steal(&rq)), 1);
	ck_assert_uint_eq(rq.bitmap, 0);
}
END_TEST

/* Charge n for k ticks from tick *now on, one per tick; the last result.
 * (Each charge's prev: the tick before, as on a CPU ticking every ms.) */
static bool charge_ticks(struct runq_node *n, uint64_t *now, int k)
{
	bool spent = false;
	while (k--) {
		uint64_t prev = *now;
		spent = runq_charge(n, ++*now, prev);
	}
	return spent;
}

START_TEST(turns)
{
	struct runq rq;
	struct thr t = { .id = 0 };
	uint64_t now = 1000;
	runq_init(&rq);
	runq_node_init(&t.rq, 16);
	ck_assert_uint_eq(runq_turn_left(&t.rq, now), RUNQ_SLICE);
	/* Charged tick after tick, the turn ends after RUNQ_SLICE of them and
	 * stays ended while charges keep coming (no refill by running on). */
	ck_assert(!charge_ticks(&t.rq, &now, RUNQ_SLICE - 1));
	ck_assert_uint_eq(runq_turn_left(&t.rq, now), 1);
	ck_assert(charge_ticks(&t.rq, &now, 1));
	ck_assert(charge_ticks(&t.rq, &now, 50));
	ck_assert_uint_eq(runq_turn_left(&t.rq, now), 0);
	/* A direct switch (no queue) keeps the turn... */
	ck_assert_uint_eq(runq_turn_left(&t.rq, now + RUNQ_SLICE - 1), 0);
	/* ... the back of the queue gives a new one ... */
	runq_push(&rq, &t.rq);
	runq_pop(&rq);
	ck_assert_uint_eq(runq_turn_left(&t.rq, now), RUNQ_SLICE);
	ck_assert(!charge_ticks(&t.rq, &now, 3));
	ck_assert_uint_eq(runq_turn_left(&t.rq, now), RUNQ_SLICE - 3);
	/* ... and so does a block as long as a whole turn: a charge then
	 * starts from a whole turn. */
	ck_assert(charge_ticks(&t.rq, &now, RUNQ_SLICE - 3));
	ck_assert_uint_eq(runq_turn_left(&t.rq, now + RUNQ_SLICE - 1), 0);
	ck_assert_uint_eq(runq_turn_left(&t.rq, now + RUNQ_SLICE), RUNQ_SLICE);
	uint64_t before = now + 4990; /* the CPU's tick before: not charged then */
	now += 5000;
	ck_assert(!runq_charge(&t.rq, now, before));
	ck_assert_uint_eq(runq_turn_left(&t.rq, now), RUNQ_SLICE - 1);
	/* A charge stamped later than the caller's clock (another CPU's tick)
	 * is not mistaken for an old one. */
	ck_assert_uint_eq(runq_turn_left(&t.rq, now - 3), RUNQ_SLICE - 1);
}
END_TEST

/* A CPU whose ticks come gap ms apart (its LAPIC timer calibrated slow on
 * a loaded host: 8 to 20 ms were seen) charges the thread running through
 * them tick after tick: the turn ends after RUNQ_SLICE ticks however long
 * the gap, as with 1 ms ticks.  (Before, each charge RUNQ_SLICE ms after
 * the last took the turn for whole again: a thread spinning in ring 3 was
 * never preempted by its equals: hunt16_mtfault's readers kept 1 CPU for
 * minutes while the main thread that would unmap their pages waited.)
 * A node not charged at the previous tick, though, blocked meanwhile: a
 * whole turn again once the last charge is a turn's length old. */
START_TEST(turns_sparse_ticks)
{
	static const unsigned gaps[] = { 1, 9, 10, 11, 20, 197 };
	for (unsigned g = 0; g < sizeof gaps / sizeof gaps[0]; g++) {
		struct thr t = { .id = 0 };
		runq_node_init(&t.rq, 16);
		uint64_t prev = 0, now = 1000;
		int k = 0;
		bool spent = false;
		while (!spent && k < 100) {
			spent = runq_charge(&t.rq, now, prev);
			k++;
			prev = now;
			now += gaps[g];
		}
		FAST_EQ(k, RUNQ_SLICE);
		/* spent it stays while it runs on */
		ck_assert(runq_charge(&t.rq, now, prev));
		ck_assert_uint_eq(t.rq.slice, 0);
		/* blocked over a tick (not charged at prev) for a turn's length */
		prev = now + RUNQ_SLICE;
		now = prev + gaps[g];
		ck_assert(!runq_charge(&t.rq, now, prev));
		ck_assert_uint_eq(t.rq.slice, RUNQ_SLICE - 1);
	}
}
END_TEST

/* Model: model[p] lists the ids queued at priority p, oldest first. */
#define N 64
static struct runq mrq;
static struct thr mt[N];
static int model[RUNQ_LEVELS][N], mlen[RUNQ_LEVELS];
static int mprio[N];
static int queued[N];
static bool mpin[N];

static void model_del(int p, int k)
{
	memmove(&model[p][k], &model[p][k + 1], (mlen[p] - k - 1) * sizeof(int));
	mlen[p]--;
}

static int model_top(void)
{
	for (int p = PRIO_MAX; p >= 0; p--)
		if (mlen[p])
			return p;
	return -1;
}

static void check_against_model(void)
{
	int total = 0;
	uint32_t bits = 0;
	for (int p = 0; p < RUNQ_LEVELS; p++) {
		total += mlen[p];
		bits |= mlen[p] ? 1u << p : 0;
		/* Walk the level both ways: the links are whole. */
		struct list_link *l = mrq.level[p].next;
		for (int k = 0; k < mlen[p]; k++, l = l->next)
			FAST_EQ(container_of(l, struct thr, rq.link)->id, model[p][k]);
		FAST_EQ((uintptr_t)l, (uintptr_t)&mrq.level[p]);
		l = mrq.level[p].prev;
		for (int k = mlen[p] - 1; k >= 0; k--, l = l->prev)
			FAST_EQ(container_of(l, struct thr, rq.link)->id, model[p][k]);
	}
	int movable = 0;
	for (int i = 0; i < N; i++)
		movable += queued[i] && !mpin[i];
	FAST_EQ(runq_count(&mrq), total);
	FAST_EQ(runq_movable(&mrq), movable);
	FAST_EQ(mrq.bitmap, bits);
	FAST_EQ(runq_peek_prio(&mrq), model_top());
	for (int i = 0; i < N; i++) {
		FAST_EQ(mt[i].rq.on != NULL, queued[i]);
		FAST_EQ(mt[i].rq.prio, mprio[i]);
	}
}

static void op_push(int id)
{
	int r = runq_push(&mrq, &mt[id].rq);
	if (queued[id]) {
		FAST_EQ(r, E_BUSY);
		return;
	}
	FAST_EQ(r, E_OK);
	int p = mprio[id];
	model[p][mlen[p]++] = id;
	queued[id] = 1;
}

static void op_pop(void)
{
	int p = model_top();
	struct runq_node *n = runq_pop(&mrq);
	if (p < 0) {
		FAST_EQ((uintptr_t)n, 0);
		return;
	}
	FAST_EQ(id_of(n), model[p][0]);
	queued[model[p][0]] = 0;
	model_del(p, 0);
}

static void op_steal(void)
{
	struct runq_node *n = runq_steal(&mrq);
	for (int p = PRIO_MAX; p >= 0; p--)
		for (int k = 0; k < mlen[p]; k++)
			if (!mpin[model[p][k]]) {
				FAST_EQ(id_of(n), model[p][k]);
				queued[model[p][k]] = 0;
				model_del(p, k);
				return;
			}
	FAST_EQ((uintptr_t)n, 0);
}

static void op_pin(int id)
{
	bool pin = rnd() % 2;
	FAST_EQ(runq_node_pin(&mt[id].rq, pin), queued[id] ? E_BUSY : E_OK);
	if (!queued[id])
		mpin[id] = pin;
}

START_TEST(random_ops_against_model)
{
	runq_init(&mrq);
	memset(mlen, 0, sizeof mlen);
	for (int i = 0; i < N; i++) {
		mt[i].id = i;
		/* Half on four levels, so levels hold many nodes; half anywhere. */
		mprio[i] = i % 2 ? (int)(rnd() % 4) * 10 : (int)(rnd() % RUNQ_LEVELS);
		runq_node_init(&mt[i].rq, mprio[i]);
		queued[i] = 0;
		mpin[i] = false;
	}
	for (int step = 0; step < 400000; step++) {
		int id = (int)(rnd() % N), op = (int)(rnd() % 14);
		if (op < 7)
			op_push(id);
		else if (op < 11)
			op_pop();
		else if (op < 13)
			op_steal();
		else
			op_pin(id);
		if (step % 16 == 0)
			check_against_model();
	}
	check_against_model();
	while (runq_count(&mrq))
		op_pop();
	check_against_model();
}
END_TEST

int main(void)
{
	Suite *s = suite_create("runq");
	TCase *t = tcase_create("runq");
	tcase_add_checked_fixture(t, setup, NULL);
	tcase_set_timeout(t, 60);
	tcase_add_test(t, empty);
	tcase_add_test(t, priority_then_fifo);
	tcase_add_test(t, round_robin);
	tcase_add_test(t, misuse_refused);
	tcase_add_test(t, steal_takes_best_unpinned);
	tcase_add_test(t, turns);
	tcase_add_test(t, turns_sparse_ticks);
	tcase_add_test(t, random_ops_against_model);
	suite_add_tcase(s, t);
	return check_run(s);
}
