/* Multiboot2 information parser (pure: reads only the given buffer). */
#include "multiboot2.h"
#include "lib/string.h"

struct tag {
	uint32_t type, size;
};

struct mmap_entry {
	uint64_t base, len;
	uint32_t type, reserved;
};

/* A string tag's text, or NULL if it is not NUL-terminated inside the tag. */
static const char *tag_string(const uint8_t *p, uint32_t size, uint32_t off)
{
	if (size <= off || !memchr(p + off, 0, size - off))
		return NULL;
	return (const char *)(p + off);
}

/* Fill out->avail from an mmap tag: available ranges minus all others.
 * Returns false if the tag is malformed. */
static bool parse_mmap(const uint8_t *p, uint32_t size, struct mb2_info *out)
{
	if (size < 16)
		return false;
	uint32_t esize;
	memcpy(&esize, p + 8, 4);
	if (esize < sizeof(struct mmap_entry) || esize % 8)
		return false;
	struct memrange_set reserved = { 0 };
	for (uint32_t off = 16; off + esize <= size; off += esize) {
		struct mmap_entry e;
		memcpy(&e, p + off, sizeof e);
		uint64_t end = e.base + e.len;
		if (e.len == 0 || end < e.base)
			continue; /* empty or wrapping: ignore */
		if (e.type == MB2_MEM_AVAILABLE)
			memrange_add(&out->avail, e.base, end);
		else
			memrange_add(&reserved, e.base, end);
	}
	for (size_t i = 0; i < reserved.n; i++)
		memrange_remove(&out->avail, reserved.r[i].start, reserved.r[i].end);
	return true;
}

static bool parse_module(const uint8_t *p, uint32_t size, struct mb2_info *out)
{
	if (size < 17 || out->nmodules == MB2_MAX_MODULES)
		return size >= 17; /* extra modules are ignored, not an error */
	uint32_t s, e;
	memcpy(&s, p + 8, 4);
	memcpy(&e, p + 12, 4);
	const char *cmd = tag_string(p, size, 16);
	if (e < s || !cmd)
		return false;
	out->modules[out->nmodules++] = (struct mb2_module){ s, e, cmd };
	return true;
}

/* Handle one tag; false if it is malformed. */
static bool parse_tag(const uint8_t *p, uint32_t type, uint32_t size,
		      struct mb2_info *out)
{
	switch (type) {
	case MB2_TAG_CMDLINE:
		return (out->cmdline = tag_string(p, size, 8)) != NULL;
	case MB2_TAG_LOADER:
		return (out->loader = tag_string(p, size, 8)) != NULL;
	case MB2_TAG_MODULE:
		return parse_module(p, size, out);
	case MB2_TAG_MMAP:
		return parse_mmap(p, size, out);
	case MB2_TAG_ACPI_OLD:
	case MB2_TAG_ACPI_NEW:
		if (size < 8 + 20)
			return false;
		if (!out->rsdp || type == MB2_TAG_ACPI_NEW) {
			out->rsdp = p + 8;
			out->rsdp_len = size - 8;
		}
		return true;
	default:
		return true; /* tags we do not use */
	}
}

bool mb2_parse(const void *mbi, size_t max_len, struct mb2_info *out)
{
	const uint8_t *base = mbi;
	memset(out, 0, sizeof *out);
	out->cmdline = out->loader = "";
	if (max_len < 16)
		return false;
	memcpy(&out->total_size, base, 4);
	if (out->total_size < 16 || out->total_size > max_len)
		return false;
	size_t off = 8;
	for (;;) {
		struct tag t;
		if (off + sizeof t > out->total_size)
			return false; /* ran off the end without an end tag */
		memcpy(&t, base + off, sizeof t);
		if (t.size < 8 || off + t.size > out->total_size)
			return false;
		if (t.type == MB2_TAG_END)
			break;
		if (!parse_tag(base + off, t.type, t.size, out))
			return false;
		off += (t.size + 7) & ~7u;
	}
	if (out->avail.n)
		out->ram_end = out->avail.r[out->avail.n - 1].end;
	return true;
}
