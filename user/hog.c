/* hog: map and touch memory until the pager kills it for running out of
 * memory, saying how far it got every 16 MiB. */
#include "sys/sys.h"

int main(void)
{
	uint64_t total = 0;
	for (;;) {
		volatile char *p;
		int e = mmap_anon(PG_MMAP_MAX, (void **)&p);
		if (e) {
			printf("hog: mmap_anon: %s after %lu MiB\n", err_str(e), total >> 20);
			return 1;
		}
		for (uint64_t off = 0; off < PG_MMAP_MAX; off += 4096) {
			p[off] = 1;
			total += 4096;
			if ((total & ((16 << 20) - 1)) == 0)
				printf("hog: %lu MiB\n", total >> 20);
		}
	}
}
