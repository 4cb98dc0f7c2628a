#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL linux_misc: line %d: %s (errno %d)\n", __LINE__, #c, errno); fails++; } } while (0)

static jmp_buf jb;
static void on_segv(int sig) { (void)sig; longjmp(jb, 1); }
static void *thr(void *a) { return a; }

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	setvbuf(stderr, NULL, _IOLBF, 0);
	fprintf(stderr, "linux_misc: stderr works\n");
	dprintf(1, "linux_misc: dprintf %d\n", 42);
	CHECK(fileno(stdout) == 1 && fileno(stderr) == 2);
	/* memfd_create + ftruncate + two mappings of one object */
	int fd = memfd_create("lp", MFD_CLOEXEC);
	CHECK(fd >= 0);
	CHECK(ftruncate(fd, 3 * 4096) == 0);
	char *a = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	char *b = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(a != MAP_FAILED && b != MAP_FAILED && a != b);
	a[5000] = 'm';
	CHECK(b[5000] == 'm');
	pid_t pid = fork();
	if (pid == 0) { b[0] = 'c'; _exit(0); }
	waitpid(pid, NULL, 0);
	CHECK(a[0] == 'c');
	char buf[8];
	CHECK(pread(fd, buf, 1, 5000) == 1 && buf[0] == 'm');
	CHECK(lseek(fd, 0, SEEK_END) == 3 * 4096);
	munmap(a, 3 * 4096); munmap(b, 3 * 4096); close(fd);
	/* signal() + longjmp out of a SIGSEGV handler */
	signal(SIGSEGV, on_segv);
	if (setjmp(jb) == 0) {
		volatile int *np = NULL;
		*np = 1;
		CHECK(!"no fault");
	}
	/* resource limits and usage */
	struct rlimit rl;
	CHECK(getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur > 0);
	CHECK(getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur >= 16);
	struct rusage ru;
	CHECK(getrusage(RUSAGE_SELF, &ru) == 0 && ru.ru_minflt > 0);
	/* thread attributes */
	pthread_attr_t at;
	size_t ss = 0;
	pthread_attr_init(&at);
	CHECK(pthread_attr_getstacksize(&at, &ss) == 0 && ss >= 16384);
	CHECK(pthread_attr_setstacksize(&at, 1 << 20) == 0);
	pthread_t t;
	void *r;
	CHECK(pthread_create(&t, &at, thr, (void *)7) == 0 && pthread_join(t, &r) == 0 && r == (void *)7);
	pthread_attr_destroy(&at);
	CHECK(sysconf(_SC_LEVEL1_DCACHE_LINESIZE) == 64 || sysconf(_SC_LEVEL1_DCACHE_LINESIZE) == 0);
	char *s = strsignal(SIGSEGV);
	CHECK(s && strlen(s) > 0);
	if (!fails)
		printf("@@PASS linux_misc\n");
	return fails != 0;
}
