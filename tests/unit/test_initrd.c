/* pager/initrd.c: the ustar reader, on archives built here byte by byte
 * (to damage them precisely) and on one made by GNU tar --format=ustar,
 * the way the Makefile makes build/initrd.tar. */
#include <check.h>
#include "check_run.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "abi/err.h"
#include "initrd.h"

#define BLK 512

/* Write a ustar header for a regular file (type '0') at h. */
static void header(uint8_t *h, const char *name, const char *prefix,
		   uint64_t size, char type)
{
	memset(h, 0, BLK);
	strncpy((char *)h, name, 100);
	memcpy(h + 100, "0000644", 8);
	memcpy(h + 108, "0000000", 8);
	memcpy(h + 116, "0000000", 8);
	snprintf((char *)h + 124, 12, "%011llo", (unsigned long long)size);
	memcpy(h + 136, "00000000000", 12);
	h[156] = (uint8_t)type;
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	if (prefix)
		strncpy((char *)h + 345, prefix, 155);
	unsigned sum = 0;
	memset(h + 148, ' ', 8);
	for (int i = 0; i < BLK; i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum);
	h[155] = ' ';
}

/* An archive of files name[i] with contents fill[i] repeated size[i] times;
 * returns its length (two zero blocks at the end). */
static size_t build(uint8_t *buf, int n, const char *const *names,
		    const uint64_t *sizes, const char *types)
{
	size_t at = 0;
	for (int i = 0; i < n; i++) {
		header(buf + at, names[i], NULL, sizes[i], types ? types[i] : '0');
		at += BLK;
		memset(buf + at, 'a' + i, sizes[i]);
		at += (sizes[i] + BLK - 1) / BLK * BLK;
	}
	memset(buf + at, 0, 2 * BLK);
	return at + 2 * BLK;
}

static uint8_t ar[64 * 1024];

START_TEST(lists_files_in_order)
{
	const char *names[] = { "test_a", "bench_b", "c" };
	uint64_t sizes[] = { 1, 512, 1300 };
	size_t len = build(ar, 3, names, sizes, NULL), pos = 0;
	struct initrd_file f;
	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(initrd_next(ar, len, &pos, &f), E_OK);
		ck_assert_str_eq(f.name, names[i]);
		ck_assert_uint_eq(f.size, sizes[i]);
		for (uint64_t k = 0; k < f.size; k++)
			ck_assert_int_eq(f.data[k], 'a' + i);
	}
	ck_assert_int_eq(initrd_next(ar, len, &pos, &f), E_NOENT);
	ck_assert_int_eq(initrd_next(ar, len, &pos, &f), E_NOENT);
}
END_TEST

START_TEST(find_by_name)
{
	const char *names[] = { "one", "two", "three" };
	uint64_t sizes[] = { 10, 0, 20 };
	size_t len = build(ar, 3, names, sizes, NULL);
	struct initrd_file f;
	ck_assert_int_eq(initrd_find(ar, len, "three", &f), E_OK);
	ck_assert_uint_eq(f.size, 20);
	ck_assert_int_eq(f.data[0], 'c');
	ck_assert_int_eq(initrd_find(ar, len, "two", &f), E_OK);
	ck_assert_uint_eq(f.size, 0);
	ck_assert_int_eq(initrd_find(ar, len, "tw", &f), E_NOENT);
	ck_assert_int_eq(initrd_find(ar, len, "threes", &f), E_NOENT);
	ck_assert_int_eq(initrd_find(ar, len, "", &f), E_NOENT);
}
END_TEST

START_TEST(skips_directories_and_links)
{
	const char *names[] = { "dir/", "link", "file" };
	uint64_t sizes[] = { 0, 0, 5 };
	size_t len = build(ar, 3, names, sizes, "52" "0"), pos = 0;
	struct initrd_file f;
	ck_assert_int_eq(initrd_next(ar, len, &pos, &f), E_OK);
	ck_assert_str_eq(f.name, "file");
	ck_assert_int_eq(initrd_next(ar, len, &pos, &f), E_NOENT);
}
END_TEST

START_TEST(prefix_and_dot_slash)
{
	struct initrd_file f;
	size_t pos = 0;
	header(ar, "prog", "some/dir", 3, '0');
	memset(ar + BLK, 'x', 3);
	header(ar + 2 * BLK, "./local", NULL, 0, '\0'); /* old-style type */
	memset(ar + 3 * BLK, 0, 2 * BLK);
	ck_assert_int_eq(initrd_next(ar, 5 * BLK, &pos, &f), E_OK);
	ck_assert_str_eq(f.name, "some/dir/prog");
	ck_assert_int_eq(initrd_next(ar, 5 * BLK, &pos, &f), E_OK);
	ck_assert_str_eq(f.name, "local");
}
END_TEST

START_TEST(long_name_fields_unterminated)
{
	char name[101], prefix[156];
	memset(name, 'n', 100), name[100] = 0;
	memset(prefix, 'p', 155), prefix[155] = 0;
	header(ar, name, prefix, 0, '0');
	memset(ar + BLK, 0, 2 * BLK);
	struct initrd_file f;
	size_t pos = 0;
	ck_assert_int_eq(initrd_next(ar, 3 * BLK, &pos, &f), E_OK);
	ck_assert_uint_eq(strlen(f.name), INITRD_NAME_MAX - 1); /* clipped */
	ck_assert_int_eq(f.name[0], 'p');
	ck_assert_int_eq(f.name[155], '/');
}
END_TEST

START_TEST(damaged_headers_refused)
{
	const char *names[] = { "a" };
	uint64_t sizes[] = { 100 };
	struct initrd_file f;
	size_t pos, len = build(ar, 1, names, sizes, NULL);

	ar[0] ^= 1; /* checksum no longer matches */
	pos = 0;
	ck_assert_int_eq(initrd_next(ar, len, &pos, &f), E_INVAL);
	ar[0] ^= 1;

	memcpy(ar + 257, "ustaX", 5); /* magic */
	pos = 0;
	ck_assert_int_eq(initrd_next(ar, len, &pos, &f), E_INVAL);

	build(ar, 1, names, sizes, NULL);
	pos = 0;
	ck_assert_int_eq(initrd_next(ar, BLK + 99, &pos, &f), E_INVAL); /* cut */
	pos = 0;
	ck_assert_int_eq(initrd_next(ar, BLK + 100, &pos, &f), E_OK);   /* just fits */
	ck_assert_int_eq(initrd_next(ar, BLK + 100, &pos, &f), E_NOENT);
	pos = 0;
	ck_assert_int_eq(initrd_next(ar, BLK - 1, &pos, &f), E_NOENT);  /* no header */
}
END_TEST

START_TEST(bad_size_fields_refused)
{
	struct initrd_file f;
	size_t pos;
	static const char *sizes[] = { "0000000008x", "           ", "\x80\0\0\0\0\0\0\0\0\0\1",
				       "77777777777" };
	for (unsigned i = 0; i < 4; i++) {
		header(ar, "f", NULL, 0, '0');
		memcpy(ar + 124, sizes[i], 11);
		unsigned sum = 0;
		memset(ar + 148, ' ', 8);
		for (int k = 0; k < BLK; k++)
			sum += ar[k];
		snprintf((char *)ar + 148, 8, "%06o", sum);
		memset(ar + BLK, 0, 2 * BLK);
		pos = 0;
		ck_assert_int_eq(initrd_next(ar, 3 * BLK, &pos, &f), E_INVAL);
	}
}
END_TEST

START_TEST(gnu_tar_archive)
{
	char dir[] = "/tmp/initrd-test-XXXXXX", cmd[512], path[600];
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/files", dir);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	const char *names[] = { "test_x", "bench_y", "z" };
	for (int i = 0; i < 3; i++) {
		snprintf(path, sizeof path, "%s/files/%s", dir, names[i]);
		FILE *fp = fopen(path, "w");
		ck_assert_ptr_nonnull(fp);
		for (int k = 0; k < 1000 * (i + 1); k++)
			fputc('0' + (k + i) % 10, fp);
		fclose(fp);
	}
	/* a directory entry "./" first, then "./bench_y" ... in name order */
	snprintf(cmd, sizeof cmd, "tar --format=ustar --sort=name -C %s/files -cf %s/ar.tar .",
		 dir, dir);
	ck_assert_int_eq(system(cmd), 0);
	snprintf(path, sizeof path, "%s/ar.tar", dir);
	FILE *fp = fopen(path, "rb");
	ck_assert_ptr_nonnull(fp);
	size_t len = fread(ar, 1, sizeof ar, fp);
	fclose(fp);
	struct initrd_file f;
	size_t pos = 0;
	const char *sorted[] = { "bench_y", "test_x", "z" };
	int sizes[] = { 2000, 1000, 3000 }, first[] = { 1, 0, 2 };
	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(initrd_next(ar, len, &pos, &f), E_OK);
		ck_assert_str_eq(f.name, sorted[i]);
		ck_assert_uint_eq(f.size, (uint64_t)sizes[i]);
		ck_assert_int_eq(f.data[0], '0' + first[i]);
		ck_assert_int_eq(f.data[f.size - 1], '0' + (sizes[i] - 1 + first[i]) % 10);
	}
	ck_assert_int_eq(initrd_next(ar, len, &pos, &f), E_NOENT);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("initrd");
	TCase *t = tcase_create("initrd");
	tcase_add_test(t, lists_files_in_order);
	tcase_add_test(t, find_by_name);
	tcase_add_test(t, skips_directories_and_links);
	tcase_add_test(t, prefix_and_dot_slash);
	tcase_add_test(t, long_name_fields_unterminated);
	tcase_add_test(t, damaged_headers_refused);
	tcase_add_test(t, bad_size_fields_refused);
	tcase_add_test(t, gnu_tar_archive);
	suite_add_tcase(s, t);
	return check_run(s);
}
