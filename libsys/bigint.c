/* Fixed-size unsigned big integers (libsys/bigint.h): just what exact
 * decimal <-> binary conversion needs.  Results past BN_LIMBS limbs are cut
 * off; the callers bound their operands well inside that. */
#include "bigint.h"

static void trim(struct bn *a)
{
	while (a->n > 0 && a->d[a->n - 1] == 0)
		a->n--;
}

/* a = v. */
void bn_set(struct bn *a, uint64_t v)
{
	a->d[0] = (uint32_t)v;
	a->d[1] = (uint32_t)(v >> 32);
	a->n = 2;
	trim(a);
}

/* a = a * m + add. */
void bn_mul_add(struct bn *a, uint32_t m, uint32_t add)
{
	uint64_t carry = add;
	for (int i = 0; i < a->n; i++) {
		uint64_t t = (uint64_t)a->d[i] * m + carry;
		a->d[i] = (uint32_t)t;
		carry = t >> 32;
	}
	if (carry && a->n < BN_LIMBS)
		a->d[a->n++] = (uint32_t)carry;
	trim(a);
}

/* a = a * 5^e. */
void bn_mul_pow5(struct bn *a, unsigned e)
{
	for (; e >= 13; e -= 13)
		bn_mul_add(a, 1220703125u, 0); /* 5^13 */
	uint32_t m = 1;
	while (e--)
		m *= 5;
	bn_mul_add(a, m, 0);
}

/* a = a / m (m > 0); returns a % m. */
uint32_t bn_divmod(struct bn *a, uint32_t m)
{
	uint64_t r = 0;
	for (int i = a->n - 1; i >= 0; i--) {
		uint64_t t = (r << 32) | a->d[i];
		a->d[i] = (uint32_t)(t / m);
		r = t % m;
	}
	trim(a);
	return (uint32_t)r;
}

/* a = a << bits. */
void bn_shl(struct bn *a, unsigned bits)
{
	if (a->n == 0)
		return;
	int w = (int)(bits / 32), s = (int)(bits % 32);
	int n = a->n + w + 1;
	if (n > BN_LIMBS)
		n = BN_LIMBS;
	for (int i = n - 1; i >= 0; i--) {
		int j = i - w;
		uint32_t hi = j >= 0 && j < a->n ? a->d[j] : 0;
		uint32_t lo = j - 1 >= 0 && j - 1 < a->n ? a->d[j - 1] : 0;
		a->d[i] = s ? (hi << s) | (lo >> (32 - s)) : hi;
	}
	a->n = n;
	trim(a);
}

/* a = a >> 1. */
void bn_shr1(struct bn *a)
{
	for (int i = 0; i < a->n; i++)
		a->d[i] = (a->d[i] >> 1) | (i + 1 < a->n ? a->d[i + 1] << 31 : 0);
	trim(a);
}

/* <0, 0, >0 as a <, ==, > b. */
int bn_cmp(const struct bn *a, const struct bn *b)
{
	if (a->n != b->n)
		return a->n < b->n ? -1 : 1;
	for (int i = a->n - 1; i >= 0; i--)
		if (a->d[i] != b->d[i])
			return a->d[i] < b->d[i] ? -1 : 1;
	return 0;
}

/* a = a + b. */
void bn_add(struct bn *a, const struct bn *b)
{
	uint64_t carry = 0;
	int n = a->n > b->n ? a->n : b->n;
	for (int i = 0; i < n; i++) {
		uint64_t t = carry + (i < a->n ? a->d[i] : 0) + (i < b->n ? b->d[i] : 0);
		a->d[i] = (uint32_t)t;
		carry = t >> 32;
	}
	a->n = n;
	if (carry && a->n < BN_LIMBS)
		a->d[a->n++] = (uint32_t)carry;
}

/* a = a - b, where a >= b. */
void bn_sub(struct bn *a, const struct bn *b)
{
	uint64_t borrow = 0;
	for (int i = 0; i < a->n; i++) {
		uint64_t t = (uint64_t)a->d[i] - (i < b->n ? b->d[i] : 0) - borrow;
		a->d[i] = (uint32_t)t;
		borrow = (t >> 32) & 1;
	}
	trim(a);
}

/* The number of significant bits (0 for 0). */
int bn_bitlen(const struct bn *a)
{
	if (a->n == 0)
		return 0;
	return 32 * (a->n - 1) + 32 - __builtin_clz(a->d[a->n - 1]);
}

int bn_is_zero(const struct bn *a) { return a->n == 0; }
