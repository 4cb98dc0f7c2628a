/* A fork tree: 50 children in a loop, each checks its copy-on-write view
 * of the parent's arrays (static, heap, stack), writes its own, exits
 * with its index; the parent waits for every one by pid and checks the
 * codes and that its own data never changed. Then a chain of nested
 * forks, each level waiting for the next. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL linux2_forktree: line %d: %s (errno %d)\n", __LINE__, #c, errno); fails++; } } while (0)

#define N 50
#define LEN (256 * 1024)
static unsigned char data[LEN];

static int chain(int depth)
{
	if (depth == 0)
		return 0;
	pid_t c = fork();
	if (c < 0)
		return 100;
	if (c == 0)
		_exit(chain(depth - 1) + 1);
	int st;
	if (waitpid(c, &st, 0) != c || !WIFEXITED(st))
		return 100;
	return WEXITSTATUS(st);
}

int main(void)
{
	unsigned char *heap = malloc(LEN);
	unsigned char stack[8192];
	for (int i = 0; i < LEN; i++) {
		data[i] = (unsigned char)(i * 31);
		heap[i] = (unsigned char)(i * 17);
	}
	memset(stack, 's', sizeof stack);
	pid_t kids[N];
	for (int k = 0; k < N; k++) {
		kids[k] = fork();
		CHECK(kids[k] >= 0);
		if (kids[k] == 0) {
			for (int i = 0; i < LEN; i += 4093)
				if (data[i] != (unsigned char)(i * 31) || heap[i] != (unsigned char)(i * 17))
					_exit(200);
			if (stack[8191] != 's')
				_exit(201);
			/* write a stripe of our own */
			for (int i = k * 4096; i < LEN; i += N * 4096) {
				data[i] = 0xee;
				heap[i] = 0xee;
			}
			stack[0] = 'c';
			if (getppid() <= 0)
				_exit(202);
			_exit(k);
		}
	}
	int ok = 0;
	for (int k = N - 1; k >= 0; k--) {
		int st;
		pid_t w = waitpid(kids[k], &st, 0);
		CHECK(w == kids[k]);
		if (w == kids[k] && WIFEXITED(st) && WEXITSTATUS(st) == k)
			ok++;
	}
	CHECK(ok == N);
	int same = 1;
	for (int i = 0; i < LEN; i++)
		if (data[i] != (unsigned char)(i * 31) || heap[i] != (unsigned char)(i * 17))
			same = 0;
	CHECK(same && stack[0] == 's');
	errno = 0;
	CHECK(waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD);
	CHECK(chain(12) == 12);

	/* children that fork grandchildren; wait(NULL) reaps in any order */
	for (int k = 0; k < 8; k++) {
		pid_t c = fork();
		if (c == 0) {
			pid_t g = fork();
			if (g == 0)
				_exit(3);
			int st;
			_exit(waitpid(g, &st, 0) == g && WEXITSTATUS(st) == 3 ? 4 : 5);
		}
	}
	int fours = 0;
	for (int k = 0; k < 8; k++) {
		int st;
		CHECK(wait(&st) > 0);
		fours += WIFEXITED(st) && WEXITSTATUS(st) == 4;
	}
	CHECK(fours == 8);
	free(heap);
	if (!fails)
		printf("@@PASS linux2_forktree\n");
	return fails != 0;
}
