/* The KSM checksum: 64 bits over one 4 KiB page, general registers only
 * (the pager is built with -mgeneral-regs-only).  Eight independent lanes
 * (so a CPU overlaps their multiplies), each word folded in with xor,
 * rotate and a multiply by an odd constant: every step is a bijection of
 * the lane, so a change of any one word always changes its lane.  The
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

uint64_t ksm_hash(const void *page)
{
	const uint64_t *w = page;
	uint64_t l0 = P1, l1 = P2, l2 = P1 + 1, l3 = P2 + 2;
	uint64_t l4 = P1 + 3, l5 = P2 + 4, l6 = P1 + 5, l7 = P2 + 6;
	for (unsigned i = 0; i < KSM_PAGE / 8; i += 8) {
		l0 = rotl(l0 ^ w[i + 0], 27) * P1;
		l1 = rotl(l1 ^ w[i + 1], 27) * P1;
		l2 = rotl(l2 ^ w[i + 2], 27) * P1;
		l3 = rotl(l3 ^ w[i + 3], 27) * P1;
		l4 = rotl(l4 ^ w[i + 4], 27) * P1;
		l5 = rotl(l5 ^ w[i + 5], 27) * P1;
		l6 = rotl(l6 ^ w[i + 6], 27) * P1;
		l7 = rotl(l7 ^ w[i + 7], 27) * P1;
	}
	uint64_t h = fmix(l0) ^ rotl(fmix(l1), 7) ^ rotl(fmix(l2), 14) ^
		     rotl(fmix(l3), 21) ^ rotl(fmix(l4), 28) ^ rotl(fmix(l5), 35) ^
		     rotl(fmix(l6), 42) ^ rotl(fmix(l7), 49);
	return fmix(h * P2);
}
