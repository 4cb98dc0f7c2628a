/* The multiboot2 parser on hand-built information blocks, good and bad. */
#include <check.h>
#include "check_run.h"
#include "lib/cmdline.h"
#include <stdint.h>
#include <string.h>
#include "multiboot2.h"

static uint8_t buf[4096] __attribute__((aligned(8)));
static size_t len;

static void begin(void)
{
	memset(buf, 0xAA, sizeof buf);
	len = 8;
}

/* Append a tag of type with payload (size = 8 + n), padded to 8. */
static uint8_t *tag(uint32_t type, const void *payload, uint32_t n)
{
	uint8_t *p = buf + len;
	uint32_t size = 8 + n;
	memcpy(p, &type, 4);
	memcpy(p + 4, &size, 4);
	if (payload)
		memcpy(p + 8, payload, n);
	len += (size + 7) & ~7u;
	return p;
}

static void finish(void)
{
	tag(MB2_TAG_END, NULL, 0);
	uint32_t total = (uint32_t)len, zero = 0;
	memcpy(buf, &total, 4);
	memcpy(buf + 4, &zero, 4);
}

struct ent { uint64_t base, len; uint32_t type, res; };

static void mmap_tag(const struct ent *e, unsigned n)
{
	uint8_t payload[8 + 24 * 16];
	uint32_t esize = 24, ver = 0;
	memcpy(payload, &esize, 4);
	memcpy(payload + 4, &ver, 4);
	memcpy(payload + 8, e, n * sizeof *e);
	tag(MB2_TAG_MMAP, payload, 8 + n * 24);
}

START_TEST(full_info)
{
	struct mb2_info mb;
	begin();
	tag(MB2_TAG_CMDLINE, "test exception", 15);
	tag(MB2_TAG_LOADER, "GRUB 2.06", 10);
	uint8_t mod[8 + 7];
	uint32_t s = 0x200000, e = 0x230000;
	memcpy(mod, &s, 4);
	memcpy(mod + 4, &e, 4);
	memcpy(mod + 8, "pager", 6);
	tag(MB2_TAG_MODULE, mod, 14);
	struct ent m[] = {
		{ 0, 0x9fc00, 1, 0 },
		{ 0x9fc00, 0x400, 2, 0 },
		{ 0x100000, 0x7ee0000, 1, 0 },
		{ 0x7fe0000, 0x20000, 2, 0 },
		{ 0x100000000, 0x40000000, 1, 0 },
		{ 0x100100000, 0x1000, 2, 0 }, /* reserved inside available */
	};
	mmap_tag(m, 6);
	uint8_t rsdp[20] = "RSD PTR ";
	tag(MB2_TAG_ACPI_OLD, rsdp, 20);
	finish();

	ck_assert(mb2_parse(buf, sizeof buf, &mb));
	ck_assert_str_eq(mb.cmdline, "test exception");
	ck_assert_str_eq(mb.loader, "GRUB 2.06");
	ck_assert_uint_eq(mb.nmodules, 1);
	ck_assert_uint_eq(mb.modules[0].start, 0x200000);
	ck_assert_uint_eq(mb.modules[0].end, 0x230000);
	ck_assert_str_eq(mb.modules[0].cmdline, "pager");
	ck_assert_ptr_nonnull(mb.rsdp);
	ck_assert_uint_eq(mb.avail.n, 4);
	ck_assert_uint_eq(mb.avail.r[0].start, 0);
	ck_assert_uint_eq(mb.avail.r[0].end, 0x9fc00);
	ck_assert_uint_eq(mb.avail.r[1].start, 0x100000);
	ck_assert_uint_eq(mb.avail.r[1].end, 0x7fe0000);
	ck_assert_uint_eq(mb.avail.r[2].end, 0x100100000);
	ck_assert_uint_eq(mb.avail.r[3].start, 0x100101000);
	ck_assert_uint_eq(mb.ram_end, 0x140000000);
	ck_assert(cmdline_has(mb.cmdline, "exception"));
	ck_assert(cmdline_has(mb.cmdline, "test"));
	ck_assert(!cmdline_has(mb.cmdline, "tes"));
	ck_assert(!cmdline_has(mb.cmdline, "bench"));
}
END_TEST

START_TEST(reserved_overrides_overlapping_available)
{
	struct mb2_info mb;
	begin();
	/* reserved listed first, available overlapping it afterwards */
	struct ent m[] = { { 0x5000, 0x1000, 2, 0 }, { 0, 0x10000, 1, 0 } };
	mmap_tag(m, 2);
	finish();
	ck_assert(mb2_parse(buf, sizeof buf, &mb));
	ck_assert_uint_eq(mb.avail.n, 2);
	ck_assert_uint_eq(mb.avail.r[0].end, 0x5000);
	ck_assert_uint_eq(mb.avail.r[1].start, 0x6000);
}
END_TEST

START_TEST(empty_and_wrapping_entries_ignored)
{
	struct mb2_info mb;
	begin();
	struct ent m[] = { { 0x1000, 0, 1, 0 }, { 0xFFFFFFFFFFFFF000ull, 0x2000, 1, 0 },
			   { 0x100000, 0x100000, 1, 0 } };
	mmap_tag(m, 3);
	finish();
	ck_assert(mb2_parse(buf, sizeof buf, &mb));
	ck_assert_uint_eq(mb.avail.n, 1);
	ck_assert_uint_eq(mb.ram_end, 0x200000);
}
END_TEST

START_TEST(missing_tags_give_defaults)
{
	struct mb2_info mb;
	begin();
	finish();
	ck_assert(mb2_parse(buf, sizeof buf, &mb));
	ck_assert_str_eq(mb.cmdline, "");
	ck_assert_str_eq(mb.loader, "");
	ck_assert_uint_eq(mb.avail.n, 0);
	ck_assert_ptr_null(mb.rsdp);
}
END_TEST

START_TEST(malformed_refused)
{
	struct mb2_info mb;
	/* total size larger than the buffer */
	begin();
	finish();
	ck_assert(!mb2_parse(buf, len - 1, &mb));
	/* no end tag before total_size */
	begin();
	tag(MB2_TAG_CMDLINE, "x", 2);
	uint32_t total = (uint32_t)len;
	memcpy(buf, &total, 4);
	ck_assert(!mb2_parse(buf, sizeof buf, &mb));
	/* a tag running past the end */
	begin();
	uint8_t *t = tag(MB2_TAG_CMDLINE, "abc", 4);
	finish();
	uint32_t huge = 4000;
	memcpy(t + 4, &huge, 4);
	ck_assert(!mb2_parse(buf, sizeof buf, &mb));
	/* a string that is not terminated inside its tag */
	begin();
	tag(MB2_TAG_CMDLINE, "abcd", 4);
	finish();
	ck_assert(!mb2_parse(buf, sizeof buf, &mb));
	/* a tag smaller than its header */
	begin();
	t = tag(MB2_TAG_CMDLINE, "a", 2);
	finish();
	uint32_t tiny = 4;
	memcpy(t + 4, &tiny, 4);
	ck_assert(!mb2_parse(buf, sizeof buf, &mb));
	/* an mmap with a bad entry size */
	begin();
	uint8_t payload[8] = { 3, 0, 0, 0, 0, 0, 0, 0 };
	tag(MB2_TAG_MMAP, payload, 8);
	finish();
	ck_assert(!mb2_parse(buf, sizeof buf, &mb));
	/* a module whose end is before its start */
	begin();
	uint8_t mod[10] = { 0, 0x10, 0, 0, 0, 0x08, 0, 0, 'm', 0 };
	tag(MB2_TAG_MODULE, mod, 10);
	finish();
	ck_assert(!mb2_parse(buf, sizeof buf, &mb));
	/* too short to hold a header */
	ck_assert(!mb2_parse(buf, 8, &mb));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("multiboot2");
	TCase *t = tcase_create("parse");
	tcase_add_test(t, full_info);
	tcase_add_test(t, reserved_overrides_overlapping_available);
	tcase_add_test(t, empty_and_wrapping_entries_ignored);
	tcase_add_test(t, missing_tags_give_defaults);
	tcase_add_test(t, malformed_refused);
	suite_add_tcase(s, t);
	return check_run(s);
}
