/* Process start for user programs: _start gets rdi = the startup page
 * (abi/pager.h; libsys reads it where it needs it: sys/proc.h), runs
 * main(argc, argv), then exits with main's return value. */
#include <unistd.h> /* environ */
#include "sys/sys.h"
#include "sys/unistd.h"
#include "abi/err.h"
#include "libsys.h"

int main(int argc, char **argv, char **envp);
_Noreturn void libsys_start(const struct pg_startup *st);

__asm__(".section .text.start, \"ax\", @progbits\n"
	".globl _start\n"
	"_start:\n"
	"	xor %ebp, %ebp\n"
	"	and $-16, %rsp\n"
	"	call libsys_start\n"
	"	ud2\n"
	".previous\n");

/* libsys_start: called once by _start on the main thread; never returns.
 * A startup page without PG_STARTUP_MAGIC ends the thread at once. */
void libsys_start(const struct pg_startup *st)
{
	if (st->magic != PG_STARTUP_MAGIC) {
		static const char msg[] = "crt0: no startup page\n";
		sys_debug_write((uint64_t)msg, sizeof msg - 1);
		for (;;)
			sys_thread_exit();
	}
	libsys_libc_init();
	libsys_float_init();
	/* the main thread's __thread variables and TCB (tls.c): when they are
	 * few, in this frame, which lives as long as the thread (we never
	 * return), just as big as they need (a TCB alone: 192 bytes): no
	 * request, and the stack's first page holds them */
	size_t tls = libsys_tls_size();
	void *block;
	if (tls <= 1024) {
		block = __builtin_alloca(tls);
	} else {
		if (mmap_anon(tls, &block) != E_OK) {
			static const char msg[] = "crt0: no memory for TLS\n";
			sys_debug_write((uint64_t)msg, sizeof msg - 1);
			exit(127);
		}
	}
	libsys_tls_init(block);
	char **argv = (char **)st->argv;
	int argc = (int)st->argc;
	if (st->exec_len) { /* started by exec: what the old image carried */
		char **v = libsys_exec_resume(st->exec_carry, st->exec_len, &argc);
		if (v) {
			argv = v;
		} else {
			argc = (int)st->argc;
			libsys_sigmask_set(0); /* started with all blocked (PG_IO_EXEC) */
		}
	}
	libsys_set_progname(argc ? argv[0] : NULL);
	libsys_run_ctors(argc, argv, environ);
	exit(main(argc, argv, environ)); /* envp: environ */
}
