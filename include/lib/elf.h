/* ELF64 executables for x86_64: the file layout (the subset a loader needs)
 * and a validating parser, shared by the kernel (loading the pager) and the
 * pager (loading programs).
 *
 * elf_parse accepts only static executables (ET_EXEC, no PT_INTERP or
 * PT_DYNAMIC) whose every PT_LOAD segment with memsz > 0
 *   - has its file bytes [offset, offset + filesz) inside the image,
 *   - has filesz <= memsz,
 *   - lies in [PAGE_SIZE, user_limit) without wrapping (page 0 stays unmapped),
 *   - has vaddr % PAGE_SIZE == offset % PAGE_SIZE,
 *   - shares no page with another segment (the pager maps whole pages, each
 *     from one segment),
 * has 1 .. ELF_MAX_SEGMENTS such segments, and its entry point in the file
 * bytes of an executable segment.  Other header types (PT_NOTE,
 * PT_GNU_STACK, ...) are ignored.  The image may be at any alignment. */
#ifndef LIB_ELF_H
#define LIB_ELF_H

#include <stddef.h>
#include <stdint.h>
#include "abi/err.h"
#include "abi/syscall.h"
#include "abi/page.h"

#define ELF_MAX_SEGMENTS 16
#define ELF_USER_LIMIT   0x00007FFFFFFFF000ull /* a sensible user_limit */

/* Segment permissions: the same bits as the MAP_* mapping rights. */
#define ELF_SEG_R MAP_R
#define ELF_SEG_W MAP_W
#define ELF_SEG_X MAP_X

/* On-file structures (System V gABI, ELF-64). */
#define ELF_EI_NIDENT 16
#define ELF_CLASS64   2
#define ELF_DATA2LSB  1
#define ELF_EV_CURRENT 1
#define ELF_ET_EXEC   2
#define ELF_EM_X86_64 62
#define ELF_PN_XNUM   0xFFFF
#define ELF_PT_LOAD    1
#define ELF_PT_DYNAMIC 2
#define ELF_PT_INTERP  3
#define ELF_PF_X 0x1
#define ELF_PF_W 0x2
#define ELF_PF_R 0x4

struct elf64_ehdr {
	uint8_t e_ident[ELF_EI_NIDENT]; /* 0x7F 'E' 'L' 'F', class, data, version */
	uint16_t e_type;
	uint16_t e_machine;
	uint32_t e_version;
	uint64_t e_entry;
	uint64_t e_phoff;
	uint64_t e_shoff;
	uint32_t e_flags;
	uint16_t e_ehsize;
	uint16_t e_phentsize;
	uint16_t e_phnum;
	uint16_t e_shentsize;
	uint16_t e_shnum;
	uint16_t e_shstrndx;
};

struct elf64_phdr {
	uint32_t p_type;
	uint32_t p_flags;
	uint64_t p_offset;
	uint64_t p_vaddr;
	uint64_t p_paddr;
	uint64_t p_filesz;
	uint64_t p_memsz;
	uint64_t p_align;
};

/* One loadable segment: file bytes [offset, offset + filesz) go to
 * [vaddr, vaddr + filesz); the rest up to vaddr + memsz is zero. */
struct elf_segment {
	uint64_t vaddr, memsz, filesz, offset;
	unsigned flags; /* ELF_SEG_R | ELF_SEG_W | ELF_SEG_X */
};

struct elf_image {
	uint64_t entry;
	unsigned nsegs; /* in program-header order */
	struct elf_segment seg[ELF_MAX_SEGMENTS];
};

/* Validate the len-byte image at img against the rules above and describe
 * it in *out.  Reads nothing outside [img, img + len).  Returns E_OK, or
 * E_NOEXEC for anything else (and *out is zeroed). */
int elf_parse(const void *img, size_t len, uint64_t user_limit,
	      struct elf_image *out);

#endif
