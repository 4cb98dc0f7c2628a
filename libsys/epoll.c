/* epoll: an instance is libsys's list of interests (descriptor number,
 * open file description, events, data), keyed as Linux's by the pair;
 * epoll_wait is one poll (poll.c's libsys_poll_items) over the list, so
 * pipes, sockets and eventfds wait in the pager, off the CPU.  An
 * interest goes with its description's last descriptor (files.c calls
 * libsys_epoll_forget).  EPOLLONESHOT turns an interest off once
 * reported (until EPOLL_CTL_MOD); EPOLLET reports an interest again only
 * when its pipes changed since (the pager's seq).  Limits: EPOLL_MAX
 * instances in a process, not shared with a fork child (it gets a copy)
 * nor kept by exec; an epoll inside an epoll inside an epoll is never
 * ready.  A change made while another thread waits wakes that wait
 * through the instance's kick, an eventfd-kind pipe every wait also
 * polls (written only while someone waits, drained by the waiter that
 * sees it). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <poll.h>
#include "abi/err.h"
#include "abi/pager.h"
#include "libsys.h"

#define EPOLL_MAX 64
#define FOREVER   (~0ull)

struct ep_item {
	int fd;
	const void *ofd;
	uint32_t events;
	uint64_t data;
	uint16_t seq;
	uint8_t have_seq, off; /* EPOLLET's last seq reported; EPOLLONESHOT's */
};

static struct ep {
	int used, n, cap, rot;  /* rot: where the next report starts */
	int waiting;            /* threads in epoll_wait on it */
	unsigned kick;          /* the kick's pipe id */
	struct ep_item *it;
} eps[EPOLL_MAX];

static int ep_lock;
static uint64_t ep_mask; /* the holder's signal mask before it took the lock */

/* Take ep_lock with signals off: a close() in a handler (async-signal-
 * safe) takes it too (libsys_epoll_forget, for a description's end), and
 * would spin for good on a lock its own thread held. */
static void lock(void)
{
	uint64_t old = libsys_sigs_off();
	while (__atomic_exchange_n(&ep_lock, 1, __ATOMIC_ACQUIRE))
		__builtin_ia32_pause();
	ep_mask = old;
}

static void unlock(void)
{
	uint64_t old = ep_mask;
	__atomic_store_n(&ep_lock, 0, __ATOMIC_RELEASE);
	libsys_sigs_on(old);
}

void libsys_epoll_fork(int stage)
{
	if (stage == 0)
		lock();
	else
		unlock();
}

int epoll_create1(int flags)
{
	if (flags & ~EPOLL_CLOEXEC) {
		errno = EINVAL;
		return -1;
	}
	struct sys_msg m = { .label = PG_PIPE_CTL, .w = { PG_CTL_EVENTFD, 0, 0 } };
	int err = libsys_pg_call(&m);
	if (err) {
		errno = err == E_NOMEM ? ENFILE : libsys_errno(err);
		return -1;
	}
	lock();
	int i = 0;
	while (i < EPOLL_MAX && eps[i].used)
		i++;
	if (i < EPOLL_MAX)
		eps[i] = (struct ep){ 1, 0, 0, 0, 0, (unsigned)m.w[0], NULL };
	unlock();
	if (i == EPOLL_MAX) {
		libsys_pipe_ref((unsigned)m.w[0], 0, -1);
		errno = ENOMEM;
		return -1;
	}
	int fd = libsys_fd_new_epoll((unsigned)i, flags & EPOLL_CLOEXEC ? O_CLOEXEC : 0);
	if (fd < 0)
		libsys_epoll_free((unsigned)i);
	return fd;
}

int epoll_create(int size)
{
	if (size <= 0) {
		errno = EINVAL;
		return -1;
	}
	return epoll_create1(0);
}

void libsys_epoll_free(unsigned inst)
{
	if (inst >= EPOLL_MAX)
		return;
	lock();
	unsigned kick = eps[inst].kick;
	int used = eps[inst].used;
	libsys_free_async(eps[inst].it); /* (close of an epoll: maybe a handler's) */
	eps[inst] = (struct ep){ 0 };
	unlock();
	if (used)
		libsys_pipe_ref(kick, 0, -1);
}

unsigned libsys_epoll_kick(unsigned inst)
{
	return inst < EPOLL_MAX ? eps[inst].kick : 0;
}

/* Wake e's waiters (after a change): a write to its kick. */
static void kick(unsigned id)
{
	uint64_t one = 1;
	libsys_pipe_send(id, &one, sizeof one, PG_PIPE_NONBLOCK);
}

void libsys_epoll_forget(const void *ofd)
{
	lock();
	for (int i = 0; i < EPOLL_MAX; i++)
		for (int k = 0; eps[i].used && k < eps[i].n;)
			if (eps[i].it[k].ofd == ofd)
				eps[i].it[k] = eps[i].it[--eps[i].n];
			else
				k++;
	unlock();
}

/* The interest (fd, ofd) of e (lock held), or -1. */
static int find(struct ep *e, int fd, const void *ofd)
{
	for (int k = 0; k < e->n; k++)
		if (e->it[k].fd == fd && e->it[k].ofd == ofd)
			return k;
	return -1;
}

/* epoll_ctl's change to e (lock held): 0 or an errno. */
static int change(struct ep *e, int op, int fd, const void *ofd, const struct epoll_event *ev)
{
	int k = find(e, fd, ofd);
	uint32_t events = ev ? ev->events | EPOLLERR | EPOLLHUP : 0;
	switch (op) {
	case EPOLL_CTL_ADD:
		if (k >= 0)
			return EEXIST;
		if (e->n == e->cap) {
			int cap = e->cap ? 2 * e->cap : 8;
			struct ep_item *it = realloc(e->it, (size_t)cap * sizeof *it);
			if (!it)
				return ENOMEM;
			e->it = it;
			e->cap = cap;
		}
		e->it[e->n++] = (struct ep_item){ fd, ofd, events, ev->data.u64, 0, 0, 0 };
		return 0;
	case EPOLL_CTL_MOD:
		if (k < 0)
			return ENOENT;
		if (ev->events & EPOLLEXCLUSIVE)
			return EINVAL;
		e->it[k] = (struct ep_item){ fd, ofd, events, ev->data.u64, 0, 0, 0 };
		return 0;
	case EPOLL_CTL_DEL:
		if (k < 0)
			return ENOENT;
		e->it[k] = e->it[--e->n];
		return 0;
	}
	return EINVAL;
}

int epoll_ctl(int epfd, int op, int fd, struct epoll_event *ev)
{
	if (op != EPOLL_CTL_DEL && libsys_user_room(ev, sizeof *ev, 0) != sizeof *ev) {
		errno = EFAULT;
		return -1;
	}
	struct libsys_target te, tf;
	if (libsys_fd_target(epfd, &te) == LIBSYS_POLL_BAD ||
	    libsys_fd_target(fd, &tf) == LIBSYS_POLL_BAD) {
		errno = EBADF;
		return -1;
	}
	if (tf.kind == LIBSYS_POLL_READY) { /* files and devices: no poll, as Linux's */
		errno = EPERM;
		return -1;
	}
	if (te.kind != LIBSYS_POLL_EPOLL || fd == epfd || te.id >= EPOLL_MAX) {
		errno = EINVAL;
		return -1;
	}
	lock();
	int e = eps[te.id].used ? change(&eps[te.id], op, fd, libsys_fd_ofd(fd), ev) : EBADF;
	int wake = !e && eps[te.id].waiting;
	unsigned k = eps[te.id].kick;
	unlock();
	if (wake)
		kick(k);
	if (e) {
		errno = e;
		return -1;
	}
	return 0;
}

/* The poll items of e's interests that are on (lock held; nested: an
 * epoll among them is left out), into *out (malloc'd): how many, or -1. */
static int snapshot(struct ep *e, struct libsys_pitem **out, int nested)
{
	*out = malloc((size_t)(e->n + 1) * sizeof **out); /* (and the kick) */
	if (!*out)
		return -1;
	int n = 0;
	for (int k = 0; k < e->n; k++) {
		struct ep_item *x = &e->it[(k + e->rot) % e->n];
		struct libsys_pitem *p = &(*out)[n];
		if (x->off)
			continue;
		*p = (struct libsys_pitem){ .events = (short)(x->events & 0xffff) };
		libsys_ofd_target(x->ofd, &p->t);
		if (nested && p->t.kind == LIBSYS_POLL_EPOLL)
			continue;
		if ((x->events & EPOLLET) && x->have_seq) {
			p->useseq = 1;
			p->seq = x->seq;
		}
		p->revents = (short)((k + e->rot) % e->n); /* the interest's index, for now */
		n++;
	}
	return n;
}

int libsys_epoll_ready(unsigned inst)
{
	if (inst >= EPOLL_MAX)
		return 0;
	struct libsys_pitem *p;
	lock();
	int n = eps[inst].used ? snapshot(&eps[inst], &p, 1) : -1;
	unlock();
	if (n < 0)
		return 0;
	int r = libsys_poll_items(p, n, 0);
	free(p);
	return r > 0;
}

/* Report what the poll found ready in p[0..n) (idx: their interests then)
 * into out, at most max (lock held): how many. */
static int report(struct ep *e, struct libsys_pitem *p, const short *idx, int n,
		  const struct ep_item *was, struct epoll_event *out, int max)
{
	int got = 0;
	for (int i = 0; i < n && got < max; i++) {
		if (!p[i].revents)
			continue;
		int k = find(e, was[i].fd, was[i].ofd);
		if (k < 0 || e->it[k].off || e->it[k].events != was[i].events)
			continue; /* gone or changed meanwhile */
		struct ep_item *x = &e->it[k];
		uint32_t ev = (uint32_t)(unsigned short)p[i].revents & x->events;
		if (!ev)
			continue;
		out[got].events = ev;
		out[got].data.u64 = x->data;
		got++;
		if (x->events & EPOLLONESHOT)
			x->off = 1;
		if (x->events & EPOLLET) {
			x->seq = p[i].seq;
			x->have_seq = 1;
		}
		e->rot = idx[i] + 1;
	}
	return got;
}

/* A wait on e (whose kick was kick) is over: no longer counted, unless e
 * was closed meanwhile (its slot maybe another instance's now). */
static void unwait(struct ep *e, unsigned kick)
{
	lock();
	if (e->used && e->kick == kick && e->waiting > 0)
		e->waiting--;
	unlock();
}

/* epoll_wait with ms (FOREVER: no limit). */
static int wait_ms(int epfd, struct epoll_event *events, int max, uint64_t ms)
{
	struct libsys_target t;
	if (max <= 0 || (size_t)max > 0x7fffffff / sizeof *events) {
		errno = EINVAL;
		return -1;
	}
	if (libsys_fd_target(epfd, &t) == LIBSYS_POLL_BAD) {
		errno = EBADF;
		return -1;
	}
	if (t.kind != LIBSYS_POLL_EPOLL || t.id >= EPOLL_MAX) {
		errno = EINVAL;
		return -1;
	}
	struct ep *e = &eps[t.id];
	struct epoll_event out[64];
	if (max > 64)
		max = 64; /* (the rest next time: rot goes round) */
	for (;;) {
		struct libsys_pitem *p;
		lock();
		int n = snapshot(e, &p, 0);
		struct ep_item *was = n > 0 ? malloc((size_t)n * sizeof *was) : NULL;
		short *idx = n > 0 ? malloc((size_t)n * sizeof *idx) : NULL;
		for (int i = 0; i < n && was && idx; i++) {
			idx[i] = p[i].revents;
			was[i] = e->it[idx[i]];
		}
		unsigned my_kick = e->kick; /* (the epoll may be closed meanwhile) */
		if (n >= 0) { /* the kick: a change another thread made */
			p[n] = (struct libsys_pitem){ .events = POLLIN };
			p[n].t = (struct libsys_target){ LIBSYS_POLL_EVENT, my_kick, 0, 0 };
			e->waiting++;
		}
		unlock();
		if (n < 0 || (n > 0 && (!was || !idx))) {
			if (n >= 0)
				unwait(e, my_kick);
			free(n >= 0 ? p : NULL), free(was), free(idx);
			errno = ENOMEM;
			return -1;
		}
		uint64_t start = ms == FOREVER ? 0 : libsys_now_ms();
		int r = libsys_poll_items(p, n + 1, ms);
		int got = 0, kicked = r > 0 && p[n].revents;
		unwait(e, my_kick);
		lock();
		if (r > 0 && e->used && e->kick == my_kick)
			got = report(e, p, idx, n, was, out, max);
		unlock();
		free(p), free(was), free(idx);
		if (r < 0)
			return -1;
		lock();
		kicked = kicked && e->used && e->kick == my_kick; /* (still ours) */
		unlock();
		if (kicked) { /* drained: the list is looked at again */
			uint64_t v;
			libsys_pipe_recv(my_kick, &v, sizeof v, PG_PIPE_NONBLOCK | LIBSYS_RD_ONE, NULL);
		}
		if (got) {
			size_t len = (size_t)got * sizeof *events;
			if (libsys_user_room(events, len, 1) != len) {
				errno = EFAULT;
				return -1;
			}
			memcpy(events, out, len);
			return got;
		}
		if ((r == 0 || ms == 0) && !kicked)
			return 0;
		if (ms != FOREVER) {
			uint64_t gone = libsys_now_ms() - start;
			if (gone >= ms)
				return 0;
			ms -= gone;
		}
	}
}

int epoll_wait(int epfd, struct epoll_event *events, int maxevents, int timeout)
{
	libsys_testcancel();
	return wait_ms(epfd, events, maxevents, timeout < 0 ? FOREVER : (uint64_t)timeout);
}

int epoll_pwait(int epfd, struct epoll_event *events, int maxevents, int timeout,
		const sigset_t *sigmask)
{
	if (!sigmask)
		return epoll_wait(epfd, events, maxevents, timeout);
	sigset_t old;
	unsigned seen = libsys_sig_ran();
	if (sigprocmask(SIG_SETMASK, sigmask, &old))
		return -1;
	int r;
	if (libsys_sig_ran() != seen) {
		errno = EINTR;
		r = -1;
	} else {
		r = epoll_wait(epfd, events, maxevents, timeout);
	}
	int err = errno;
	sigprocmask(SIG_SETMASK, &old, NULL);
	errno = err;
	return r;
}
