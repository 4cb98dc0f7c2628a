/* KSM leaves MAP_SHARED memory alone, so a futex in it keeps its key (the
 * frame): 16 pages of MAP_SHARED memory and 16 private ones, all of one
 * content, all madvise(MADV_MERGEABLE); a forked child sleeps in
 * sem_wait on a process-shared semaphore in the shared pages while KSM
 * scans.  The private pages merge (KSM ran), the shared ones keep their
 * frames (never PGI_KSM), and the parent's sem_post still wakes the
 * child. */
#include <semaphore.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "sys/ksm.h"
#include "sys/proc.h"
#include "sys/sys.h"
#include "sys/test.h"
#include "abi/ksm.h"
#include "abi/pager.h"

#define T "pshared_ksm"
#define N 16
#define PAGE 4096ul

int page_info(const void *addr, size_t len, struct pg_page_info *out);

static struct pg_page_info before[N], after[N], priv[N];

static uint64_t full_scans(void)
{
	struct ksm_stats ks;
	if (ksm_stats(0, &ks))
		test_fail(T, "ksm_stats failed");
	return ks.full_scans;
}

int main(void)
{
	char *sh = mmap(NULL, N * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	char *pr = mmap(NULL, N * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	TEST_CHECK(T, sh != MAP_FAILED && pr != MAP_FAILED);
	memset(sh, 0x5a, N * PAGE);
	memset(pr, 0x5a, N * PAGE);
	/* the semaphore: its own bytes in page 0 (pages 1.. stay alike) */
	sem_t *s = (sem_t *)sh;
	TEST_CHECK(T, sem_init(s, 1, 0) == 0);
	pid_t c = fork();
	if (c == 0)
		_exit(sem_wait(s) ? 1 : 0);
	TEST_CHECK(T, c > 0);
	TEST_CHECK(T, madvise(sh, N * PAGE, MADV_MERGEABLE) == 0);
	TEST_CHECK(T, madvise(pr, N * PAGE, MADV_MERGEABLE) == 0);
	TEST_CHECK(T, page_info(sh, N * PAGE, before) == 0);
	uint64_t f0 = full_scans();
	TEST_ERR(T, ksm_ctl(KSM_CTL_RUN, 1, 0, NULL), E_OK);
	for (int t = 0; t < 6000 && full_scans() < f0 + 3; t++)
		usleep(10000); /* a liveness bound: 60 s */
	TEST_ERR(T, ksm_ctl(KSM_CTL_RUN, 0, 0, NULL), E_OK);
	TEST_CHECK(T, full_scans() >= f0 + 3);
	TEST_CHECK(T, page_info(sh, N * PAGE, after) == 0);
	TEST_CHECK(T, page_info(pr, N * PAGE, priv) == 0);
	int merged = 0;
	for (int i = 0; i < N; i++) {
		merged += (priv[i].flags & PGI_KSM) != 0;
		if (after[i].pfn != before[i].pfn || (after[i].flags & PGI_KSM))
			test_fail(T, "shared page %d: frame %lu then %lu, flags 0x%x", i,
				  (unsigned long)before[i].pfn, (unsigned long)after[i].pfn,
				  (unsigned)after[i].flags);
	}
	TEST_CHECK(T, merged == N); /* KSM did run over the private ones */
	TEST_CHECK(T, sem_post(s) == 0);
	int st = 0;
	TEST_CHECK(T, waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	TEST_CHECK(T, munmap(sh, N * PAGE) == 0 && munmap(pr, N * PAGE) == 0);
	test_pass(T);
	return 0;
}
