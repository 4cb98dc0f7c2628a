/* Pipes (PG_PIPE_*): the pager keeps each pipe's bytes (a 64 KiB ring of
 * frames in its window) and who holds its ends (per process: how many of
 * the process's descriptors name the read end and the write end; libsys
 * tells us of each dup and close, fork copies the parent's counts, a
 * process's end drops its own).  A read of an empty pipe, or a write that
 * does not fit, saves the call (reply_save) and is answered PG_PIPE_RETRY
 * when that may have changed; the caller waits off the CPU and asks again.
 * The requests run beside faults and other requests (pg.big for reading,
 * the caller's lock): pipes_lock, a leaf, guards the table; fork and a
 * process's end (pipe_fork, pipe_proc_gone) run alone. */
#include "pager.h"

#define PIPE_MAX      256 /* pipes in the system (Linux: ENFILE past its own) */
#define PIPE_PAGES    ((int)(PG_PIPE_SIZE / PAGE_SIZE))
#define PIPE_HOLDERS  128 /* processes holding ends of one pipe */
#define MASK_WORDS    (PIPE_MAX / 64)
#define PIPE_WAITERS  32 /* calls saved per side of one pipe */

struct pipe_waiter { uint32_t pid, reply; };

struct pipe {
	bool used;
	void *page[PIPE_PAGES];            /* the ring, in our window */
	uint64_t gen[PIPE_PAGES];
	uint32_t head, len;                /* first byte to read, bytes held */
	uint32_t readers, writers;         /* descriptors of each end, everywhere */
	struct { uint32_t pid, r, w; } hold[PIPE_HOLDERS];
	struct pipe_waiter rwait[PIPE_WAITERS], wwait[PIPE_WAITERS];
};

static struct pipe pipes[PIPE_MAX];
static struct lock pipes_lock;

/* A saved PG_IO_POLL: answered PG_PIPE_RETRY when a pipe of mask changes,
 * E_TIMEDOUT at deadline (ms of sig_ms_now; 0: none), E_INTR when its
 * process takes a handled signal. */
#define POLLERS_MAX 64
static struct poller {
	uint32_t pid, reply;
	uint64_t mask[MASK_WORDS], deadline; /* bit id: pipe id */
} pollers[POLLERS_MAX];

/* Answer every saved poll waiting on pipe q. */
static void wake_pollers(struct pipe *q)
{
	int id = (int)(q - pipes);
	uint64_t bit = 1ull << (id % 64);
	for (int i = 0; i < POLLERS_MAX; i++)
		if (pollers[i].reply && (pollers[i].mask[id / 64] & bit)) {
			sys_reply_send(pollers[i].reply, E_OK, 0, PG_PIPE_RETRY, 0, 0);
			pollers[i].reply = 0;
		}
}

/* The pipe id names, if p holds one of its ends, and p's holder slot. */
static struct pipe *pipe_of(struct proc *p, uint64_t id, int *slot)
{
	if (id >= PIPE_MAX || !pipes[id].used)
		return NULL;
	struct pipe *q = &pipes[id];
	for (int i = 0; i < PIPE_HOLDERS; i++)
		if (q->hold[i].pid == p->pid && (q->hold[i].r || q->hold[i].w)) {
			*slot = i;
			return q;
		}
	return NULL;
}

/* A free holder slot of q, or -1. */
static int free_holder(struct pipe *q)
{
	for (int i = 0; i < PIPE_HOLDERS; i++)
		if (!q->hold[i].r && !q->hold[i].w)
			return i;
	return -1;
}

/* Answer every saved call of list w PG_PIPE_RETRY (they ask again). */
static void wake_all(struct pipe_waiter *w)
{
	for (int i = 0; i < PIPE_WAITERS; i++)
		if (w[i].reply) {
			sys_reply_send(w[i].reply, E_OK, 0, PG_PIPE_RETRY, 0, 0);
			w[i].reply = 0;
		}
}

/* Save the caller's call on list w: PG_DEFERRED, E_INTR (a signal came
 * for the caller while its call was on its way: pipe_interrupt found
 * nothing to answer), or E_BUSY (list full: libsys naps and asks again). */
static long wait_on(struct proc *p, struct pipe_waiter *w)
{
	struct sys_regs k;
	for (int i = 0; i < PIPE_WAITERS; i++)
		if (!w[i].reply) {
			long e = sys_reply_save_r(REPLY_SAVE_INTR, &k);
			if (e)
				return e == E_INTR ? E_INTR : E_BUSY;
			w[i].reply = (uint32_t)k.rdi;
			w[i].pid = p->pid;
			return PG_DEFERRED;
		}
	return E_BUSY;
}

/* Give q's frames back once no end of it is held; wake the other side of
 * an end that just lost its last holder. */
static void settle(struct pipe *q)
{
	wake_pollers(q);
	if (!q->writers)
		wake_all(q->rwait); /* readers see the end of file */
	if (!q->readers)
		wake_all(q->wwait); /* writers see EPIPE */
	if (q->readers || q->writers)
		return;
	for (int i = 0; i < PIPE_PAGES; i++)
		if (q->page[i])
			mem_pool_free(q->page[i], q->gen[i]);
	memset(q, 0, sizeof *q);
}

/* How many bytes of [va, va + n) from va lie in regions of p with rights
 * `need`: lazy ones, or for reading also fixed ones (the startup page:
 * argv).  A range past the user half counts up to its end. */
static uint64_t user_span(struct proc *p, uint64_t va, uint64_t n, unsigned need)
{
	uint64_t start = va, end = va + n;
	if (va >= PG_USER_END)
		return 0;
	if (end < va || end > PG_USER_END)
		end = PG_USER_END;
	while (va < end) {
		struct region *rg = region_find(&p->mem.regions, va);
		if (!rg || (!rg->b && (need & MAP_W)) || (rg->rights & need) != need)
			break;
		va = rg->end;
	}
	return (va < end ? va : end) - start;
}

/* True if [va, va + n) lies in regions of p with rights `need`. */
static bool user_ok(struct proc *p, uint64_t va, uint64_t n, unsigned need)
{
	uint64_t end = va + n;
	if (end < va || end > PG_USER_END)
		return false;
	return user_span(p, va, n, need) == n;
}

/* Copy n bytes between the ring at offset at and buf (to_ring: into it). */
static void ring_copy(struct pipe *q, uint32_t at, uint8_t *buf, uint32_t n, bool to_ring)
{
	while (n) {
		at %= PG_PIPE_SIZE;
		uint32_t off = at % PAGE_SIZE, k = PAGE_SIZE - off;
		if (k > n)
			k = n;
		uint8_t *pg = (uint8_t *)q->page[at / PAGE_SIZE] + off;
		memcpy(to_ring ? pg : buf, to_ring ? buf : pg, k);
		at += k, buf += k, n -= k;
	}
}

/* PG_PIPE_NEW: a pipe whose two ends the caller holds once each; w0 = its
 * id.  w0 in: the caller's int[2] (checked writable: E_FAULT).  E_NOMEM
 * (no slot or frame). */
static long pipe_new(struct proc *p, const struct sys_msg *m, struct sys_msg *r)
{
	if (!user_ok(p, m->w[0], 2 * sizeof(int), MAP_W))
		return E_FAULT;
	int id = 0;
	while (id < PIPE_MAX && pipes[id].used)
		id++;
	if (id == PIPE_MAX)
		return E_NOMEM;
	struct pipe *q = &pipes[id];
	for (int i = 0; i < PIPE_PAGES; i++) {
		q->page[i] = mem_pool_page(&q->gen[i]);
		if (!q->page[i]) {
			while (i--)
				mem_pool_free(q->page[i], q->gen[i]);
			memset(q, 0, sizeof *q);
			return E_NOMEM;
		}
	}
	q->used = true;
	q->readers = q->writers = 1;
	q->hold[0].pid = p->pid;
	q->hold[0].r = q->hold[0].w = 1;
	r->w[0] = (uint64_t)id;
	return E_OK;
}

/* PG_PIPE_REF: w0 = id, w1 = end (0 read, 1 write), w2 = +1 (a descriptor
 * of that end duplicated) or -1 (one closed).  E_BADHANDLE unless the
 * caller holds that end, E_INVAL. */
static long pipe_ref(struct proc *p, const struct sys_msg *m, struct sys_msg *r)
{
	(void)r;
	int s;
	struct pipe *q = pipe_of(p, m->w[0], &s);
	int64_t d = (int64_t)m->w[2];
	if (!q)
		return E_BADHANDLE;
	if (m->w[1] > 1 || (d != 1 && d != -1))
		return E_INVAL;
	uint32_t *mine = m->w[1] ? &q->hold[s].w : &q->hold[s].r;
	uint32_t *all = m->w[1] ? &q->writers : &q->readers;
	if (!*mine)
		return E_BADHANDLE;
	*mine += (uint32_t)d;
	*all += (uint32_t)d;
	if (!q->hold[s].r && !q->hold[s].w)
		q->hold[s].pid = 0;
	settle(q);
	return E_OK;
}

/* PG_PIPE_WRITE: the request's bytes (1..PG_PIPE_BUF) into pipe w0; w1 =
 * PG_PIPE_NONBLOCK | PG_PIPE_PARTIAL (part of them may go if all do not
 * fit).  No bytes: only check that [w3, w3 + w2) is readable memory of
 * the caller.  w0 = bytes written.  E_DEAD: no reader (EPIPE); E_AGAIN
 * (non-blocking, no room); else no room saves the call (PG_PIPE_RETRY). */
static long pipe_write(struct proc *p, const struct sys_msg *m, struct sys_msg *r)
{
	int s;
	struct pipe *q = pipe_of(p, m->w[0], &s);
	uint32_t n = IPC_LABEL_LEN(m->label);
	if (!q || !q->hold[s].w)
		return E_BADHANDLE;
	if (n > PG_PIPE_BUF)
		return E_INVAL;
	if (!n)
		return user_ok(p, m->w[3], m->w[2], MAP_R) ? (q->readers ? E_OK : E_DEAD) : E_FAULT;
	if (!q->readers)
		return E_DEAD;
	uint32_t room = PG_PIPE_SIZE - q->len;
	if (room < n && (m->w[1] & PG_PIPE_PARTIAL) && room)
		n = room;
	if (room < n)
		return m->w[1] & PG_PIPE_NONBLOCK ? E_AGAIN : wait_on(p, q->wwait);
	ring_copy(q, q->head + q->len, pg_self()->ipc_buf, n, true);
	q->len += n;
	wake_all(q->rwait);
	wake_pollers(q);
	r->w[0] = n;
	return E_OK;
}

/* PG_PIPE_READ: up to w1 (<= PG_PIPE_BUF) bytes of pipe w0 for the
 * caller's buffer at w3 (checked writable), in the reply buffer; w0 =
 * bytes, 0 at the end of file (no writer left).  w2 = PG_PIPE_NONBLOCK:
 * E_AGAIN when empty; else an empty pipe saves the call (PG_PIPE_RETRY). */
static long pipe_read(struct proc *p, const struct sys_msg *m, struct sys_msg *r)
{
	int s;
	struct pipe *q = pipe_of(p, m->w[0], &s);
	if (!q || !q->hold[s].r)
		return E_BADHANDLE;
	if (m->w[1] > PG_PIPE_BUF)
		return E_INVAL;
	if (!user_ok(p, m->w[3], m->w[1], MAP_W))
		return E_FAULT;
	uint32_t n = q->len < m->w[1] ? q->len : (uint32_t)m->w[1];
	if (!q->len && q->writers && m->w[1])
		return m->w[2] & PG_PIPE_NONBLOCK ? E_AGAIN : wait_on(p, q->rwait);
	ring_copy(q, q->head, pg_self()->ipc_buf, n, false);
	q->head = (q->head + n) % PG_PIPE_SIZE;
	q->len -= n;
	pg_self()->reply_len = n;
	if (n) {
		wake_all(q->wwait);
		wake_pollers(q);
	}
	r->w[0] = n;
	return E_OK;
}

/* The four requests, under pipes_lock. */
long do_pipe_new(struct proc *p, const struct sys_msg *m, struct sys_msg *r)
{
	lock_take(&pipes_lock);
	long label = pipe_new(p, m, r);
	lock_give(&pipes_lock);
	return label;
}

long do_pipe_ref(struct proc *p, const struct sys_msg *m, struct sys_msg *r)
{
	lock_take(&pipes_lock);
	long label = pipe_ref(p, m, r);
	lock_give(&pipes_lock);
	return label;
}

long do_pipe_write(struct proc *p, const struct sys_msg *m, struct sys_msg *r)
{
	lock_take(&pipes_lock);
	long label = pipe_write(p, m, r);
	lock_give(&pipes_lock);
	return label;
}

long do_pipe_read(struct proc *p, const struct sys_msg *m, struct sys_msg *r)
{
	lock_take(&pipes_lock);
	long label = pipe_read(p, m, r);
	lock_give(&pipes_lock);
	return label;
}

long do_io_check(struct proc *p, const struct sys_msg *m, struct sys_msg *r)
{
	if (m->w[2] > 1)
		return E_INVAL;
	r->w[0] = user_span(p, m->w[0], m->w[1], m->w[2] ? MAP_R | MAP_W : MAP_R);
	return E_OK;
}

/* The poll(2) events of end `end` of pipe id for p (POLLNVAL: not held). */
static uint16_t pipe_events(struct proc *p, uint32_t id, uint16_t end)
{
	int s;
	struct pipe *q = pipe_of(p, id, &s);
	if (!q || end > 1 || !(end ? q->hold[s].w : q->hold[s].r))
		return PG_POLLNVAL;
	if (end == 0)
		return (q->len ? PG_POLLIN : 0) | (q->writers ? 0 : PG_POLLHUP);
	return (PG_PIPE_SIZE - q->len >= PG_PIPE_BUF ? PG_POLLOUT : 0) |
	       (q->readers ? 0 : PG_POLLERR);
}

/* Save p's poll of the pipes in mask until timeout ms pass (PG_POLL_FOREVER:
 * no limit): PG_DEFERRED, E_INTR (as wait_on) or E_BUSY (no room: libsys
 * naps, asks again). */
static long poll_wait(struct proc *p, const uint64_t *mask, uint64_t timeout)
{
	for (int i = 0; i < POLLERS_MAX; i++)
		if (!pollers[i].reply) {
			struct sys_regs k;
			long e = sys_reply_save_r(REPLY_SAVE_INTR, &k);
			if (e)
				return e == E_INTR ? E_INTR : E_BUSY;
			pollers[i].pid = p->pid;
			pollers[i].reply = (uint32_t)k.rdi;
			memcpy(pollers[i].mask, mask, sizeof pollers[i].mask);
			pollers[i].deadline = timeout == PG_POLL_FOREVER ? 0 : sig_ms_now() + timeout;
			if (timeout != PG_POLL_FOREVER)
				sig_timer_kick();
			return PG_DEFERRED;
		}
	return E_BUSY;
}

/* PG_IO_POLL: the request's struct pg_poll entries get their revents
 * (POLLIN, POLLOUT, POLLHUP, POLLERR, POLLNVAL) back in the reply buffer;
 * w0 = entries with some.  None and w0 (the timeout in ms) not 0: the
 * call is saved until a pipe named changes (PG_PIPE_RETRY), the time
 * passes (E_TIMEDOUT) or a handled signal comes (E_INTR). */
static long io_poll(struct proc *p, const struct sys_msg *m, struct sys_msg *r)
{
	uint32_t len = IPC_LABEL_LEN(m->label);
	uint64_t timeout = m->w[0], mask[MASK_WORDS] = { 0 };
	if (len % sizeof(struct pg_poll) || len > PG_PIPE_BUF ||
	    (timeout > PG_POLL_MAX_MS && timeout != PG_POLL_FOREVER))
		return E_INVAL;
	struct pg_poll *e = pg_self()->ipc_buf;
	uint32_t n = len / (uint32_t)sizeof *e, ready = 0;
	for (uint32_t i = 0; i < n; i++) {
		uint16_t ev = pipe_events(p, e[i].id, e[i].end);
		e[i].revents = ev & (e[i].events | PG_POLLHUP | PG_POLLERR | PG_POLLNVAL);
		ready += e[i].revents != 0;
		if (e[i].id < PIPE_MAX)
			mask[e[i].id / 64] |= 1ull << (e[i].id % 64);
	}
	if (!ready && timeout)
		return poll_wait(p, mask, timeout);
	pg_self()->reply_len = len;
	r->w[0] = ready;
	return E_OK;
}

long do_io_poll(struct proc *p, const struct sys_msg *m, struct sys_msg *r)
{
	lock_take(&pipes_lock);
	long label = io_poll(p, m, r);
	lock_give(&pipes_lock);
	return label;
}

uint64_t pipe_poll_expire(uint64_t now)
{
	uint64_t next = PG_POLL_FOREVER;
	lock_take(&pipes_lock);
	for (int i = 0; i < POLLERS_MAX; i++) {
		struct poller *w = &pollers[i];
		if (!w->reply || !w->deadline)
			continue;
		if (w->deadline <= now) {
			sys_reply_send(w->reply, E_TIMEDOUT, 0, 0, 0, 0);
			w->reply = 0;
		} else if (w->deadline - now < next) {
			next = w->deadline - now;
		}
	}
	lock_give(&pipes_lock);
	return next;
}

/* Answer the saved calls of p on list w E_INTR. */
static void interrupt_list(struct proc *p, struct pipe_waiter *w)
{
	for (int i = 0; i < PIPE_WAITERS; i++)
		if (w[i].reply && w[i].pid == p->pid) {
			sys_reply_send(w[i].reply, E_INTR, 0, 0, 0, 0);
			w[i].reply = 0;
		}
}

/* A handled signal was posted to a thread of p (signal.c's post): every
 * saved call of p's is answered E_INTR, so that a thread waiting in a
 * poll, a pipe read or a write takes its signal now, as on Linux (alarm
 * as a time-out would otherwise wait for good: the signal stays pending
 * behind the saved call).  libsys asks a read or write again unless a
 * handler without SA_RESTART ran in that thread (then EINTR); a poll is
 * never asked again. */
void pipe_interrupt(struct proc *p)
{
	lock_take(&pipes_lock);
	for (int i = 0; i < POLLERS_MAX; i++)
		if (pollers[i].reply && pollers[i].pid == p->pid) {
			sys_reply_send(pollers[i].reply, E_INTR, 0, 0, 0, 0);
			pollers[i].reply = 0;
		}
	for (int id = 0; id < PIPE_MAX; id++)
		if (pipes[id].used) {
			interrupt_list(p, pipes[id].rwait);
			interrupt_list(p, pipes[id].wwait);
		}
	lock_give(&pipes_lock);
}

/* fork: child gets the same holds of every pipe as parent.  E_NOMEM if
 * a pipe has no room for another holder (the fork fails). */
int pipe_fork(struct proc *parent, struct proc *child)
{
	int e = E_OK;
	lock_take(&pipes_lock);
	for (int id = 0; id < PIPE_MAX && !e; id++) {
		int s, c;
		struct pipe *q = pipe_of(parent, (uint64_t)id, &s);
		if (!q)
			continue;
		if ((c = free_holder(q)) < 0) {
			e = E_NOMEM; /* (the child's end drops what it got) */
			break;
		}
		q->hold[c].pid = child->pid;
		q->hold[c].r = q->hold[s].r;
		q->hold[c].w = q->hold[s].w;
		q->readers += q->hold[s].r;
		q->writers += q->hold[s].w;
	}
	lock_give(&pipes_lock);
	return e;
}

/* Drop p's saved calls (pipes_lock held): its threads are gone. */
static void drop_saved(struct proc *p)
{
	for (int i = 0; i < POLLERS_MAX; i++)
		if (pollers[i].reply && pollers[i].pid == p->pid)
			sys_handle_close(pollers[i].reply), pollers[i].reply = 0;
	for (int id = 0; id < PIPE_MAX; id++) {
		struct pipe *q = &pipes[id];
		if (!q->used)
			continue;
		for (int i = 0; i < PIPE_WAITERS; i++) {
			if (q->rwait[i].reply && q->rwait[i].pid == p->pid)
				sys_handle_close(q->rwait[i].reply), q->rwait[i].reply = 0;
			if (q->wwait[i].reply && q->wwait[i].pid == p->pid)
				sys_handle_close(q->wwait[i].reply), q->wwait[i].reply = 0;
		}
	}
}

void pipe_proc_exec(struct proc *p, const struct pg_exec_drop *drops, uint32_t n)
{
	lock_take(&pipes_lock);
	drop_saved(p);
	for (uint32_t i = 0; i < n; i++) {
		int s;
		struct pipe *q = pipe_of(p, drops[i].id, &s);
		if (!q || drops[i].end > 1)
			continue;
		uint32_t *mine = drops[i].end ? &q->hold[s].w : &q->hold[s].r;
		uint32_t *all = drops[i].end ? &q->writers : &q->readers;
		if (!*mine)
			continue;
		(*mine)--;
		(*all)--;
		if (!q->hold[s].r && !q->hold[s].w)
			q->hold[s].pid = 0;
		settle(q);
	}
	lock_give(&pipes_lock);
}

/* p ends (exit, kill, fault): its saved calls are dropped and the ends it
 * held closed, as if it had closed every descriptor. */
void pipe_proc_gone(struct proc *p)
{
	lock_take(&pipes_lock);
	drop_saved(p);
	for (int id = 0; id < PIPE_MAX; id++) {
		struct pipe *q = &pipes[id];
		if (!q->used)
			continue;
		int s;
		if (!pipe_of(p, (uint64_t)id, &s))
			continue;
		q->readers -= q->hold[s].r;
		q->writers -= q->hold[s].w;
		q->hold[s].pid = q->hold[s].r = q->hold[s].w = 0;
		settle(q);
	}
	lock_give(&pipes_lock);
}
