/* Stopping the machine on a program's request (PG_HALT, PG_REBOOT): the
 * kernel's halt and reboot calls are pager-only, so the shell asks us.
 * Only init and the shell it keeps (oom_protected) may: any other process
 * gets E_PERM, so no program can stop the system under everyone else.
 * The console says who did. */
#include "pager.h"

/* PG_HALT: stop the machine with status w0 (0..127).  Returns only if the
 * kernel refused, or E_PERM for a process other than init and the shell. */
long do_halt(struct proc *p, const struct sys_msg *m, struct sys_msg *r)
{
	(void)r;
	if (!oom_protected(p))
		return E_PERM;
	printf("pager: halt requested by pid %u (%s), status %lu\n", p->pid, p->name,
	       m->w[0] & 0x7F);
	return sys_halt(m->w[0] & 0x7F);
}

/* PG_REBOOT: reset the machine.  Returns only if the kernel refused, or
 * E_PERM as PG_HALT. */
long do_reboot(struct proc *p, const struct sys_msg *m, struct sys_msg *r)
{
	(void)m;
	(void)r;
	if (!oom_protected(p))
		return E_PERM;
	printf("pager: reboot requested by pid %u (%s)\n", p->pid, p->name);
	return sys_reboot();
}
