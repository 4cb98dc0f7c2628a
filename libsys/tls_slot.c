/* libsys_tls: the calling thread's libsys slot, the second word of its
 * TCB (tls.c).  Alone in this file so that the pager, whose threads have
 * no FS base (the kernel then need not load one when it switches to
 * them), can define its own (pager/main.c) and this one is never linked
 * into it. */
#include "libsys.h"

struct libsys_tls *libsys_tls(void)
{
	struct libsys_tls *t;
	__asm__ volatile("mov %%fs:8, %0" : "=r"(t));
	return t;
}
