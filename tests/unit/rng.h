/* The seeded random numbers the randomized unit tests share: xorshift64*,
 * seeded from TEST_SEED=n in the environment when set (to replay another
 * sequence), else a fixed default, so every run is reproducible. */
#ifndef TESTS_RNG_H
#define TESTS_RNG_H

#include <stdint.h>
#include <stdlib.h>

static uint64_t rng_state;

static inline uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545F4914F6CDD1Dull;
}

/* TEST_SEED if set (made odd), else dflt. */
static inline uint64_t rng_env_seed(uint64_t dflt)
{
	const char *seed = getenv("TEST_SEED");
	return seed ? strtoull(seed, NULL, 0) | 1 : dflt;
}

#endif
