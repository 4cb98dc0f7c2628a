/* A malloc torture test: four threads each run thousands of random
 * malloc/calloc/realloc/free steps over their own slots, every block
 * filled with a pattern checked before it is resized or freed; then a
 * fork, whose child checks and frees everything the parent holds while
 * the parent does the same to its copy. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL linux2_heapstress: line %d: %s (errno %d)\n", __LINE__, #c, errno); fails++; } } while (0)

#define T 4
#define SLOTS 256
#define STEPS 6000

struct slot { unsigned char *p; size_t n; unsigned char tag; };
static struct slot slots[T][SLOTS];

static unsigned next(unsigned *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 8;
}

static int check(const struct slot *s)
{
	for (size_t i = 0; i < s->n; i += 61)
		if (s->p[i] != (unsigned char)(s->tag + i))
			return 0;
	return !s->n || s->p[s->n - 1] == (unsigned char)(s->tag + s->n - 1);
}

static void fill(struct slot *s, size_t from)
{
	for (size_t i = from; i < s->n; i++)
		s->p[i] = (unsigned char)(s->tag + i);
}

static size_t pick_size(unsigned *seed)
{
	unsigned r = next(seed);
	switch (r % 8) {
	case 0: return r % 8;                    /* tiny, 0 too */
	case 1: case 2: case 3: return 8 + r % 120;
	case 4: case 5: return 128 + r % 2000;
	case 6: return 4096 + r % 30000;
	default: return (r % 4) ? 100 : 100000 + r % 200000; /* sometimes big */
	}
}

static void *worker(void *arg)
{
	int id = (int)(intptr_t)arg;
	unsigned seed = 1234u + (unsigned)id * 77u;
	long bad = 0;
	for (int step = 0; step < STEPS; step++) {
		struct slot *s = &slots[id][next(&seed) % SLOTS];
		if (s->p && !check(s))
			bad++;
		switch (next(&seed) % 4) {
		case 0:
			free(s->p);
			s->p = NULL;
			s->n = 0;
			break;
		case 1: {
			size_t n = pick_size(&seed);
			unsigned char *q = realloc(s->p, n ? n : 1);
			if (!q) {
				bad++;
				break;
			}
			size_t old = s->n < n ? s->n : n;
			s->p = q;
			s->n = n;
			fill(s, old);
			break;
		}
		case 2:
			if (!s->p) {
				s->n = pick_size(&seed);
				s->p = calloc(1, s->n ? s->n : 1);
				if (!s->p) {
					bad++;
					break;
				}
				for (size_t i = 0; i < s->n; i++)
					bad += s->p[i] != 0;
				s->tag = (unsigned char)next(&seed);
				fill(s, 0);
			}
			break;
		default:
			if (!s->p) {
				s->n = pick_size(&seed);
				s->p = malloc(s->n);
				if (!s->p && s->n) {
					bad++;
					break;
				}
				s->tag = (unsigned char)next(&seed);
				fill(s, 0);
			}
		}
	}
	return (void *)bad;
}

static long check_and_free_all(void)
{
	long bad = 0;
	for (int t = 0; t < T; t++)
		for (int i = 0; i < SLOTS; i++) {
			struct slot *s = &slots[t][i];
			if (s->p && !check(s))
				bad++;
			free(s->p);
			s->p = NULL;
			s->n = 0;
		}
	return bad;
}

int main(void)
{
	pthread_t th[T];
	for (int i = 0; i < T; i++)
		CHECK(pthread_create(&th[i], NULL, worker, (void *)(intptr_t)i) == 0);
	long bad = 0;
	for (int i = 0; i < T; i++) {
		void *r;
		CHECK(pthread_join(th[i], &r) == 0);
		bad += (long)r;
	}
	CHECK(bad == 0);
	pid_t c = fork();
	if (c == 0)
		_exit(check_and_free_all() == 0 ? 0 : 1);
	CHECK(check_and_free_all() == 0);
	int st;
	CHECK(waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	/* the heap is usable after all that */
	char *big = malloc(8 << 20);
	CHECK(big != NULL);
	memset(big, 1, 8 << 20);
	free(big);
	if (!fails)
		printf("@@PASS linux2_heapstress\n");
	return fails != 0;
}
