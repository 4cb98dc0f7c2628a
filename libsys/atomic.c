/* What gcc calls for the atomics it cannot inline (libatomic's ABI): the
 * generic __atomic_load/store/exchange/compare_exchange of any size and
 * the 16-byte ones (an _Atomic struct of two words, _Atomic long double).
 * Each takes one of 64 spin locks chosen by the object's address, so two
 * threads on one object exclude each other; they are not lock-free
 * (__atomic_is_lock_free says so past 8 bytes, as glibc's libatomic on a
 * CPU without cmpxchg16b in use).  Locks in memory are per process: such
 * an object in MAP_SHARED memory is not atomic between processes. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define NLOCKS 64
static int locks[NLOCKS];

static int *lock_of(const volatile void *p)
{
	return &locks[((uintptr_t)p >> 4) % NLOCKS];
}

static void take(int *l)
{
	while (__atomic_exchange_n(l, 1, __ATOMIC_ACQUIRE))
		__builtin_ia32_pause();
}

static void give(int *l)
{
	__atomic_store_n(l, 0, __ATOMIC_RELEASE);
}

/* fork's hold on every lock here (libsys.h libsys_*_fork): 0 take them
 * all, in order; 1, 2 let them go. */
void libsys_atomic_fork(int stage);
void libsys_atomic_fork(int stage)
{
	for (int i = 0; i < NLOCKS; i++) {
		if (stage == 0)
			take(&locks[i]);
		else
			give(&locks[i]);
	}
}

void libat_load(size_t n, const void *src, void *dst, int order) __asm__("__atomic_load");
void libat_load(size_t n, const void *src, void *dst, int order)
{
	(void)order;
	int *l = lock_of(src);
	take(l);
	memcpy(dst, src, n);
	give(l);
}

void libat_store(size_t n, void *dst, const void *src, int order) __asm__("__atomic_store");
void libat_store(size_t n, void *dst, const void *src, int order)
{
	(void)order;
	int *l = lock_of(dst);
	take(l);
	memcpy(dst, src, n);
	give(l);
}

void libat_exchange(size_t n, void *obj, const void *val, void *old, int order)
	__asm__("__atomic_exchange");
void libat_exchange(size_t n, void *obj, const void *val, void *old, int order)
{
	(void)order;
	unsigned char tmp[n ? n : 1];
	int *l = lock_of(obj);
	take(l);
	memcpy(tmp, obj, n);
	memcpy(obj, val, n);
	give(l);
	memcpy(old, tmp, n);
}

bool libat_cas(size_t n, void *obj, void *expected, const void *desired, int s, int f)
	__asm__("__atomic_compare_exchange");
bool libat_cas(size_t n, void *obj, void *expected, const void *desired, int s, int f)
{
	(void)s; (void)f;
	int *l = lock_of(obj);
	take(l);
	bool same = memcmp(obj, expected, n) == 0;
	if (same)
		memcpy(obj, desired, n);
	else
		memcpy(expected, obj, n);
	give(l);
	return same;
}

bool libat_is_lock_free(size_t n, const void *p) __asm__("__atomic_is_lock_free");
bool libat_is_lock_free(size_t n, const void *p)
{
	return (n == 1 || n == 2 || n == 4 || n == 8) && !((uintptr_t)p & (n - 1));
}

typedef unsigned __int128 u128;

u128 libat_load_16(const volatile void *p, int order) __asm__("__atomic_load_16");
u128 libat_load_16(const volatile void *p, int order)
{
	u128 v;
	libat_load(16, (const void *)p, &v, order);
	return v;
}

void libat_store_16(volatile void *p, u128 v, int order) __asm__("__atomic_store_16");
void libat_store_16(volatile void *p, u128 v, int order)
{
	libat_store(16, (void *)p, &v, order);
}

u128 libat_exchange_16(volatile void *p, u128 v, int order) __asm__("__atomic_exchange_16");
u128 libat_exchange_16(volatile void *p, u128 v, int order)
{
	u128 old;
	libat_exchange(16, (void *)p, &v, &old, order);
	return old;
}

bool libat_cas_16(volatile void *p, void *expected, u128 desired, bool weak, int s, int f)
	__asm__("__atomic_compare_exchange_16");
bool libat_cas_16(volatile void *p, void *expected, u128 desired, bool weak, int s, int f)
{
	(void)weak;
	return libat_cas(16, (void *)p, expected, &desired, s, f);
}

/* The 16-byte read-modify-writes of _Atomic __int128: the old value. */
#define RMW16(name, expr) \
	u128 libat_##name##_16(volatile void *p, u128 v, int order) __asm__("__atomic_" #name "_16"); \
	u128 libat_##name##_16(volatile void *p, u128 v, int order) \
	{ \
		(void)order; \
		int *l = lock_of(p); \
		take(l); \
		u128 old; \
		memcpy(&old, (void *)p, 16); \
		u128 nv = (expr); \
		memcpy((void *)p, &nv, 16); \
		give(l); \
		return old; \
	}
RMW16(fetch_add, old + v)
RMW16(fetch_sub, old - v)
RMW16(fetch_and, old & v)
RMW16(fetch_or, old | v)
RMW16(fetch_xor, old ^ v)
