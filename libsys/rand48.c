/* The SVID 48-bit generators of <stdlib.h> (drand48 and friends): Linux's
 * recurrence x' = (0x5DEECE66D x + 0xB) mod 2^48, so a seed gives glibc's
 * sequence.  The shared state is not locked (as glibc's, they are not
 * thread-safe); erand48, nrand48 and jrand48 use the caller's. */
#include <stdlib.h>
#include <stdint.h>

static unsigned short state[3] = { 0x330e, 0xabcd, 0x1234 };
static unsigned short mult[3] = { 0xe66d, 0xdeec, 0x5 };
static unsigned short add = 0xb;

static uint64_t get48(const unsigned short x[3])
{
	return (uint64_t)x[0] | (uint64_t)x[1] << 16 | (uint64_t)x[2] << 32;
}

static void put48(unsigned short x[3], uint64_t v)
{
	x[0] = (unsigned short)v;
	x[1] = (unsigned short)(v >> 16);
	x[2] = (unsigned short)(v >> 32);
}

/* Step x and return its new 48 bits. */
static uint64_t step(unsigned short x[3])
{
	uint64_t v = (get48(mult) * get48(x) + add) & 0xffffffffffffull;
	put48(x, v);
	return v;
}

double erand48(unsigned short x[3]) { return (double)step(x) / 281474976710656.0; }
double drand48(void) { return erand48(state); }
long nrand48(unsigned short x[3]) { return (long)(step(x) >> 17); }
long lrand48(void) { return nrand48(state); }
long jrand48(unsigned short x[3]) { return (long)(int32_t)(uint32_t)(step(x) >> 16); }
long mrand48(void) { return jrand48(state); }

void srand48(long seed)
{
	put48(state, ((uint64_t)(uint32_t)seed << 16) | 0x330e);
	put48(mult, 0x5deece66dull);
	add = 0xb;
}

unsigned short *seed48(unsigned short seed[3])
{
	static unsigned short old[3];
	old[0] = state[0], old[1] = state[1], old[2] = state[2];
	state[0] = seed[0], state[1] = seed[1], state[2] = seed[2];
	put48(mult, 0x5deece66dull);
	add = 0xb;
	return old;
}

void lcong48(unsigned short p[7])
{
	state[0] = p[0], state[1] = p[1], state[2] = p[2];
	mult[0] = p[3], mult[1] = p[4], mult[2] = p[5];
	add = p[6];
}
