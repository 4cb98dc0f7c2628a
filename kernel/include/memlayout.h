/* The address map.
 *
 *  Virtual (48-bit, canonical halves)
 *
 *  0xFFFF_FFFF_FFFF_FFFF +--------------------------------+
 *                        | kernel image (top 2 GiB,       |  -mcmodel=kernel
 *                        |  KERNEL_VMA + physical address) |
 *  0xFFFF_FFFF_8000_0000 +--------------------------------+  KERNEL_VMA
 *                        |            unused              |
 *  0xFFFF_E000_4000_0000 +--------------------------------+  KSTACK_END
 *                        | kernel stacks (kstack.c): 32 KiB|  4 KiB pages,
 *                        |  slots, the lower half of each  |  NX
 *                        |  never mapped (the guard)       |
 *  0xFFFF_E000_0000_0000 +--------------------------------+  KSTACK_BASE
 *                        |            unused              |
 *  0xFFFF_C000_0000_0000 +--------------------------------+  PHYS_MAP_END
 *                        | direct map of all RAM          |  2 MiB pages,
 *                        |  (PHYS_MAP_BASE + physical)    |  built at boot
 *  0xFFFF_8000_0000_0000 +--------------------------------+  PHYS_MAP_BASE
 *                        |   non-canonical hole           |
 *  0x0000_7FFF_FFFF_FFFF +--------------------------------+  USER_TOP
 *                        | last page: never mapped, so a  |
 *                        |  syscall's return rip is always |
 *                        |  canonical (the sysret hazard)  |
 *  0x0000_7FFF_FFFF_F000 +--------------------------------+  USER_END
 *                        | user stacks, program images,   |
 *                        |  lazy regions (the pager's      |
 *                        |  choice)                        |
 *  0x0000_4000_0000_0000 +- - - - - - - - - - - - - - - - -+  PAGER_WINDOW
 *                        |  in the pager's own space only: |
 *                        |  frame pfn it holds appears at  |
 *                        |  PAGER_WINDOW + pfn * 4096      |
 *  0x0000_0000_0040_0000 +- - - - - - - - - - - - - - - - -+  programs link here
 *  0x0000_0000_0000_0000 +--------------------------------+  (page 0 never mapped)
 *
 *  Physical
 *
 *  0x0000_0000 .. 0x000F_FFFF  real-mode area, BIOS, VGA (0xB8000): reserved;
 *                              AP_TRAMPOLINE_PA holds the SMP trampoline
 *  0x0010_0000 ..              kernel image (KERNEL_PHYS), then GRUB puts the
 *                              multiboot2 information and the modules
 *  elsewhere                   the MetaSlot array and the direct map's page
 *                              tables, carved out of free RAM at boot; the
 *                              rest belongs to the buddy allocator
 *
 *  The identity map of the first 1 GiB that boot.asm builds is dropped once
 *  every CPU runs in the higher half.
 */
#ifndef MEMLAYOUT_H
#define MEMLAYOUT_H

#define KERNEL_VMA        0xFFFFFFFF80000000
#define KERNEL_PHYS       0x100000
#define PHYS_MAP_BASE     0xFFFF800000000000
#define PHYS_MAP_END      0xFFFFC00000000000 /* 64 TiB of RAM at most */
/* Kernel stacks: slot i spans KSTACK_BASE + i * KSTACK_SLOT; its lower
 * KSTACK_GUARD bytes are never mapped, the stack (at most KSTACK_SLOT -
 * KSTACK_GUARD bytes) sits above them.  One page directory's worth. */
#define KSTACK_BASE       0xFFFFE00000000000
#define KSTACK_END        0xFFFFE00040000000
#define KSTACK_SLOT       0x8000
#define KSTACK_GUARD      0x4000
#define USER_TOP          0x00007FFFFFFFFFFF
#define USER_END          0x00007FFFFFFFF000 /* first address never mapped */
#define AP_TRAMPOLINE_PA  0x8000
#define BOOT_MAP_LIMIT    0x40000000 /* boot.asm maps the first 1 GiB */

#include "abi/page.h"

#ifndef __ASSEMBLER__
#include <stdint.h>
#define P2V(pa) ((void *)((uint64_t)(pa) + PHYS_MAP_BASE))
#define V2P(va) ((uint64_t)(va) - PHYS_MAP_BASE)
#endif

#endif
