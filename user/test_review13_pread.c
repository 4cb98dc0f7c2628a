/* review13: pread and pwrite on one descriptor from two threads at once.
 *
 * POSIX (and Linux): pread/pwrite read or write at the offset given and
 * leave the descriptor's offset alone; they are the calls threads use to
 * share one descriptor.  libsys's (files.c) set the shared description's
 * position to the offset, call read/write, and put the old position back,
 * so another thread's pread/pwrite/read/write in between moves it: bytes
 * come from, or go to, the other thread's offset.
 *
 * review13_pread_threads: a tmpfs file of BLOCKS blocks, block i filled
 * with byte i; two threads pread random blocks of one descriptor and
 * check every byte.  Linux: no wrong block.
 *
 * review13_pwrite_threads: two threads pwrite the even and the odd blocks
 * of an empty file once each (block i filled with byte i); afterwards
 * every block must hold its own byte.  A pwrite that lands at the other
 * thread's offset leaves its own block a hole (zeros) for good.
 *
 * review13_offset_kept: one thread reads the file sequentially with
 * read() after lseek(0) while another preads; the reader must see blocks
 * 0, 1, 2, ... in order (its offset is its own business).
 *
 * review13_write_shared_offset: two threads write() WR_BLOCKS blocks each
 * (their own byte) to one descriptor of an empty file.  POSIX 2.9.7 (and
 * Linux since 3.14, f_pos_lock): each write takes its place at the shared
 * offset atomically, so the file ends with all 2 * WR_BLOCKS blocks, each
 * whole.  Here the offset is read and advanced with no lock: two writes at
 * one offset overwrite each other, and blocks are lost. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BLK 512
#define BLOCKS 200
#define READS 6000
#define PW_BLOCKS 8000 /* pwrite test: blocks, the two threads together */
#define WR_BLOCKS 1000
#define PATH "/tmp/review13_pread"

static int fd;
static volatile int stop;

static unsigned rnd(unsigned *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 8;
}

static void *preader(void *arg)
{
	unsigned seed = (unsigned)(unsigned long)arg, bad = 0;
	unsigned char b[BLK];
	for (int i = 0; i < READS; i++) {
		unsigned k = rnd(&seed) % BLOCKS;
		if (pread(fd, b, BLK, (off_t)k * BLK) != BLK) {
			bad++;
			continue;
		}
		for (int j = 0; j < BLK; j++)
			if (b[j] != (unsigned char)k) {
				bad++;
				break;
			}
	}
	return (void *)(unsigned long)bad;
}

static void *pwriter(void *arg)
{
	unsigned first = (unsigned)(unsigned long)arg, bad = 0;
	unsigned char b[BLK];
	for (unsigned k = first; k < PW_BLOCKS; k += 2) {
		memset(b, (unsigned char)(k % 251 + 1), BLK);
		if (pwrite(fd, b, BLK, (off_t)k * BLK) != BLK)
			bad++;
	}
	return (void *)(unsigned long)bad;
}

static void *pread_loop(void *arg)
{
	(void)arg;
	unsigned char b[BLK];
	unsigned seed = 7;
	while (!stop)
		pread(fd, b, BLK, (off_t)(rnd(&seed) % BLOCKS) * BLK);
	return NULL;
}

static int fill(void)
{
	unlink(PATH);
	fd = open(PATH, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return -1;
	unsigned char b[BLK];
	for (int k = 0; k < BLOCKS; k++) {
		memset(b, k, BLK);
		if (write(fd, b, BLK) != BLK)
			return -1;
	}
	return 0;
}

static int two(void *(*f)(void *), void *a0, void *a1)
{
	pthread_t t0, t1;
	void *r0, *r1;
	pthread_create(&t0, NULL, f, a0);
	pthread_create(&t1, NULL, f, a1);
	pthread_join(t0, &r0);
	pthread_join(t1, &r1);
	return (int)((unsigned long)r0 + (unsigned long)r1);
}

static int test_pread(void)
{
	const char *T = "review13_pread_threads";
	if (fill()) {
		printf("@@FAIL %s: set-up errno %d\n", T, errno);
		return 1;
	}
	int bad = two(preader, (void *)1ul, (void *)2ul);
	close(fd);
	if (bad) {
		printf("@@FAIL %s: %d of %d preads returned another offset's bytes\n", T, bad,
		       2 * READS);
		return 1;
	}
	printf("%s: %d preads\n@@PASS %s\n", T, 2 * READS, T);
	return 0;
}

static int test_pwrite(void)
{
	const char *T = "review13_pwrite_threads";
	unlink(PATH);
	fd = open(PATH, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0) {
		printf("@@FAIL %s: open errno %d\n", T, errno);
		return 1;
	}
	int err = two(pwriter, (void *)0ul, (void *)1ul), wrong = 0, first = -1, fbyte = 0;
	unsigned char b[BLK];
	for (unsigned k = 0; k < PW_BLOCKS; k++) {
		int ok = pread(fd, b, BLK, (off_t)k * BLK) == BLK;
		for (int j = 0; ok && j < BLK; j++)
			ok = b[j] == (unsigned char)(k % 251 + 1);
		if (!ok && first < 0)
			first = (int)k, fbyte = b[0];
		wrong += !ok;
	}
	close(fd);
	unlink(PATH);
	if (err || wrong) {
		printf("@@FAIL %s: %d of %d blocks do not hold what their pwrite wrote (first:"
		       " block %d, byte 0x%02x), %d pwrites failed\n", T, wrong, PW_BLOCKS,
		       first, fbyte, err);
		return 1;
	}
	printf("%s: %d blocks\n@@PASS %s\n", T, PW_BLOCKS, T);
	return 0;
}

static int test_offset(void)
{
	const char *T = "review13_offset_kept";
	if (fill()) {
		printf("@@FAIL %s: set-up errno %d\n", T, errno);
		return 1;
	}
	pthread_t t;
	stop = 0;
	pthread_create(&t, NULL, pread_loop, NULL);
	int wrong = 0, rounds = 30;
	unsigned char b[BLK];
	for (int r = 0; r < rounds; r++) {
		lseek(fd, 0, SEEK_SET);
		for (int k = 0; k < BLOCKS; k++)
			if (read(fd, b, BLK) != BLK || b[0] != (unsigned char)k) {
				wrong++;
				break;
			}
	}
	stop = 1;
	pthread_join(t, NULL);
	close(fd);
	unlink(PATH);
	if (wrong) {
		printf("@@FAIL %s: %d of %d sequential passes saw their offset moved by"
		       " another thread's pread\n", T, wrong, rounds);
		return 1;
	}
	printf("%s: %d passes\n@@PASS %s\n", T, rounds, T);
	return 0;
}

static void *writer(void *arg)
{
	unsigned char b[BLK];
	memset(b, (int)(unsigned long)arg, BLK);
	unsigned bad = 0;
	for (int k = 0; k < WR_BLOCKS; k++)
		bad += write(fd, b, BLK) != BLK;
	return (void *)(unsigned long)bad;
}

static int test_write(void)
{
	const char *T = "review13_write_shared_offset";
	unlink(PATH);
	fd = open(PATH, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0) {
		printf("@@FAIL %s: open errno %d\n", T, errno);
		return 1;
	}
	int err = two(writer, (void *)0x11ul, (void *)0x22ul);
	off_t size = lseek(fd, 0, SEEK_END);
	int n[2] = { 0, 0 }, torn = 0;
	unsigned char b[BLK];
	for (off_t at = 0; at + BLK <= size; at += BLK) {
		if (pread(fd, b, BLK, at) != BLK)
			break;
		int same = 1;
		for (int j = 1; j < BLK; j++)
			same &= b[j] == b[0];
		if (!same || (b[0] != 0x11 && b[0] != 0x22))
			torn++;
		else
			n[b[0] == 0x22]++;
	}
	close(fd);
	unlink(PATH);
	if (err || size != 2 * WR_BLOCKS * BLK || n[0] != WR_BLOCKS || n[1] != WR_BLOCKS) {
		printf("@@FAIL %s: file of %ld bytes (want %d), blocks of each writer %d and %d (want %d),"
		       " %d torn (bytes of both), %d writes failed: writes overlapped\n", T,
		       (long)size, 2 * WR_BLOCKS * BLK, n[0], n[1], WR_BLOCKS, torn, err);
		return 1;
	}
	printf("%s: %d blocks\n@@PASS %s\n", T, 2 * WR_BLOCKS, T);
	return 0;
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	int r = test_pread();
	r |= test_pwrite();
	r |= test_offset();
	r |= test_write();
	return r;
}
