/* The KSM checksum: 64 bits over one 4 KiB page, general registers only
 * (the pager is built with -mgeneral-regs-only).  Eight independent lanes
 * (so a CPU overlaps their multiplies), four words folded in per step
 * with xor, add, xor, add, then a rotate and a multiply by an odd
 * constant (one multiply per four words; with two words per step it was
 * 1,266 guest instructions a page, now ~950): every step is a bijection
 * of the lane and of each of its words, so a change of any one word
 * always changes its lane.  The
 * lanes are mixed at the end (murmur3's finaliser).  A filter, never a
 * judge: KSM compares the bytes before it merges. */
#include "ksm.h"

#define P1 0x9E3779B97F4A7C15ull
#define P2 0xC2B2AE3D27D4EB4Full

static inline uint64_t rotl(uint64_t x, unsigned r)
{
	return x << r | x >> (64 - r);
}

static inline uint64_t fmix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xFF51AFD7ED558CCDull;
	h ^= h >> 33;
	h *= 0xC4CEB9FE1A85EC53ull;
	return h ^ (h >> 33);
}

/* One step of a lane: four words in, a bijection of the lane (and of
 * each word, the others fixed). */
static inline uint64_t step(uint64_t l, uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
	return rotl((((l ^ a) + b) ^ c) + d, 27) * P1;
}

uint64_t ksm_hash(const void *page)
{
	const uint64_t *w = page;
	uint64_t l0 = P1, l1 = P2, l2 = P1 + 1, l3 = P2 + 2;
	uint64_t l4 = P1 + 3, l5 = P2 + 4, l6 = P1 + 5, l7 = P2 + 6;
	for (unsigned i = 0; i < KSM_PAGE / 8; i += 32) {
		l0 = step(l0, w[i + 0], w[i + 8], w[i + 16], w[i + 24]);
		l1 = step(l1, w[i + 1], w[i + 9], w[i + 17], w[i + 25]);
		l2 = step(l2, w[i + 2], w[i + 10], w[i + 18], w[i + 26]);
		l3 = step(l3, w[i + 3], w[i + 11], w[i + 19], w[i + 27]);
		l4 = step(l4, w[i + 4], w[i + 12], w[i + 20], w[i + 28]);
		l5 = step(l5, w[i + 5], w[i + 13], w[i + 21], w[i + 29]);
		l6 = step(l6, w[i + 6], w[i + 14], w[i + 22], w[i + 30]);
		l7 = step(l7, w[i + 7], w[i + 15], w[i + 23], w[i + 31]);
	}
	uint64_t h = fmix(l0) ^ rotl(fmix(l1), 7) ^ rotl(fmix(l2), 14) ^
		     rotl(fmix(l3), 21) ^ rotl(fmix(l4), 28) ^ rotl(fmix(l5), 35) ^
		     rotl(fmix(l6), 42) ^ rotl(fmix(l7), 49);
	return fmix(h * P2);
}
