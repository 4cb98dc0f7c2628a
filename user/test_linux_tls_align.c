/* __thread variables aligned past 64 bytes (the PT_TLS segment's alignment
 * rises to theirs): each thread's copy is aligned, lies inside its own TLS
 * block below the thread pointer, starts with the initial values, and
 * writes to it touch nothing else (the other variables, other threads'). */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL linux_tls_align: line %d: %s\n", __LINE__, #c); fails++; } } while (0)

static __thread char big[8] __attribute__((aligned(128))) = "big";
static __thread int x = 5;
static __thread char huge[16] __attribute__((aligned(1024)));
static __thread long after = 77;

static uintptr_t tp(void)
{
	uintptr_t t;
	__asm__ volatile("mov %%fs:0, %0" : "=r"(t));
	return t;
}

/* 1 when this thread's copies are aligned, in its block and as initialised. */
static int check_mine(int id)
{
	uintptr_t t = tp(), b = (uintptr_t)big, h = (uintptr_t)huge;
	int ok = b % 128 == 0 && h % 1024 == 0 && b < t && h < t && t - b < 4096 && t - h < 4096;
	ok = ok && strcmp(big, "big") == 0 && x == 5 && after == 77 && huge[0] == 0;
	memset(big, id, sizeof big);
	memset(huge, id, sizeof huge);
	x = id;
	return ok && after == 77 && x == id && big[7] == id && huge[15] == id;
}

static void *worker(void *arg)
{
	return (void *)(intptr_t)check_mine((int)(intptr_t)arg);
}

int main(void)
{
	CHECK(check_mine(1));
	pthread_t t[3];
	for (int i = 0; i < 3; i++)
		CHECK(pthread_create(&t[i], NULL, worker, (void *)(intptr_t)(i + 2)) == 0);
	for (int i = 0; i < 3; i++) {
		void *r;
		pthread_join(t[i], &r);
		CHECK(r == (void *)1);
	}
	CHECK(x == 1 && big[0] == 1 && huge[0] == 1 && after == 77);
	if (!fails)
		printf("@@PASS linux_tls_align\n");
	return fails != 0;
}
