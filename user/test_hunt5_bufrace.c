/* hunt5_bufrace: memory passed to a system call or to a waiting pager
 * call (a pipe read the pager keeps saved) taken away meanwhile, and exec
 * while threads wait in the pager.  Scenarios:
 *   unmap   threads block reading a pipe into buffers that sibling threads
 *           munmap, mremap elsewhere or mprotect read-only, then map
 *           again; a writer process sends marked bytes; watcher processes
 *           keep fresh pages and check they hold only zeros or their own
 *           bytes (a read completed into a frame given away would show
 *           the mark in another process)
 *   calls   threads pass buffers that siblings unmap and map again to
 *           clock_gettime, pread of a /proc file, pipe write and read,
 *           getrandom, uname and sysinfo: each call succeeds or fails
 *           (EFAULT), the process is never killed
 *   exec    threads of a process block in a pipe read (into a page),
 *           poll and a futex wait while one faults, and the main thread
 *           execs the program; the new image maps that page's address
 *           again and checks it stays zero while the writer fills the
 *           pipe (the old image's saved read must not land in the new)
 * Then: no hang, no process killed (but a member of the first two by
 * SIGSEGV: a copy made in ring 3 by libsys, a pipe read's, met the buffer
 * gone; Linux fails those calls EFAULT), no mark seen where it must not be,
 * and every frame back.  A plain Linux program: make linux-check
 * PROG=user/test_hunt5_bufrace.c. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sysinfo.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#define T "hunt5_bufrace"
#include "linux_frames.h"

#define PG 4096
#define MARK 0xab
#define ROUND_MS 600
#define SLOTS 4
#define FIXED_AT ((char *)0x6f0000000000ul)

static const char *self;
static volatile int *stop; /* shared */
static int pfd[2];

static void nap_us(long us)
{
	struct timespec ts = { us / 1000000, (us % 1000000) * 1000L };
	nanosleep(&ts, NULL);
}

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- unmap ---- */
static char *volatile slot[SLOTS];

static void *slot_reader(void *arg)
{
	uintptr_t k = (uintptr_t)arg;
	while (!*stop) {
		char *b = slot[k];
		if (b)
			read(pfd[0], b, 2 * PG); /* EFAULT, or bytes into whatever is there */
	}
	return NULL;
}

static void *slot_mover(void *arg)
{
	uint32_t s = (uint32_t)(uintptr_t)arg * 7919u + 1;
	while (!*stop) {
		s = s * 1103515245u + 12345u;
		unsigned k = (s >> 8) % SLOTS;
		char *b = slot[k];
		nap_us((s >> 4) % 500);
		switch ((s >> 16) % 3) {
		case 0:
			munmap(b, 2 * PG);
			break;
		case 1: {
			char *n = mremap(b, 2 * PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_FIXED,
					 FIXED_AT + (uint64_t)k * 0x100000 + ((s >> 20) & 1) * 0x10000);
			if (n != MAP_FAILED)
				munmap(n, 2 * PG);
			break;
		}
		default:
			mprotect(b, 2 * PG, PROT_READ);
			nap_us(100);
			munmap(b, 2 * PG);
		}
		char *n = mmap(b, 2 * PG, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
		if (n == MAP_FAILED)
			_exit(3);
	}
	return NULL;
}

/* Keep fresh pages, each ours: zeros, then our own byte, never MARK. */
static _Noreturn void watcher(int w)
{
	while (!*stop) {
		unsigned char *p = mmap(NULL, 16 * PG, PROT_READ | PROT_WRITE,
					MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			continue;
		for (int i = 0; i < 16 * PG; i += 64)
			if (p[i])
				_exit(10);
		memset(p, w + 1, 16 * PG);
		nap_us(300);
		for (int i = 0; i < 16 * PG; i++)
			if (p[i] != (unsigned char)(w + 1))
				_exit(11);
		munmap(p, 16 * PG);
	}
	_exit(0);
}

static _Noreturn void writer(void)
{
	static char b[PG];
	memset(b, MARK, sizeof b);
	fcntl(pfd[1], F_SETFL, O_NONBLOCK); /* (nobody may read at the end) */
	while (!*stop) {
		write(pfd[1], b, 1 + (size_t)(now_ms() % PG));
		nap_us(50);
	}
	_exit(0);
}

static _Noreturn void unmap_member(void)
{
	for (int k = 0; k < SLOTS; k++) {
		slot[k] = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (slot[k] == MAP_FAILED)
			_exit(2);
	}
	pthread_t t[SLOTS + 2];
	for (uintptr_t k = 0; k < SLOTS; k++)
		pthread_create(&t[k], NULL, slot_reader, (void *)k);
	for (uintptr_t k = 0; k < 2; k++)
		pthread_create(&t[SLOTS + k], NULL, slot_mover, (void *)k);
	while (!*stop)
		nap_us(2000);
	_exit(0); /* (readers may wait in the pipe still: exit_group) */
}

/* ---- calls ---- */
static char *volatile cbuf;

static void *caller(void *arg)
{
	uintptr_t k = (uintptr_t)arg;
	int fd = open("/proc/self/status", O_RDONLY);
	while (!*stop) {
		char *b = cbuf + (k * 97) % PG;
		switch (k++ % 6) { /* raw: glibc copies some in ring 3 (the vDSO) */
		case 0: syscall(SYS_clock_gettime, CLOCK_MONOTONIC, (struct timespec *)b); break;
		case 1: if (fd >= 0) syscall(SYS_pread64, fd, b, PG, 0); break;
		case 2: syscall(SYS_write, pfd[1], b, 100); break;
		case 3: syscall(SYS_getrandom, b, 300, 0); break;
		case 4: syscall(SYS_uname, b); break;
		default: syscall(SYS_sysinfo, b);
		}
	}
	return NULL;
}

static void *drainer(void *arg)
{
	(void)arg;
	static char b[PG];
	fcntl(pfd[0], F_SETFL, O_NONBLOCK);
	while (!*stop)
		if (read(pfd[0], b, sizeof b) <= 0)
			nap_us(100);
	return NULL;
}

static _Noreturn void calls_member(void)
{
	/* Our writes never wait (the writer's O_NONBLOCK is its own here:
	 * libsys keeps a description's flags per process). */
	fcntl(pfd[1], F_SETFL, O_NONBLOCK);
	cbuf = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	pthread_t t[4];
	for (uintptr_t k = 0; k < 3; k++)
		pthread_create(&t[k], NULL, caller, (void *)k);
	pthread_create(&t[3], NULL, drainer, NULL);
	for (unsigned n = 0; !*stop; n++) {
		nap_us(n % 300);
		if (n % 2)
			mprotect(cbuf, 2 * PG, PROT_NONE);
		else
			munmap(cbuf, 2 * PG);
		nap_us(n % 200);
		if (mmap(cbuf, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
			 -1, 0) == MAP_FAILED)
			_exit(4);
	}
	for (int k = 0; k < 4; k++)
		pthread_join(t[k], NULL);
	_exit(0);
}

/* ---- exec ---- */
static volatile uint32_t fword;

static void *exec_reader(void *arg)
{
	(void)arg;
	read(pfd[0], FIXED_AT, 2 * PG);
	return NULL;
}

static void *exec_poller(void *arg)
{
	(void)arg;
	struct pollfd p = { pfd[0], POLLIN, 0 };
	poll(&p, 1, -1);
	return NULL;
}

static void *exec_waiter(void *arg)
{
	(void)arg;
	syscall(SYS_futex, &fword, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
	return NULL;
}

static void *exec_faulter(void *arg)
{
	(void)arg;
	for (uintptr_t n = 0;; n++) {
		char *p = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p != MAP_FAILED) {
			for (int i = 0; i < 4; i++)
				p[i * PG] = (char)n;
			munmap(p, 4 * PG);
		}
	}
	return NULL;
}

static _Noreturn void exec_member(int n)
{
	if (mmap(FIXED_AT, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
		 -1, 0) == MAP_FAILED)
		_exit(5);
	pthread_t t;
	pthread_create(&t, NULL, exec_reader, NULL);
	pthread_create(&t, NULL, exec_reader, NULL);
	pthread_create(&t, NULL, exec_poller, NULL);
	pthread_create(&t, NULL, exec_waiter, NULL);
	pthread_create(&t, NULL, exec_faulter, NULL);
	nap_us(200 + (n * 373) % 3000);
	char a[16];
	snprintf(a, sizeof a, "%d", n);
	execl(self, self, "execd", a, (char *)NULL);
	_exit(6);
}

/* The new image: the page at FIXED_AT, mapped afresh, stays zero. */
static int execd(void)
{
	unsigned char *p = mmap(FIXED_AT, 2 * PG, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	if (p == MAP_FAILED)
		return 7;
	long end = now_ms() + 100;
	while (now_ms() < end)
		for (int i = 0; i < 2 * PG; i++)
			if (p[i])
				return 8;
	return 0;
}

/* ---- the rounds ---- */
/* Status st is a SIGKILL and the OOM killer killed since oom0. */
static bool small_mem; /* under 96 MiB: an exec may fail past its point of
			* no return for want of memory (SIGKILL, as Linux's) */

static bool oomed(int st, unsigned long oom0)
{
	return WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL &&
	       (oom_kills_now() != oom0 || small_mem);
}

static pid_t start_member(const char *what, int m)
{
	pid_t p = fork();
	if (p)
		return p;
	if (!strcmp(what, "unmap"))
		unmap_member();
	if (!strcmp(what, "calls"))
		calls_member();
	exec_member(m);
}

static int round_of(const char *what)
{
	*stop = 0;
	unsigned long oom0 = oom_kills_now();
	if (pipe(pfd))
		return 1;
	pid_t pids[16];
	int n = 0;
	pids[n++] = fork();
	if (!pids[n - 1])
		writer();
	for (int w = 0; w < 3; w++) {
		pids[n++] = fork();
		if (!pids[n - 1])
			watcher(w);
	}
	int first = n;
	int members = !strcmp(what, "exec") ? 6 : 2;
	for (int m = 0; m < members; m++)
		pids[n++] = start_member(what, m);
	/* A member whose copy in ring 3 (libsys's, glibc's) met its buffer
	 * unmapped ends by SIGSEGV (Linux's read fails EFAULT; here libsys
	 * copies a pipe's bytes itself): another is started. */
	int fails = 0;
	long end = now_ms() + ROUND_MS;
	while (now_ms() < end) {
		int st;
		pid_t w = waitpid(-1, &st, WNOHANG);
		if (w <= 0) {
			nap_us(1000);
			continue;
		}
		for (int i = 0; i < first; i++)
			if (pids[i] == w && oomed(st, oom0))
				pids[i] = 0;
			else if (pids[i] == w) {
				printf("@@FAIL " T ": %s: %s %d ended %#x early\n", what,
				       i ? "watcher" : "the writer", i, st);
				fails++;
				pids[i] = 0;
			}
		for (int i = first; i < n; i++) {
			if (pids[i] != w)
				continue;
			bool ok = members == 2 ? WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV
					       : WIFEXITED(st) && WEXITSTATUS(st) == 0;
			if (!ok && !oomed(st, oom0)) {
				printf("@@FAIL " T ": %s: member %d ended %#x\n", what, i, st);
				fails++;
			}
			pids[i] = start_member(what, i - first);
		}
	}
	*stop = 1;
	long give_up = now_ms() + 20000;
	for (int i = 0; i < n; i++) {
		int st = 0;
		pid_t w;
		if (!pids[i])
			continue;
		while ((w = waitpid(pids[i], &st, WNOHANG)) == 0 && now_ms() < give_up)
			nap_us(2000);
		if (w == 0) {
			printf("@@FAIL " T ": %s: process %d (pid %d) did not end\n", what, i, (int)pids[i]);
			kill(pids[i], SIGKILL);
			waitpid(pids[i], &st, 0);
			fails++;
		} else if ((i >= first && members == 2 && WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV) ||
			   oomed(st, oom0)) {
			/* (as above) */
		} else if (!WIFEXITED(st) || WEXITSTATUS(st)) {
			printf("@@FAIL " T ": %s: %s %d ended %#x\n", what,
			       i == 0 ? "the writer" : i < first ? "watcher" : "member", i, st);
			fails++;
		}
	}
	close(pfd[0]);
	close(pfd[1]);
	return fails;
}

static int run(void)
{
	int fails = 0;
	const char *w[] = { "unmap", "calls", "exec" };
	for (int i = 0; i < 3; i++)
		fails += round_of(w[i]);
	return fails;
}

int main(int argc, char **argv)
{
	self = argv[0];
	if (argc > 2 && !strcmp(argv[1], "execd"))
		return execd();
	setvbuf(stdout, NULL, _IONBF, 0);
	signal(SIGPIPE, SIG_IGN);
	stop = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (stop == MAP_FAILED)
		return 1;
	struct sysinfo si;
	small_mem = sysinfo(&si) == 0 && (uint64_t)si.totalram * si.mem_unit < (96ull << 20);
	if (argc > 2) { /* one scenario, rounds: for longer runs */
		int fails = 0;
		for (int r = 0; r < atoi(argv[2]) && !fails; r++)
			fails += round_of(argv[1]);
		if (!fails)
			printf("@@PASS " T "\n");
		return fails != 0;
	}
	return run_twice_counted(run);
}
