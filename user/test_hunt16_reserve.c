/* hunt16_reserve: address space reserved large and used sparsely, as
 * garbage-collected runtimes do (a plain Linux program, checked on Linux
 * 6.1).  64 GiB mapped PROT_NONE with MAP_NORESERVE; 1 MiB pieces at
 * scattered offsets made PROT_READ|PROT_WRITE and written; a read of a
 * piece still PROT_NONE is SIGSEGV SEGV_ACCERR at that address; a fork
 * child sees the pieces' bytes; /proc/self/maps lists the pieces apart
 * (at least one line per piece); 500 one-page holes punched with munmap
 * in another mapping leave its other pages as they were; everything
 * unmapped, the free memory comes back. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define NAME "hunt16_reserve"
#define RESERVE (64ull << 30)
#define PIECE (1u << 20)
#define NPIECES 24

static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL %s: line %d: %s\n", NAME, __LINE__, #c); fails++; } } while (0)

static sigjmp_buf jb;
static void *volatile fault_addr;
static volatile int fault_code;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	fault_addr = si->si_addr;
	fault_code = si->si_code;
	siglongjmp(jb, 1);
}

static uint64_t piece_off(int i)
{
	return ((uint64_t)i * 2654435761u % (RESERVE / PIECE - 1)) * PIECE;
}

static int count_maps_in(char *lo, char *hi)
{
	FILE *f = fopen("/proc/self/maps", "r");
	if (!f)
		return -1;
	char line[512];
	int n = 0;
	while (fgets(line, sizeof line, f)) {
		unsigned long a, b;
		if (sscanf(line, "%lx-%lx", &a, &b) == 2 && a >= (unsigned long)lo &&
		    b <= (unsigned long)hi && strstr(line, "rw-p"))
			n++;
	}
	fclose(f);
	return n;
}

int main(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	long avail0 = sysconf(_SC_AVPHYS_PAGES);
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSEGV, &sa, NULL);

	char *r = mmap(NULL, RESERVE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	CHECK(r != MAP_FAILED);
	if (r == MAP_FAILED)
		return 0;
	for (int i = 0; i < NPIECES; i++) {
		char *p = r + piece_off(i);
		CHECK(mprotect(p, PIECE, PROT_READ | PROT_WRITE) == 0);
		for (size_t o = 0; o < PIECE; o += (size_t)pg)
			p[o] = (char)(i + 1);
	}
	char *hole = r + piece_off(NPIECES) + PIECE / 2;
	if (sigsetjmp(jb, 1) == 0) {
		volatile char c = *hole;
		(void)c;
		CHECK(!"read of PROT_NONE did not fault");
	} else {
		CHECK(fault_addr == hole && fault_code == SEGV_ACCERR);
	}
	CHECK(count_maps_in(r, r + RESERVE) >= NPIECES);
	pid_t pid = fork();
	if (pid == 0) {
		int bad = 0;
		for (int i = 0; i < NPIECES; i++) {
			char *p = r + piece_off(i);
			for (size_t o = 0; o < PIECE; o += (size_t)pg)
				if (p[o] != (char)(i + 1))
					bad++;
			p[0] = 0;
		}
		_exit(bad ? 1 : 0);
	}
	int st = 0;
	waitpid(pid, &st, 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK(r[piece_off(3)] == 4);
	CHECK(munmap(r, RESERVE) == 0);

	/* 500 holes */
	size_t n = 1001;
	char *m = mmap(NULL, n * (size_t)pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(m != MAP_FAILED);
	for (size_t i = 0; i < n; i++)
		m[i * (size_t)pg] = (char)(i % 251 + 1);
	for (size_t i = 1; i < n; i += 2)
		CHECK(munmap(m + i * (size_t)pg, (size_t)pg) == 0);
	int bad = 0;
	for (size_t i = 0; i < n; i += 2)
		if (m[i * (size_t)pg] != (char)(i % 251 + 1))
			bad++;
	CHECK(bad == 0);
	CHECK(count_maps_in(m, m + n * (size_t)pg) == 501);
	for (size_t i = 0; i < n; i += 2)
		CHECK(munmap(m + i * (size_t)pg, (size_t)pg) == 0);
	long avail1 = sysconf(_SC_AVPHYS_PAGES);
	printf("%s: free pages %ld before, %ld after\n", NAME, avail0, avail1);
	CHECK(avail1 >= avail0 - avail0 / 100);
	if (!fails)
		printf("@@PASS %s\n", NAME);
	return 0;
}
