#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <unistd.h>
#include <errno.h>

static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL linux_brk: line %d: %s (errno %d)\n", __LINE__, #c, errno); fails++; } } while (0)

int main(void)
{
	printf("linux_brk: the break moves\n");
	void *m1 = malloc(1000);
	char *start = sbrk(0);
	CHECK(start != (void *)-1);
	char *p = sbrk(8192);
	CHECK(p == start);
	CHECK(sbrk(0) == start + 8192);
	memset(p, 0x5a, 8192);
	void *m2 = malloc(200000);   /* malloc after a user's sbrk still works */
	CHECK(m2 != NULL);
	memset(m2, 1, 200000);
	CHECK(p[8191] == 0x5a && p[0] == 0x5a);
	char *q = sbrk(-4096);
	CHECK(q == start + 8192);
	CHECK(sbrk(0) == start + 4096);
	CHECK(brk(start + 3 * 4096) == 0);
	CHECK(sbrk(0) == start + 3 * 4096);
	CHECK(p[100] == 0x5a);
	start[3 * 4096 - 1] = 1;
	CHECK(brk(start) == 0);
	CHECK(sbrk(0) == start);
	errno = 0;
	CHECK(sbrk((intptr_t)1 << 46) == (void *)-1 && errno == ENOMEM);
	CHECK(sbrk(0) == start);
	free(m1);
	free(m2);
	if (!fails)
		printf("@@PASS linux_brk\n");
	return fails != 0;
}
