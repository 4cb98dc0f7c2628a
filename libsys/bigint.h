/* Fixed-size unsigned big integers for exact decimal <-> binary conversion
 * (libsys/libm.c's strtod, libsys/fltfmt.c's printf): 32-bit limbs, least
 * significant first, up to BN_LIMBS of them (5,120 bits: 5^1131 and a
 * double's widest exact value with room to shift).  Integer code only. */
#ifndef LIBSYS_BIGINT_H
#define LIBSYS_BIGINT_H

#include <stdint.h>

#define BN_LIMBS 180

struct bn {
	int n;                  /* limbs in use; d[n-1] != 0 unless n == 0 */
	uint32_t d[BN_LIMBS];
};

void bn_set(struct bn *a, uint64_t v);
void bn_mul_add(struct bn *a, uint32_t m, uint32_t add);
void bn_mul_pow5(struct bn *a, unsigned e);
uint32_t bn_divmod(struct bn *a, uint32_t m);
void bn_shl(struct bn *a, unsigned bits);
void bn_shr1(struct bn *a);
int bn_cmp(const struct bn *a, const struct bn *b);
void bn_add(struct bn *a, const struct bn *b);
void bn_sub(struct bn *a, const struct bn *b);
int bn_bitlen(const struct bn *a);
int bn_is_zero(const struct bn *a);

#endif
