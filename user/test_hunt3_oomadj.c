/* hunt3_oom_unkillable: a hog that sets oom_score_adj -1000 (as any
 * program may: every process is root here) and then touches memory
 * without end, beside a controller that is -1000 too.  Once every other
 * process that may be chosen is gone, a fault that finds no frame must
 * still end somebody that is not init or its shell: the largest, the
 * hog (killed by the OOM killer).  It used to wait for good, and every
 * other fault with it: the whole system hung.  Then the hog's frames are
 * back and fork works. */
#include "sys/sys.h"
#include "sys/test.h"
#include "sys/unistd.h"
#include "sys/proc.h"

#define T "hunt3_oom_unkillable"
#define CHUNK (4ull << 20)

/* The hog: -1000, then fresh pages touched until it is killed. */
static _Noreturn void hog(void)
{
	if (oom_score_adj_set(PG_OOM_ADJ_MIN, NULL))
		test_fail(T, "hog: oom_score_adj_set");
	for (;;) {
		void *p = NULL;
		if (mmap_anon(CHUNK, &p) != E_OK) {
			sleep_ms(1);
			continue;
		}
		for (uint64_t o = 0; o < CHUNK; o += 4096)
			((volatile char *)p)[o] = 1;
	}
}

int main(void)
{
	touch_image();
	uint64_t before = frames_steady(3000);
	if (oom_score_adj_set(PG_OOM_ADJ_MIN, NULL))
		test_fail(T, "oom_score_adj_set");
	int e = fork();
	if (e < 0)
		test_fail(T, "fork: %s", err_str(-e));
	if (e == 0)
		hog();
	uint32_t pid = (uint32_t)e;
	struct wait_status st;
	e = waitpid(pid, &st);
	if (e || st.how != PG_WAIT_KILLED || st.code != PG_KILLED_OOM)
		test_fail(T, "hog: wait %s, how %d code 0x%lx: want killed by the OOM killer",
			  err_str(e), st.how, st.code);
	uint64_t after = frames_settle(before, 5000);
	printf(T ": %lu free frames before, %lu after\n", before, after);
	if (after < before)
		test_fail(T, "%lu frames lost", before - after);
	if ((e = fork()) == 0)
		exit(3);
	if (e < 0 || waitpid((uint32_t)e, &st) || st.how != PG_WAIT_EXITED || st.code != 3)
		test_fail(T, "fork after the hog");
	test_pass(T);
	return 0;
}
