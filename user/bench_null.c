/* The null system call: median cycles of one sys_null (rdtsc around it). */
#include "sys/sys.h"
#include "sys/test.h"

#define N 20000

static uint64_t t[N];

int main(void)
{
	for (int i = 0; i < 1000; i++)
		sys_null();
	for (int i = 0; i < N; i++) {
		uint64_t t0 = rdtsc();
		sys_null();
		t[i] = rdtsc() - t0;
	}
	bench_result("null_syscall", median_u64(t, N));
	return 0;
}
