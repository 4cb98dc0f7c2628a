/* A program with a large .data (64 KiB of initialised words, each its own
 * value) and a large .bss (1 MiB) loads correctly: every initialised word
 * is right, every bss byte is zero (the page the two share included), and
 * both can be written. */
#include "sys/sys.h"
#include "sys/test.h"
#include "sys/unistd.h"

#define NAME "large_data_bss"

#define V(i)       ((uint32_t)((i) * 2654435761u + 12345u))
#define D4(i)      V(i), V((i) + 1), V((i) + 2), V((i) + 3)
#define D16(i)     D4(i), D4((i) + 4), D4((i) + 8), D4((i) + 12)
#define D64(i)     D16(i), D16((i) + 16), D16((i) + 32), D16((i) + 48)
#define D256(i)    D64(i), D64((i) + 64), D64((i) + 128), D64((i) + 192)
#define D1024(i)   D256(i), D256((i) + 256), D256((i) + 512), D256((i) + 768)
#define D4096(i)   D1024(i), D1024((i) + 1024), D1024((i) + 2048), D1024((i) + 3072)
#define D16384(i)  D4096(i), D4096((i) + 4096), D4096((i) + 8192), D4096((i) + 12288)

static uint32_t data[16384] = { D16384(0u) };
static uint8_t bss[1 << 20];

int main(void)
{
	static struct pg_stats a, b;
	TEST_ERR(NAME, pager_stats(&a), E_OK);
	for (uint32_t i = 0; i < 16384; i++)
		if (((volatile uint32_t *)data)[i] != V(i))
			test_fail(NAME, "data[%u] = 0x%x, want 0x%x", i, data[i], V(i));
	for (uint32_t i = 0; i < sizeof bss; i++)
		if (((volatile uint8_t *)bss)[i] != 0)
			test_fail(NAME, "bss[%u] = 0x%x", i, bss[i]);
	TEST_ERR(NAME, pager_stats(&b), E_OK);
	for (uint32_t i = 0; i < 16384; i++)
		data[i] = ~i;
	memset(bss, 0x5A, sizeof bss);
	for (uint32_t i = 0; i < 16384; i++)
		TEST_CHECK(NAME, ((volatile uint32_t *)data)[i] == ~i);
	TEST_CHECK(NAME, bss[0] == 0x5A && bss[sizeof bss - 1] == 0x5A);
	printf("large_data_bss: %lu file-backed faults, %lu zero faults while reading\n",
	       b.faults_file - a.faults_file,
	       b.faults_zero + b.faults_zero_read - a.faults_zero - a.faults_zero_read);
	test_pass(NAME);
	return 0;
}
