/* What a program asks about the machine: sysconf (page size, CPUs,
 * physical and available pages, open files, clock ticks), getpagesize,
 * get_nprocs, sysinfo, uname; the answers agree with each other. */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <unistd.h>

static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL linux2_sysconf: line %d: %s (errno %d)\n", __LINE__, #c, errno); fails++; } } while (0)

int main(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	CHECK(pg == 4096);
	CHECK(sysconf(_SC_PAGE_SIZE) == pg && getpagesize() == pg);
	long on = sysconf(_SC_NPROCESSORS_ONLN), conf = sysconf(_SC_NPROCESSORS_CONF);
	CHECK(on >= 1 && conf >= on && on <= 1024);
	CHECK(get_nprocs() == on && get_nprocs_conf() == conf);
	long phys = sysconf(_SC_PHYS_PAGES), av = sysconf(_SC_AVPHYS_PAGES);
	CHECK(phys > 1000 && av > 0 && av <= phys);
	CHECK(get_phys_pages() == phys);
	CHECK(get_avphys_pages() > 0);
	CHECK(sysconf(_SC_OPEN_MAX) >= 16);
	CHECK(sysconf(_SC_CLK_TCK) == 100);
	CHECK(sysconf(_SC_ARG_MAX) > 0);
	CHECK(sysconf(_SC_CHILD_MAX) != 0);
	CHECK(sysconf(_SC_THREAD_STACK_MIN) >= 0);
	CHECK(sysconf(_SC_LINE_MAX) >= 2048 || sysconf(_SC_LINE_MAX) == -1);
	errno = 0;
	CHECK(sysconf(-12345) == -1 && errno == EINVAL);

	/* available pages drop when memory is touched */
	size_t len = 16 << 20;
	char *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	CHECK(m != MAP_FAILED);
	memset(m, 1, len);
	CHECK(sysconf(_SC_AVPHYS_PAGES) < phys);
	munmap(m, len);

	struct sysinfo si;
	CHECK(sysinfo(&si) == 0);
	CHECK(si.mem_unit >= 1);
	unsigned long long total = (unsigned long long)si.totalram * si.mem_unit;
	unsigned long long freeb = (unsigned long long)si.freeram * si.mem_unit;
	CHECK(total >= (unsigned long long)phys * pg / 2 && total <= (unsigned long long)phys * pg * 2);
	CHECK(freeb > 0 && freeb <= total);
	CHECK(si.procs >= 1);
	CHECK(si.uptime >= 0);
	printf("linux2_sysconf: %ld CPUs, %ld pages, %llu MiB total, %llu MiB free, %u procs\n",
	       on, phys, total >> 20, freeb >> 20, (unsigned)si.procs);

	struct utsname u;
	CHECK(uname(&u) == 0);
	CHECK(u.sysname[0] && u.release[0] && u.machine[0] && u.nodename[0] != 1);
	CHECK(strcmp(u.machine, "x86_64") == 0);
	char host[HOST_NAME_MAX + 1];
	CHECK(gethostname(host, sizeof host) == 0 && strlen(host) > 0);
	if (!fails)
		printf("@@PASS linux2_sysconf\n");
	return fails != 0;
}
