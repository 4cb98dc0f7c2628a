/* Futex calls without a sleep, median cycles of each (rdtsc around it):
 * a wake of a word nobody waits on and a wait whose word already differs
 * (E_AGAIN), private (the key: space and address) and FUTEX_SHARED on a
 * page of MAP_SHARED memory (the key: the frame, looked up under the
 * space's lock). */
#include <sys/mman.h>
#include "sys/proc.h"
#include "sys/sys.h"
#include "sys/test.h"
#include "abi/syscall.h"

#define N 20000

static uint64_t t[N];

static void one(const char *name, uint64_t addr, int wait)
{
	for (int i = 0; i < N + 1000; i++) {
		uint64_t t0 = rdtsc();
		if (wait)
			sys_futex_wait(addr, 1, FUTEX_FOREVER); /* the word is 0 */
		else
			sys_futex_wake(addr, 1);
		if (i >= 1000)
			t[i - 1000] = rdtsc() - t0;
	}
	bench_result(name, median_u64(t, N));
}

int main(void)
{
	static volatile int priv;
	volatile int *sh = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
				MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		return 1;
	*sh = 0;
	one("futex_wake_private", (uint64_t)&priv, 0);
	one("futex_wait_again_private", (uint64_t)&priv, 1);
#ifdef FUTEX_SHARED
	one("futex_wake_shared", (uint64_t)sh | FUTEX_SHARED, 0);
	one("futex_wait_again_shared", (uint64_t)sh | FUTEX_SHARED, 1);
#endif
	return 0;
}
