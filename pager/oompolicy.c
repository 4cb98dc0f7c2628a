/* Out-of-memory policy (oompolicy.h): the victim's score and the wait for
 * its frames.  Pure. */
#include "oompolicy.h"

/* oom_score: resident pages plus the adjustment, in thousandths of memory;
 * 0 for a process that may never be chosen. */
uint64_t oom_score(const struct oom_cand *c, uint64_t total)
{
	if (c->protect || c->adj <= -1000)
		return 0;
	int64_t adj = (int64_t)c->adj * (int64_t)(total / 1000);
	int64_t s = (int64_t)c->resident + adj;
	return s > 0 ? (uint64_t)s : 1;
}

/* oom_pick: the highest score (ties: the higher pid, the younger). */
int oom_pick(const struct oom_cand *c, size_t n, uint64_t total)
{
	int best = -1;
	uint64_t best_score = 0;
	for (size_t i = 0; i < n; i++) {
		uint64_t s = oom_score(&c[i], total);
		if (s == 0)
			continue;
		if (best < 0 || s > best_score ||
		    (s == best_score && c[i].pid > c[best].pid)) {
			best = (int)i;
			best_score = s;
		}
	}
	return best;
}

/* oom_wait_start: a victim was killed at now; owed0 from before. */
void oom_wait_start(struct oom_wait *w, uint32_t victim, uint64_t owed0, uint64_t now)
{
	w->waiting = true;
	w->victim = victim;
	w->owed0 = owed0;
	w->deadline = now + OOM_WAIT_MS;
	w->low = UINT64_MAX;
	w->asked = now;
}

void oom_wait_hold(struct oom_wait *w, uint64_t now)
{
	if (!w->waiting)
		return;
	w->asked = now;
	if (w->deadline < now + OOM_WAIT_MS)
		w->deadline = now + OOM_WAIT_MS;
}

/* oom_wait_back: the victim's frames are back. */
bool oom_wait_back(struct oom_wait *w, uint64_t owed)
{
	if (!w->waiting || owed > w->owed0)
		return false;
	w->waiting = false;
	return true;
}

/* oom_wait_step: back -> RETRY (once), pending -> WAIT, else CHOOSE.  The
 * deadline moves on while owed falls (the victim's frames are coming back,
 * as slowly as a big space is torn down: Linux's OOM reaper, too, waits
 * while it makes progress). */
enum oom_step oom_wait_step(struct oom_wait *w, uint64_t owed, uint64_t now,
			    bool *timed_out)
{
	*timed_out = false;
	if (!w->waiting)
		return OOM_CHOOSE;
	if (oom_wait_back(w, owed))
		return OOM_RETRY;
	if (now > w->asked + OOM_WAIT_MS) { /* nobody waited: a later shortage */
		w->waiting = false;
		return OOM_CHOOSE;
	}
	w->asked = now;
	if (w->low != UINT64_MAX && owed < w->low)
		w->deadline = now + OOM_WAIT_MS;
	if (owed < w->low)
		w->low = owed;
	if (now < w->deadline)
		return OOM_WAIT;
	w->waiting = false;
	*timed_out = true;
	return OOM_CHOOSE;
}
