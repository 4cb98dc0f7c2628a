/* FPU, x87 and SSE state of user threads: saved per thread, restored lazily.
 *
 * Each CPU has at most one *live* FPU area: the thread whose registers are
 * in the FPU now (percpu.fpu_live).  CR0.TS is set exactly while there is
 * none, so the first x87/SSE instruction of any other thread traps (#NM):
 * arch_fpu_trap loads that thread's saved image and makes it live.  When
 * the live thread is switched away, arch_fpu_leave saves its registers and
 * sets TS again.  A thread that never touches the FPU (the pager, the
 * kernel itself: built with -mgeneral-regs-only) costs one compare per
 * switch.  State is saved at switch-out, never left behind in a CPU, so a
 * thread may run on any CPU next.  FXSAVE (512 bytes: x87, MXCSR, XMM0-15)
 * is on every x86_64 CPU; wider (AVX) state is not enabled, so FXSAVE is
 * all of it. */
#include "arch.h"
#include "cpu.h"
#include "arch_api.h"
#include "lib/string.h"

#define CR0_MP (1ull << 1)
#define CR0_EM (1ull << 2)
#define CR0_TS (1ull << 3)
#define CR0_NE (1ull << 5)
#define CR4_OSFXSR     (1ull << 9)
#define CR4_OSXMMEXCPT (1ull << 10)

_Static_assert(ARCH_FPU_SIZE == 512, "the FXSAVE image is 512 bytes");

/* The state a new thread starts with: fninit's x87, MXCSR 0x1F80 (all
 * SIMD exceptions masked, round to nearest), XMM registers zero. */
static uint8_t fpu_initial[ARCH_FPU_SIZE] __attribute__((aligned(16)));

static inline void write_cr0(uint64_t v) { __asm__ volatile("mov %0, %%cr0" :: "r"(v) : "memory"); }
static inline void write_cr4(uint64_t v) { __asm__ volatile("mov %0, %%cr4" :: "r"(v) : "memory"); }
static inline void clts(void) { __asm__ volatile("clts" ::: "memory"); }
static inline void stts(void) { write_cr0(read_cr0() | CR0_TS); }

static inline void fxsave(void *area)
{
	__asm__ volatile("fxsaveq %0" : "=m"(*(uint8_t(*)[ARCH_FPU_SIZE])area));
}

static inline void fxrstor(const void *area)
{
	__asm__ volatile("fxrstorq %0" :: "m"(*(const uint8_t(*)[ARCH_FPU_SIZE])area));
}

/* fpu_init_cpu: enable x87 and SSE on this CPU (native x87 errors, FXSAVE,
 * unmasked SIMD exceptions as #XM); the BSP records the initial image.
 * Leaves TS set: nothing is live. */
void fpu_init_cpu(void)
{
	write_cr4(read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);
	write_cr0((read_cr0() & ~(CR0_EM | CR0_TS)) | CR0_MP | CR0_NE);
	if (this_cpu()->cpu_id == 0) {
		uint32_t mxcsr = 0x1F80;
		__asm__ volatile("fninit; ldmxcsr %0" :: "m"(mxcsr));
		fxsave(fpu_initial);
		/* ST0-7 and XMM0-15 (bytes 32..415) hold whatever firmware
		 * left: a new thread starts with them zero */
		memset(fpu_initial + 32, 0, 416 - 32);
	}
	this_cpu()->fpu_live = NULL;
	stts();
}

void arch_fpu_init(void *area)
{
	memcpy(area, fpu_initial, ARCH_FPU_SIZE);
}

/* arch_fpu_leave's slow half (arch_inline.h): area is live here. */
void arch_fpu_save_live(void *area)
{
	fxsave(area);
	this_cpu()->fpu_live = NULL;
	stts();
}

/* arch_fpu_trap: #NM from ring 3: make area (the current thread's) live. */
void arch_fpu_trap(void *area)
{
	struct percpu *c = this_cpu();
	clts();
	fxrstor(area);
	c->fpu_live = area;
}
