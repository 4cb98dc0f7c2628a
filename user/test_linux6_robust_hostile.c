/* Hostile robust lists (set_robust_list(2) by number, a plain Linux
 * program checked under Linux): children register lists that loop
 * forever, point at unmapped or kernel addresses, at a lock word of
 * shared memory the parent holds, and at a word holding their own id
 * through a mapping they made read-only, and are SIGKILLed.  The walk of
 * a dead child marks only the shared words it held through a writable
 * mapping (owner died, waiters bit kept) -- also the pending entry past a
 * loop of more than 2048 entries -- and nothing else: the parent's
 * mutex stays the parent's, the read-only word is unchanged, the system
 * and this process go on, and (in the guest) every frame comes back.
 * set_robust_list with a wrong length is EINVAL. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define T "linux6_robust_hostile"
#include "linux_frames.h"

static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL " T ": line %d: %s (errno %d)\n", __LINE__, #c, errno); fails++; } } while (0)
#define EQ(a, b) do { long a_ = (long)(a), b_ = (long)(b); if (a_ != b_) { printf("@@FAIL " T ": line %d: %s = %#lx, not %#lx\n", __LINE__, #a, a_, b_); fails++; } } while (0)

#define WAITERS 0x80000000u
#define DIED    0x40000000u
#define IDMASK  0x3fffffffu

/* A fake robust mutex: its lock word 8 bytes before its list link. */
struct fake {
	volatile uint32_t word;
	uint32_t pad;
	uint64_t next;
};
#define OFF ((long)offsetof(struct fake, word) - (long)offsetof(struct fake, next))

struct head {
	uint64_t next;
	long off;
	uint64_t pending;
};

/* The shared page: the parent's real robust mutex, fake ones. */
struct shared {
	pthread_mutex_t m;
	struct fake parent, mine, mine2, mine_w;
};

static struct shared *sh;
static struct fake *ro; /* a second shared page the child makes read-only */

static uint64_t node(struct fake *f)
{
	return (uint64_t)(uintptr_t)&f->next;
}

/* The caller's robust owner id: the word of a private robust mutex it
 * holds (Linux: its tid). */
static uint32_t my_id(void)
{
	static pthread_mutex_t pm;
	pthread_mutexattr_t a;
	pthread_mutexattr_init(&a);
	pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
	pthread_mutex_init(&pm, &a);
	pthread_mutex_lock(&pm);
	uint32_t id = *(volatile uint32_t *)&pm & IDMASK;
	pthread_mutex_unlock(&pm);
	return id;
}

static long set_list(struct head *h)
{
	return syscall(SYS_set_robust_list, h, sizeof *h);
}

/* Fork a child that runs how (it sets its list), says it is ready, and
 * sleeps; SIGKILL it and reap it. */
static void hostile(void (*how)(uint32_t id))
{
	int p[2];
	CHECK(pipe(p) == 0);
	pid_t c = fork();
	if (c == 0) {
		how(my_id());
		if (write(p[1], "y", 1) != 1)
			_exit(3);
		for (;;)
			pause();
	}
	char ok = 0;
	EQ(read(p[0], &ok, 1), 1);
	EQ(ok, 'y');
	CHECK(kill(c, SIGKILL) == 0);
	int st = 0;
	EQ(waitpid(c, &st, 0), c);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	close(p[0]);
	close(p[1]);
}

/* The parent's word, the child's own (one with the waiters bit), then a
 * loop of two private entries; pending: another word of the child's,
 * reached only after the loop's 2048 entries. */
static void loop_list(uint32_t id)
{
	static struct fake a, b;
	static struct head h;
	sh->mine.word = id;
	sh->mine_w.word = id | WAITERS;
	sh->mine2.word = id;
	a.word = b.word = id;
	h.off = OFF;
	h.next = node(&sh->parent);
	sh->parent.next = node(&sh->mine);
	sh->mine.next = node(&sh->mine_w);
	sh->mine_w.next = node(&a);
	a.next = node(&b);
	b.next = node(&a);
	h.pending = node(&sh->mine2);
	if (set_list(&h))
		_exit(4);
}

/* The child's word, then an unmapped address; pending: a kernel one. */
static void bad_pointers(uint32_t id)
{
	static struct head h;
	sh->mine.word = id;
	h.off = OFF;
	h.next = node(&sh->mine);
	sh->mine.next = 0xdead000;
	h.pending = 0xffffffff81000000ull;
	if (set_list(&h))
		_exit(4);
}

/* A word with the child's id, through a mapping it made read-only. */
static void read_only(uint32_t id)
{
	static struct head h;
	ro->word = id;
	ro->next = (uint64_t)(uintptr_t)&h;
	if (mprotect(ro, 4096, PROT_READ))
		_exit(5);
	h.off = OFF;
	h.next = node(ro);
	h.pending = 0;
	if (set_list(&h))
		_exit(4);
}

/* A head that is itself nowhere, and one that points at itself in the
 * middle of a huge offset. */
static void bad_head(uint32_t id)
{
	(void)id;
	if (syscall(SYS_set_robust_list, (void *)0x10, sizeof(struct head)))
		_exit(4);
}

static void wild_offset(uint32_t id)
{
	static struct head h;
	sh->mine.word = id;
	h.off = 0x7fff00000000l;
	h.next = node(&sh->mine);
	sh->mine.next = (uint64_t)(uintptr_t)&h;
	h.pending = 0;
	if (set_list(&h))
		_exit(4);
}

static int run(void)
{
	int before = fails;
	memset(&sh->parent, 0, sizeof *sh - offsetof(struct shared, parent));
	memset(ro, 0, 4096);
	pthread_mutexattr_t a;
	pthread_mutexattr_init(&a);
	pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
	pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
	EQ(pthread_mutex_init(&sh->m, &a), 0);
	EQ(pthread_mutex_lock(&sh->m), 0);
	uint32_t pid_word = *(volatile uint32_t *)&sh->m;
	sh->parent.word = pid_word;

	hostile(loop_list);
	EQ(sh->parent.word, pid_word);
	EQ(sh->mine.word, DIED);
	EQ(sh->mine_w.word, DIED | WAITERS);
	EQ(sh->mine2.word, DIED); /* the pending one, past the loop */

	hostile(bad_pointers);
	EQ(sh->mine.word, DIED);

	hostile(read_only);
	CHECK((ro->word & IDMASK) != 0 && !(ro->word & DIED)); /* left alone */

	hostile(bad_head);
	sh->mine.word = 1234;
	hostile(wild_offset);
	EQ(sh->mine.word & DIED, 0); /* its word is far away: not this one */

	/* a wrong length */
	struct head h = { 0, 0, 0 };
	errno = 0;
	EQ(syscall(SYS_set_robust_list, &h, sizeof h + 1), -1);
	EQ(errno, EINVAL);

	/* the parent's mutex is still the parent's, and sound */
	EQ(*(volatile uint32_t *)&sh->m, pid_word);
	EQ(pthread_mutex_unlock(&sh->m), 0);
	pid_t c = fork();
	if (c == 0)
		_exit(pthread_mutex_lock(&sh->m) == 0 && pthread_mutex_unlock(&sh->m) == 0 ? 0 : 1);
	int st = 0;
	EQ(waitpid(c, &st, 0), c);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	EQ(pthread_mutex_lock(&sh->m), 0);
	EQ(pthread_mutex_unlock(&sh->m), 0);
	return fails != before;
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	sh = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ro = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(sh != MAP_FAILED && ro != MAP_FAILED);
	if (fails)
		return 1;
	return run_twice_counted(run);
}
