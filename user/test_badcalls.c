/* Every system call with bad arguments returns its error and the caller
 * lives on: bad pointers (NULL, unmapped, read-only, kernel, wrapping),
 * bad handles (0, garbage, forged, closed, too wide, missing rights), bad
 * numbers and sizes; then the same for requests to the pager. */
#include "sys/sys.h"
#include "sys/test.h"

#define KERNEL_TEXT 0xFFFFFFFF80100000ull
#define KERNEL_MAP  0xFFFF800000000000ull
#define UNMAPPED    0x0000000010000000ull
#define USER_END    0x00007FFFFFFFF000ull /* first address never mapped */

static void pointers(void)
{
	const char *N = "badcalls_pointers";
	char buf[64] = "badcalls: this line is written by a good call\n";
	TEST_ERR(N, sys_debug_write((uint64_t)buf, strlen(buf)), E_OK);
	TEST_ERR(N, sys_debug_write((uint64_t)buf, 0), E_OK);
	TEST_ERR(N, sys_debug_write(0, 16), E_FAULT);
	TEST_ERR(N, sys_debug_write(UNMAPPED, 16), E_FAULT);
	TEST_ERR(N, sys_debug_write(KERNEL_TEXT, 16), E_FAULT);
	TEST_ERR(N, sys_debug_write(KERNEL_MAP, 16), E_FAULT);
	TEST_ERR(N, sys_debug_write(USER_END - 8, 16), E_FAULT);
	TEST_ERR(N, sys_debug_write(~0ull - 7, 32), E_FAULT);     /* wraps */
	TEST_ERR(N, sys_debug_write((uint64_t)buf, ~0ull), E_INVAL); /* absurd */
	TEST_ERR(N, sys_debug_write((uint64_t)buf, 1ull << 40), E_INVAL);

	struct abi_sysinfo si;
	/* a lazy page nobody touched yet is served for the call, as a fault
	 * would be; once its region is gone, the call fails and we live on */
	void *lazy;
	TEST_ERR(N, mmap_anon(2 * 4096, &lazy), E_OK);
	*(volatile char *)lazy = 'x';
	TEST_ERR(N, sys_sysinfo((uint64_t)lazy + 4096, sizeof si), E_OK);
	TEST_CHECK(N, ((struct abi_sysinfo *)((char *)lazy + 4096))->ncpus >= 1);
	TEST_ERR(N, mfree(lazy), E_OK);
	TEST_ERR(N, sys_debug_write((uint64_t)lazy, 16), E_FAULT);

	struct abi_frame_stats fs;
	memset(&si, 0, sizeof si);
	memset(&fs, 0, sizeof fs);
	TEST_ERR(N, sys_sysinfo((uint64_t)&si, sizeof si), E_OK);
	TEST_CHECK(N, si.ncpus >= 1 && si.tsc_hz > 0);
	TEST_ERR(N, sys_frame_stats((uint64_t)&fs, sizeof fs), E_OK);
	TEST_CHECK(N, fs.total > fs.free && fs.free > 0);
	TEST_ERR(N, sys_sysinfo((uint64_t)&si, sizeof si - 1), E_INVAL);
	TEST_ERR(N, sys_frame_stats((uint64_t)&fs, 0), E_INVAL);
	TEST_ERR(N, sys_sysinfo(0, sizeof si), E_FAULT);
	TEST_ERR(N, sys_frame_stats(KERNEL_TEXT, sizeof fs), E_FAULT);
	TEST_ERR(N, sys_frame_stats(KERNEL_MAP, sizeof fs), E_FAULT);
	TEST_ERR(N, sys_sysinfo(PG_STARTUP_VA, sizeof si), E_FAULT);  /* read-only */
	TEST_ERR(N, sys_sysinfo(PG_IMAGE_BASE, sizeof si), E_FAULT);  /* our text */
	TEST_ERR(N, sys_frame_stats(USER_END - 64, sizeof fs), E_FAULT);
	TEST_ERR(N, sys_frame_stats(~0ull - 15, sizeof fs), E_FAULT);
	test_pass(N);
}

static void handles(void)
{
	const char *N = "badcalls_handles";
	struct sys_regs r;
	uint64_t forged = sys_pager + (5u << 8); /* right slot, wrong generation */
	uint64_t bad[] = { 0, 0x12345678, 0xFFFFFFFF, forged,
			   (1ull << 32) | sys_pager, ~0ull };
	for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		uint64_t h = bad[i];
		TEST_ERR(N, sys_send(h, 1, 0, 0, 0, 0), E_BADHANDLE);
		TEST_ERR(N, sys_call(h, 1, 0, 0, 0, 0), E_BADHANDLE);
		TEST_ERR(N, sys_recv(h), E_BADHANDLE);
		TEST_ERR(N, sys_poll(h), E_BADHANDLE);
		TEST_ERR(N, sys_reply_recv(h, 1, 0, 0, 0, 0), E_BADHANDLE);
		TEST_ERR(N, sys_handle_close(h), E_BADHANDLE);
		if (h) /* cpu_time: 0 is the caller's own, else a space handle */
			TEST_ERR(N, sys_cpu_time(h), E_BADHANDLE);
	}
	TEST_ERR(N, sys_cpu_time(sys_pager), E_BADHANDLE); /* an endpoint */
	TEST_ERR(N, sys_cpu_time_r(0, &r), E_OK);
	TEST_CHECK(N, r.rdi <= r.rsi && r.rdx == 1000000); /* thread <= space; 1 ms */
	/* the pager handle may send, not receive */
	TEST_ERR(N, sys_recv(sys_pager), E_PERM);
	TEST_ERR(N, sys_poll(sys_pager), E_PERM);
	TEST_ERR(N, sys_reply_recv(sys_pager, 1, 0, 0, 0, 0), E_PERM);

	/* our own endpoint: nobody sends, a bad label is refused, then closed */
	TEST_ERR(N, sys_endpoint_create_r(&r), E_OK);
	uint32_t ep = (uint32_t)r.rdi;
	TEST_ERR(N, sys_poll(ep), E_AGAIN);
	TEST_ERR(N, sys_send(ep, 1ull << 50, 0, 0, 0, 0), E_INVAL);
	TEST_ERR(N, sys_send(ep, IPC_LABEL(1, IPC_BUF_MAX + 1), 0, 0, 0, 0), E_INVAL);
	TEST_ERR(N, sys_call(ep, IPC_LABEL(1, 0x1FFF), 0, 0, 0, 0), E_INVAL);
	TEST_ERR(N, sys_call(ep, ~0ull, 0, 0, 0, 0), E_INVAL);
	TEST_ERR(N, sys_handle_close(ep), E_OK);
	TEST_ERR(N, sys_poll(ep), E_BADHANDLE);        /* closed */
	TEST_ERR(N, sys_send(ep, 1, 0, 0, 0, 0), E_BADHANDLE);
	TEST_ERR(N, sys_handle_close(ep), E_BADHANDLE);

	/* fill the handle table: a clean E_NOMEM, then all of it back */
	static uint32_t made[300];
	unsigned n = 0;
	int e = E_OK;
	while (n < 300 && (e = sys_endpoint_create_r(&r)) == E_OK)
		made[n++] = (uint32_t)r.rdi;
	TEST_CHECK(N, n < 300 && e == E_NOMEM);
	for (unsigned i = 0; i < n; i++)
		TEST_ERR(N, sys_handle_close(made[i]), E_OK);
	TEST_ERR(N, sys_endpoint_create_r(&r), E_OK);
	TEST_ERR(N, sys_poll(made[0]), E_BADHANDLE);    /* stale, slot reused */
	TEST_ERR(N, sys_handle_close((uint32_t)r.rdi), E_OK);
	test_pass(N);
}

static void numbers(void)
{
	const char *N = "badcalls_numbers";
	long nrs[] = { SYS_COUNT, SYS_COUNT + 1, 1000, 1L << 31, -1, -1000 };
	for (unsigned i = 0; i < sizeof nrs / sizeof nrs[0]; i++)
		TEST_ERR(N, (int)sys_raw(nrs[i], 1, 2, 3, 4, 5, 6, NULL), E_NOSYS);
	TEST_ERR(N, sys_sleep_ms(~0ull), E_INVAL);
	TEST_ERR(N, sys_sleep_ms(0), E_OK);
	TEST_ERR(N, sys_yield(), E_OK);
	TEST_ERR(N, sys_null(), E_OK);
	test_pass(N);
}

/* A raw request to the pager; returns its answer. */
static int request(uint64_t label, uint64_t w0, uint64_t w1, uint64_t w2)
{
	struct sys_msg m = { .label = label, .w = { w0, w1, w2 } };
	int e = ipc_call(sys_pager, &m);
	return e ? e : (int)IPC_LABEL_TAG(m.label);
}

static void pager_requests(void)
{
	const char *N = "pager_bad_requests";
	void *a;
	TEST_ERR(N, request(0, 0, 0, 0), E_NOSYS);
	TEST_ERR(N, request(PG_COUNT, 0, 0, 0), E_NOSYS);
	TEST_ERR(N, request(0xFFFFFFFF, 0, 0, 0), E_NOSYS);
	TEST_ERR(N, request(FAULT_PAGE, 0, FAULT_ACC_WRITE, 0), E_NOSYS); /* forged */
	uint32_t ppid;
	TEST_CHECK(N, getpid(&ppid) > 0 && ppid != 0);
	TEST_ERR(N, request(PG_KILL, ppid, 0, 0), E_PERM);        /* not ours to kill */
	TEST_ERR(N, request(PG_KILL, 0xFFFFFFF0u, 0, 0), E_NOENT);
	TEST_ERR(N, request(PG_KILL, ~0ull, 0, 0), E_NOENT);
	TEST_ERR(N, mmap_anon(0, &a), E_INVAL);
	TEST_ERR(N, mmap_anon(PG_MMAP_MAX + 1, &a), E_INVAL);
	TEST_ERR(N, mmap_anon(~(size_t)0, &a), E_INVAL);
	TEST_ERR(N, mmap_anon(3 * 4096, &a), E_OK);
	char *p = a;
	TEST_ERR(N, munmap(p + 1, 4096), E_INVAL);           /* unaligned */
	TEST_ERR(N, munmap(p, 0), E_INVAL);
	TEST_ERR(N, munmap(p, ~(size_t)0), E_INVAL);         /* wraps */
	TEST_ERR(N, munmap(p, 4 * 4096), E_INVAL);           /* past the region */
	TEST_ERR(N, munmap(p + 3 * 4096, 4096), E_INVAL);    /* the guard page */
	TEST_ERR(N, munmap((void *)UNMAPPED, 4096), E_INVAL);
	TEST_ERR(N, munmap((void *)PG_STACK_TOP, 4096), E_INVAL);  /* no region */
	TEST_ERR(N, munmap((void *)KERNEL_TEXT, 4096), E_INVAL);
	TEST_ERR(N, munmap(p + 4096, 4096), E_OK);
	TEST_ERR(N, mfree(p + 4096), E_NOENT);               /* not its start */
	TEST_ERR(N, mfree((void *)PG_IMAGE_BASE), E_INVAL);
	TEST_ERR(N, mfree((void *)(PG_STACK_TOP - PG_STACK_SIZE)), E_INVAL);
	TEST_ERR(N, mfree((void *)KERNEL_MAP), E_NOENT);
	TEST_ERR(N, mfree(p), E_OK);
	TEST_ERR(N, mfree(p), E_NOENT);                      /* twice */

	uint32_t pid;
	TEST_ERR(N, spawn("no_such_program", NULL, &pid), E_NOENT);
	TEST_ERR(N, spawn("", NULL, &pid), E_INVAL);
	memcpy(sys_ipc_buf, "test_badcalls", 13);           /* no NUL */
	TEST_ERR(N, request(IPC_LABEL(PG_SPAWN, 13), 0, 0, 0), E_INVAL);
	TEST_ERR(N, request(PG_SPAWN, 0, 0, 0), E_INVAL);   /* no buffer */
	TEST_ERR(N, request(IPC_LABEL(PG_SPAWN, 4095), 0, 0, 0), E_INVAL);
	TEST_ERR(N, waitpid(sys_pid, NULL), E_NOENT);       /* not our child */
	TEST_ERR(N, waitpid(0, NULL), E_NOENT);
	TEST_ERR(N, waitpid(0xFFFFFFFF, NULL), E_NOENT);
	TEST_ERR(N, request(PG_WAIT, 1ull << 40, 0, 0), E_NOENT);
	TEST_ERR(N, thread_spawn(KERNEL_TEXT, PG_STACK_TOP - 4096, 0, NULL), E_INVAL);
	TEST_ERR(N, thread_spawn(PG_IMAGE_BASE, KERNEL_MAP, 0, NULL), E_INVAL);
	TEST_CHECK(N, getpid(NULL) == (int)sys_pid);
	test_pass(N);
}

int main(void)
{
	pointers();
	handles();
	numbers();
	pager_requests();
	return 0;
}
