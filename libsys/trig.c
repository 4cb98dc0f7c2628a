/* Argument reduction for sin, cos and tan (libsys/libm2.c): x - k*pi/2 for
 * any finite double, exact enough that the reduced value keeps 63 bits
 * even right next to a multiple of pi/2.  x = m * 2^e times 2/pi (1,216
 * bits of it, below) in a big integer: the bits of the product around its
 * binary point are the quadrant and the fraction, to 2^-170 or better. */
#include <math.h>
#include <stdint.h>
#include "bigint.h"
#include "libm_in.h"

/* floor(2/pi * 2^1216), least significant limb first (computed with
 * Machin's formula in integer arithmetic). */
static const uint32_t two_over_pi[38] = {
	0xfc7b6bab, 0x56033046, 0x1f8d5d08, 0x6bfb5fb1, 0x8a5292ea, 0x3d0739f7,
	0xebe5f17b, 0x7527bac7, 0x9e5fea2d, 0x4f463f66, 0x27cb09b7, 0x6d367ecf,
	0x5a0a6d1f, 0xef2f118b, 0xde05980f, 0x1ff897ff, 0xbdf9283b, 0x9c845f8b,
	0x835339f4, 0x3991d639, 0xb45f7e41, 0xe99c7026, 0x2ebb4484, 0xe88235f5,
	0xb129a73e, 0xfe1deb1c, 0x09d1921c, 0x06492eea, 0x424dd2e0, 0xb7246e3a,
	0xdebbc561, 0xfe5163ab, 0x3c439041, 0xdb629599, 0xf534ddc0, 0xfc2757d1,
	0x4e441529, 0xa2f9836e,
};
#define TWO_OVER_PI_BITS 1216

/* 64 bits of p from bit pos up (pos >= 0). */
static uint64_t bits64(const struct bn *p, int pos)
{
	uint64_t r = 0;
	for (int i = 0; i < 3; i++) {
		int limb = pos / 32 + i;
		uint64_t w = limb < p->n ? p->d[limb] : 0;
		int sh = 32 * i - pos % 32;
		r |= sh >= 0 ? (sh < 64 ? w << sh : 0) : w >> -sh;
	}
	return r;
}

/* ax (finite, >= pi/4) = k*pi/2 + *r with |*r| <= pi/4; returns k mod 4. */
int libsys_rem_pio2(double ax, long double *r)
{
	union { double d; uint64_t u; } v = { ax };
	uint64_t m = (v.u & ((1ull << 52) - 1)) | (1ull << 52);
	int e = (int)((v.u >> 52) & 0x7ff) - 1075; /* ax = m * 2^e, e >= -53 */
	struct bn p;
	p.n = 38;
	for (int i = 0; i < 38; i++)
		p.d[i] = two_over_pi[i];
	/* p = m * 2/pi * 2^1216, in two 32-bit steps */
	struct bn hi = p;
	bn_mul_add(&p, (uint32_t)m, 0);
	bn_mul_add(&hi, (uint32_t)(m >> 32), 0);
	bn_shl(&hi, 32);
	bn_add(&p, &hi);
	int point = TWO_OVER_PI_BITS - e; /* the binary point of ax * 2/pi */
	int k = (int)(bits64(&p, point) & 3);
	unsigned __int128 f = ((unsigned __int128)bits64(&p, point - 64) << 64) |
			      bits64(&p, point - 128);
	int neg = 0;
	if (f >> 127) { /* past half: the next multiple, from below */
		f = -f;
		neg = 1;
		k = (k + 1) & 3;
	}
	long double fr = (long double)(uint64_t)(f >> 64) * 0x1p-64L +
			 (long double)(uint64_t)f * 0x1p-128L;
	fr *= 1.57079632679489661923132169163975144L;
	*r = neg ? -fr : fr;
	return k;
}
