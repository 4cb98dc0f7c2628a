/* Multiboot2 boot information, parsed into plain fields.  The parser is pure
 * (it reads only the buffer it is given) and refuses malformed tags. */
#ifndef MULTIBOOT2_H
#define MULTIBOOT2_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "mm/memrange.h"

#define MB2_MAGIC 0x36D76289u
#define MB2_MAX_MODULES 8

#define MB2_TAG_END         0
#define MB2_TAG_CMDLINE     1
#define MB2_TAG_LOADER      2
#define MB2_TAG_MODULE      3
#define MB2_TAG_MEMINFO     4
#define MB2_TAG_MMAP        6
#define MB2_TAG_ACPI_OLD   14
#define MB2_TAG_ACPI_NEW   15

#define MB2_MEM_AVAILABLE   1

struct mb2_module {
	uint64_t start, end; /* physical [start, end) */
	const char *cmdline;
};

struct mb2_info {
	uint32_t total_size;
	const char *cmdline;        /* "" if absent */
	const char *loader;         /* "" if absent */
	struct memrange_set avail;  /* type-1 RAM minus every other type */
	uint64_t ram_end;           /* end of the highest available range */
	size_t nmodules;
	struct mb2_module modules[MB2_MAX_MODULES];
	const void *rsdp;           /* copy of the ACPI RSDP, or NULL */
	size_t rsdp_len;
};

/* Parse the multiboot2 information at mbi (at most max_len bytes readable).
 * Returns true on success; false if the header or any tag is malformed. */
bool mb2_parse(const void *mbi, size_t max_len, struct mb2_info *out);

#endif
