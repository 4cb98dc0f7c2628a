/* lib/robust.c: a dead thread's robust list marks exactly the words it
 * held (owner died, waiters bit kept, one wake for each with sleepers),
 * the pending entry once, and a hostile list (a cycle, bad or unaligned
 * pointers, a list leaving readable memory, words in memory that may not
 * be written) stops or is skipped without touching anything else. */
#include <check.h>
#include "check_run.h"
#include <string.h>
#include "lib/robust.h"

#define BASE 0x10000ull
#define SIZE 0x4000ull
#define RO_FROM (BASE + 0x3000) /* the last page: readable, not writable */

static uint64_t mem[SIZE / 8];
static uint64_t woke[64];
static unsigned nwoke, nloads;

static bool load(void *ctx, uint64_t va, uint64_t *v)
{
	(void)ctx;
	nloads++;
	if (va < BASE || va + 8 > BASE + SIZE || (va & 7))
		return false;
	*v = mem[(va - BASE) / 8];
	return true;
}

static uint32_t *word(void *ctx, uint64_t va)
{
	(void)ctx;
	if (va < BASE || va + 4 > RO_FROM || (va & 3))
		return NULL;
	return (uint32_t *)((char *)mem + (va - BASE));
}

static void wake(void *ctx, uint64_t va, uint32_t *w)
{
	(void)ctx;
	ck_assert_ptr_eq(w, word(NULL, va));
	woke[nwoke++] = va;
}

static const struct robust_ops ops = { NULL, load, word, wake };

/* A mutex at va: its list link at va + 8, its word at va (offset -8). */
#define OFF (-8)
static uint32_t *w_at(uint64_t va) { return (uint32_t *)((char *)mem + (va - BASE)); }
static void put(uint64_t va, uint64_t v) { mem[(va - BASE) / 8] = v; }

static void reset(void)
{
	memset(mem, 0, sizeof mem);
	nwoke = nloads = 0;
}

/* head at BASE; mutexes m[i] at BASE + 0x100 * (i + 1), chained in order */
static void chain(const uint64_t *m, int n, uint64_t pending)
{
	uint64_t head = BASE;
	put(head, n ? m[0] + 8 : head);
	put(head + 8, (uint64_t)(int64_t)OFF);
	put(head + 16, pending);
	for (int i = 0; i < n; i++)
		put(m[i] + 8, i + 1 < n ? m[i + 1] + 8 : head);
}

START_TEST(marks_only_own)
{
	reset();
	uint64_t m[4] = { BASE + 0x100, BASE + 0x200, BASE + 0x300, BASE + 0x400 };
	chain(m, 4, 0);
	*w_at(m[0]) = 7;                       /* held by 7 */
	*w_at(m[1]) = 7 | ROBUST_WAITERS;      /* held, a sleeper */
	*w_at(m[2]) = 9 | ROBUST_WAITERS;      /* another's (unlocked meanwhile) */
	*w_at(m[3]) = 0;                       /* free */
	ck_assert_uint_eq(robust_walk(BASE, 7, &ops), 2);
	ck_assert_uint_eq(*w_at(m[0]), ROBUST_OWNER_DIED);
	ck_assert_uint_eq(*w_at(m[1]), ROBUST_OWNER_DIED | ROBUST_WAITERS);
	ck_assert_uint_eq(*w_at(m[2]), 9 | ROBUST_WAITERS);
	ck_assert_uint_eq(*w_at(m[3]), 0);
	ck_assert_uint_eq(nwoke, 1);
	ck_assert_uint_eq(woke[0], m[1]);
}
END_TEST

START_TEST(pending_once)
{
	reset();
	uint64_t m[2] = { BASE + 0x100, BASE + 0x200 };
	chain(m, 2, m[1] + 8); /* m[1] listed and pending: marked once */
	*w_at(m[1]) = 5 | ROBUST_WAITERS;
	ck_assert_uint_eq(robust_walk(BASE, 5, &ops), 1);
	ck_assert_uint_eq(nwoke, 1);
	reset();
	chain(m, 0, m[0] + 8); /* pending only: taken, not listed yet */
	*w_at(m[0]) = 5;
	ck_assert_uint_eq(robust_walk(BASE, 5, &ops), 1);
	ck_assert_uint_eq(*w_at(m[0]), ROBUST_OWNER_DIED);
}
END_TEST

START_TEST(cycle_bounded)
{
	reset();
	uint64_t a = BASE + 0x100, b = BASE + 0x200;
	put(BASE, a + 8);
	put(BASE + 8, (uint64_t)(int64_t)OFF);
	put(a + 8, b + 8);
	put(b + 8, a + 8); /* never back to the head */
	*w_at(a) = 3;
	*w_at(b) = 3;
	ck_assert_uint_eq(robust_walk(BASE, 3, &ops), 2);
	ck_assert_uint_le(nloads, ROBUST_LIST_LIMIT + 3);
	/* a self loop on one entry */
	reset();
	put(BASE, a + 8);
	put(a + 8, a + 8);
	ck_assert_uint_eq(robust_walk(BASE, 3, &ops), 0);
	ck_assert_uint_le(nloads, ROBUST_LIST_LIMIT + 3);
}
END_TEST

START_TEST(bad_pointers)
{
	reset();
	ck_assert_uint_eq(robust_walk(0, 1, &ops), 0);             /* no head */
	ck_assert_uint_eq(robust_walk(BASE + 4, 1, &ops), 0);      /* unaligned */
	ck_assert_uint_eq(robust_walk(BASE + SIZE - 8, 1, &ops), 0); /* head past memory */
	uint64_t a = BASE + 0x100;
	/* the second entry points out of memory: the first is still marked */
	put(BASE, a + 8);
	put(BASE + 8, (uint64_t)(int64_t)OFF);
	put(a + 8, 0xdead0000ull);
	*w_at(a) = 2;
	ck_assert_uint_eq(robust_walk(BASE, 2, &ops), 1);
	/* an unaligned entry, a huge offset: nothing marked */
	reset();
	put(BASE, a + 8 + 2);
	ck_assert_uint_eq(robust_walk(BASE, 2, &ops), 0);
	reset();
	put(BASE, a + 8);
	put(BASE + 8, 0x7fffffffffff0000ull);
	put(a + 8, BASE);
	ck_assert_uint_eq(robust_walk(BASE, 0, &ops), 0);
	/* a word in memory that may not be written is left alone */
	reset();
	uint64_t r = RO_FROM + 0x10;
	put(BASE, r + 8);
	put(BASE + 8, (uint64_t)(int64_t)OFF);
	put(r + 8, BASE);
	*w_at(r) = 2 | ROBUST_WAITERS;
	ck_assert_uint_eq(robust_walk(BASE, 2, &ops), 0);
	ck_assert_uint_eq(*w_at(r), 2 | ROBUST_WAITERS);
	ck_assert_uint_eq(nwoke, 0);
}
END_TEST

START_TEST(ids)
{
	ck_assert_uint_ne(robust_id(1 << 18, 0), 0);
	ck_assert_uint_le(robust_id(0x3ffff, 4031), ROBUST_ID_MASK);
	ck_assert_uint_ne(robust_id(5, 0), robust_id(5, 1));
	ck_assert_uint_ne(robust_id(5, 0), robust_id(6, 0));
	ck_assert_uint_ne(robust_id(1 << 18, 0), robust_id(0x3ffff, 4031));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("robust");
	TCase *t = tcase_create("robust");
	tcase_add_test(t, marks_only_own);
	tcase_add_test(t, pending_once);
	tcase_add_test(t, cycle_bounded);
	tcase_add_test(t, bad_pointers);
	tcase_add_test(t, ids);
	suite_add_tcase(s, t);
	return check_run(s);
}
