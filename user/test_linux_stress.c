#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL linux_stress: line %d: %s\n", __LINE__, #c); fails++; } } while (0)

static int deep(int n)
{
	volatile char buf[4096];
	buf[0] = (char)n;
	buf[4095] = (char)n;
	int r = n ? deep(n - 1) : 0;
	return r + (buf[0] == (char)n && buf[4095] == (char)n);
}

static int big_frame(void)
{
	volatile char big[4 << 20];   /* 4 MiB on the stack, as Linux allows */
	for (size_t i = 0; i < sizeof big; i += 4096) big[i] = (char)i;
	int ok = 1;
	for (size_t i = 0; i < sizeof big; i += 4096) ok &= big[i] == (char)i;
	return ok;
}

static volatile int bad;
static void *mm_worker(void *arg)
{
	uintptr_t id = (uintptr_t)arg;
	for (int round = 0; round < 200; round++) {
		size_t n = (size_t)(1 + (round * 7 + id) % 16) * 4096;
		unsigned char *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) { bad = 1; break; }
		memset(p, (int)(id + round), n);
		if (round % 3 == 0) mprotect(p, 4096, PROT_READ);
		for (size_t k = 0; k < n; k += 512) if (p[k] != (unsigned char)(id + round)) bad = 2;
		if (munmap(p, n)) bad = 3;
		void *m = malloc(n);
		memset(m, 1, n);
		free(m);
	}
	return NULL;
}

int main(void)
{
	CHECK(deep(1500) == 1501);          /* ~6 MiB of stack */
	CHECK(big_frame());
	for (int i = 0; i < 20; i++) {      /* 32 MiB again and again: freed memory comes back */
		char *p = malloc(32 << 20);
		CHECK(p != NULL);
		if (!p) break;
		for (size_t k = 0; k < (32u << 20); k += 4096) p[k] = (char)k;
		free(p);
	}
	pthread_t t[6];
	for (uintptr_t i = 0; i < 6; i++) pthread_create(&t[i], NULL, mm_worker, (void *)i);
	for (int i = 0; i < 6; i++) pthread_join(t[i], NULL);
	CHECK(bad == 0);
	if (!fails)
		printf("@@PASS linux_stress\n");
	return fails != 0;
}
