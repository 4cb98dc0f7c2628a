/* lib/string.c, the kernel's and ring 3's own mem* and str* functions,
 * compiled here under k_* names beside the host libc and checked against
 * it at every alignment and length around the word and 64-byte steps. */
#include <check.h>
#include "check_run.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "rng.h"

#define memset  k_memset
#define memcpy  k_memcpy
#define memmove k_memmove
#define memcmp  k_memcmp
#define memchr  k_memchr
#define strlen  k_strlen
#define strcmp  k_strcmp
#define strncmp k_strncmp
#include "../../lib/string.c"
#undef memset
#undef memcpy
#undef memmove
#undef memcmp
#undef memchr
#undef strlen
#undef strcmp
#undef strncmp

#define BUF 512
static unsigned char a[BUF], b[BUF], want[BUF];

static void fill_random(unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)rnd();
}

/* Lengths 0..200 cover the byte tail, the word loop and several 64-byte
 * rounds; offsets 0..8 every alignment of each end. */
START_TEST(memset_matches_libc)
{
	rng_state = rng_env_seed(7);
	for (size_t off = 0; off < 9; off++)
		for (size_t n = 0; n <= 200; n++) {
			fill_random(a, BUF);
			memcpy(want, a, BUF);
			int c = (int)(rnd() & 0x1ff) - 0x80; /* also outside 0..255 */
			ck_assert_ptr_eq(k_memset(a + off, c, n), a + off);
			memset(want + off, c, n);
			ck_assert_msg(!memcmp(a, want, BUF), "off %zu n %zu", off, n);
		}
}
END_TEST

START_TEST(memcpy_matches_libc)
{
	rng_state = rng_env_seed(11);
	for (size_t doff = 0; doff < 9; doff++)
		for (size_t soff = 0; soff < 9; soff++)
			for (size_t n = 0; n <= 200; n++) {
				fill_random(a, BUF);
				fill_random(b, BUF);
				memcpy(want, a, BUF);
				ck_assert_ptr_eq(k_memcpy(a + doff, b + soff, n), a + doff);
				memcpy(want + doff, b + soff, n);
				ck_assert_msg(!memcmp(a, want, BUF), "d %zu s %zu n %zu",
					      doff, soff, n);
			}
}
END_TEST

/* Page-sized and longer (the `rep` path for aligned ends, the rounds
 * otherwise), at every alignment. */
START_TEST(pages_match_libc)
{
	static unsigned char p[3 * 4096 + 64], q[3 * 4096 + 64], w[3 * 4096 + 64];
	static const size_t len[] = { 4095, 4096, 4097, 4103, 8192, 8192 + 61 };
	rng_state = rng_env_seed(17);
	for (size_t off = 0; off < 9; off++)
		for (size_t i = 0; i < sizeof len / sizeof len[0]; i++) {
			fill_random(p, sizeof p);
			fill_random(q, sizeof q);
			memcpy(w, p, sizeof p);
			ck_assert_ptr_eq(k_memcpy(p + off, q + 8, len[i]), p + off);
			memcpy(w + off, q + 8, len[i]);
			ck_assert_msg(!memcmp(p, w, sizeof p), "memcpy off %zu n %zu", off, len[i]);
			ck_assert_ptr_eq(k_memset(p + off, 0x5a, len[i]), p + off);
			memset(w + off, 0x5a, len[i]);
			ck_assert_msg(!memcmp(p, w, sizeof p), "memset off %zu n %zu", off, len[i]);
		}
}
END_TEST

/* Overlap in both directions, by every distance up to 70. */
START_TEST(memmove_overlaps_like_libc)
{
	rng_state = rng_env_seed(13);
	for (size_t dst = 100; dst < 240; dst++)
		for (size_t n = 0; n <= 150; n += 7) {
			size_t src = 170;
			fill_random(a, BUF);
			memcpy(want, a, BUF);
			ck_assert_ptr_eq(k_memmove(a + dst, a + src, n), a + dst);
			memmove(want + dst, want + src, n);
			ck_assert_msg(!memcmp(a, want, BUF), "dst %zu n %zu", dst, n);
		}
}
END_TEST

static int sign(int x) { return (x > 0) - (x < 0); }

/* One differing byte at every position (and none) decides the sign. */
START_TEST(memcmp_sign_matches_libc)
{
	rng_state = rng_env_seed(17);
	for (size_t n = 0; n <= 150; n++)
		for (size_t at = 0; at <= n; at++) {
			fill_random(a, BUF);
			memcpy(b, a, BUF);
			if (at < n)
				b[at] = (unsigned char)(a[at] ^ (1 + rnd() % 255));
			ck_assert_int_eq(sign(k_memcmp(a + 1, b + 1, n)),
					 sign(memcmp(a + 1, b + 1, n)));
			ck_assert_int_eq(sign(k_memcmp(b, a, n)), sign(memcmp(b, a, n)));
		}
}
END_TEST

START_TEST(str_functions)
{
	ck_assert_uint_eq(k_strlen(""), 0);
	ck_assert_uint_eq(k_strlen("pager"), 5);
	ck_assert_int_eq(k_strcmp("abc", "abc"), 0);
	ck_assert_int_lt(k_strcmp("abc", "abd"), 0);
	ck_assert_int_gt(k_strcmp("b", "abc"), 0);
	ck_assert_int_gt(k_strcmp("\xff", "a"), 0); /* unsigned bytes */
	ck_assert_int_eq(k_strncmp("abcx", "abcy", 3), 0);
	ck_assert_int_lt(k_strncmp("abcx", "abcy", 4), 0);
	ck_assert_int_eq(k_strncmp("ab", "ab\0z", 9), 0);
	const char s[] = "hello";
	ck_assert_ptr_eq(k_memchr(s, 'l', 5), s + 2);
	ck_assert_ptr_null(k_memchr(s, 'o', 4));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("string");
	TCase *t = tcase_create("core");
	tcase_add_test(t, memset_matches_libc);
	tcase_add_test(t, memcpy_matches_libc);
	tcase_add_test(t, pages_match_libc);
	tcase_add_test(t, memmove_overlaps_like_libc);
	tcase_add_test(t, memcmp_sign_matches_libc);
	tcase_add_test(t, str_functions);
	suite_add_tcase(s, t);
	return check_run(s);
}
