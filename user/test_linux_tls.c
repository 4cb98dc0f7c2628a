#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL linux_tls: line %d: %s\n", __LINE__, #c); fails++; } } while (0)

static __thread int tls_counter = 100;
static __thread char tls_buf[64] = "initial";
static __thread long tls_zero;
_Thread_local double tls_d = 1.5;
static pthread_barrier_t bar;

static void *worker(void *arg)
{
	int id = (int)(intptr_t)arg;
	int ok = tls_counter == 100 && strcmp(tls_buf, "initial") == 0 && tls_zero == 0 && tls_d == 1.5;
	tls_counter = id;
	snprintf(tls_buf, sizeof tls_buf, "thread %d", id);
	tls_zero = id * 1000L;
	tls_d = id * 0.5;
	pthread_barrier_wait(&bar);   /* all wrote: each still sees its own */
	for (int i = 0; i < 1000; i++) tls_counter++;
	char want[64];
	snprintf(want, sizeof want, "thread %d", id);
	ok = ok && tls_counter == id + 1000 && strcmp(tls_buf, want) == 0 &&
	     tls_zero == id * 1000L && tls_d == id * 0.5;
	return (void *)(intptr_t)ok;
}

int main(void)
{
	CHECK(tls_counter == 100);
	tls_counter = 7;
	pthread_t t[4];
	pthread_barrier_init(&bar, NULL, 4);
	for (int i = 0; i < 4; i++) pthread_create(&t[i], NULL, worker, (void *)(intptr_t)(i + 1));
	for (int i = 0; i < 4; i++) {
		void *r;
		pthread_join(t[i], &r);
		CHECK(r == (void *)1);
	}
	CHECK(tls_counter == 7);
	CHECK(strcmp(tls_buf, "initial") == 0);
	int *addr = &tls_counter;
	*addr = 9;
	CHECK(tls_counter == 9);
	pid_t pid = fork();
	if (pid == 0)
		_exit(tls_counter == 9 && tls_d == 1.5 ? 0 : 1);
	int st;
	waitpid(pid, &st, 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	if (!fails)
		printf("@@PASS linux_tls\n");
	return fails != 0;
}
