/* More processes at once than ever before leave no frame behind once they
 * are gone: 600 zombies (more than one page of the pager's process slots,
 * 512 a page) then reaped, counted from before the first of them.  The
 * pager's slot pages beyond the first used to stay for good, which a frame
 * test (hunt3_bomb at 4G) could not tell from a leak. */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>
#include <sys/test.h>

#define T "proc_storm_frames"
#define KIDS 600

int main(void)
{
	static pid_t kids[KIDS];
	int st;
	touch_image();
	pid_t w = fork(); /* warm-up: the first fork's lasting costs */
	if (w == 0)
		_exit(0);
	TEST_CHECK(T, w > 0 && waitpid(w, &st, 0) == w);
	uint64_t before = frames_steady(3000);
	for (int i = 0; i < KIDS; i++) {
		kids[i] = fork();
		if (kids[i] == 0)
			_exit(i & 0x7f);
		TEST_CHECK(T, kids[i] > 0);
	}
	for (int i = 0; i < KIDS; i++) { /* all zombies at once, then reaped */
		TEST_CHECK(T, waitpid(kids[i], &st, 0) == kids[i]);
		TEST_CHECK(T, WIFEXITED(st) && WEXITSTATUS(st) == (i & 0x7f));
	}
	uint64_t after = frames_settle(before, 3000);
	printf(T ": %d processes; %lu free frames before, %lu after\n", KIDS,
	       (unsigned long)before, (unsigned long)after);
	if (after != before) {
		frames_explain(T);
		test_fail(T, "%ld frames not back", (long)(before - after));
	}
	test_pass(T);
	return 0;
}
