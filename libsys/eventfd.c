/* eventfd and timerfd: the counter is a pipe of kind PG_PIPE_EVENT in the pager (no
 * ring; its one end is held as a pipe's read end is), so fork, exec, a
 * process's end and poll are the pipes'; a read of 0 or a write past the
 * most waits in the pager as a pipe's does. */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include "abi/err.h"
#include "abi/pager.h"
#include "lib/string.h"
#include "sys/unistd.h" /* sleep_ms */
#include "libsys.h"

/* A counter made in the pager (PG_PIPE_CTL op with a, b) behind a new
 * OFD_EVENT descriptor with flags' O_CLOEXEC and O_NONBLOCK: the
 * descriptor, or -1 (ENFILE: no pipe left, EMFILE). */
static int new_counter(uint64_t op, uint64_t a, uint64_t b, int flags)
{
	struct sys_msg m = { .label = PG_PIPE_CTL, .w = { op, a, b } };
	int e = libsys_pg_call(&m);
	if (e) {
		errno = e == E_NOMEM ? ENFILE : libsys_errno(e);
		return -1;
	}
	int fd = libsys_fd_new_event((unsigned)m.w[0], flags & (O_CLOEXEC | O_NONBLOCK));
	if (fd < 0)
		libsys_pipe_ref((unsigned)m.w[0], 0, -1);
	return fd;
}

int eventfd(unsigned int initval, int flags)
{
	if (flags & ~(EFD_SEMAPHORE | EFD_CLOEXEC | EFD_NONBLOCK)) {
		errno = EINVAL;
		return -1;
	}
	return new_counter(PG_CTL_EVENTFD, initval, (flags & EFD_SEMAPHORE) != 0, flags);
}

long libsys_event_read(unsigned id, void *buf, size_t count, int nonblock)
{
	if (count < sizeof(uint64_t)) {
		errno = EINVAL;
		return -1;
	}
	long n = libsys_pipe_recv(id, buf, sizeof(uint64_t),
				  (nonblock ? PG_PIPE_NONBLOCK : 0) | LIBSYS_RD_ONE, NULL);
	return n < 0 ? libsys_fail((int)-n) : n;
}

long libsys_event_write(unsigned id, const void *buf, size_t count, int nonblock)
{
	if (count < sizeof(uint64_t)) {
		errno = EINVAL;
		return -1;
	}
	if (libsys_user_room(buf, sizeof(uint64_t), 0) != sizeof(uint64_t)) {
		errno = EFAULT;
		return -1;
	}
	long n = libsys_pipe_send(id, buf, sizeof(uint64_t), nonblock ? PG_PIPE_NONBLOCK : 0);
	return n < 0 ? libsys_fail((int)-n) : n;
}

int eventfd_read(int fd, eventfd_t *value)
{
	return read(fd, value, sizeof *value) == sizeof *value ? 0 : -1;
}

int eventfd_write(int fd, eventfd_t value)
{
	return write(fd, &value, sizeof value) == sizeof value ? 0 : -1;
}

/* ---- timerfd: a pipe of kind PG_PIPE_TIMER, an OFD_EVENT whose aux word
 * is its clock + 1; the pager's alarm thread counts its expiries ---- */

int timerfd_create(int clockid, int flags)
{
	if ((clockid != CLOCK_MONOTONIC && clockid != CLOCK_REALTIME && clockid != CLOCK_BOOTTIME) ||
	    (flags & ~(TFD_NONBLOCK | TFD_CLOEXEC))) {
		errno = EINVAL;
		return -1;
	}
	int fd = new_counter(PG_CTL_TIMERFD, 0, 0, flags);
	if (fd >= 0)
		*libsys_fd_aux(fd) = (uint64_t)clockid + 1;
	return fd;
}

/* fd's timer pipe and clock: 0, or -1 (EBADF; EINVAL: no timerfd). */
static int timer_of(int fd, unsigned *id, int *clock)
{
	struct libsys_target t;
	if (libsys_fd_target(fd, &t) == LIBSYS_POLL_BAD) {
		errno = EBADF;
		return -1;
	}
	uint64_t *aux = libsys_fd_aux(fd);
	if (t.kind != LIBSYS_POLL_EVENT || !aux || !*aux) {
		errno = EINVAL;
		return -1;
	}
	*id = t.id;
	*clock = (int)(*aux - 1);
	return 0;
}

/* A timespec as ms, rounded up; -1 for a bad one. */
static int64_t ts_ms(const struct timespec *t)
{
	if (t->tv_sec < 0 || t->tv_nsec < 0 || t->tv_nsec >= 1000000000 ||
	    t->tv_sec > 1000ll * 365 * 24 * 3600)
		return -1;
	return (int64_t)t->tv_sec * 1000 + (t->tv_nsec + 999999) / 1000000;
}

static void ms_ts(uint64_t ms, struct timespec *t)
{
	t->tv_sec = (time_t)(ms / 1000);
	t->tv_nsec = (long)(ms % 1000 * 1000000);
}

/* The pager's answer (w0: ms to go + 1 or 0, w1: period) as an itimerspec. */
static void answer(const struct sys_msg *m, struct itimerspec *out)
{
	ms_ts(m->w[0] ? m->w[0] - 1 : 0, &out->it_value);
	if (m->w[0] && m->w[0] == 1)
		out->it_value.tv_nsec = 1; /* due now: armed still reads as not 0 */
	ms_ts(m->w[1], &out->it_interval);
}

int timerfd_settime(int fd, int flags, const struct itimerspec *nv, struct itimerspec *old)
{
	unsigned id;
	int clock;
	if (timer_of(fd, &id, &clock))
		return -1;
	if (!nv || libsys_user_room(nv, sizeof *nv, 0) != sizeof *nv ||
	    (old && libsys_user_room(old, sizeof *old, 1) != sizeof *old)) {
		errno = EFAULT;
		return -1;
	}
	int64_t v = ts_ms(&nv->it_value), iv = ts_ms(&nv->it_interval);
	if ((flags & ~(TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET)) || v < 0 || iv < 0) {
		errno = EINVAL;
		return -1;
	}
	int armed = nv->it_value.tv_sec || nv->it_value.tv_nsec;
	uint64_t back = 0; /* ms an absolute time is past: its ticks count */
	if (armed && (flags & TFD_TIMER_ABSTIME)) { /* a time of the clock: from now */
		struct timespec now;
		clock_gettime(clock == CLOCK_REALTIME ? CLOCK_REALTIME : CLOCK_MONOTONIC, &now);
		int64_t n = (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
		back = v < n ? (uint64_t)(n - v) : 0;
		v = v > n ? v - n : 0;
		if (back > 1ull << 47)
			back = 1ull << 47; /* (w1's 48 bits: some 4,000 years) */
	}
	struct sys_msg m = { .label = PG_PIPE_CTL,
			     .w = { PG_CTL_TIMERSET, id | back << 16, armed ? (uint64_t)v + 1 : 0,
				    (uint64_t)iv } };
	int e = libsys_pg_call(&m);
	if (e)
		return libsys_fail(e == E_BADHANDLE ? E_INVAL : e);
	if (old)
		answer(&m, old);
	return 0;
}

int timerfd_gettime(int fd, struct itimerspec *curr)
{
	unsigned id;
	int clock;
	if (timer_of(fd, &id, &clock))
		return -1;
	if (!curr || libsys_user_room(curr, sizeof *curr, 1) != sizeof *curr) {
		errno = EFAULT;
		return -1;
	}
	struct sys_msg m = { .label = PG_PIPE_CTL, .w = { PG_CTL_TIMERGET, id } };
	int e = libsys_pg_call(&m);
	if (e)
		return libsys_fail(e == E_BADHANDLE ? E_INVAL : e);
	answer(&m, curr);
	return 0;
}
