/* lib/elf.c: hand-built ELF64 images in memory (built with the host's
 * <elf.h>, not the parser's own structs): a good one laid out as GNU ld lays
 * out a static executable, one malformed image per rule, and a fuzz loop of
 * byte flips, field smashes and truncations over an exact-size heap copy, so
 * AddressSanitizer catches any read outside the image.
 * TEST_SEED=n in the environment replays another random sequence. */
#include <check.h>
#include "check_run.h"
#include "rng.h"
#include <elf.h>
#include <stdlib.h>
#include <string.h>
#include "lib/elf.h"

#define FAST_EQ(a, b) do { \
	long long a_ = (long long)(a), b_ = (long long)(b); \
	if (a_ != b_) \
		ck_abort_msg("%s == %lld, expected %lld", #a, a_, b_); \
} while (0)

#define LIMIT ELF_USER_LIMIT
#define IMG_SIZE 0x4200
#define MAXPH 24


static void setup(void)
{
	rng_state = rng_env_seed(0x9E3779B97F4A7C15ull);
}

/* An image under construction: bytes, header, program headers. */
struct img {
	unsigned char b[IMG_SIZE];
	size_t len;
	Elf64_Ehdr *eh;
	Elf64_Phdr *ph;
};

static void set_load(Elf64_Phdr *p, uint64_t off, uint64_t va, uint64_t filesz,
		     uint64_t memsz, uint32_t flags)
{
	*p = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = flags, .p_offset = off,
			   .p_vaddr = va, .p_paddr = va, .p_filesz = filesz,
			   .p_memsz = memsz, .p_align = 0x1000 };
}

/* The good image: R headers page, R+X text, R rodata, R+W data and bss
 * starting mid-page (as ld places .data), a NOTE and a GNU_STACK. */
static void build_good(struct img *m)
{
	memset(m, 0, sizeof *m);
	m->len = IMG_SIZE;
	m->eh = (Elf64_Ehdr *)m->b;
	m->ph = (Elf64_Phdr *)(m->b + sizeof(Elf64_Ehdr));
	Elf64_Ehdr *e = m->eh;
	memcpy(e->e_ident, ELFMAG, SELFMAG);
	e->e_ident[EI_CLASS] = ELFCLASS64;
	e->e_ident[EI_DATA] = ELFDATA2LSB;
	e->e_ident[EI_VERSION] = EV_CURRENT;
	e->e_type = ET_EXEC;
	e->e_machine = EM_X86_64;
	e->e_version = EV_CURRENT;
	e->e_entry = 0x401010;
	e->e_phoff = sizeof(Elf64_Ehdr);
	e->e_ehsize = sizeof(Elf64_Ehdr);
	e->e_phentsize = sizeof(Elf64_Phdr);
	e->e_phnum = 6;
	set_load(&m->ph[0], 0, 0x400000, 0x1b4, 0x1b4, PF_R);
	set_load(&m->ph[1], 0x1000, 0x401000, 0x100, 0x100, PF_R | PF_X);
	set_load(&m->ph[2], 0x2000, 0x402000, 0x80, 0x80, PF_R);
	set_load(&m->ph[3], 0x36d8, 0x4046d8, 0x928, 0x3000, PF_R | PF_W);
	m->ph[4] = (Elf64_Phdr){ .p_type = PT_NOTE, .p_offset = 0x190,
				 .p_vaddr = 0x400190, .p_filesz = 0x24,
				 .p_memsz = 0x24, .p_flags = PF_R };
	m->ph[5] = (Elf64_Phdr){ .p_type = PT_GNU_STACK, .p_flags = PF_R | PF_W };
	for (unsigned i = 0x1000; i < IMG_SIZE; i++)
		m->b[i] = (unsigned char)(i * 7);
}

/* Parse from an exact-size heap copy (ASan sees a read past the end). */
static int parse(const struct img *m, uint64_t limit, struct elf_image *out)
{
	unsigned char *copy = malloc(m->len ? m->len : 1);
	memcpy(copy, m->b, m->len);
	int r = elf_parse(copy, m->len, limit, out);
	free(copy);
	return r;
}

static void expect_bad(const struct img *m)
{
	struct elf_image out;
	memset(&out, 0x77, sizeof out);
	FAST_EQ(parse(m, LIMIT, &out), E_NOEXEC);
	FAST_EQ(out.nsegs, 0);
	FAST_EQ(out.entry, 0);
}

static void expect_good(const struct img *m)
{
	struct elf_image out;
	FAST_EQ(parse(m, LIMIT, &out), E_OK);
}

START_TEST(good_image)
{
	struct img m;
	build_good(&m);
	struct elf_image out;
	ck_assert_int_eq(parse(&m, LIMIT, &out), E_OK);
	ck_assert_uint_eq(out.entry, 0x401010);
	ck_assert_uint_eq(out.nsegs, 4);
	static const struct elf_segment want[4] = {
		{ 0x400000, 0x1b4, 0x1b4, 0, ELF_SEG_R },
		{ 0x401000, 0x100, 0x100, 0x1000, ELF_SEG_R | ELF_SEG_X },
		{ 0x402000, 0x80, 0x80, 0x2000, ELF_SEG_R },
		{ 0x4046d8, 0x3000, 0x928, 0x36d8, ELF_SEG_R | ELF_SEG_W },
	};
	for (int i = 0; i < 4; i++) {
		ck_assert_uint_eq(out.seg[i].vaddr, want[i].vaddr);
		ck_assert_uint_eq(out.seg[i].memsz, want[i].memsz);
		ck_assert_uint_eq(out.seg[i].filesz, want[i].filesz);
		ck_assert_uint_eq(out.seg[i].offset, want[i].offset);
		ck_assert_uint_eq(out.seg[i].flags, want[i].flags);
	}
	/* Any alignment of the image in memory. */
	unsigned char *odd = malloc(m.len + 1);
	memcpy(odd + 1, m.b, m.len);
	ck_assert_int_eq(elf_parse(odd + 1, m.len, LIMIT, &out), E_OK);
	ck_assert_uint_eq(out.nsegs, 4);
	free(odd);
	ck_assert_int_eq(elf_parse(NULL, 0, LIMIT, &out), E_NOEXEC);
}
END_TEST

START_TEST(other_good_variants)
{
	struct img m;
	/* Segments in any order; an empty PT_LOAD is ignored. */
	build_good(&m);
	Elf64_Phdr t = m.ph[0];
	m.ph[0] = m.ph[3];
	m.ph[3] = t;
	m.ph[5] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_offset = 0x10, .p_vaddr = 0x401000 };
	struct elf_image out;
	ck_assert_int_eq(parse(&m, LIMIT, &out), E_OK);
	ck_assert_uint_eq(out.nsegs, 4);
	ck_assert_uint_eq(out.seg[0].vaddr, 0x4046d8);
	/* A segment may end exactly at the limit. */
	build_good(&m);
	set_load(&m.ph[3], 0x3000, LIMIT - 0x2000, 0x100, 0x2000, PF_R | PF_W);
	ck_assert_int_eq(parse(&m, LIMIT, &out), E_OK);
	ck_assert_int_eq(parse(&m, LIMIT - 1, &out), E_NOEXEC);
	/* Adjacent pages are fine; the entry may be the last file byte. */
	build_good(&m);
	set_load(&m.ph[2], 0x2000, 0x401100 + 0xf00, 0x80, 0x80, PF_R);
	m.eh->e_entry = 0x4010ff;
	ck_assert_int_eq(parse(&m, LIMIT, &out), E_OK);
	/* Unknown flag bits are dropped. */
	build_good(&m);
	m.ph[2].p_flags |= 0x0ff00000;
	ck_assert_int_eq(parse(&m, LIMIT, &out), E_OK);
	ck_assert_uint_eq(out.seg[2].flags, ELF_SEG_R);
}
END_TEST

START_TEST(bad_header)
{
	struct img m;
	for (size_t len = 0; len < sizeof(Elf64_Ehdr) + 6 * sizeof(Elf64_Phdr); len++) {
		build_good(&m);
		m.len = len; /* too short for the header or the table */
		expect_bad(&m);
	}
	for (int i = 0; i < 4; i++) {
		build_good(&m);
		m.b[i] ^= 0x20; /* magic */
		expect_bad(&m);
	}
	build_good(&m), m.eh->e_ident[EI_CLASS] = ELFCLASS32, expect_bad(&m);
	build_good(&m), m.eh->e_ident[EI_CLASS] = ELFCLASSNONE, expect_bad(&m);
	build_good(&m), m.eh->e_ident[EI_DATA] = ELFDATA2MSB, expect_bad(&m);
	build_good(&m), m.eh->e_ident[EI_VERSION] = 0, expect_bad(&m);
	build_good(&m), m.eh->e_version = 2, expect_bad(&m);
	build_good(&m), m.eh->e_type = ET_DYN, expect_bad(&m);
	build_good(&m), m.eh->e_type = ET_REL, expect_bad(&m);
	build_good(&m), m.eh->e_type = ET_CORE, expect_bad(&m);
	build_good(&m), m.eh->e_machine = EM_386, expect_bad(&m);
	build_good(&m), m.eh->e_machine = EM_AARCH64, expect_bad(&m);
	build_good(&m), m.eh->e_phentsize = sizeof(Elf32_Phdr), expect_bad(&m);
	build_good(&m), m.eh->e_phentsize = sizeof(Elf64_Phdr) + 8, expect_bad(&m);
	build_good(&m), m.eh->e_phnum = 0, expect_bad(&m);
	build_good(&m), m.eh->e_phnum = PN_XNUM, expect_bad(&m);
	/* PN_XNUM (the count is elsewhere) is refused even when a table of
	 * 0xFFFF entries (the rest PT_NULL) would fit in the file. */
	size_t big = 64 + 0xFFFFull * 56 + IMG_SIZE;
	unsigned char *b = calloc(1, big);
	build_good(&m);
	memcpy(b, m.b, IMG_SIZE);
	struct elf_image out;
	((Elf64_Ehdr *)b)->e_phnum = PN_XNUM - 1;
	ck_assert_int_eq(elf_parse(b, big, LIMIT, &out), E_OK);
	((Elf64_Ehdr *)b)->e_phnum = PN_XNUM;
	ck_assert_int_eq(elf_parse(b, big, LIMIT, &out), E_NOEXEC);
	free(b);
}
END_TEST

START_TEST(bad_program_header_table)
{
	struct img m;
	static const uint64_t offs[] = {
		IMG_SIZE, IMG_SIZE - 1, IMG_SIZE - 6 * sizeof(Elf64_Phdr) + 1,
		UINT64_MAX, UINT64_MAX - 55, UINT64_MAX - 6 * 56 + 1, 1ull << 63,
	};
	for (unsigned i = 0; i < sizeof offs / sizeof offs[0]; i++) {
		build_good(&m);
		m.eh->e_phoff = offs[i];
		expect_bad(&m);
	}
	/* A table that fits exactly at the end of the file is fine. */
	build_good(&m);
	memcpy(m.b + IMG_SIZE - 6 * 56, m.ph, 6 * 56);
	m.eh->e_phoff = IMG_SIZE - 6 * 56;
	expect_good(&m);
	/* Huge phnum: the table runs off the end. */
	build_good(&m), m.eh->e_phnum = 0xFFFE, expect_bad(&m);
}
END_TEST

START_TEST(bad_file_range)
{
	struct img m;
	build_good(&m), m.ph[1].p_offset = IMG_SIZE + 0x1000, expect_bad(&m);
	build_good(&m), m.ph[1].p_filesz = IMG_SIZE, expect_bad(&m);
	build_good(&m);
	m.ph[3].p_filesz = IMG_SIZE - 0x36d8 + 1; /* one byte past the end */
	m.ph[3].p_memsz = 0x4000;
	expect_bad(&m);
	m.ph[3].p_filesz--; /* exactly to the end */
	expect_good(&m);
	build_good(&m);
	m.ph[3].p_offset = UINT64_MAX - 0xfff + 0x6d8; /* offset + filesz wraps */
	expect_bad(&m);
	/* An empty PT_LOAD with a file range outside the file. */
	build_good(&m);
	m.ph[5] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_offset = UINT64_MAX };
	expect_bad(&m);
}
END_TEST

START_TEST(bad_sizes_and_addresses)
{
	struct img m;
	build_good(&m), m.ph[2].p_memsz = 0x7f, expect_bad(&m); /* filesz > memsz */
	build_good(&m), set_load(&m.ph[0], 0, 0, 0x1b4, 0x1b4, PF_R), expect_bad(&m);
	build_good(&m), set_load(&m.ph[0], 0x10, 0x10, 0x10, 0x10, PF_R), expect_bad(&m);
	static const uint64_t vas[] = {
		LIMIT, LIMIT - 0x100 + 0x6d8 - 0x1000, 0x0000800000000000ull,
		0xFFFFFFFF80000000ull, 0xFFFFFFFFFFFFF6d8ull, UINT64_MAX - 0x927,
	};
	for (unsigned i = 0; i < sizeof vas / sizeof vas[0]; i++) {
		build_good(&m);
		m.ph[3].p_vaddr = vas[i] & ~0xfffull;
		m.ph[3].p_vaddr |= 0x6d8; /* keep congruence */
		expect_bad(&m);
	}
	/* memsz large enough to wrap the address space. */
	build_good(&m), m.ph[3].p_memsz = UINT64_MAX - 0x4046d8 + 2, expect_bad(&m);
	build_good(&m), m.ph[3].p_memsz = UINT64_MAX, expect_bad(&m);
	/* One byte past the limit. */
	build_good(&m);
	set_load(&m.ph[3], 0x3000, LIMIT - 0x2000, 0x100, 0x2001, PF_R | PF_W);
	expect_bad(&m);
}
END_TEST

START_TEST(bad_congruence)
{
	struct img m;
	static const uint64_t deltas[] = { 1, 8, 0x6d8, 0x800, 0xfff };
	for (unsigned i = 0; i < sizeof deltas / sizeof deltas[0]; i++) {
		build_good(&m);
		m.ph[1].p_vaddr += deltas[i];
		m.eh->e_entry += deltas[i];
		expect_bad(&m);
		build_good(&m);
		m.ph[3].p_offset -= deltas[i];
		expect_bad(&m);
	}
	/* Congruent modulo 4096 but not modulo p_align: fine by our rule. */
	build_good(&m);
	m.ph[1].p_vaddr += 0x10000;
	m.eh->e_entry += 0x10000;
	m.ph[1].p_align = 0x200000;
	expect_good(&m);
}
END_TEST

START_TEST(bad_overlap)
{
	struct img m;
	/* Same range, byte overlap, one page shared with no byte in common,
	 * and one segment inside another. */
	build_good(&m), m.ph[2].p_vaddr = 0x401000, expect_bad(&m);
	build_good(&m), m.ph[2].p_memsz = m.ph[2].p_filesz = 0x2800, expect_bad(&m);
	build_good(&m);
	set_load(&m.ph[2], 0x2100, 0x401100, 0x80, 0x80, PF_R); /* text's page */
	expect_bad(&m);
	build_good(&m);
	set_load(&m.ph[2], 0x3000, 0x404000, 0x10, 0x10, PF_R); /* before data */
	expect_bad(&m);
	build_good(&m);
	set_load(&m.ph[2], 0x3000, 0x406000, 0x10, 0x10, PF_R); /* inside bss */
	expect_bad(&m);
	build_good(&m);
	set_load(&m.ph[2], 0x3000, 0x400000 - 0x1000, 0x10, 0x1001, PF_R);
	expect_bad(&m); /* ends on the first byte of the headers page */
	m.ph[2].p_memsz = 0x1000; /* ends just before it */
	expect_good(&m);
}
END_TEST

START_TEST(bad_entry)
{
	struct img m;
	static const uint64_t entries[] = {
		0, 0x400000,              /* R only segment */
		0x401100,                 /* one past text */
		0x400fff, 0x402000,       /* nowhere / rodata */
		0x404800, 0x405000,       /* data, bss */
		UINT64_MAX,
	};
	for (unsigned i = 0; i < sizeof entries / sizeof entries[0]; i++) {
		build_good(&m);
		m.eh->e_entry = entries[i];
		expect_bad(&m);
	}
	/* Entry in the zero-filled tail of an executable segment. */
	build_good(&m);
	m.ph[1].p_memsz = 0x800;
	m.eh->e_entry = 0x401200;
	expect_bad(&m);
	m.eh->e_entry = 0x4010ff;
	expect_good(&m);
	/* Executable data segment: entry there is fine. */
	build_good(&m);
	m.ph[3].p_flags |= PF_X;
	m.eh->e_entry = 0x404700;
	expect_good(&m);
}
END_TEST

START_TEST(bad_segment_kinds_and_counts)
{
	struct img m;
	build_good(&m), m.ph[4].p_type = PT_INTERP, expect_bad(&m);
	build_good(&m), m.ph[5].p_type = PT_DYNAMIC, expect_bad(&m);
	/* No PT_LOAD at all. */
	build_good(&m);
	for (int i = 0; i < 4; i++)
		m.ph[i].p_type = PT_NOTE;
	expect_bad(&m);
	/* ELF_MAX_SEGMENTS loads are fine, one more is not. */
	build_good(&m);
	for (unsigned n = ELF_MAX_SEGMENTS; n <= ELF_MAX_SEGMENTS + 1; n++) {
		m.eh->e_phnum = (uint16_t)n;
		for (unsigned i = 4; i < n; i++)
			set_load(&m.ph[i], 0x2000, 0x500000 + i * 0x1000, 0x10, 0x10, PF_R);
		struct elf_image out;
		int r = parse(&m, LIMIT, &out);
		if (n == ELF_MAX_SEGMENTS) {
			ck_assert_int_eq(r, E_OK);
			ck_assert_uint_eq(out.nsegs, ELF_MAX_SEGMENTS);
			ck_assert_uint_eq(out.seg[15].vaddr, 0x500000 + 15 * 0x1000);
		} else {
			ck_assert_int_eq(r, E_NOEXEC);
		}
	}
}
END_TEST

/* ---- fuzz ---- */

/* Independent check of a parse the parser accepted: every rule holds, and
 * every segment is a PT_LOAD of the (mutated) image, in order. */
static void verify_accepted(const struct img *m, const struct elf_image *out)
{
	const Elf64_Ehdr *e = (const Elf64_Ehdr *)m->b;
	FAST_EQ(out->nsegs >= 1 && out->nsegs <= ELF_MAX_SEGMENTS, 1);
	FAST_EQ(out->entry, e->e_entry);
	FAST_EQ(e->e_type == ET_EXEC && e->e_machine == EM_X86_64, 1);
	FAST_EQ(e->e_phoff + e->e_phnum * 56ull <= m->len, 1);
	unsigned k = 0;
	int entry_found = 0;
	for (unsigned i = 0; i < e->e_phnum; i++) {
		Elf64_Phdr p;
		memcpy(&p, m->b + e->e_phoff + i * 56ull, sizeof p);
		FAST_EQ(p.p_type != PT_INTERP && p.p_type != PT_DYNAMIC, 1);
		if (p.p_type != PT_LOAD || p.p_memsz == 0)
			continue;
		const struct elf_segment *s = &out->seg[k++];
		FAST_EQ(s->vaddr, p.p_vaddr);
		FAST_EQ(s->offset, p.p_offset);
		FAST_EQ(s->filesz, p.p_filesz);
		FAST_EQ(s->memsz, p.p_memsz);
		FAST_EQ(s->offset <= m->len && s->filesz <= m->len - s->offset, 1);
		FAST_EQ(s->filesz <= s->memsz, 1);
		FAST_EQ(s->vaddr >= 0x1000 && s->vaddr < LIMIT, 1);
		FAST_EQ(s->memsz <= LIMIT - s->vaddr, 1);
		FAST_EQ(s->vaddr % 4096, s->offset % 4096);
		if ((s->flags & ELF_SEG_X) && e->e_entry >= s->vaddr &&
		    e->e_entry < s->vaddr + s->filesz)
			entry_found = 1;
		for (unsigned j = 0; j + 1 < k; j++) {
			const struct elf_segment *o = &out->seg[j];
			FAST_EQ((s->vaddr + s->memsz - 1) / 4096 < o->vaddr / 4096 ||
				(o->vaddr + o->memsz - 1) / 4096 < s->vaddr / 4096, 1);
		}
	}
	FAST_EQ(k, out->nsegs);
	FAST_EQ(entry_found, 1);
}

static uint64_t interesting(const struct img *m)
{
	static const uint64_t v[] = {
		0, 1, 0xfff, 0x1000, 0x1001, 0x400000, 0x401000, 0x4046d8,
		IMG_SIZE - 1, IMG_SIZE, IMG_SIZE + 1, LIMIT - 0x1000, LIMIT,
		LIMIT + 1, 1ull << 63, UINT64_MAX - 0xfff, UINT64_MAX - 1,
		UINT64_MAX, 0xFFFFFFFF, 56, 64,
	};
	uint64_t x = v[rnd() % (sizeof v / sizeof v[0])];
	switch (rnd() % 4) {
	case 0: return x;
	case 1: return x + rnd() % 64 - 32;
	case 2: return rnd();
	default: return m->ph[rnd() % 6].p_vaddr + rnd() % 0x3000;
	}
}

/* One random mutation of m. */
static void mutate(struct img *m)
{
	unsigned kind = rnd() % 8;
	if (kind < 3) { /* byte flips, mostly in the headers */
		int n = 1 + (int)(rnd() % 4);
		while (n--) {
			size_t at = rnd() % 2 ? rnd() % (64 + 6 * 56) : rnd() % m->len;
			m->b[at] ^= (unsigned char)(1 + rnd() % 255);
		}
	} else if (kind < 6) { /* a 64-bit program header field */
		unsigned field = 8 + 8 * (unsigned)(rnd() % 6); /* offset .. align */
		uint64_t x = interesting(m);
		memcpy(m->b + 64 + 56 * (rnd() % 6) + field, &x, 8);
	} else if (kind < 7) { /* a header field */
		static const unsigned at[] = { 24, 32, 16, 18, 54, 56 };
		unsigned i = (unsigned)(rnd() % 6);
		uint64_t x = interesting(m);
		memcpy(m->b + at[i], &x, i < 2 ? 8 : 2);
	} else { /* truncate */
		m->len = rnd() % m->len;
	}
}

START_TEST(fuzz)
{
	struct img *m = malloc(sizeof *m);
	unsigned ok = 0;
	for (int iter = 0; iter < 100000; iter++) {
		build_good(m);
		int rounds = 1 + (int)(rnd() % 3);
		while (rounds--)
			mutate(m);
		struct elf_image out;
		int r = parse(m, LIMIT, &out);
		if (r == E_OK) {
			ok++;
			verify_accepted(m, &out);
		} else {
			FAST_EQ(r, E_NOEXEC);
			FAST_EQ(out.nsegs, 0);
		}
	}
	/* Some mutations are harmless (payload bytes, p_paddr, p_align). */
	ck_assert_uint_gt(ok, 1000);
	ck_assert_uint_lt(ok, 90000);
	free(m);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("elf");
	TCase *t = tcase_create("elf");
	tcase_add_checked_fixture(t, setup, NULL);
	tcase_set_timeout(t, 120);
	tcase_add_test(t, good_image);
	tcase_add_test(t, other_good_variants);
	tcase_add_test(t, bad_header);
	tcase_add_test(t, bad_program_header_table);
	tcase_add_test(t, bad_file_range);
	tcase_add_test(t, bad_sizes_and_addresses);
	tcase_add_test(t, bad_congruence);
	tcase_add_test(t, bad_overlap);
	tcase_add_test(t, bad_entry);
	tcase_add_test(t, bad_segment_kinds_and_counts);
	tcase_add_test(t, fuzz);
	suite_add_tcase(s, t);
	return check_run(s);
}
