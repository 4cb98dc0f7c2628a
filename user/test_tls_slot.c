/* tls_slot: what is a thread's own in libsys (errno, pthread_self) stays
 * its own wherever its stack pointer is: on a stack it switched to itself
 * (as a coroutine library does), among many threads, and in a fork child
 * made from a thread.  (libsys found a thread by its stack pointer once:
 * on a stack of its own making a thread was taken for the main thread.)
 * A plain Linux program: passes with glibc too. */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#define NAME "tls_slot"
#define THREADS 40

static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL " NAME ": line %d: %s\n", __LINE__, #c); \
			__atomic_add_fetch(&fails, 1, __ATOMIC_RELAXED); } } while (0)

/* call_on_stack(top, fn, arg): fn(arg) with rsp = top (16-byte aligned). */
void call_on_stack(void *top, void (*fn)(void *), void *arg);
__asm__(".text\n"
	".globl call_on_stack\n"
	"call_on_stack:\n"
	"	push %rbp\n"
	"	mov %rsp, %rbp\n"
	"	mov %rdi, %rsp\n"
	"	mov %rdx, %rdi\n"
	"	call *%rsi\n"
	"	mov %rbp, %rsp\n"
	"	pop %rbp\n"
	"	ret\n");

struct seen {
	pthread_t self;  /* pthread_self() on the other stack */
	int err;         /* errno there */
	int id;
};

static void on_other_stack(void *arg)
{
	struct seen *s = arg;
	s->self = pthread_self();
	s->err = errno;
	errno = 1000 + s->id; /* set there, read back on the thread's own stack */
}

static pthread_barrier_t all_up;

static void *worker(void *arg)
{
	int id = (int)(intptr_t)arg;
	size_t size = 64 * 1024;
	char *stack = malloc(size);
	CHECK(stack != NULL);
	if (!stack)
		return NULL;
	pthread_barrier_wait(&all_up); /* every thread alive at once */
	errno = 500 + id;
	struct seen s = { 0, 0, id };
	call_on_stack((void *)(((uintptr_t)stack + size) & ~(uintptr_t)15), on_other_stack, &s);
	CHECK(pthread_equal(s.self, pthread_self()));
	CHECK(s.err == 500 + id);
	CHECK(errno == 1000 + id);
	free(stack);
	return (void *)(intptr_t)(id + 1);
}

/* A thread forks: the child's one thread is that thread (pthread_self
 * and errno as they were), on its own stack and on another. */
static void *forker(void *arg)
{
	(void)arg;
	pthread_t me = pthread_self();
	errno = 4242;
	pid_t c = fork();
	if (c == 0) {
		int ok = pthread_equal(pthread_self(), me) && errno == 4242;
		static char stack[16384] __attribute__((aligned(16)));
		struct seen s = { 0, 0, 7 };
		call_on_stack(stack + sizeof stack, on_other_stack, &s);
		ok = ok && pthread_equal(s.self, me) && s.err == 4242 && errno == 1007;
		_exit(ok ? 0 : 1);
	}
	int st;
	CHECK(c > 0);
	CHECK(waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	return NULL;
}

int main(void)
{
	static pthread_t th[THREADS];
	pthread_t main_self = pthread_self();
	CHECK(pthread_barrier_init(&all_up, NULL, THREADS) == 0);
	errno = 3;
	for (int i = 0; i < THREADS; i++)
		CHECK(pthread_create(&th[i], NULL, worker, (void *)(intptr_t)i) == 0);
	for (int i = 0; i < THREADS; i++) {
		void *r = NULL;
		CHECK(pthread_join(th[i], &r) == 0 && r == (void *)(intptr_t)(i + 1));
	}
	CHECK(errno == 3); /* the threads' errno values were theirs */
	/* the main thread on another stack is still the main thread */
	struct seen s = { 0, 0, 9 };
	static char stack[16384] __attribute__((aligned(16)));
	call_on_stack(stack + sizeof stack, on_other_stack, &s);
	CHECK(pthread_equal(s.self, main_self) && s.err == 3 && errno == 1009);
	pthread_t f;
	CHECK(pthread_create(&f, NULL, forker, NULL) == 0 && pthread_join(f, NULL) == 0);
	if (!fails)
		printf("@@PASS " NAME "\n");
	return fails != 0;
}
