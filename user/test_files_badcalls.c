/* The pager refuses the new requests' bad forms (E_INVAL), changing
 * nothing: PG_IO_EXEC's kept mappings (K) that are not libsys's whole
 * mapping of an object (an anonymous mapping, a second mapping of a file,
 * one address twice, too many), and PG_MREMAP_PRIVATE's second mapping of
 * what is not MAP_SHARED memory or of a private mapping; PG_PSH_SIZE on a
 * private file mapping.  The caller goes on, its file intact, no frame
 * lost. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "abi/err.h"
#include "abi/pager.h"
#include "sys/ipc.h"
#include "sys/test.h"

int libsys_pg_call(struct sys_msg *m);
char *libsys_ipc_buf(void);
int libsys_fd_shm(int fd);
uint64_t libsys_shm_base(int shm);

#define T "files_badcalls"
static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL " T ": line %d: %s\n", __LINE__, #c); fails++; } } while (0)

/* PG_IO_EXEC of this program with the k addresses at (no drops, no carry). */
static int exec_keeping(const uint64_t *at, uint32_t k)
{
	static const char name[] = "test_files_badcalls";
	char *b = libsys_ipc_buf();
	memcpy(b, name, sizeof name);
	memcpy(b + sizeof name, at, k * sizeof *at);
	struct sys_msg m = { .label = IPC_LABEL(PG_IO_EXEC, sizeof name + k * sizeof *at),
			     .w = { sizeof name, 0, k } };
	return libsys_pg_call(&m);
}

static int alias(void *a, size_t len, uint64_t flags, uint64_t *out)
{
	struct sys_msg m = { .label = PG_MREMAP, .w = { (uint64_t)(uintptr_t)a, 0, len, flags } };
	int e = libsys_pg_call(&m);
	*out = m.w[0];
	return e;
}

static int run(void)
{
	int fd = open("/tmp/files_badcalls", O_CREAT | O_RDWR | O_TRUNC, 0600);
	CHECK(fd >= 0 && write(fd, "kept", 4) == 4);
	uint64_t base = libsys_shm_base(libsys_fd_shm(fd));
	char *anon = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *sh = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	char *pv = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	CHECK(base && anon != MAP_FAILED && sh != MAP_FAILED && pv != MAP_FAILED);
	anon[0] = 1;
	pv[0] = 'P';

	uint64_t bad[PG_EXEC_KEEP_MAX + 1];
	bad[0] = (uint64_t)(uintptr_t)anon;
	CHECK(exec_keeping(bad, 1) == E_INVAL);
	bad[0] = (uint64_t)(uintptr_t)sh;
	CHECK(exec_keeping(bad, 1) == E_INVAL);
	bad[0] = (uint64_t)(uintptr_t)pv;
	CHECK(exec_keeping(bad, 1) == E_INVAL);
	bad[0] = base + 4096;
	CHECK(exec_keeping(bad, 1) == E_INVAL);
	bad[0] = bad[1] = base;
	CHECK(exec_keeping(bad, 2) == E_INVAL);
	for (int i = 0; i <= PG_EXEC_KEEP_MAX; i++)
		bad[i] = base;
	CHECK(exec_keeping(bad, PG_EXEC_KEEP_MAX + 1) == E_INVAL);
	bad[0] = 0;
	CHECK(exec_keeping(bad, 1) == E_INVAL);

	uint64_t at = 0;
	CHECK(alias(anon, 4096, MREMAP_MAYMOVE | PG_MREMAP_PRIVATE, &at) == E_INVAL);
	CHECK(alias(pv, 4096, MREMAP_MAYMOVE | PG_MREMAP_PRIVATE, &at) == E_INVAL);
	CHECK(alias(pv, 4096, MREMAP_MAYMOVE, &at) == E_INVAL);
	CHECK(mremap(pv, 0, 4096, MREMAP_MAYMOVE) == MAP_FAILED && errno == EINVAL);
	struct sys_msg m = { .label = PG_PSH_SIZE, .w = { (uint64_t)(uintptr_t)pv, 0, PG_PSH_SET } };
	CHECK(libsys_pg_call(&m) == E_INVAL);

	/* nothing changed */
	char buf[8] = "";
	CHECK(pread(fd, buf, sizeof buf, 0) == 4 && !memcmp(buf, "kept", 4));
	CHECK(sh[0] == 'k' && pv[0] == 'P' && anon[0] == 1);
	munmap(anon, 8192);
	munmap(sh, 4096);
	munmap(pv, 4096);
	close(fd);
	unlink("/tmp/files_badcalls");
	return fails;
}

int main(void)
{
	if (run())
		return 1;
	uint64_t before = frames_steady(3000);
	if (run())
		return 1;
	uint64_t after = frames_settle(before, 3000);
	printf(T ": %lu free frames before, %lu after\n", (unsigned long)before,
	       (unsigned long)after);
	if (after < before) {
		printf("@@FAIL " T ": %lu frames lost\n", (unsigned long)(before - after));
		return 1;
	}
	printf("@@PASS " T "\n");
	return 0;
}
