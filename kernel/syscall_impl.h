/* Private to kernel/syscall*.c: the handler prototypes generated from the
 * table, and helpers the handlers share. */
#ifndef KERNEL_SYSCALL_IMPL_H
#define KERNEL_SYSCALL_IMPL_H

#include <stdint.h>
#include "handle.h"
#include "sched.h"
#include "space.h"
#include "abi/syscall.h"

#define SYS_DECL(name, nr, nargs, pager) \
	int ksys_##name(const uint64_t a[6], uint64_t out[6]);
SYSCALL_TABLE(SYS_DECL)
#undef SYS_DECL

static inline struct thread *cur(void) { return sched_current(); }
static inline struct handle_table *handles(void) { return cur()->space->handles; }

/* Look handle h up in the caller's table (see handle_lookup); on success
 * e->obj holds a reference the caller drops. */
int ksys_lookup(uint64_t h, unsigned type, unsigned need, struct handle_entry *e);

/* Name obj in the caller's table with rights; *out[0] = the handle.  The
 * handle's reference replaces the caller's (dropped even on failure). */
int ksys_give_handle(struct kobj *obj, unsigned rights, uint64_t out[6]);

/* Copy n bytes from the caller's uva to dst, asking the pager to page the
 * buffer in if it must (syscall.c); E_FAULT if it cannot be read. */
int user_in(void *dst, uint64_t uva, uint64_t n);

/* True if (pfn, gen) is a live user frame the caller holds in its window
 * (syscall_pager.c). */
bool ksys_window_held(uint64_t pfn, uint64_t gen);

/* True if a MetaSlot's vtable word is the tag of merged frames
 * (syscall_ksm.c). */
bool ksm_frame_tagged(uintptr_t vtable);

#endif
