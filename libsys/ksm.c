/* KSM requests to the pager (sys/ksm.h). */
#include "sys/sys.h"
#include "sys/ksm.h"

static int call(struct sys_msg *m)
{
	int e = ipc_call(sys_pager, m);
	return e ? e : (int)IPC_LABEL_TAG(m->label);
}

int pg_madvise(void *addr, size_t len, int advice)
{
	struct sys_msg m = { .label = PG_MADVISE,
			     .w = { (uint64_t)(uintptr_t)addr, len, (uint64_t)(int64_t)advice } };
	return call(&m);
}

int ksm_ctl(unsigned key, uint64_t value, uint64_t value2, uint64_t *old)
{
	struct sys_msg m = { .label = PG_KSM_CTL, .w = { key, value, value2 } };
	int e = call(&m);
	if (e == E_OK && old)
		*old = m.w[0];
	return e;
}

int ksm_stats(uint32_t pid, struct ksm_stats *st)
{
	struct sys_msg m = { .label = PG_KSM_STATS, .w = { pid } };
	memset(st, 0, sizeof *st);
	int e = call(&m);
	size_t n = IPC_LABEL_LEN(m.label);
	if (e == E_OK)
		memcpy(st, sys_ipc_buf, n < sizeof *st ? n : sizeof *st);
	return e;
}

int ksm_process(int on)
{
	struct sys_msg m = { .label = PG_KSM_PROCESS, .w = { on ? 1 : 0 } };
	int e = call(&m);
	return e ? -e : (int)m.w[0];
}

int ksm_new_domain(void)
{
	struct sys_msg m = { .label = PG_KSM_DOMAIN };
	int e = call(&m);
	return e ? -e : (int)m.w[0];
}
