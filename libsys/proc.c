/* Requests to the pager (abi/pager.h): process, thread and memory calls. */
#include "sys/sys.h"

uint32_t sys_pager, sys_pid;
void *sys_ipc_buf;

/* Call the pager with *m; the reply replaces *m.  Returns the IPC error, or
 * else the pager's answer (the reply label). */
static int pg_call(struct sys_msg *m)
{
	int e = ipc_call(sys_pager, m);
	return e ? e : (int)IPC_LABEL_TAG(m->label);
}

void exit(int status)
{
	struct sys_msg m = { .label = PG_EXIT, .w = { (uint64_t)(int64_t)status } };
	pg_call(&m);
	for (;;) /* the pager refused: at least stop this thread */
		sys_thread_exit();
}

int getpid(uint32_t *ppid)
{
	struct sys_msg m = { .label = PG_GETPID };
	int e = pg_call(&m);
	if (e == E_OK && ppid)
		*ppid = (uint32_t)m.w[1];
	return e == E_OK ? (int)m.w[0] : -e;
}

int mmap_anon(size_t size, void **addr)
{
	struct sys_msg m = { .label = PG_MMAP_ANON, .w = { size } };
	int e = pg_call(&m);
	if (e == E_OK)
		*addr = (void *)m.w[0];
	return e;
}

int munmap(void *addr, size_t size)
{
	struct sys_msg m = { .label = PG_MUNMAP, .w = { (uint64_t)addr, size } };
	return pg_call(&m);
}

int mfree(void *addr)
{
	struct sys_msg m = { .label = PG_MFREE, .w = { (uint64_t)addr } };
	return pg_call(&m);
}

int thread_spawn(uint64_t entry, uint64_t stack, uint64_t arg, uint64_t *ipc_buf)
{
	struct sys_msg m = { .label = PG_THREAD_SPAWN, .w = { entry, stack, arg } };
	int e = pg_call(&m);
	if (e == E_OK && ipc_buf)
		*ipc_buf = m.w[1];
	return e;
}

/* What a thread started by thread_start finds at the top of its stack. */
struct thread_block {
	void (*fn)(void *);
	void *arg;
};

_Noreturn void libsys_thread_main(struct thread_block *b);
__asm__(".text\n"
	".globl libsys_thread_entry\n"
	"libsys_thread_entry:\n"
	"	xor %ebp, %ebp\n"
	"	and $-16, %rsp\n"
	"	call libsys_thread_main\n"
	"	ud2\n");
extern char libsys_thread_entry[];

void libsys_thread_main(struct thread_block *b)
{
	b->fn(b->arg);
	for (;;)
		sys_thread_exit();
}

int thread_start(void (*fn)(void *), void *arg, size_t stack_size)
{
	void *stack;
	int e = mmap_anon(stack_size, &stack);
	if (e)
		return e;
	struct thread_block *b = (struct thread_block *)
		(((uint64_t)stack + stack_size - sizeof *b) & ~15ull);
	b->fn = fn;
	b->arg = arg;
	return thread_spawn((uint64_t)libsys_thread_entry, (uint64_t)b,
			    (uint64_t)b, NULL);
}

/* Append s and its NUL at buf[*len]; false if it does not fit. */
static int put_arg(char *buf, size_t *len, const char *s)
{
	size_t n = strlen(s) + 1;
	if (*len + n > PG_SPAWN_MAX)
		return 0;
	memcpy(buf + *len, s, n);
	*len += n;
	return 1;
}

int spawnv(const char *const argv[], uint32_t *pid)
{
	char *buf = sys_ipc_buf;
	size_t len = 0;
	int n = 0;
	for (; argv[n]; n++)
		if (n == PG_MAX_ARGS || !put_arg(buf, &len, argv[n]))
			return E_INVAL;
	if (n == 0)
		return E_INVAL;
	struct sys_msg m = { .label = IPC_LABEL(PG_SPAWN, len) };
	int e = pg_call(&m);
	if (e == E_OK)
		*pid = (uint32_t)m.w[0];
	return e;
}

int spawn(const char *name, const char *arg, uint32_t *pid)
{
	const char *argv[] = { name, arg, NULL };
	return spawnv(argv, pid);
}

int waitpid(uint32_t pid, struct wait_status *st)
{
	for (;;) {
		struct sys_msg m = { .label = PG_WAIT, .w = { pid } };
		int e = pg_call(&m);
		if (e == E_AGAIN) {
			sys_sleep_ms(1);
			continue;
		}
		if (e == E_OK && st) {
			st->how = (int)m.w[0];
			st->code = m.w[1];
			st->addr = m.w[2];
			st->rip = m.w[3];
		}
		return e;
	}
}

int shared_ep(uint64_t key, uint32_t *handle)
{
	struct sys_msg m = { .label = PG_SHARED_EP, .w = { key } };
	int e = pg_call(&m);
	if (e == E_OK)
		*handle = (uint32_t)m.w[0];
	return e;
}
