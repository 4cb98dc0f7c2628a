/* Resource limits and usage: getrlimit for the memory limits answers
 * sensibly, setrlimit lowers and raises a soft limit within the hard one
 * (and refuses soft > hard), getrusage's maxrss and minflt grow as memory
 * is touched, RUSAGE_CHILDREN sees a waited child. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL linux2_rlimit: line %d: %s (errno %d)\n", __LINE__, #c, errno); fails++; } } while (0)

int main(void)
{
	struct rlimit rl;
	int res[] = { RLIMIT_AS, RLIMIT_STACK, RLIMIT_DATA, RLIMIT_NOFILE, RLIMIT_CORE,
		      RLIMIT_CPU, RLIMIT_FSIZE, RLIMIT_NPROC, RLIMIT_MEMLOCK, RLIMIT_RSS };
	for (unsigned i = 0; i < sizeof res / sizeof res[0]; i++) {
		CHECK(getrlimit(res[i], &rl) == 0);
		CHECK(rl.rlim_cur <= rl.rlim_max || rl.rlim_max == RLIM_INFINITY);
	}
	CHECK(getrlimit(RLIMIT_STACK, &rl) == 0);
	CHECK(rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= 1 << 20);
	errno = 0;
	CHECK(getrlimit(12345, &rl) == -1 && errno == EINVAL);

	/* lower and raise a soft limit */
	CHECK(getrlimit(RLIMIT_CORE, &rl) == 0);
	struct rlimit old = rl;
	rl.rlim_cur = 0;
	CHECK(setrlimit(RLIMIT_CORE, &rl) == 0);
	CHECK(getrlimit(RLIMIT_CORE, &rl) == 0 && rl.rlim_cur == 0);
	CHECK(setrlimit(RLIMIT_CORE, &old) == 0);
	CHECK(getrlimit(RLIMIT_NOFILE, &rl) == 0);
	old = rl;
	if (rl.rlim_max != RLIM_INFINITY) {
		rl.rlim_cur = rl.rlim_max + 1;
		errno = 0;
		CHECK(setrlimit(RLIMIT_NOFILE, &rl) == -1 && errno == EINVAL);
	}
	rl = old;
	rl.rlim_cur = 16;
	CHECK(setrlimit(RLIMIT_NOFILE, &rl) == 0);
	CHECK(getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur == 16);
	CHECK(setrlimit(RLIMIT_NOFILE, &old) == 0);
	CHECK(getrlimit(RLIMIT_AS, &rl) == 0);
	CHECK(setrlimit(RLIMIT_AS, &rl) == 0);
	CHECK(prlimit(0, RLIMIT_DATA, NULL, &rl) == 0);

	/* usage grows as memory is touched */
	struct rusage a, b;
	CHECK(getrusage(RUSAGE_SELF, &a) == 0);
	size_t len = 8 << 20;
	char *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(m != MAP_FAILED);
	for (size_t i = 0; i < len; i += 4096)
		m[i] = 1;
	CHECK(getrusage(RUSAGE_SELF, &b) == 0);
	CHECK(b.ru_maxrss >= a.ru_maxrss + 4096); /* kB: at least 4 of the 8 MiB */
	CHECK(b.ru_minflt > a.ru_minflt);
	CHECK(b.ru_majflt >= 0 && b.ru_nvcsw >= 0);
	munmap(m, len);
	struct rusage after;
	CHECK(getrusage(RUSAGE_SELF, &after) == 0 && after.ru_maxrss >= b.ru_maxrss);

	pid_t c = fork();
	if (c == 0) {
		char *q = malloc(4 << 20);
		memset(q, 1, 4 << 20);
		_exit(q[12345] != 1);
	}
	int st;
	CHECK(waitpid(c, &st, 0) == c);
	struct rusage ch;
	CHECK(getrusage(RUSAGE_CHILDREN, &ch) == 0);
	CHECK(ch.ru_maxrss > 0);
	CHECK(ch.ru_minflt > 0);
	errno = 0;
	CHECK(getrusage(12345, &ch) == -1 && errno == EINVAL);
	if (!fails)
		printf("@@PASS linux2_rlimit\n");
	return fails != 0;
}
