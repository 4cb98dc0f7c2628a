/* /dev/null, /dev/zero and /dev/urandom as Linux programs use them beyond
 * test_linux2_devzero: stdio streams on them, stat, lseek, dup2 of
 * /dev/null over stdout, access modes, and bad input (bad pointers, a
 * read running into unmapped memory, bad descriptors, mmap of /dev/null)
 * answered with Linux's errno. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL linux3_devfiles: line %d: %s (errno %d)\n", __LINE__, #c, errno); fails++; } } while (0)

static void streams(void)
{
	FILE *f = fopen("/dev/null", "w");
	CHECK(f != NULL);
	if (f) {
		CHECK(fprintf(f, "gone %d\n", 42) == 8);
		CHECK(fputs("also gone", f) >= 0);
		CHECK(fflush(f) == 0);
		CHECK(fclose(f) == 0);
	}
	f = fopen("/dev/null", "r");
	CHECK(f != NULL);
	if (f) {
		CHECK(fgetc(f) == EOF && feof(f));
		fclose(f);
	}
	f = fopen("/dev/zero", "r");
	CHECK(f != NULL);
	if (f) {
		char b[5000];
		memset(b, 7, sizeof b);
		CHECK(fread(b, 1, sizeof b, f) == sizeof b);
		int z = 1;
		for (size_t i = 0; i < sizeof b; i++)
			z &= b[i] == 0;
		CHECK(z);
		CHECK(fgetc(f) == 0);
		fclose(f);
	}
	f = fopen("/dev/urandom", "r");
	CHECK(f != NULL);
	if (f) {
		unsigned char r[64] = { 0 }, s[64] = { 0 };
		CHECK(fread(r, 1, sizeof r, f) == sizeof r);
		CHECK(fread(s, 1, sizeof s, f) == sizeof s);
		CHECK(memcmp(r, s, sizeof r) != 0); /* 2^-512 to fail */
		fclose(f);
	}
}

static void modes_and_stat(void)
{
	struct stat st;
	CHECK(stat("/dev/null", &st) == 0 && S_ISCHR(st.st_mode));
	CHECK(stat("/dev/zero", &st) == 0 && S_ISCHR(st.st_mode));
	int n = open("/dev/null", O_WRONLY);
	CHECK(n >= 0);
	CHECK(fstat(n, &st) == 0 && S_ISCHR(st.st_mode));
	CHECK(!isatty(n));
	char c;
	errno = 0;
	CHECK(read(n, &c, 1) == -1 && errno == EBADF);
	CHECK(lseek(n, 100, SEEK_SET) == 0);
	/* stdout into /dev/null and back */
	int saved = dup(1);
	CHECK(saved >= 0);
	CHECK(dup2(n, 1) == 1);
	CHECK(printf("this line goes nowhere\n") == 23);
	fflush(stdout);
	CHECK(dup2(saved, 1) == 1);
	close(saved);
	close(n);
	int z = open("/dev/zero", O_RDONLY);
	CHECK(z >= 0);
	errno = 0;
	CHECK(write(z, "x", 1) == -1 && errno == EBADF);
	close(z);
	n = open("/dev/null", O_RDWR | O_CREAT | O_TRUNC, 0666); /* exists: fine */
	CHECK(n >= 0);
	close(n);
}

static void *volatile nullp; /* (the compiler does not see it is NULL) */
static const char *volatile nullname;

static void bad_input(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	int z = open("/dev/zero", O_RDWR);
	CHECK(z >= 0);
	errno = 0;
	CHECK(read(z, nullp, 10) == -1 && errno == EFAULT);
	errno = 0;
	CHECK(read(z, (char *)nullp + 1, 10) == -1 && errno == EFAULT);
	errno = 0;
	CHECK(read(z, (void *)-4096L, 10) == -1 && errno == EFAULT);
	CHECK(read(z, nullp, 0) == 0);
	/* a read running into unmapped memory stops there */
	char *p = mmap(NULL, 3 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(p != MAP_FAILED);
	memset(p, 1, 3 * pg);
	CHECK(munmap(p + 2 * pg, pg) == 0);
	CHECK(read(z, p, 16 * pg) == 2 * pg);
	CHECK(p[0] == 0 && p[2 * pg - 1] == 0);
	/* read-only memory is not written */
	CHECK(mprotect(p, 2 * pg, PROT_READ) == 0);
	errno = 0;
	CHECK(read(z, p, 10) == -1 && errno == EFAULT);
	munmap(p, 2 * pg);
	close(z);
	int n = open("/dev/null", O_RDWR);
	CHECK(write(n, nullp, 100) == 100); /* /dev/null never reads it */
	errno = 0;
	CHECK(mmap(NULL, pg, PROT_READ, MAP_PRIVATE, n, 0) == MAP_FAILED && errno == ENODEV);
	close(n);
	int u = open("/dev/urandom", O_RDONLY);
	errno = 0;
	CHECK(read(u, nullp, 8) == -1 && errno == EFAULT);
	close(u);
	errno = 0;
	CHECK(read(u, p, 1) == -1 && errno == EBADF);
	errno = 0;
	CHECK(open("/dev/nothing", O_RDWR) == -1 && errno == ENOENT);
	errno = 0;
	CHECK(open(nullname, O_RDONLY) == -1 && errno == EFAULT);
}

int main(void)
{
	streams();
	modes_and_stat();
	bad_input();
	if (!fails)
		printf("@@PASS linux3_devfiles\n");
	return fails != 0;
}
