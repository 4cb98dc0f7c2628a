/* Freestanding string and memory functions.  gcc may also emit calls to the
 * mem* ones for struct copies, so they exist under their standard names. */
#include <stdint.h>
#include "lib/string.h"

/* Word-at-a-time versions: under QEMU's TCG every guest loop iteration
 * costs far more than the store it makes, so clearing or copying a page a
 * byte at a time took several times longer than with 64-byte rounds.
 * The rounds are unrolled by hand (gcc keeps a loop of 8 otherwise, and
 * each guest branch is what costs).  Unaligned words are fine on x86;
 * `uword` tells the compiler so (and that it may alias anything). */
typedef uint64_t __attribute__((may_alias, aligned(1))) uword;

/* Whole pages (frames zeroed, COW copies) go as one `rep stosq`/`rep
 * movsq`, as Linux's clear_page and copy_page do on CPUs without ERMS:
 * 512 steps a page where the 64-byte rounds take ~700 (zero) and ~1,300
 * (copy) instructions. */
#define REP_MIN 4096

void *memset(void *d, int c, size_t n)
{
	unsigned char *p = d;
	uint64_t w = 0x0101010101010101ull * (unsigned char)c;
	if (n >= REP_MIN && !((uintptr_t)p & 7)) {
		size_t q = n / 8;
		__asm__ volatile("rep stosq" : "+D"(p), "+c"(q) : "a"(w) : "memory");
		n %= 8;
	}
	for (; n >= 64; n -= 64, p += 64) {
		uword *q = (uword *)p;
		q[0] = w, q[1] = w, q[2] = w, q[3] = w;
		q[4] = w, q[5] = w, q[6] = w, q[7] = w;
	}
	for (; n >= 8; n -= 8, p += 8)
		*(uword *)p = w;
	while (n--)
		*p++ = (unsigned char)c;
	return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
	unsigned char *dp = d;
	const unsigned char *sp = s;
	if (n >= REP_MIN && !(((uintptr_t)dp | (uintptr_t)sp) & 7)) {
		size_t q = n / 8;
		__asm__ volatile("rep movsq" : "+D"(dp), "+S"(sp), "+c"(q) : : "memory");
		n %= 8;
	}
	for (; n >= 64; n -= 64, dp += 64, sp += 64) {
		uword *q = (uword *)dp;
		const uword *r = (const uword *)sp;
		uint64_t a = r[0], b = r[1], c = r[2], e = r[3];
		q[0] = a, q[1] = b, q[2] = c, q[3] = e;
		a = r[4], b = r[5], c = r[6], e = r[7];
		q[4] = a, q[5] = b, q[6] = c, q[7] = e;
	}
	for (; n >= 8; n -= 8, dp += 8, sp += 8)
		*(uword *)dp = *(const uword *)sp;
	while (n--)
		*dp++ = *sp++;
	return d;
}

/* Copies forward when the destination starts below the source (memcpy
 * reads each word before it writes at or past it), else from the end. */
void *memmove(void *d, const void *s, size_t n)
{
	unsigned char *dp = d;
	const unsigned char *sp = s;
	if (dp <= sp || dp >= sp + n)
		return memcpy(d, s, n);
	for (; n >= 8; n -= 8)
		*(uword *)(dp + n - 8) = *(const uword *)(sp + n - 8);
	while (n--)
		dp[n] = sp[n];
	return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;
	for (; n >= 8 && *(const uword *)x == *(const uword *)y; n -= 8)
		x += 8, y += 8;
	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

void *memchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;
	for (; n; n--, p++)
		if (*p == (unsigned char)c)
			return (void *)p;
	return NULL;
}

size_t strlen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (!*a)
			return 0;
	}
	return 0;
}
