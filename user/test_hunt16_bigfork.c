/* hunt16_bigfork: a large share of the machine's memory through malloc,
 * fork and copy-on-write, as a course's test writes it (a plain Linux
 * program, checked on Linux 6.1).  The parent mallocs 30% of the free
 * memory (at most 128 MiB), fills it, forks; the child checks the parent's
 * bytes and overwrites all of them with its own while the parent overwrites
 * its copy at the same time; each then finds only its own bytes.  The child
 * also reallocs a buffer from 4 KiB up to 16 MiB or a quarter of the free
 * memory (the bytes must follow)
 * and mallocs and frees many sizes.  After the parent frees everything,
 * the free memory must come back to at least 90% of what it was. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define NAME "hunt16_bigfork"

static int fill_check(uint64_t *p, size_t words, uint64_t tag, int write)
{
	int bad = 0;
	for (size_t i = 0; i < words; i += 64) {
		uint64_t v = tag ^ (i * 0x9e3779b97f4a7c15ull);
		if (write)
			p[i] = v;
		else if (p[i] != v)
			bad++;
	}
	return bad;
}

/* grow_realloc: doubles a buffer from 4 KiB to 16 MiB with realloc,
 * checking the bytes written so far at each step; returns the bad count. */
static int grow_realloc(size_t max)
{
	size_t len = 4096;
	unsigned char *b = malloc(len);
	int bad = 0;
	if (!b)
		return 1;
	for (size_t i = 0; i < len; i++)
		b[i] = (unsigned char)(i * 7);
	while (len * 2 <= max) {
		unsigned char *nb = realloc(b, len * 2);
		if (!nb) {
			free(b);
			return 1;
		}
		b = nb;
		for (size_t i = 0; i < len; i += 509)
			if (b[i] != (unsigned char)(i * 7))
				bad++;
		for (size_t i = len; i < len * 2; i++)
			b[i] = (unsigned char)(i * 7);
		len *= 2;
	}
	free(b);
	return bad;
}

static int many_sizes(void)
{
	void *ptrs[200];
	int bad = 0;
	for (int round = 0; round < 5; round++) {
		for (int i = 0; i < 200; i++) {
			size_t sz = (size_t)((i * 7919 + round * 104729) % 300000) + 1;
			ptrs[i] = malloc(sz);
			if (!ptrs[i]) {
				bad++;
				continue;
			}
			memset(ptrs[i], i, sz < 64 ? sz : 64);
			((char *)ptrs[i])[sz - 1] = (char)i;
		}
		for (int i = 0; i < 200; i += 2)
			free(ptrs[i]);
		for (int i = 1; i < 200; i += 2) {
			if (ptrs[i] && ((unsigned char *)ptrs[i])[0] != (unsigned char)i)
				bad++;
			free(ptrs[i]);
		}
	}
	return bad;
}

int main(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	long avail0 = sysconf(_SC_AVPHYS_PAGES);
	size_t len = (size_t)avail0 * 3 / 10 * (size_t)pg;
	if (len > (128u << 20))
		len = 128u << 20;
	size_t words = len / 8;
	uint64_t *p = malloc(len);
	if (!p) {
		printf("@@FAIL %s: malloc %zu\n", NAME, len);
		return 1;
	}
	fill_check(p, words, 0x1111, 1);
	pid_t pid = fork();
	if (pid < 0) {
		printf("@@FAIL %s: fork\n", NAME);
		return 1;
	}
	if (pid == 0) {
		int bad = fill_check(p, words, 0x1111, 0);
		fill_check(p, words, 0x2222, 1);
		bad += fill_check(p, words, 0x2222, 0);
		size_t max = (size_t)sysconf(_SC_AVPHYS_PAGES) * 4096 / 4;
		bad += grow_realloc(max < (16u << 20) ? max : 16u << 20);
		bad += many_sizes();
		_exit(bad ? 1 : 0);
	}
	fill_check(p, words, 0x3333, 1);
	int status = 0;
	waitpid(pid, &status, 0);
	int bad = fill_check(p, words, 0x3333, 0);
	free(p);
	long avail1 = sysconf(_SC_AVPHYS_PAGES);
	printf("%s: %zu KiB, free pages %ld before, %ld after, child status 0x%x, %d bad\n",
	       NAME, len >> 10, avail0, avail1, status, bad);
	if (bad == 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
	    avail1 >= avail0 * 9 / 10)
		printf("@@PASS %s\n", NAME);
	else
		printf("@@FAIL %s: bad %d, child 0x%x, free %ld -> %ld\n", NAME, bad,
		       status, avail0, avail1);
	return 0;
}
