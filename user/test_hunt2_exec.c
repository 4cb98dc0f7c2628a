/* hunt2_exec_threads: exec and posix_spawn while the caller's other
 * threads run, fault, map, unmap and write pipes on other CPUs, and kill
 * -9 in the middle of them.  Each worker starts three busy threads and
 * then execs this program again (mode "img"), whose new image must be
 * alone and clean: its data as the file has it, a fresh mapping reading
 * zeros, an address the old image's threads map and unmap all the time
 * its own (no late request of theirs may change it), and it exits 42; or posix_spawns it from a busy thread and exits
 * with the spawned child's status; or is killed with SIGKILL at a varying
 * moment.  Every worker must end as its kind says, nothing may hang, and
 * the free frames must come back. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#define T "hunt2_exec_threads"
#include "linux_frames.h"
#define WORKERS 12
#define HANG_MS 20000

extern char **environ;
static const char *self;
static int data_word = 12345; /* the file's value: exec must bring it back */
static int pfd[2];
#define FIXED ((char *)0x300000000000ull) /* both images map it */
#define FIXED_LEN (16 * 4096)

static void *busy(void *arg)
{
	uintptr_t k = (uintptr_t)arg;
	for (uint64_t n = 0;; n++) {
		char *m = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			       -1, 0);
		if (m == MAP_FAILED)
			continue;
		for (int i = 0; i < 3; i++)
			m[i * 4096 + (int)k] = (char)n;
		data_word = (int)(n + k);
		munmap(m, 3 * 4096);
		if (k == 2) { /* a request that, late, would hurt the new image */
			if (mmap(FIXED, FIXED_LEN, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == FIXED)
				FIXED[n % FIXED_LEN] = 1;
			munmap(FIXED, FIXED_LEN);
		}
		char b = (char)n;
		if (write(pfd[1], &b, 1) == 1 && read(pfd[0], &b, 1) != 1)
			continue;
	}
	return NULL;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };
	nanosleep(&ts, NULL);
}

/* The new image: alone, its data as in the file, fresh memory zero. */
static int img(void)
{
	if (data_word != 12345)
		return 10;
	char *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return 11;
	for (int i = 0; i < 4096; i++)
		if (m[i])
			return 12;
	/* nothing of the old image's calls may reach this one */
	char *f = mmap(FIXED, FIXED_LEN, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (f != FIXED)
		return 13;
	memset(f, 7, FIXED_LEN);
	sleep_ms(5);
	for (int i = 0; i < FIXED_LEN; i++)
		if (f[i] != 7)
			return 14;
	return 42;
}


static void *spawner(void *arg)
{
	(void)arg;
	pid_t c;
	char *v[] = { (char *)self, "img", NULL };
	if (posix_spawn(&c, self, NULL, NULL, v, environ))
		_exit(20);
	int st;
	if (waitpid(c, &st, 0) != c)
		_exit(21);
	_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 22);
}

static void worker(int k)
{
	if (pipe(pfd))
		_exit(30);
	pthread_t th;
	for (uintptr_t i = 0; i < 3; i++)
		if (pthread_create(&th, NULL, busy, (void *)i))
			_exit(31);
	sleep_ms(1 + k % 4);
	if (k % 3 == 1)
		spawner(NULL);
	execl(self, self, "img", (char *)NULL);
	_exit(32);
}

static int wait_bounded(pid_t pid)
{
	int st;
	for (long t = 0; t < HANG_MS; t += 2) {
		pid_t w = waitpid(pid, &st, WNOHANG);
		if (w == pid)
			return st;
		if (w < 0)
			return -2;
		sleep_ms(2);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	return -1;
}

static int run(void)
{
	int bad = 0;
	for (int k = 0; k < WORKERS; k++) {
		fflush(stdout);
		pid_t c = fork();
		if (c < 0) {
			printf("@@FAIL " T ": fork errno %d\n", errno);
			return 1;
		}
		if (c == 0)
			worker(k);
		int killed = k % 3 == 2;
		if (killed) {
			sleep_ms(k % 6);
			kill(c, SIGKILL);
		}
		int st = wait_bounded(c);
		if (st == -1) {
			printf("@@FAIL " T ": worker %d hangs\n", k);
			bad = 1;
		} else if (!(WIFEXITED(st) && WEXITSTATUS(st) == 42) &&
			   !(killed && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL)) {
			printf("@@FAIL " T ": worker %d status %#x\n", k, st);
			bad = 1;
		}
	}
	return bad;
}

int main(int argc, char **argv)
{
	self = argv[0];
	if (argc > 1)
		return img();
	return run_twice_counted(run);
}
