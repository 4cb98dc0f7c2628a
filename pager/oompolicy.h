/* Out-of-memory policy, pure (host-tested in tests/unit/test_oom.c): which
 * process dies when a fault finds no free frame, and whether to wait for
 * the last victim's frames before choosing another (Linux's OOM killer
 * and OOM reaper, in small).  oom.c applies it to the process table. */
#ifndef PAGER_OOMPOLICY_H
#define PAGER_OOMPOLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define OOM_WAIT_MS  5000 /* longest wait for a victim's frames without one
			   * coming back (very generous: they come back once
			   * its threads leave their CPUs, then as fast as the
			   * kernel frees them) */
#define OOM_RETRY_MS 5    /* a waiting fault runs again after this sleep */

/* A process as the victim choice sees it. */
struct oom_cand {
	uint32_t pid;
	uint64_t resident;  /* pages mapped now, and those its region nodes take */
	int adj;            /* oom_score_adj, PG_OOM_ADJ_MIN .. PG_OOM_ADJ_MAX */
	bool protect;       /* init or the shell */
};

/* A process's score: resident + adj * total / 1000 (total: frames managed),
 * at least 1; 0 if it may never be chosen (protected, or adj -1000). */
uint64_t oom_score(const struct oom_cand *c, uint64_t total);

/* The index in c[0..n) of the victim: highest score, the higher pid on a
 * tie; -1 if none may be chosen. */
int oom_pick(const struct oom_cand *c, size_t n, uint64_t total);

/* The wait for a victim's frames.  owed counts the user frames that dead
 * spaces still hold (oom.c measures it): the victim's are back once it is
 * down to what it was before the kill. */
struct oom_wait {
	bool waiting;
	uint32_t victim;
	uint64_t owed0;      /* owed just before the victim was killed */
	uint64_t deadline;   /* ms: give up waiting then, unless frames come back */
	uint64_t low;        /* the lowest owed seen since (UINT64_MAX: none yet) */
	uint64_t asked;      /* ms: the wait's start or its last step */
};

enum oom_step {
	OOM_RETRY,  /* the victim's frames are back: try the fault again */
	OOM_WAIT,   /* still coming back: the fault waits */
	OOM_CHOOSE, /* no victim pending (or it timed out): choose one */
};

/* Start waiting for victim's frames at now (ms), owed0 measured just
 * before the kill. */
void oom_wait_start(struct oom_wait *w, uint32_t victim, uint64_t owed0, uint64_t now);

/* The victim's memory is still being given back by the pager (owed does
 * not count it yet): a wait that is on goes on, its clocks from now. */
void oom_wait_hold(struct oom_wait *w, uint64_t now);

/* True (and the wait ends) if a wait is on and owed is down to owed0. */
bool oom_wait_back(struct oom_wait *w, uint64_t owed);

/* What to do with a fault that found no free frame, given owed and now.
 * Returns OOM_RETRY once (the wait ends), OOM_WAIT until the deadline,
 * then OOM_CHOOSE (*timed_out set if a wait ended so; a wait no fault
 * stepped for OOM_WAIT_MS is over: its shortage ended, nothing timed out). */
enum oom_step oom_wait_step(struct oom_wait *w, uint64_t owed, uint64_t now,
			    bool *timed_out);

#endif
