/* Demand-zero paging: 10 000 pages of a lazy region, each written once
 * (in a scattered order, so the pager's fault-around for sequential
 * faults does not apply), cost exactly 10 000 demand-zero faults
 * (PG_STATS) and read zero around
 * the written word; 10 000 more only read are all zero, are served by the
 * shared zero frame (faults_zero_read), and take no frames of their own. */
#include <stdio.h>
#include <sys/mman.h>
#include "sys/sys.h"
#include "sys/test.h"
#include "sys/unistd.h"

#define NAME  "demand_zero"
#define PAGES 10000ull
#define WORDS 512
#define STRIDE 7919 /* prime to PAGES: visits every page, never two in a row */

/* The i-th page to touch. */
static uint64_t nth(uint64_t i) { return i * STRIDE % PAGES; }

static struct pg_stats a, b;

int main(void)
{
	volatile uint64_t *w = mmap(NULL, PAGES * 4096, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	volatile uint64_t *r = mmap(NULL, PAGES * 4096, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	TEST_CHECK(NAME, w != MAP_FAILED && r != MAP_FAILED);
	TEST_ERR(NAME, pager_stats(&b), E_OK); /* fault in what the calls use */
	TEST_ERR(NAME, pager_stats(&a), E_OK);
	for (uint64_t i = 0; i < PAGES; i++)
		w[nth(i) * WORDS] = nth(i) + 1;
	TEST_ERR(NAME, pager_stats(&b), E_OK);
	if (b.faults_total - a.faults_total != PAGES)
		test_fail(NAME, "%lu faults for %llu fresh pages (%lu demand-zero)",
			  b.faults_total - a.faults_total, PAGES,
			  b.faults_zero - a.faults_zero);
	TEST_CHECK(NAME, b.faults_zero - a.faults_zero == PAGES);
	for (uint64_t p = 0; p < PAGES; p++)
		for (int i = 0; i < WORDS; i++)
			if (w[p * WORDS + i] != (i ? 0 : p + 1))
				test_fail(NAME, "page %lu word %d is 0x%lx", p, i,
					  w[p * WORDS + i]);

	uint64_t before = frames_available();
	TEST_ERR(NAME, pager_stats(&a), E_OK);
	for (uint64_t n = 0, p = 0; n < PAGES; p = nth(++n))
		for (int i = 0; i < WORDS; i++)
			if (r[p * WORDS + i] != 0)
				test_fail(NAME, "never-written page %lu word %d is 0x%lx",
					  p, i, r[p * WORDS + i]);
	TEST_ERR(NAME, pager_stats(&b), E_OK);
	uint64_t used = before - frames_available();
	if (b.faults_zero_read - a.faults_zero_read != PAGES)
		test_fail(NAME, "%lu zero-frame read faults for %llu pages read",
			  b.faults_zero_read - a.faults_zero_read, PAGES);
	if (used > PAGES / 50) /* page tables only */
		test_fail(NAME, "reading %llu untouched pages took %lu frames", PAGES, used);
	printf("demand_zero: %llu written pages: %llu faults; %llu read pages: "
	       "%lu frames\n", PAGES, PAGES, PAGES, used);
	test_pass(NAME);
	return 0;
}
