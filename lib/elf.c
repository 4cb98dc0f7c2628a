/* ELF64 executable parser (rules in include/lib/elf.h).  Every header is
 * copied out with memcpy after a bounds check, so a truncated, misaligned or
 * hostile image can only ever be refused. */
#include "lib/elf.h"
#include "lib/string.h"

_Static_assert(sizeof(struct elf64_ehdr) == 64, "ELF64 header size");
_Static_assert(sizeof(struct elf64_phdr) == 56, "ELF64 program header size");

/* Header checks; true if h describes an x86_64 executable whose program
 * header table lies inside the len-byte image. */
static int ehdr_ok(const struct elf64_ehdr *h, size_t len)
{
	static const uint8_t magic[4] = { 0x7F, 'E', 'L', 'F' };
	if (memcmp(h->e_ident, magic, 4) || h->e_ident[4] != ELF_CLASS64 ||
	    h->e_ident[5] != ELF_DATA2LSB || h->e_ident[6] != ELF_EV_CURRENT)
		return 0;
	if (h->e_type != ELF_ET_EXEC || h->e_machine != ELF_EM_X86_64 ||
	    h->e_version != ELF_EV_CURRENT)
		return 0;
	if (h->e_phentsize != sizeof(struct elf64_phdr) || h->e_phnum == 0 ||
	    h->e_phnum == ELF_PN_XNUM)
		return 0;
	uint64_t table = (uint64_t)h->e_phnum * sizeof(struct elf64_phdr);
	return h->e_phoff <= len && table <= len - h->e_phoff;
}

/* A PT_LOAD's placement checks (memsz > 0); true if acceptable. */
static int load_ok(const struct elf64_phdr *p, size_t len, uint64_t limit)
{
	if (p->p_offset > len || p->p_filesz > len - p->p_offset)
		return 0;
	if (p->p_filesz > p->p_memsz)
		return 0;
	if (p->p_vaddr < PAGE_SIZE || p->p_vaddr > limit ||
	    p->p_memsz > limit - p->p_vaddr)
		return 0;
	return p->p_vaddr % PAGE_SIZE == p->p_offset % PAGE_SIZE;
}

static unsigned seg_flags(uint32_t pf)
{
	return (pf & ELF_PF_R ? ELF_SEG_R : 0) | (pf & ELF_PF_W ? ELF_SEG_W : 0) |
	       (pf & ELF_PF_X ? ELF_SEG_X : 0);
}

/* True if s shares a page with any of the first n segments of img. */
static int overlaps(const struct elf_image *img, unsigned n,
		    const struct elf_segment *s)
{
	uint64_t first = s->vaddr / PAGE_SIZE;
	uint64_t last = (s->vaddr + s->memsz - 1) / PAGE_SIZE;
	for (unsigned i = 0; i < n; i++) {
		const struct elf_segment *o = &img->seg[i];
		uint64_t ofirst = o->vaddr / PAGE_SIZE;
		uint64_t olast = (o->vaddr + o->memsz - 1) / PAGE_SIZE;
		if (first <= olast && ofirst <= last)
			return 1;
	}
	return 0;
}

/* Check one program header and record it if it is a non-empty PT_LOAD;
 * returns 0 if the image must be refused. */
static int add_phdr(const struct elf64_phdr *p, size_t len, uint64_t limit,
		    struct elf_image *out)
{
	if (p->p_type == ELF_PT_INTERP || p->p_type == ELF_PT_DYNAMIC)
		return 0;
	if (p->p_type != ELF_PT_LOAD)
		return 1;
	if (p->p_memsz == 0) /* occupies nothing; its file range still counts */
		return p->p_offset <= len && p->p_filesz == 0;
	if (!load_ok(p, len, limit) || out->nsegs == ELF_MAX_SEGMENTS)
		return 0;
	struct elf_segment s = {
		.vaddr = p->p_vaddr, .memsz = p->p_memsz, .filesz = p->p_filesz,
		.offset = p->p_offset, .flags = seg_flags(p->p_flags),
	};
	if (overlaps(out, out->nsegs, &s))
		return 0;
	out->seg[out->nsegs++] = s;
	return 1;
}

/* True if entry is in the file bytes of an executable segment. */
static int entry_ok(const struct elf_image *img)
{
	for (unsigned i = 0; i < img->nsegs; i++) {
		const struct elf_segment *s = &img->seg[i];
		if ((s->flags & ELF_SEG_X) && img->entry >= s->vaddr &&
		    img->entry - s->vaddr < s->filesz)
			return 1;
	}
	return 0;
}

int elf_parse(const void *img, size_t len, uint64_t user_limit,
	      struct elf_image *out)
{
	const uint8_t *bytes = img;
	struct elf64_ehdr h;
	memset(out, 0, sizeof *out);
	if (!img || len < sizeof h)
		return E_NOEXEC;
	memcpy(&h, bytes, sizeof h);
	if (!ehdr_ok(&h, len))
		return E_NOEXEC;
	out->entry = h.e_entry;
	for (unsigned i = 0; i < h.e_phnum; i++) {
		struct elf64_phdr p;
		memcpy(&p, bytes + h.e_phoff + (uint64_t)i * sizeof p, sizeof p);
		if (!add_phdr(&p, len, user_limit, out))
			goto bad;
	}
	if (out->nsegs > 0 && entry_ok(out))
		return E_OK;
bad:
	memset(out, 0, sizeof *out);
	return E_NOEXEC;
}
