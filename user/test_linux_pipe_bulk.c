/* 1 MiB through two 64 KiB pipes, blocking both ways: a producer writes
 * pseudo-random bytes in uneven pieces, a middle process reads them and
 * writes each byte xor 0x5a on, the parent reads and checks every byte
 * and the sums (compiles unchanged against glibc). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define TOTAL (1024 * 1024)

static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL linux_pipe_bulk: line %d: %s (errno %d)\n", \
	__LINE__, #c, errno); fails++; } } while (0)

static uint32_t next(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* Write all n bytes (write may take part of a piece of more than PIPE_BUF). */
static int write_all(int fd, const unsigned char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w <= 0)
			return -1;
		p += w, n -= (size_t)w;
	}
	return 0;
}

static void producer(int out)
{
	static unsigned char buf[20000];
	uint32_t s = 12345, len = 777;
	unsigned long sum = 0;
	for (size_t done = 0; done < TOTAL;) {
		size_t n = 1 + next(&len) % sizeof buf;
		if (n > TOTAL - done)
			n = TOTAL - done;
		for (size_t i = 0; i < n; i++) {
			buf[i] = (unsigned char)next(&s);
			sum += buf[i];
		}
		if (write_all(out, buf, n))
			_exit(2);
		done += n;
	}
	_exit(sum ? 0 : 3);
}

static void middle(int in, int out)
{
	static unsigned char buf[3000];
	unsigned long n_in = 0;
	ssize_t n;
	while ((n = read(in, buf, (n_in % 3000) + 1)) > 0) {
		for (ssize_t i = 0; i < n; i++)
			buf[i] ^= 0x5a;
		if (write_all(out, buf, (size_t)n))
			_exit(2);
		n_in += (unsigned long)n;
	}
	_exit(n == 0 && n_in == TOTAL ? 0 : 4);
}

int main(void)
{
	printf("linux_pipe_bulk: 1 MiB through two pipes\n");
	int a[2], b[2];
	CHECK(pipe(a) == 0 && pipe(b) == 0);
	pid_t p1 = fork();
	if (p1 == 0) {
		close(a[0]), close(b[0]), close(b[1]);
		producer(a[1]);
	}
	pid_t p2 = fork();
	if (p2 == 0) {
		close(a[1]), close(b[0]);
		middle(a[0], b[1]);
	}
	close(a[0]), close(a[1]), close(b[1]);
	static unsigned char buf[65536];
	uint32_t s = 12345;
	unsigned long got = 0, sum_want = 0, sum_got = 0, bad = 0;
	ssize_t n;
	while ((n = read(b[0], buf, (got % 65536) + 1)) > 0) {
		for (ssize_t i = 0; i < n; i++) {
			unsigned char want = (unsigned char)next(&s);
			sum_want += want;
			sum_got += buf[i] ^ 0x5a;
			bad += (buf[i] ^ 0x5a) != want;
		}
		got += (unsigned long)n;
	}
	CHECK(n == 0);
	CHECK(got == TOTAL);
	CHECK(bad == 0);
	CHECK(sum_got == sum_want);
	int st;
	CHECK(waitpid(p1, &st, 0) == p1 && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK(waitpid(p2, &st, 0) == p2 && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	close(b[0]);
	if (!fails)
		printf("@@PASS linux_pipe_bulk\n");
	return fails != 0;
}
