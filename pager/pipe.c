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

#define LISTEN_MAX 16 /* connections waiting for accept, per listener */
#define LISTEN_PID 0  /* the holder of a waiting connection's server ends */

struct pipe {
	bool used;
	bool shut;                         /* shutdown(2): no more bytes: EOF, EPIPE */
	bool sem;                          /* an eventfd's EFD_SEMAPHORE */
	uint8_t kind;                      /* PG_PIPE_STREAM, _SEQPACKET, _DGRAM, _EVENT */
	uint64_t count;                    /* an eventfd's counter (no ring) */
	uint16_t seq;                      /* bumped at every change (epoll's EPOLLET) */
	uint64_t deadline, interval;       /* a timerfd's next expiry (ms of
					    * sig_ms_now; 0: disarmed), period */
	uint8_t sub, npend, backlog;       /* a listener's: its sockets' kind;
					    * connections waiting, the most */
	bool listening;
	uint16_t pend[LISTEN_MAX][2];      /* each: the pipe the server reads,
					    * the one it writes (their server
					    * ends held by LISTEN_PID) */
	void *page[PIPE_PAGES];            /* the ring, in our window */
	uint64_t gen[PIPE_PAGES];
	uint32_t head, len;                /* first byte to read, bytes held */
	uint32_t readers, writers;         /* descriptors of each end, everywhere */
	struct { uint32_t pid, r, w; } hold[PIPE_HOLDERS];
	struct pipe_waiter rwait[PIPE_WAITERS], wwait[PIPE_WAITERS];
};

static struct pipe pipes[PIPE_MAX];
static struct lock pipes_lock;

/* A listener's name (PG_CTL_BIND: a path, or '\0' and an abstract name). */
static struct { uint8_t len; char b[PG_SUN_MAX]; } names[PIPE_MAX];

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
	q->seq++;
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

static void listen_gone(struct pipe *q);

/* Give q's frames back once no end of it is held; wake the other side of
 * an end that just lost its last holder. */
static void settle(struct pipe *q)
{
	if (q->kind == PG_PIPE_LISTEN && !q->readers)
		listen_gone(q);
	wake_pollers(q);
	if ((!q->writers || q->shut) && q->kind < PG_PIPE_EVENT)
		wake_all(q->rwait); /* readers see the end of file */
	if ((!q->readers || q->shut) && q->kind < PG_PIPE_EVENT)
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

/* A new pipe of kind whose two ends p holds once each (an eventfd: the
 * read end only, and no ring): its id, or -1 (no slot or frame). */
static int pipe_make(struct proc *p, uint8_t kind)
{
	int id = 0;
	while (id < PIPE_MAX && pipes[id].used)
		id++;
	if (id == PIPE_MAX)
		return -1;
	struct pipe *q = &pipes[id];
	for (int i = 0; i < PIPE_PAGES && kind < PG_PIPE_EVENT; i++) {
		q->page[i] = mem_pool_page(&q->gen[i]);
		if (!q->page[i]) {
			while (i--)
				mem_pool_free(q->page[i], q->gen[i]);
			memset(q, 0, sizeof *q);
			return -1;
		}
	}
	q->used = true;
	q->kind = kind;
	q->readers = 1;
	q->writers = kind < PG_PIPE_EVENT;
	q->hold[0].pid = p->pid;
	q->hold[0].r = 1;
	q->hold[0].w = q->writers;
	return id;
}

/* PG_PIPE_NEW: a pipe whose two ends the caller holds once each; w0 = its
 * id.  w0 in: the caller's int[2] (checked writable: E_FAULT).  E_NOMEM
 * (no slot or frame). */
static long pipe_new(struct proc *p, const struct sys_msg *m, struct sys_msg *r)
{
	if (!user_ok(p, m->w[0], 2 * sizeof(int), MAP_W))
		return E_FAULT;
	int id = pipe_make(p, PG_PIPE_STREAM);
	if (id < 0)
		return E_NOMEM;
	r->w[0] = (uint64_t)id;
	return E_OK;
}

/* Free pipe q at once (just made by the caller, nobody else holds it). */
static void pipe_unmake(struct pipe *q)
{
	q->readers = q->writers = 0;
	memset(q->hold, 0, sizeof q->hold);
	settle(q);
}

#define EVENT_MAX 0xfffffffffffffffeull /* an eventfd's counter's largest */

#define TIMER_MAX_MS (1001ull * 366 * PG_POLL_MAX_MS) /* libsys's 1,000 years */

/* A timerfd's expiries up to now (lock held): counted, the deadline
 * moved past now by whole periods (or disarmed), its readers woken. */
static void timer_fire(struct pipe *q, uint64_t now)
{
	if (!q->deadline || q->deadline > now)
		return;
	uint64_t n = 1;
	if (q->interval) {
		n += (now - q->deadline) / q->interval;
		q->deadline += n * q->interval;
	} else {
		q->deadline = 0;
	}
	q->count = q->count + n < q->count ? ~0ull : q->count + n;
	wake_all(q->rwait);
	wake_pollers(q);
}

/* PG_CTL_TIMERSET (w2 = ms to the first expiry + 1, 0: disarm; w1 >> 16:
 * ms the first expiry is past already (an absolute time); w3 = period
 * ms) or _GET: w0 = ms to the next expiry before (+ 1, 0: disarmed), w1 =
 * its period.  A set starts the count again, as Linux's. */
static long timer_set(struct pipe *q, const struct sys_msg *m, struct sys_msg *r)
{
	uint64_t now = sig_ms_now();
	timer_fire(q, now);
	r->w[0] = q->deadline ? q->deadline - now + 1 : 0;
	r->w[1] = q->interval;
	if (m->w[0] == PG_CTL_TIMERGET)
		return E_OK;
	if (m->w[2] > TIMER_MAX_MS || m->w[3] > TIMER_MAX_MS)
		return E_INVAL; /* (the deadlines stay far from overflow) */
	uint64_t back = m->w[1] >> 16;
	q->count = 0;
	q->interval = m->w[2] ? m->w[3] : 0;
	q->deadline = m->w[2] ? now + m->w[2] - 1 : 0;
	if (q->deadline && back) { /* due back ms ago: those ticks are counted */
		q->count = q->interval ? back / q->interval + 1 : 1;
		q->deadline = q->interval ? now + q->interval - back % q->interval : 0;
		wake_all(q->rwait);
	}
	if (q->deadline) {
		timer_fire(q, now); /* (already due: an absolute time past) */
		sig_timer_kick();
	}
	wake_pollers(q);
	return E_OK;
}

/* Move r read and w write holds of q from holder `from` to holder `to`
 * (merged into to's slot if it has one): false if it cannot (no such
 * holds, or no free slot for to). */
static bool hold_move(struct pipe *q, uint32_t from, uint32_t to, uint32_t r, uint32_t w)
{
	int f = -1, t = -1;
	for (int i = 0; i < PIPE_HOLDERS; i++) {
		if (!q->hold[i].r && !q->hold[i].w)
			continue;
		if (q->hold[i].pid == from && f < 0)
			f = i;
		else if (q->hold[i].pid == to && t < 0)
			t = i;
	}
	if (f < 0 || q->hold[f].r < r || q->hold[f].w < w)
		return false;
	q->hold[f].r -= r;
	q->hold[f].w -= w;
	if (t < 0 && (t = free_holder(q)) < 0) {
		q->hold[f].r += r;
		q->hold[f].w += w;
		return false;
	}
	q->hold[t].pid = to;
	q->hold[t].r += r;
	q->hold[t].w += w;
	if (!q->hold[f].r && !q->hold[f].w)
		q->hold[f].pid = 0;
	return true;
}

/* Let go of a waiting connection's server ends (LISTEN_PID's holds of
 * pipe a's read end and pipe b's write end): its client sees the end. */
static void drop_pending(uint16_t a, uint16_t b)
{
	for (int k = 0; k < 2; k++) {
		struct pipe *q = &pipes[k ? b : a];
		for (int i = 0; i < PIPE_HOLDERS; i++)
			if (q->hold[i].pid == LISTEN_PID && (q->hold[i].r || q->hold[i].w)) {
				q->readers -= q->hold[i].r;
				q->writers -= q->hold[i].w;
				q->hold[i].r = q->hold[i].w = 0;
			}
		settle(q);
	}
}

/* Listener q's last holder is gone: its waiting connections dropped,
 * its name free, blocked connects told (they find no listener). */
static void listen_gone(struct pipe *q)
{
	while (q->npend) {
		q->npend--;
		drop_pending(q->pend[q->npend][0], q->pend[q->npend][1]);
	}
	names[q - pipes].len = 0;
	wake_all(q->rwait);
	wake_all(q->wwait);
}

/* The listening pipe named by the request's bytes, or -1. */
static int find_name(uint32_t n)
{
	const char *b = pg_self()->ipc_buf;
	for (int id = 0; id < PIPE_MAX; id++)
		if (pipes[id].used && pipes[id].kind == PG_PIPE_LISTEN && names[id].len == n &&
		    !memcmp(names[id].b, b, n))
			return id;
	return -1;
}

/* PG_CTL_BIND: a listener (not yet listening) named by the request's
 * bytes for sockets of kind w1: w0 = its id.  E_BUSY: the name is taken. */
static long sock_bind(struct proc *p, const struct sys_msg *m, struct sys_msg *r)
{
	uint32_t n = IPC_LABEL_LEN(m->label);
	if (!n || n > PG_SUN_MAX || m->w[1] > PG_PIPE_SEQPACKET)
		return E_INVAL;
	if (find_name(n) >= 0)
		return E_BUSY;
	int id = pipe_make(p, PG_PIPE_LISTEN);
	if (id < 0)
		return E_NOMEM;
	pipes[id].sub = (uint8_t)m->w[1];
	names[id].len = (uint8_t)n;
	memcpy(names[id].b, pg_self()->ipc_buf, n);
	r->w[0] = (uint64_t)id;
	return E_OK;
}

/* PG_CTL_CONNECT: a connection to the listener named by the request's
 * bytes, of kind w1 (w2 = PG_PIPE_NONBLOCK): two pipes, the caller
 * holding the client's ends (w2 = the one it writes, w3 = the one it
 * reads), the listener the server's until an accept.  E_NOENT: no such
 * listener (listening); E_PERM: another kind; a full backlog waits or
 * E_AGAIN. */
static long sock_connect(struct proc *p, const struct sys_msg *m, struct sys_msg *r)
{
	int l = find_name(IPC_LABEL_LEN(m->label));
	if (l < 0 || !pipes[l].listening)
		return E_NOENT;
	struct pipe *q = &pipes[l];
	if (q->sub != m->w[1])
		return E_PERM;
	if (q->npend >= q->backlog)
		return m->w[2] & PG_PIPE_NONBLOCK ? E_AGAIN : wait_on(p, q->wwait);
	int a = pipe_make(p, q->sub);
	int b = a < 0 ? -1 : pipe_make(p, q->sub);
	if (b < 0) {
		if (a >= 0)
			pipe_unmake(&pipes[a]);
		return E_NOMEM;
	}
	hold_move(&pipes[a], p->pid, LISTEN_PID, 1, 0); /* (a fresh pipe: room) */
	hold_move(&pipes[b], p->pid, LISTEN_PID, 0, 1);
	q->pend[q->npend][0] = (uint16_t)a;
	q->pend[q->npend][1] = (uint16_t)b;
	q->npend++;
	wake_all(q->rwait);
	wake_pollers(q);
	r->w[2] = (uint64_t)a; /* (w1 stays 0: a saved call's answer is w1 = RETRY) */
	r->w[3] = (uint64_t)b;
	return E_OK;
}

/* PG_CTL_ACCEPT: the first waiting connection of listener w1 (w2 =
 * PG_PIPE_NONBLOCK), its server ends now the caller's: w2 = the pipe it
 * reads, w3 = the one it writes.  None: waits or E_AGAIN; E_INVAL: not
 * listening. */
static long sock_accept(struct proc *p, const struct sys_msg *m, struct sys_msg *r)
{
	int s;
	struct pipe *q = pipe_of(p, m->w[1], &s);
	if (!q || q->kind != PG_PIPE_LISTEN || !q->hold[s].r)
		return E_BADHANDLE;
	if (!q->listening)
		return E_INVAL;
	if (!q->npend)
		return m->w[2] & PG_PIPE_NONBLOCK ? E_AGAIN : wait_on(p, q->rwait);
	uint16_t a = q->pend[0][0], b = q->pend[0][1];
	q->npend--;
	memmove(q->pend[0], q->pend[1], q->npend * sizeof q->pend[0]);
	wake_all(q->wwait);
	wake_pollers(q);
	if (!hold_move(&pipes[a], LISTEN_PID, p->pid, 1, 0)) {
		drop_pending(a, b);
		return E_NOMEM;
	}
	if (!hold_move(&pipes[b], LISTEN_PID, p->pid, 0, 1)) {
		hold_move(&pipes[a], p->pid, LISTEN_PID, 1, 0);
		drop_pending(a, b);
		return E_NOMEM;
	}
	r->w[2] = a;
	r->w[3] = b;
	return E_OK;
}

/* PG_PIPE_CTL: PG_CTL_SOCKPAIR, PG_CTL_EVENTFD, PG_CTL_SHUT (see
 * abi/pager.h). */
static long pipe_ctl(struct proc *p, const struct sys_msg *m, struct sys_msg *r)
{
	int s;
	struct pipe *q;
	switch (m->w[0]) {
	case PG_CTL_SOCKPAIR: {
		if (!user_ok(p, m->w[2], 2 * sizeof(int), MAP_W))
			return E_FAULT;
		if (m->w[1] > PG_PIPE_DGRAM)
			return E_INVAL;
		int a = pipe_make(p, (uint8_t)m->w[1]);
		int b = a < 0 ? -1 : pipe_make(p, (uint8_t)m->w[1]);
		if (b < 0) {
			if (a >= 0)
				pipe_unmake(&pipes[a]);
			return E_NOMEM;
		}
		r->w[0] = (uint64_t)a;
		r->w[1] = (uint64_t)b;
		return E_OK;
	}
	case PG_CTL_EVENTFD: {
		if (m->w[1] > EVENT_MAX)
			return E_INVAL; /* (a write's room check would wrap) */
		int id = pipe_make(p, PG_PIPE_EVENT);
		if (id < 0)
			return E_NOMEM;
		pipes[id].count = m->w[1];
		pipes[id].sem = m->w[2] != 0;
		r->w[0] = (uint64_t)id;
		return E_OK;
	}
	case PG_CTL_TIMERFD: {
		int id = pipe_make(p, PG_PIPE_TIMER);
		if (id < 0)
			return E_NOMEM;
		r->w[0] = (uint64_t)id;
		return E_OK;
	}
	case PG_CTL_TIMERSET:
	case PG_CTL_TIMERGET:
		if (!(q = pipe_of(p, m->w[1] & 0xffff, &s)) || q->kind != PG_PIPE_TIMER)
			return E_BADHANDLE;
		return timer_set(q, m, r);
	case PG_CTL_BIND:
		return sock_bind(p, m, r);
	case PG_CTL_LISTEN:
		if (!(q = pipe_of(p, m->w[1], &s)) || q->kind != PG_PIPE_LISTEN)
			return E_BADHANDLE;
		q->listening = true;
		q->backlog = (uint8_t)(m->w[2] < 1 ? 1 : m->w[2] > LISTEN_MAX ? LISTEN_MAX : m->w[2]);
		wake_all(q->wwait); /* (a backlog grown) */
		return E_OK;
	case PG_CTL_CONNECT:
		return sock_connect(p, m, r);
	case PG_CTL_ACCEPT:
		return sock_accept(p, m, r);
	case PG_CTL_SHUT:
		if (!(q = pipe_of(p, m->w[1], &s)) || q->kind >= PG_PIPE_EVENT)
			return E_BADHANDLE;
		q->shut = true;
		settle(q);
		return E_OK;
	}
	return E_INVAL;
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

/* An eventfd's write: the request's 8 bytes added to the counter; a sum
 * past EVENT_MAX waits (or E_AGAIN), ~0 is E_INVAL. */
static long event_write(struct proc *p, struct pipe *q, const struct sys_msg *m,
			struct sys_msg *r, uint32_t n)
{
	uint64_t v;
	if (!n)
		return E_OK; /* libsys checked the 8 bytes itself */
	if (n != sizeof v)
		return E_INVAL;
	memcpy(&v, pg_self()->ipc_buf, sizeof v);
	if (v == ~0ull)
		return E_INVAL;
	if (v > EVENT_MAX - q->count)
		return m->w[1] & PG_PIPE_NONBLOCK ? E_AGAIN : wait_on(p, q->wwait);
	q->count += v;
	if (v) {
		wake_all(q->rwait);
		wake_pollers(q);
	}
	r->w[0] = sizeof v;
	return E_OK;
}

/* PG_PIPE_WRITE: the request's bytes (1..PG_PIPE_BUF) into pipe w0; w1 =
 * PG_PIPE_NONBLOCK | PG_PIPE_PARTIAL (part of them may go if all do not
 * fit) | PG_PIPE_MSG0 (a datagram of no bytes).  No bytes: only check
 * that [w3, w3 + w2) is readable memory of the caller.  A datagram
 * socket's pipe keeps each write as one message (a 4-byte length, then
 * the bytes).  w0 = bytes written.  E_DEAD: no reader or shut (EPIPE);
 * E_NOENT: a datagram socket's reader gone (ECONNREFUSED); E_AGAIN
 * (non-blocking, no room); else no room saves the call (PG_PIPE_RETRY). */
static long pipe_write(struct proc *p, const struct sys_msg *m, struct sys_msg *r)
{
	int s;
	struct pipe *q = pipe_of(p, m->w[0], &s);
	uint32_t n = IPC_LABEL_LEN(m->label);
	bool ev = q && q->kind >= PG_PIPE_EVENT, msg = q && (q->kind == PG_PIPE_SEQPACKET ||
							      q->kind == PG_PIPE_DGRAM);
	if (!q || !(ev ? q->hold[s].r : q->hold[s].w))
		return E_BADHANDLE;
	if (n > PG_PIPE_BUF)
		return E_INVAL;
	if (q->kind == PG_PIPE_TIMER || q->kind == PG_PIPE_LISTEN)
		return n ? E_INVAL : E_OK;
	if (ev)
		return event_write(p, q, m, r, n);
	long dead = q->shut ? E_DEAD : !q->readers ? (q->kind == PG_PIPE_DGRAM ? E_NOENT : E_DEAD) : E_OK;
	if (!n && !(msg && (m->w[1] & PG_PIPE_MSG0)))
		return user_ok(p, m->w[3], m->w[2], MAP_R) ? dead : E_FAULT;
	if (dead)
		return dead;
	uint32_t room = PG_PIPE_SIZE - q->len, need = msg ? n + 4 : n;
	if (!msg && room < n && (m->w[1] & PG_PIPE_PARTIAL) && room)
		n = need = room;
	if (room < need)
		return m->w[1] & PG_PIPE_NONBLOCK ? E_AGAIN : wait_on(p, q->wwait);
	if (msg)
		ring_copy(q, q->head + q->len, (uint8_t *)&n, 4, true);
	ring_copy(q, q->head + q->len + (msg ? 4 : 0), pg_self()->ipc_buf, n, true);
	q->len += need;
	wake_all(q->rwait);
	wake_pollers(q);
	r->w[0] = n;
	return E_OK;
}

/* An eventfd's read: the counter (EFD_SEMAPHORE: 1) as 8 bytes, taken
 * off it; 0 waits (or E_AGAIN).  Fewer than 8 bytes asked: E_INVAL. */
static long event_read(struct proc *p, struct pipe *q, const struct sys_msg *m,
		       struct sys_msg *r)
{
	if (m->w[1] < sizeof q->count)
		return E_INVAL;
	if (!q->count) /* (before the buffer's check, as Linux's) */
		return m->w[2] & PG_PIPE_NONBLOCK ? E_AGAIN : wait_on(p, q->rwait);
	if (!user_ok(p, m->w[3], sizeof q->count, MAP_W))
		return E_FAULT;
	uint64_t v = q->sem ? 1 : q->count; /* (a timerfd: the expiries) */
	q->count -= v;
	memcpy(pg_self()->ipc_buf, &v, sizeof v);
	pg_self()->reply_len = sizeof v;
	wake_all(q->wwait);
	wake_pollers(q);
	r->w[0] = sizeof v;
	return E_OK;
}

/* PG_PIPE_READ: up to w1 (<= PG_PIPE_BUF) bytes of pipe w0 for the
 * caller's buffer at w3 (checked writable), in the reply buffer; w0 =
 * bytes, 0 at the end of file (no writer left, or shut; a datagram
 * socket never ends).  A message socket's read takes one message (the
 * part past w1 is lost), w2 out = its whole length.  w2 =
 * PG_PIPE_NONBLOCK: E_AGAIN when empty, else an empty pipe saves the
 * call (PG_PIPE_RETRY); | PG_PIPE_PEEK: the bytes stay. */
static long pipe_read(struct proc *p, const struct sys_msg *m, struct sys_msg *r)
{
	int s;
	struct pipe *q = pipe_of(p, m->w[0], &s);
	if (!q || !q->hold[s].r)
		return E_BADHANDLE;
	if (q->kind == PG_PIPE_EVENT || q->kind == PG_PIPE_TIMER)
		return event_read(p, q, m, r);
	if (q->kind == PG_PIPE_LISTEN)
		return E_INVAL;
	if (m->w[1] > PG_PIPE_BUF)
		return E_INVAL;
	if (!user_ok(p, m->w[3], m->w[1], MAP_W))
		return E_FAULT;
	bool msg = q->kind == PG_PIPE_SEQPACKET || q->kind == PG_PIPE_DGRAM;
	bool eof = (!q->writers || q->shut) && q->kind != PG_PIPE_DGRAM;
	if (!q->len && !eof && (m->w[1] || msg))
		return m->w[2] & PG_PIPE_NONBLOCK ? E_AGAIN : wait_on(p, q->rwait);
	uint32_t whole = q->len, skip = 0;
	if (msg && q->len) {
		ring_copy(q, q->head, (uint8_t *)&whole, 4, false);
		skip = 4;
	}
	uint32_t n = whole < m->w[1] ? whole : (uint32_t)m->w[1];
	ring_copy(q, q->head + skip, pg_self()->ipc_buf, n, false);
	pg_self()->reply_len = n;
	r->w[0] = n;
	r->w[2] = whole;
	uint32_t gone = msg ? (q->len ? skip + whole : 0) : n;
	if (m->w[2] & PG_PIPE_PEEK || !gone)
		return E_OK;
	q->head = (q->head + gone) % PG_PIPE_SIZE;
	q->len -= gone;
	wake_all(q->wwait);
	wake_pollers(q);
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

long do_pipe_ctl(struct proc *p, const struct sys_msg *m, struct sys_msg *r)
{
	lock_take(&pipes_lock);
	long label = pipe_ctl(p, m, r);
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

/* Bytes of room a write end needs for POLLOUT (a message: its length too). */
static bool room_for_write(const struct pipe *q)
{
	uint32_t need = PG_PIPE_BUF + (q->kind == PG_PIPE_STREAM ? 0 : 4);
	return PG_PIPE_SIZE - q->len >= need;
}

/* The poll(2) events of a socket that reads pipe in and writes pipe out,
 * as Linux's unix_poll (POLLNVAL: p holds not both): POLLIN with bytes
 * or (stream, seqpacket) the receiving side shut, then POLLRDHUP too, and
 * POLLHUP when both sides are; POLLOUT with room or the sending side shut
 * (a write fails at once). */
static uint16_t sock_events(struct proc *p, uint32_t in, uint32_t out)
{
	int s, t;
	struct pipe *a = pipe_of(p, in, &s), *b = pipe_of(p, out, &t);
	if (!a || !b || !a->hold[s].r || !b->hold[t].w || a->kind >= PG_PIPE_EVENT ||
	    b->kind >= PG_PIPE_EVENT)
		return PG_POLLNVAL;
	bool rshut = !a->writers || a->shut, wshut = !b->readers || b->shut;
	uint16_t ev = (a->len ? PG_POLLIN : 0) | (room_for_write(b) || wshut ? PG_POLLOUT : 0);
	if (a->kind != PG_PIPE_DGRAM && rshut)
		ev |= PG_POLLIN | PG_POLLRDHUP | (wshut ? PG_POLLHUP : 0);
	return ev;
}

/* The poll(2) events of end `end` of pipe id for p (POLLNVAL: not held);
 * an eventfd's (its read end) POLLIN when not 0, POLLOUT below the most. */
static uint16_t pipe_events(struct proc *p, uint32_t id, uint16_t end)
{
	int s;
	struct pipe *q = pipe_of(p, id, &s);
	if (!q || end > 1 || !(end ? q->hold[s].w : q->hold[s].r))
		return PG_POLLNVAL;
	if (q->kind == PG_PIPE_EVENT)
		return (q->count ? PG_POLLIN : 0) | (q->count < EVENT_MAX ? PG_POLLOUT : 0);
	if (q->kind == PG_PIPE_TIMER)
		return q->count ? PG_POLLIN : 0;
	if (q->kind == PG_PIPE_LISTEN)
		return q->npend ? PG_POLLIN : 0;
	if (end == 0)
		return (q->len ? PG_POLLIN : 0) | (q->writers && !q->shut ? 0 : PG_POLLHUP);
	return (room_for_write(q) ? PG_POLLOUT : 0) | (q->readers && !q->shut ? 0 : PG_POLLERR);
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
		bool sock = e[i].end == PG_POLL_SOCK;
		uint16_t ev = sock ? sock_events(p, e[i].id, e[i].out) : pipe_events(p, e[i].id, e[i].end);
		uint16_t seq = (e[i].id < PIPE_MAX ? pipes[e[i].id].seq : 0) +
			       (sock && e[i].out < PIPE_MAX ? pipes[e[i].out].seq : 0);
		if ((e[i].events & PG_POLL_SEQ) && seq == e[i].seq && ev != PG_POLLNVAL)
			ev = 0; /* nothing new since the caller's last look */
		e[i].seq = seq;
		e[i].revents = ev & (e[i].events | PG_POLLHUP | PG_POLLERR | PG_POLLNVAL);
		ready += e[i].revents != 0;
		if (e[i].id < PIPE_MAX)
			mask[e[i].id / 64] |= 1ull << (e[i].id % 64);
		if (sock && e[i].out < PIPE_MAX)
			mask[e[i].out / 64] |= 1ull << (e[i].out % 64);
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
	for (int id = 0; id < PIPE_MAX; id++) {
		struct pipe *q = &pipes[id];
		if (!q->used || q->kind != PG_PIPE_TIMER || !q->deadline)
			continue;
		timer_fire(q, now);
		if (q->deadline && q->deadline - now < next)
			next = q->deadline - now;
	}
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
