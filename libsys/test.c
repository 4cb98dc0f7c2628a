/* Test and benchmark helpers (sys/test.h). */
#include "sys/sys.h"
#include "sys/test.h"

void test_pass(const char *name)
{
	printf("@@PASS %s\n", name);
}

void test_fail(const char *name, const char *fmt, ...)
{
	char why[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	printf("@@FAIL %s: %s\n", name, why);
	exit(1);
}

/* Move v[i] down the max-heap v[0..n) to its place. */
static void sift_down(uint64_t *v, size_t i, size_t n)
{
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= n)
			return;
		if (c + 1 < n && v[c + 1] > v[c])
			c++;
		if (v[i] >= v[c])
			return;
		uint64_t t = v[i];
		v[i] = v[c];
		v[c] = t;
		i = c;
	}
}

uint64_t median_u64(uint64_t *v, size_t n)
{
	if (n == 0)
		return 0;
	for (size_t i = n / 2; i-- > 0;)
		sift_down(v, i, n);
	for (size_t end = n - 1; end > 0; end--) {
		uint64_t t = v[0];
		v[0] = v[end];
		v[end] = t;
		sift_down(v, 0, end);
	}
	return v[n / 2];
}

void bench_result(const char *name, uint64_t value)
{
	printf("RESULT name=%s value=%lu unit=cycles\n", name, value);
}
