/* poll, ppoll, select, pselect.  Files and /dev files never wait (always
 * ready, as Linux's); the console's input is the kernel's (console_read's CONSOLE_POLL);
 * pipes are the pager's: PG_IO_POLL answers their events, or saves the
 * call until one of them changes (PG_PIPE_RETRY: look again), the time
 * runs out (E_TIMEDOUT) or a handled signal comes (E_INTR: EINTR), so a
 * waiting thread uses no CPU.  A wait on the console and pipes at once
 * waits on the pipes in slices of SLICE_MS and looks at the console
 * between them. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/select.h>
#include <time.h>
#include <stdlib.h>
#include "abi/err.h"
#include "abi/pager.h"
#include "abi/syscall.h"
#include "lib/string.h"
#include "sys/startup.h"
#include "sys/syscall.h"
#include "sys/unistd.h" /* sleep_ms */
#include "libsys.h"

#define SLICE_MS 20
#define FOREVER  (~0ull)

uint64_t libsys_now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000 + (uint64_t)t.tv_nsec / 1000000;
}

/* What a poll asks the pager (its pipes: each end or socket once, in
 * one IPC buffer) and the kernel (the console). */
#define ASK_MAX ((int)(IPC_BUF_MAX / sizeof(struct pg_poll)))
struct ask {
	struct pg_poll e[ASK_MAX];
	int n, console, slice; /* slice: wait in slices (an epoll inside) */
};

/* The entry of q for pipe id's end (PG_POLL_SOCK: a socket writing out),
 * made if new (always, with useseq): its index, or -1 (q is full). */
static int ask_slot(struct ask *q, unsigned id, int end, unsigned out, int useseq)
{
	for (int k = 0; k < q->n && !useseq; k++)
		if (q->e[k].id == id && q->e[k].end == end && q->e[k].out == out &&
		    !(q->e[k].events & PG_POLL_SEQ))
			return k; /* (its seq is the same for both) */
	if (q->n == ASK_MAX)
		return -1;
	q->e[q->n] = (struct pg_poll){ (uint16_t)id, (uint16_t)end, 0, 0, (uint16_t)out, 0 };
	return q->n++;
}

/* POLLIN and POLLOUT with Linux's companions. */
static short widen(unsigned ev)
{
	return (short)(ev | (ev & POLLIN ? POLLRDNORM : 0) | (ev & POLLOUT ? POLLWRNORM : 0));
}

/* The pager's events for a poll's. */
static uint16_t pg_events(short ev)
{
	return (uint16_t)((ev & (POLLIN | POLLRDNORM) ? PG_POLLIN : 0) |
			  (ev & (POLLOUT | POLLWRNORM) ? PG_POLLOUT : 0) |
			  (ev & POLLRDHUP ? PG_POLLRDHUP : 0));
}

/* The console's events for item p (input asked: q->console if none yet). */
static short console_events(struct libsys_pitem *p, struct ask *q)
{
	struct sys_regs r;
	short ev = widen(POLLOUT);
	if (p->events & (POLLIN | POLLRDNORM)) {
		if (sys_console_read_r(0, 0, CONSOLE_POLL, &r) == E_OK && r.rdi)
			ev |= widen(POLLIN);
		else
			q->console = 1;
	}
	return ev;
}

/* revents of items that do not wait in the pager (files, devices, bad
 * descriptors, the console, an epoll); the pager's into *q (slot[i]: the
 * entry of item i, or -1).  Returns how many have events. */
static int scan(struct libsys_pitem *it, int n, struct ask *q, short *slot)
{
	int ready = 0;
	q->n = q->console = q->slice = 0;
	for (int i = 0; i < n; i++) {
		struct libsys_pitem *p = &it[i];
		struct libsys_target *t = &p->t;
		short want = (short)(p->events | POLLERR | POLLHUP | POLLNVAL), ev = 0;
		int k = -1;
		slot[i] = -1;
		switch (t->kind) {
		case LIBSYS_POLL_BAD:
			ev = POLLNVAL;
			break;
		case LIBSYS_POLL_READY:
			ev = widen(POLLIN | POLLOUT);
			break;
		case LIBSYS_POLL_IDLE: /* an unconnected socket, as Linux's */
			ev = (short)(widen(POLLOUT) | POLLHUP);
			break;
		case LIBSYS_POLL_CONSOLE:
			ev = console_events(p, q);
			break;
		case LIBSYS_POLL_EPOLL:
			if (libsys_epoll_ready(t->id))
				ev = widen(POLLIN);
			else
				q->slice = 1;
			break;
		case LIBSYS_POLL_PIPE:
			k = ask_slot(q, t->id, (int)t->out, 0, p->useseq);
			break;
		case LIBSYS_POLL_SOCK:
			k = ask_slot(q, t->id, PG_POLL_SOCK, t->out, p->useseq);
			break;
		case LIBSYS_POLL_EVENT:
			k = ask_slot(q, t->id, 0, 0, p->useseq);
			break;
		}
		if (k >= 0) {
			slot[i] = (short)k;
			q->e[k].events |= pg_events(p->events);
			if (p->useseq) {
				q->e[k].events |= PG_POLL_SEQ;
				q->e[k].seq = p->seq;
			}
		}
		p->revents = ev & want;
		ready += p->revents != 0;
	}
	return ready;
}

/* Ask the pager about q's pipes, waiting up to ms: E_OK (their revents
 * merged into it, *ready counts them), E_TIMEDOUT, E_INTR, or
 * E_AGAIN (look again). */
static int ask_pager(struct libsys_pitem *it, int n, struct ask *q, const short *slot,
		     uint64_t ms, int *ready)
{
	uint32_t len = (uint32_t)(q->n * sizeof q->e[0]);
	memcpy(libsys_ipc_buf(), q->e, len);
	struct sys_msg m = { .label = IPC_LABEL(PG_IO_POLL, len), .w = { ms } };
	int e = libsys_pg_call(&m);
	if (e == E_OK && m.w[1] == PG_PIPE_RETRY)
		return E_AGAIN;
	if (e == E_BUSY) { /* every waiting slot taken */
		sleep_ms(1);
		return E_AGAIN;
	}
	if (e)
		return e;
	memcpy(q->e, libsys_ipc_buf(), len);
	for (int i = 0; i < n; i++) {
		if (slot[i] < 0)
			continue;
		struct libsys_pitem *p = &it[i];
		short want = (short)(p->events | POLLERR | POLLHUP | POLLNVAL);
		p->revents = widen(q->e[slot[i]].revents) & want;
		if (p->revents)
			p->seq = q->e[slot[i]].seq; /* (epoll's EPOLLET keeps it) */
		*ready += p->revents != 0;
	}
	return E_OK;
}

int libsys_poll_items(struct libsys_pitem *it, int n, uint64_t timeout)
{
	uint64_t end = timeout == FOREVER ? FOREVER : libsys_now_ms() + timeout;
	unsigned ran = libsys_sig_ran();
	short slot_small[64], *slot = n <= 64 ? slot_small : malloc((size_t)n * sizeof *slot);
	struct ask qs, *q = &qs;
	int r = -1;
	if (!slot) {
		errno = ENOMEM;
		goto out;
	}
	for (;;) {
		int ready = scan(it, n, q, slot);
		uint64_t now = libsys_now_ms();
		uint64_t left = ready ? 0 : end == FOREVER ? FOREVER : end > now ? end - now : 0;
		int e;
		if (q->n || !q->console) { /* the pipes (or none: a sleep) */
			uint64_t ms = (q->console || q->slice) && left > SLICE_MS ? SLICE_MS : left;
			if (ms != FOREVER && ms > PG_POLL_MAX_MS)
				ms = PG_POLL_MAX_MS;
			e = ask_pager(it, n, q, slot, ms, &ready);
		} else { /* the console alone */
			struct sys_regs rg;
			e = sys_console_read_r(0, left == FOREVER ? FUTEX_FOREVER :
					       left > FUTEX_MAX_MS ? FUTEX_MAX_MS : left,
					       CONSOLE_POLL, &rg);
			if (e == E_OK && rg.rdi)
				e = E_AGAIN; /* typed: scan again */
		}
		if (e == E_INTR && libsys_sig_ran() != ran) {
			errno = EINTR; /* a handler ran in this thread */
			goto out;
		}
		if (e == E_AGAIN || e == E_INTR) /* (E_INTR: in another thread) */
			continue;
		if (e != E_OK && e != E_TIMEDOUT) {
			libsys_fail(e);
			goto out;
		}
		if (ready || (end != FOREVER && libsys_now_ms() >= end)) {
			r = ready;
			goto out;
		}
	}
out:
	if (slot != slot_small)
		free(slot);
	return r;
}

/* poll with a timeout in ms (FOREVER: none). */
static int poll_ms(struct pollfd *fds, nfds_t nfds, uint64_t timeout)
{
	libsys_testcancel();
	if (nfds > LIBSYS_FD_MAX) {
		errno = EINVAL;
		return -1;
	}
	if (nfds && libsys_user_room(fds, nfds * sizeof *fds, 1) != nfds * sizeof *fds) {
		errno = EFAULT;
		return -1;
	}
	struct libsys_pitem small[16], *it = nfds <= 16 ? small : malloc(nfds * sizeof *it);
	if (!it) {
		errno = ENOMEM;
		return -1;
	}
	for (nfds_t i = 0; i < nfds; i++) {
		it[i] = (struct libsys_pitem){ .events = fds[i].events };
		if (fds[i].fd < 0)
			it[i].t.kind = LIBSYS_POLL_READY, it[i].events = 0; /* ignored */
		else
			libsys_fd_target(fds[i].fd, &it[i].t);
	}
	int r = libsys_poll_items(it, (int)nfds, timeout);
	for (nfds_t i = 0; i < nfds && r >= 0; i++)
		fds[i].revents = fds[i].fd < 0 ? 0 : it[i].revents;
	if (it != small)
		free(it);
	return r;
}

int poll(struct pollfd *fds, nfds_t nfds, int timeout)
{
	return poll_ms(fds, nfds, timeout < 0 ? FOREVER : (uint64_t)timeout);
}

/* s seconds and sub_ms as ms: FOREVER only past some 292 million years
 * (a wait over PG_POLL_MAX_MS is made of several: poll_ms). */
static uint64_t secs_ms(uint64_t s, uint64_t sub_ms)
{
	return s > FOREVER / 2000 ? FOREVER : s * 1000 + sub_ms;
}

/* A timespec as ms rounded up (NULL: FOREVER); EINVAL: -1. */
static int ts_ms(const struct timespec *t, uint64_t *ms)
{
	if (!t) {
		*ms = FOREVER;
		return 0;
	}
	if (t->tv_sec < 0 || t->tv_nsec < 0 || t->tv_nsec >= 1000000000) {
		errno = EINVAL;
		return -1;
	}
	*ms = secs_ms((uint64_t)t->tv_sec, ((uint64_t)t->tv_nsec + 999999) / 1000000);
	return 0;
}

/* poll_ms with the blocked set mask meanwhile (NULL: unchanged): a handler
 * that ran in this thread while the mask was set makes it EINTR at once. */
static int poll_masked(struct pollfd *fds, nfds_t nfds, uint64_t ms, const sigset_t *mask)
{
	if (!mask)
		return poll_ms(fds, nfds, ms);
	sigset_t old;
	unsigned seen = libsys_sig_ran();
	if (sigprocmask(SIG_SETMASK, mask, &old))
		return -1;
	int r;
	if (libsys_sig_ran() != seen) {
		errno = EINTR;
		r = -1;
	} else {
		r = poll_ms(fds, nfds, ms);
	}
	int e = errno;
	sigprocmask(SIG_SETMASK, &old, NULL);
	errno = e;
	return r;
}

int ppoll(struct pollfd *fds, nfds_t nfds, const struct timespec *tmo, const sigset_t *sigmask)
{
	uint64_t ms;
	if (ts_ms(tmo, &ms))
		return -1;
	return poll_masked(fds, nfds, ms, sigmask);
}

/* ---- select over poll ---- */

#define SEL_IN  (POLLIN | POLLRDNORM | POLLHUP | POLLERR)
#define SEL_OUT (POLLOUT | POLLWRNORM | POLLERR)

/* True if set (NULL: none) is readable and writable for fds below n. */
static int set_ok(fd_set *set, int n)
{
	size_t len = ((size_t)n + 63) / 64 * 8;
	return !set || !len || libsys_user_room(set, len, 1) == len;
}

static int do_select(int n, fd_set *rd, fd_set *wr, fd_set *ex, uint64_t ms,
		     const sigset_t *mask)
{
	if (n < 0) {
		errno = EINVAL;
		return -1;
	}
	if (n > FD_SETSIZE) /* as Linux, which takes no more than its table's */
		n = FD_SETSIZE;
	if (!set_ok(rd, n) || !set_ok(wr, n) || !set_ok(ex, n)) {
		errno = EFAULT;
		return -1;
	}
	struct pollfd p[LIBSYS_FD_MAX];
	nfds_t k = 0;
	for (int fd = 0; fd < n; fd++) {
		short ev = (short)((rd && FD_ISSET(fd, rd) ? POLLIN : 0) |
				   (wr && FD_ISSET(fd, wr) ? POLLOUT : 0));
		int in_ex = ex && FD_ISSET(fd, ex);
		if (!ev && !in_ex)
			continue;
		struct libsys_target t;
		if (fd >= LIBSYS_FD_MAX || libsys_fd_target(fd, &t) == LIBSYS_POLL_BAD) {
			errno = EBADF;
			return -1;
		}
		p[k++] = (struct pollfd){ fd, ev, 0 };
	}
	int r = poll_masked(p, k, ms, mask);
	if (r < 0)
		return -1;
	int count = 0;
	for (int fd = 0; fd < n; fd++) {
		if (rd) FD_CLR(fd, rd);
		if (wr) FD_CLR(fd, wr);
		if (ex) FD_CLR(fd, ex);
	}
	for (nfds_t i = 0; i < k; i++) {
		if ((p[i].events & POLLIN) && (p[i].revents & SEL_IN)) {
			FD_SET(p[i].fd, rd);
			count++;
		}
		if ((p[i].events & POLLOUT) && (p[i].revents & SEL_OUT)) {
			FD_SET(p[i].fd, wr);
			count++;
		}
	}
	return count;
}

int select(int n, fd_set *rd, fd_set *wr, fd_set *ex, struct timeval *tv)
{
	uint64_t ms = FOREVER;
	if (tv) {
		if (tv->tv_sec < 0 || tv->tv_usec < 0 || tv->tv_usec >= 1000000) {
			errno = EINVAL;
			return -1;
		}
		ms = secs_ms((uint64_t)tv->tv_sec, ((uint64_t)tv->tv_usec + 999) / 1000);
	}
	uint64_t start = libsys_now_ms();
	int r = do_select(n, rd, wr, ex, ms, NULL);
	if (tv && ms != FOREVER) { /* the time left, as Linux writes back */
		uint64_t gone = libsys_now_ms() - start, left = gone < ms ? ms - gone : 0;
		if (r == 0)
			left = 0;
		tv->tv_sec = (time_t)(left / 1000);
		tv->tv_usec = (suseconds_t)(left % 1000 * 1000);
	}
	return r;
}

int pselect(int n, fd_set *rd, fd_set *wr, fd_set *ex, const struct timespec *ts,
	    const sigset_t *sigmask)
{
	uint64_t ms;
	if (ts_ms(ts, &ms))
		return -1;
	return do_select(n, rd, wr, ex, ms, sigmask);
}
