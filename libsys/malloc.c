/* malloc and friends for programs: heap.c over the pager's PG_BRK, under
 * one lock (heap.c itself is for one thread at a time): Drepper's
 * three-state futex mutex, as pthread's (0 free, 1 held, 2 held and
 * someone may sleep).  fork holds it across the copy, so a child never
 * starts with the heap locked by a thread it does not have. */
#include "abi/syscall.h"
#include "sys/malloc.h"
#include "sys/unistd.h"
#include <errno.h>
#include "libsys.h"
#include "lib/string.h"

static volatile int heap_lock;
static void *real_block(void *p);

static void free_later(void);

/* Blocks libsys_free_async was given, not yet back in the heap: a stack
 * linked through each block's first word. */
static void *later;

/* Take heap_lock. */
static void heap_take(void)
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

/* The blocks freed meanwhile by libsys_free_async go back first: what the
 * holder sees of the heap (mallinfo's counts too) has them free. */
void libsys_heap_lock(void)
{
	heap_take();
	if (__atomic_load_n(&later, __ATOMIC_RELAXED))
		free_later();
}

void libsys_free_async(void *p)
{
	if (!p)
		return;
	p = real_block(p);
	void *old = __atomic_load_n(&later, __ATOMIC_RELAXED);
	do
		*(void **)p = old;
	while (!__atomic_compare_exchange_n(&later, &old, p, 1, __ATOMIC_RELEASE,
					    __ATOMIC_RELAXED));
}

/* The blocks given to libsys_free_async back into the heap (lock held). */
static void free_later(void)
{
	void *p = __atomic_exchange_n(&later, NULL, __ATOMIC_ACQUIRE);
	while (p) {
		void *next = *(void **)p;
		heap_free(p);
		p = next;
	}
}

void libsys_heap_unlock(void)
{
	if (__atomic_load_n(&later, __ATOMIC_RELAXED))
		free_later();
	if (__atomic_exchange_n(&heap_lock, 0, __ATOMIC_RELEASE) == 2)
		futex_wake(&heap_lock, 1);
}

uint64_t heap_brk(uint64_t want)
{
	uint64_t now = 0;
	if (libsys_limited && want && pgreq_brk(0, &now) == E_OK && want > now &&
	    libsys_limit_room(want - now, 1))
		return now; /* RLIMIT_AS, RLIMIT_DATA: the heap stays */
	if (pgreq_brk(want, &now) != E_OK && want)
		pgreq_brk(0, &now);
	return now;
}

void *malloc(size_t n)
{
	libsys_heap_lock();
	void *p = heap_alloc(n);
	libsys_heap_unlock();
	if (!p)
		errno = ENOMEM;
	return p;
}

/* The block malloc gave for p (p itself, unless aligned_alloc made it). */
static void *real_block(void *p)
{
	uint64_t w = ((uint64_t *)p)[-1];
	return w & LIBSYS_ALIGNED ? (char *)p - (w >> 4) : p;
}

/* The bytes p may use: its chunk's size less the header (heap.c: a 16-byte
 * header, the next chunk's first word not ours), less aligned_alloc's
 * offset. */
size_t malloc_usable_size(void *p)
{
	if (!p)
		return 0;
	char *r = real_block(p);
	return (size_t)((((uint64_t *)r)[-1] & ~15ull) - 16 - (uint64_t)((char *)p - r));
}

void free(void *p)
{
	if (!p)
		return;
	p = real_block(p);
	libsys_heap_lock();
	heap_free(p);
	libsys_heap_unlock();
}

void *calloc(size_t n, size_t size)
{
	libsys_heap_lock();
	void *p = heap_calloc(n, size);
	libsys_heap_unlock();
	if (!p)
		errno = ENOMEM;
	return p;
}

void *realloc(void *p, size_t n)
{
	if (p && real_block(p) != p) { /* aligned_alloc's: move it */
		void *q = malloc(n);
		size_t have = malloc_usable_size(p);
		if (q) {
			memcpy(q, p, have < n ? have : n);
			free(p);
		}
		return q;
	}
	libsys_heap_lock();
	void *q = heap_realloc(p, n);
	libsys_heap_unlock();
	if (!q && n) /* as malloc: the old block stays */
		errno = ENOMEM;
	return q;
}
