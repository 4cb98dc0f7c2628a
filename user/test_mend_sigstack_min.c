/* A handler on an alternate stack of only MINSIGSTKSZ bytes, as Linux
 * allows: an empty handler (and one that makes a write, which is
 * async-signal-safe) must fit, writing nothing below the stack (review 11,
 * finding 3: the signal entry kept a copy of the whole 4 KiB IPC buffer
 * on the handler's stack and wrote some 3 KiB below it).  In the main
 * thread and in a second thread, each with its own stack between guard
 * bytes.  (With gcc+glibc, link it -static or -z now: the first call of a
 * lazily bound function in the handler saves the whole AVX-512 state on
 * the stack.) */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL mend_sigstack_min: line %d: %s (errno %d)\n", __LINE__, #c, errno); fails++; } } while (0)

/* The stack is the top stack_size bytes of alt; the bytes below it are
 * the guard.  stack_size is MINSIGSTKSZ, or more where the C library says
 * the machine needs more (glibc on a CPU with AVX-512). */
#define ROOM 16384
struct guarded {
	unsigned char below[8192];
	unsigned char alt[ROOM] __attribute__((aligned(16)));
	unsigned char above[256];
};
static size_t stack_size = MINSIGSTKSZ;
static struct guarded areas[2];
static volatile uintptr_t where;
static volatile int hits;

static void empty(int s)
{
	(void)s;
	char here;
	where = (uintptr_t)&here;
	hits++;
}

static void writes(int s, siginfo_t *si, void *uc)
{
	(void)si, (void)uc;
	int fd[2];
	if (pipe(fd) == 0) { /* a request with bytes, and its answer */
		char c = (char)s;
		if (write(fd[1], &c, 1) == 1 && read(fd[0], &c, 1) == 1 && c == (char)s)
			hits++;
		close(fd[0]);
		close(fd[1]);
	}
}

static unsigned spoiled(const unsigned char *b, size_t n)
{
	unsigned k = 0;
	for (size_t i = 0; i < n; i++)
		k += b[i] != 0x55;
	return k;
}

/* Raise sig, whose handler is on area a's alternate stack of size bytes,
 * in the calling thread: it must run there and write nothing outside. */
static void run_on(struct guarded *a, size_t size, int sig)
{
	memset(a, 0x55, sizeof *a);
	unsigned char *sp = a->alt + ROOM - size;
	stack_t ss = { .ss_sp = sp, .ss_flags = 0, .ss_size = size };
	CHECK(sigaltstack(&ss, NULL) == 0);
	int before = hits;
	where = 0;
	CHECK(raise(sig) == 0);
	CHECK(hits == before + 1);
	if (sig == SIGUSR1)
		CHECK(where > (uintptr_t)sp && where < (uintptr_t)sp + size);
	unsigned below = spoiled(a->below, sizeof a->below) + spoiled(a->alt, ROOM - size);
	unsigned above = spoiled(a->above, sizeof a->above);
	if (below || above)
		printf("mend_sigstack_min: signal %d, stack of %zu: %u bytes below and %u above it written\n",
		       sig, size, below, above);
	CHECK(below == 0 && above == 0);
	stack_t off = { .ss_sp = NULL, .ss_flags = SS_DISABLE, .ss_size = 0 };
	CHECK(sigaltstack(&off, NULL) == 0);
}

/* The empty handler with MINSIGSTKSZ (what Linux promises: room for the
 * frame), the one making requests with 2 KiB more for its own calls. */
static void run(struct guarded *a)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = empty;
	sa.sa_flags = SA_ONSTACK;
	CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
	sa.sa_sigaction = writes;
	sa.sa_flags = SA_ONSTACK | SA_SIGINFO;
	CHECK(sigaction(SIGUSR2, &sa, NULL) == 0);
	run_on(a, stack_size, SIGUSR1);
	run_on(a, stack_size + 2048, SIGUSR2);
}

static void *second(void *arg)
{
	(void)arg;
	run(&areas[1]);
	return NULL;
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
#ifdef _SC_MINSIGSTKSZ
	long need = sysconf(_SC_MINSIGSTKSZ);
	if (need > (long)stack_size && need <= ROOM)
		stack_size = (size_t)need;
#endif
	run(&areas[0]);
	pthread_t t;
	CHECK(pthread_create(&t, NULL, second, NULL) == 0);
	CHECK(pthread_join(t, NULL) == 0);
	if (fails)
		return 1;
	printf("@@PASS mend_sigstack_min\n");
	return 0;
}
