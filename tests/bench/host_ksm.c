/* Host benchmark of KSM's pure module (pager/ksm*.c), -O2, no sanitizers:
 *   host_ksm_hash            ksm_hash of one 4 KiB page in cache, cycles
 *   host_ksm_scan_unique     a scan step on a page of unique contents (hash,
 *                            stable and unstable tree lookups), cycles
 *   host_ksm_scan_merge      a scan step while 4096 pages of 64 contents
 *                            merge (two full scans), cycles
 * over a fake machine (16 MiB of pages in host memory, remap by pointer:
 * the scans stream from DRAM).  Each
 * value is the median of RUNS runs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <x86intrin.h>
#include "abi/err.h"
#include "ksm.h"

#define PAGES 4096
#define RUNS  7

static uint8_t (*mem)[KSM_PAGE];  /* private frames: index = page */
static uint8_t (*kmem)[KSM_PAGE]; /* merged frames */
static uint64_t frame_of[PAGES];  /* < PAGES: private, else PAGES + merged index */
static unsigned nk;

static bool f_page(uint32_t o, uint64_t va, struct ksm_page *pg);

static bool f_next(uint32_t *o, uint64_t *va, struct ksm_page *pg)
{
	if (*o > 0)
		return false;
	uint64_t p = *va / KSM_PAGE;
	if (p >= PAGES)
		return false;
	*va = p * KSM_PAGE;
	return f_page(*o, *va, pg);
}

static bool f_page(uint32_t o, uint64_t va, struct ksm_page *pg)
{
	(void)o;
	uint64_t f = frame_of[va / KSM_PAGE];
	pg->frame = f;
	pg->kind = f < PAGES ? KSM_PG_PRIVATE : KSM_PG_MERGED;
	pg->bytes = f < PAGES ? mem[f] : kmem[f - PAGES];
	return true;
}

static const uint8_t *frame_bytes(uint64_t f)
{
	return f < PAGES ? mem[f] : kmem[f - PAGES];
}

/* The merge as the kernel does it (no other writer here): the page still
 * holds expect, the bytes are compared in full, then remapped. */
static int f_merge(uint32_t o, uint64_t va, uint64_t expect, uint64_t frame)
{
	(void)o;
	if (frame_of[va / KSM_PAGE] != expect ||
	    (frame != KSM_ZERO_FRAME && memcmp(frame_bytes(expect), frame_bytes(frame), KSM_PAGE)))
		return E_AGAIN;
	frame_of[va / KSM_PAGE] = frame;
	return E_OK;
}

static int f_frame_new(const uint8_t *bytes, uint64_t *frame)
{
	memcpy(kmem[nk], bytes, KSM_PAGE);
	*frame = PAGES + nk++;
	return E_OK;
}

static const uint8_t *f_bytes(uint64_t f) { return kmem[f - PAGES]; }
static void f_put(uint64_t f) { (void)f; }

static const struct ksm_ops ops = { f_next, f_page, f_merge, f_frame_new, f_bytes, f_put,
				    NULL, NULL, NULL };

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static uint64_t median(uint64_t *v)
{
	qsort(v, RUNS, sizeof *v, cmp_u64);
	return v[RUNS / 2];
}

static void fill(unsigned distinct)
{
	for (unsigned i = 0; i < PAGES; i++) {
		uint64_t *w = (uint64_t *)mem[i];
		for (unsigned j = 0; j < 512; j++)
			w[j] = ((distinct ? i % distinct : i) + 1) * 0x9E3779B97F4A7C15ull + j;
		frame_of[i] = i;
	}
	nk = 0;
	ksm_init(&ops);
	ksm_set(KSM_CTL_PAGES_TO_SCAN, PAGES, 0);
}

/* Cycles per page of passes full scans. */
static uint64_t scan(unsigned distinct, int passes)
{
	fill(distinct);
	uint64_t t = __rdtsc(), pages = 0;
	for (int i = 0; i < passes; i++)
		pages += ksm_scan(PAGES + 1);
	return (__rdtsc() - t) / (pages ? pages : 1);
}

int main(void)
{
	uint64_t v[RUNS];
	mem = aligned_alloc(4096, (size_t)PAGES * KSM_PAGE);
	kmem = aligned_alloc(4096, (size_t)PAGES * KSM_PAGE);
	fill(0);
	for (int r = 0; r < RUNS; r++) {
		uint64_t t = __rdtsc(), s = 0;
		for (int i = 0; i < PAGES; i++)
			s += ksm_hash(mem[i % 16]); /* in cache: the hash's own cost */
		v[r] = (__rdtsc() - t) / PAGES + (s == 42);
	}
	printf("RESULT name=host_ksm_hash value=%lu unit=cycles\n", median(v));
	for (int r = 0; r < RUNS; r++)
		v[r] = scan(0, 3);
	printf("RESULT name=host_ksm_scan_unique value=%lu unit=cycles\n", median(v));
	for (int r = 0; r < RUNS; r++)
		v[r] = scan(64, 2);
	printf("RESULT name=host_ksm_scan_merge value=%lu unit=cycles\n", median(v));
	return 0;
}
