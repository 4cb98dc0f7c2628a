/* Starting the pager: the only ELF the kernel loads.  Its space gets the
 * pager capability, a copy of the initrd, the boot-information page and a
 * stack, all mapped before its first thread runs (abi/boot.h). */
#include "arch_api.h"
#include "kernel.h"
#include "lib/cmdline.h"
#include "space.h"
#include "thread.h"
#include "sched.h"
#include "memlayout.h"
#include "mm/frame.h"
#include "mm/meta_slot.h"
#include "lib/elf.h"
#include "lib/string.h"
#include "printk.h"
#include "abi/boot.h"
#include "abi/syscall.h"

/* A zeroed user frame mapped at va in s with rights; its address in the
 * kernel, or NULL if memory ran out. */
static void *map_new(struct space *s, uint64_t va, unsigned rights)
{
	struct frame_alloc_options o = { 0, true, PURPOSE_USER_DATA };
	uint64_t pfn;
	if (frame_alloc(&o, &pfn) != E_OK)
		return NULL;
	int e = space_map_owned(s, va, pfn, rights);
	frame_free(pfn, 0); /* the mapping holds it now */
	return e == E_OK ? arch_phys_to_virt(pfn << PAGE_SHIFT) : NULL;
}

/* Map n bytes from src at va (page aligned) plus zero fill up to memsz. */
static bool map_bytes(struct space *s, uint64_t va, const uint8_t *src,
		      uint64_t n, uint64_t memsz, unsigned rights)
{
	for (uint64_t off = 0; off < memsz; off += PAGE_SIZE) {
		uint8_t *p = map_new(s, va + off, rights);
		if (!p)
			return false;
		if (off < n)
			memcpy(p, src + off, n - off < PAGE_SIZE ? n - off : PAGE_SIZE);
	}
	return true;
}

static unsigned rights_of(unsigned elf_flags)
{
	return (elf_flags & ELF_SEG_R ? MAP_R : 0) | (elf_flags & ELF_SEG_W ? MAP_W : 0) |
	       (elf_flags & ELF_SEG_X ? MAP_X : 0);
}

/* Map every PT_LOAD segment of img into s. */
static bool load_segments(struct space *s, const uint8_t *img, const struct elf_image *el)
{
	for (unsigned i = 0; i < el->nsegs; i++) {
		const struct elf_segment *g = &el->seg[i];
		uint64_t head = g->vaddr & (PAGE_SIZE - 1);
		if (!map_bytes(s, g->vaddr - head, img + g->offset - head, g->filesz + head,
			       g->memsz + head, rights_of(g->flags)))
			return false;
	}
	return true;
}

static const struct mb2_module *find_module(const struct boot_info *bi, const char *name)
{
	for (size_t i = 0; i < bi->mb.nmodules; i++)
		if (cmdline_has(bi->mb.modules[i].cmdline, name))
			return &bi->mb.modules[i];
	return NULL;
}

static bool map_bootinfo(struct space *s, const struct boot_info *bi, uint64_t initrd_size)
{
	struct abi_bootinfo *b = map_new(s, BOOTINFO_VA, MAP_R);
	if (!b)
		return false;
	struct frame_stats st;
	frame_stats(&st);
	b->magic = BOOTINFO_MAGIC;
	b->total_frames = st.total;
	b->pfn_limit = meta_frame_count();
	b->free_frames = st.free;
	b->ram_bytes = memrange_total(&bi->mb.avail);
	b->tsc_hz = arch_cycles_per_sec();
	b->ncpus = arch_ncpus();
	b->initrd_va = initrd_size ? INITRD_VA : 0;
	b->initrd_size = initrd_size;
	size_t n = strlen(bi->mb.cmdline);
	memcpy(b->cmdline, bi->mb.cmdline, n < sizeof b->cmdline ? n : sizeof b->cmdline - 1);
	return true;
}

/* Pager thread i (abi/boot.h): its stack, then the thread, pinned to CPU
 * i (the one after the per-CPU threads, the pager's alarm thread: to CPU
 * 0), running; panics if memory runs out. */
static void start_thread(struct space *s, uint64_t entry, unsigned i)
{
	uint64_t size = i ? PAGER_THREAD_STACK : PAGER_STACK_SIZE;
	struct thread *t;
	if (!map_bytes(s, PAGER_STACK_TOP_OF(i) - size, NULL, 0, size, MAP_R | MAP_W) ||
	    thread_create(s, entry, PAGER_STACK_TOP_OF(i), PAGER_IPC_BUF_OF(i), BOOTINFO_VA,
			  (PRIO_DEFAULT + 4) | THREAD_PIN(i < arch_ncpus() ? i : 0), &t) != E_OK)
		panic("no memory for pager thread %u", i);
	kobj_put(&t->obj); /* its life keeps the thread (thread.h) */
	sched_wake(t);
}

/* give_back_modules: once the pager's image and the initrd are copied into
 * its space, nothing reads the boot modules again: their frames go to the
 * allocator (at 64 MiB the initrd alone was a third of RAM held twice).
 * Returns the frames given. */
static uint64_t give_back_modules(const struct boot_info *bi)
{
	uint64_t given = 0;
	for (size_t i = 0; i < bi->mb.nmodules; i++)
		given += frame_give_range(bi->mb.modules[i].start, bi->mb.modules[i].end);
	return given;
}

bool pager_present(const struct boot_info *bi)
{
	return find_module(bi, "pager") != NULL;
}

/* pager_start: load the "pager" module and run it; panics if it cannot. */
void pager_start(const struct boot_info *bi)
{
	const struct mb2_module *pm = find_module(bi, "pager");
	if (!pm)
		panic("no pager module: grub.cfg must load pager.elf with the word 'pager'");
	const uint8_t *img = arch_phys_to_virt(pm->start);
	struct elf_image el;
	if (elf_parse(img, pm->end - pm->start, USER_END, &el) != E_OK)
		panic("pager.elf is not a valid x86_64 executable");
	struct space *s;
	if (space_create(NULL, 0, &s) != E_OK)
		panic("no memory for the pager's space");
	s->is_pager = true;
	handle_table_make_big(s->handles); /* empty: cannot fail */
	const struct mb2_module *rd = find_module(bi, "initrd");
	uint64_t rd_size = rd ? rd->end - rd->start : 0;
	if (!load_segments(s, img, &el) ||
	    (rd && !map_bytes(s, INITRD_VA, arch_phys_to_virt(rd->start), rd_size,
			      rd_size, MAP_R)))
		panic("no memory to load the pager");
	uint64_t given = give_back_modules(bi);
	/* after the give-back: the window's tables cover the modules' frames too */
	if (space_window_prepare(s) != E_OK)
		panic("no memory for the page tables of the pager's window");
	if (!map_bootinfo(s, bi, rd_size))
		panic("no memory to load the pager");
	unsigned n = arch_ncpus() < PAGER_THREADS_MAX ? arch_ncpus() + 1 : PAGER_THREADS_MAX;
	for (unsigned i = 0; i < n; i++)
		start_thread(s, el.entry, i);
	kobj_put(&s->obj); /* its threads keep the space */
	printk("kernel: pager started (%lu KiB image, initrd %lu KiB, %u threads; "
	       "%lu module frames freed)\n",
	       (pm->end - pm->start) >> 10, rd_size >> 10, n, given);
}
