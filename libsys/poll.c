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

static uint64_t now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000 + (uint64_t)t.tv_nsec / 1000000;
}

/* What a poll asks the pager (its pipes: each end once, in one IPC
 * buffer) and the kernel (the console). */
#define ASK_MAX ((int)(IPC_BUF_MAX / sizeof(struct pg_poll)))
struct ask {
	struct pg_poll e[ASK_MAX];
	short slot[LIBSYS_FD_MAX]; /* fds[i] is a pipe's end e[slot[i]], or -1 */
	int n, console;
};

/* The entry of q for pipe id's end (made if new): its index. */
static int ask_slot(struct ask *q, unsigned id, int end)
{
	for (int k = 0; k < q->n; k++)
		if (q->e[k].id == id && q->e[k].end == end)
			return k;
	q->e[q->n] = (struct pg_poll){ (uint16_t)id, (uint16_t)end, 0, 0 };
	return q->n++; /* ends of 64 pipes: never more than ASK_MAX */
}

/* POLLIN and POLLOUT with Linux's companions. */
static short widen(unsigned ev)
{
	return (short)(ev | (ev & POLLIN ? POLLRDNORM : 0) | (ev & POLLOUT ? POLLWRNORM : 0));
}

/* revents of fds that do not wait (files, devices, bad descriptors, the
 * console); pipes (and whether the console is asked for input) into *q.
 * Returns how many have events. */
static int scan(struct pollfd *fds, nfds_t nfds, struct ask *q)
{
	int ready = 0;
	q->n = q->console = 0;
	for (nfds_t i = 0; i < nfds; i++) {
		struct pollfd *p = &fds[i];
		unsigned id;
		int flags;
		short want = (short)(p->events | POLLERR | POLLHUP | POLLNVAL), ev = 0;
		q->slot[i] = -1;
		if (p->fd < 0) {
			p->revents = 0;
			continue;
		}
		switch (libsys_fd_poll(p->fd, &id, &flags)) {
		case LIBSYS_POLL_BAD:
			ev = POLLNVAL;
			break;
		case LIBSYS_POLL_READY:
			ev = widen(POLLIN | POLLOUT);
			break;
		case LIBSYS_POLL_CONSOLE: {
			struct sys_regs r;
			ev = widen(POLLOUT);
			if (p->events & (POLLIN | POLLRDNORM)) {
				if (sys_console_read_r(0, 0, CONSOLE_POLL, &r) == E_OK && r.rdi)
					ev |= widen(POLLIN);
				else
					q->console = 1;
			}
			break;
		}
		case LIBSYS_POLL_PIPE: {
			int k = ask_slot(q, id, (flags & O_ACCMODE) == O_WRONLY);
			q->slot[i] = (short)k;
			q->e[k].events |= (uint16_t)((p->events & (POLLIN | POLLRDNORM) ? PG_POLLIN : 0) |
						     (p->events & (POLLOUT | POLLWRNORM) ? PG_POLLOUT : 0));
			break;
		}
		}
		p->revents = ev & want;
		ready += p->revents != 0;
	}
	return ready;
}

/* Ask the pager about q's pipes, waiting up to ms: E_OK (their revents
 * merged into fds, *ready counts them), E_TIMEDOUT, E_INTR, or
 * E_AGAIN (look again). */
static int ask_pager(struct pollfd *fds, nfds_t nfds, struct ask *q, uint64_t ms, int *ready)
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
	for (nfds_t i = 0; i < nfds; i++) {
		if (q->slot[i] < 0)
			continue;
		struct pollfd *p = &fds[i];
		short want = (short)(p->events | POLLERR | POLLHUP | POLLNVAL);
		p->revents = widen(q->e[q->slot[i]].revents) & want;
		*ready += p->revents != 0;
	}
	return E_OK;
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
	uint64_t end = timeout == FOREVER ? FOREVER : now_ms() + timeout;
	unsigned ran = libsys_sig_ran();
	for (;;) {
		struct ask q;
		int ready = scan(fds, nfds, &q);
		uint64_t now = now_ms();
		uint64_t left = ready ? 0 : end == FOREVER ? FOREVER : end > now ? end - now : 0;
		int e;
		if (q.n || !q.console) { /* the pipes (or none: a sleep) */
			uint64_t ms = q.console && left > SLICE_MS ? SLICE_MS : left;
			if (ms != FOREVER && ms > PG_POLL_MAX_MS)
				ms = PG_POLL_MAX_MS;
			e = ask_pager(fds, nfds, &q, ms, &ready);
		} else { /* the console alone */
			struct sys_regs r;
			e = sys_console_read_r(0, left == FOREVER ? FUTEX_FOREVER :
					       left > FUTEX_MAX_MS ? FUTEX_MAX_MS : left,
					       CONSOLE_POLL, &r);
			if (e == E_OK && r.rdi)
				e = E_AGAIN; /* typed: scan again */
		}
		if (e == E_INTR && libsys_sig_ran() != ran) {
			errno = EINTR; /* a handler ran in this thread */
			return -1;
		}
		if (e == E_AGAIN || e == E_INTR) /* (E_INTR: in another thread) */
			continue;
		if (e != E_OK && e != E_TIMEDOUT)
			return libsys_fail(e);
		if (ready || (end != FOREVER && now_ms() >= end))
			return ready;
	}
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
		unsigned id;
		int flags;
		if (fd >= LIBSYS_FD_MAX || libsys_fd_poll(fd, &id, &flags) == LIBSYS_POLL_BAD) {
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
	uint64_t start = now_ms();
	int r = do_select(n, rd, wr, ex, ms, NULL);
	if (tv && ms != FOREVER) { /* the time left, as Linux writes back */
		uint64_t gone = now_ms() - start, left = gone < ms ? ms - gone : 0;
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
