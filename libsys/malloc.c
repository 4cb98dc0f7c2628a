/* malloc and friends for programs: heap.c over the pager's PG_BRK, under
 * one lock (heap.c itself is for one thread at a time): Drepper's
 * three-state futex mutex, as pthread's (0 free, 1 held, 2 held and
 * someone may sleep).  fork holds it across the copy, so a child never
 * starts with the heap locked by a thread it does not have. */
#include "abi/syscall.h"
#include "sys/malloc.h"
#include "sys/unistd.h"
#include "libsys.h"

static volatile int heap_lock;

void libsys_heap_lock(void)
{
	int free = 0;
	for (int spins = 0; spins < 100; spins++) {
		if (__atomic_compare_exchange_n(&heap_lock, &free, 1, 0, __ATOMIC_ACQUIRE,
						__ATOMIC_RELAXED))
			return;
		free = 0;
		__builtin_ia32_pause();
	}
	while (__atomic_exchange_n(&heap_lock, 2, __ATOMIC_ACQUIRE) != 0)
		futex_wait(&heap_lock, 2, FUTEX_FOREVER);
}

void libsys_heap_unlock(void)
{
	if (__atomic_exchange_n(&heap_lock, 0, __ATOMIC_RELEASE) == 2)
		futex_wake(&heap_lock, 1);
}

uint64_t heap_brk(uint64_t want)
{
	uint64_t now = 0;
	if (brk(want, &now) != E_OK && want)
		brk(0, &now);
	return now;
}

void *malloc(size_t n)
{
	libsys_heap_lock();
	void *p = heap_alloc(n);
	libsys_heap_unlock();
	return p;
}

void free(void *p)
{
	if (!p)
		return;
	libsys_heap_lock();
	heap_free(p);
	libsys_heap_unlock();
}

void *calloc(size_t n, size_t size)
{
	libsys_heap_lock();
	void *p = heap_calloc(n, size);
	libsys_heap_unlock();
	return p;
}

void *realloc(void *p, size_t n)
{
	libsys_heap_lock();
	void *q = heap_realloc(p, n);
	libsys_heap_unlock();
	return q;
}
