#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL linux_ints: line %d: %s\n", __LINE__, #c); fails++; } } while (0)

int main(void)
{
	char buf[256];
	int64_t a = INT64_MIN;
	uint64_t b = UINT64_MAX;
	int32_t c = -5;
	uint16_t d = 65535;
	uint8_t e = 200;
	intptr_t ip = -1;
	uintptr_t up = 0xdeadbeef;
	size_t z = sizeof(long);
	ssize_t sz = -3;
	snprintf(buf, sizeof buf, "%" PRId64 " %" PRIu64 " %" PRIx64 " %" PRId32 " %" PRIu16 " %" PRIu8 " %" PRIdPTR " %" PRIxPTR " %zu %zd %jd",
		 a, b, b, c, d, e, ip, up, z, sz, (intmax_t)-9);
	CHECK(strcmp(buf, "-9223372036854775808 18446744073709551615 ffffffffffffffff -5 65535 200 -1 deadbeef 8 -3 -9") == 0);
	snprintf(buf, sizeof buf, "%lld %llu %hhd %hd %ld %lu %#x %#o", LLONG_MIN, ULLONG_MAX, (signed char)-1, (short)-2, LONG_MAX, ULONG_MAX, 255, 8);
	CHECK(strcmp(buf, "-9223372036854775808 18446744073709551615 -1 -2 9223372036854775807 18446744073709551615 0xff 010") == 0);
	int64_t r;
	CHECK(sscanf("-42", "%" SCNd64, &r) == 1 && r == -42);
	CHECK(strtoimax("-123", NULL, 10) == -123 && strtoumax("123", NULL, 10) == 123);
	CHECK(INT32_MAX == 2147483647 && UINT32_MAX == 4294967295u && INT8_MIN == -128);
	CHECK(sizeof(int64_t) == 8 && sizeof(void *) == 8 && sizeof(long) == 8 && sizeof(int) == 4);
	CHECK(SIZE_MAX == UINT64_MAX && CHAR_BIT == 8);
	CHECK(offsetof(struct { char x; int y; }, y) == 4);
	bool t = true;
	CHECK(t);
	uint64_t big = UINT64_C(1) << 63;
	CHECK(big == 9223372036854775808ULL);
	CHECK(INT64_C(-1) < 0);
	__int128 w = (__int128)b * 2;
	CHECK((uint64_t)(w >> 64) == 1);
	CHECK(__builtin_popcountll(b) == 64 && __builtin_clzll(1) == 63);
	unsigned __int128 q = (unsigned __int128)b * b;
	CHECK((uint64_t)(q / b) == b);
	if (!fails)
		printf("@@PASS linux_ints\n");
	return fails != 0;
}
