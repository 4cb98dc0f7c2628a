/* timerfd as Linux's: CLOCK_MONOTONIC and CLOCK_REALTIME, relative and
 * absolute (TFD_TIMER_ABSTIME) times, periods (expiries counted, at
 * least as many as the time gone allows), the old setting back,
 * disarming, a blocking read woken by the expiry, poll and epoll, a fork
 * child reading the same timer, bad input.  Asserts only lower bounds of
 * counts, never how late a wake-up is. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define T "linux6_timerfd"

static int fails;
#define CHECK(c, ...) do { if (!(c)) { printf("@@FAIL " T ": line %d: ", __LINE__); \
	printf(__VA_ARGS__); printf(" (errno %d)\n", errno); fails++; } } while (0)
#define ERR(call, e) do { errno = 0; long r_ = (long)(call); \
	CHECK(r_ == -1 && errno == (e), #call " = %ld, want errno %d", r_, (e)); } while (0)

static struct itimerspec its(long v_ms, long i_ms)
{
	struct itimerspec t;
	t.it_value.tv_sec = v_ms / 1000;
	t.it_value.tv_nsec = v_ms % 1000 * 1000000;
	t.it_interval.tv_sec = i_ms / 1000;
	t.it_interval.tv_nsec = i_ms % 1000 * 1000000;
	return t;
}

static int64_t now_ms(clockid_t c)
{
	struct timespec t;
	clock_gettime(c, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

int main(void)
{
	uint64_t n;
	struct itimerspec cur, old, t;
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	CHECK(fd >= 0 && fcntl(fd, F_GETFD) == FD_CLOEXEC, "create");
	ERR(read(fd, &n, 8), EAGAIN);
	CHECK(timerfd_gettime(fd, &cur) == 0 && !cur.it_value.tv_sec && !cur.it_value.tv_nsec,
	      "disarmed");
	/* one expiry, 30 ms on: poll waits for it */
	t = its(30, 0);
	CHECK(timerfd_settime(fd, 0, &t, NULL) == 0, "set");
	CHECK(timerfd_gettime(fd, &cur) == 0 && cur.it_value.tv_sec == 0 &&
	      cur.it_value.tv_nsec > 0 && cur.it_value.tv_nsec <= 30000000, "30 ms to go: %ld",
	      cur.it_value.tv_nsec);
	struct pollfd p = { fd, POLLIN, 0 };
	CHECK(poll(&p, 1, -1) == 1 && p.revents == POLLIN, "poll %#x", p.revents);
	CHECK(read(fd, &n, 8) == 8 && n == 1, "one expiry: %llu", (unsigned long long)n);
	CHECK(timerfd_gettime(fd, &cur) == 0 && !cur.it_value.tv_sec && !cur.it_value.tv_nsec,
	      "spent");
	/* a period: the expiries of the time gone are counted */
	t = its(10, 10);
	CHECK(timerfd_settime(fd, 0, &t, NULL) == 0, "periodic");
	p.revents = 0;
	CHECK(poll(&p, 1, -1) == 1, "first tick");
	read(fd, &n, 8);
	int64_t t0 = now_ms(CLOCK_MONOTONIC);
	usleep(60000);
	int64_t gone = now_ms(CLOCK_MONOTONIC) - t0;
	CHECK(read(fd, &n, 8) == 8 && (int64_t)n >= gone / 10 - 1, "%llu ticks in %lld ms",
	      (unsigned long long)n, (long long)gone);
	t = its(0, 0);
	CHECK(timerfd_settime(fd, 0, &t, &old) == 0 && old.it_interval.tv_sec == 0 &&
	      old.it_interval.tv_nsec == 10000000, "old period %ld", old.it_interval.tv_nsec);
	ERR(read(fd, &n, 8), EAGAIN); /* disarmed, count reset */
	close(fd);

	/* CLOCK_REALTIME, absolute: a blocking read waits for it */
	fd = timerfd_create(CLOCK_REALTIME, 0);
	int64_t at = now_ms(CLOCK_REALTIME) + 40;
	t = its(at, 0);
	CHECK(timerfd_settime(fd, TFD_TIMER_ABSTIME, &t, NULL) == 0, "abstime");
	CHECK(read(fd, &n, 8) == 8 && n == 1, "realtime expiry");
	CHECK(now_ms(CLOCK_REALTIME) >= at - 1, "not before its time");
	/* an absolute time long past, with a period: due at once, many ticks */
	t = its(now_ms(CLOCK_REALTIME) - 1000, 100);
	CHECK(timerfd_settime(fd, TFD_TIMER_ABSTIME, &t, NULL) == 0, "past");
	CHECK(read(fd, &n, 8) == 8 && n >= 10, "missed ticks: %llu", (unsigned long long)n);
	/* the epoch, every 1000 s: due at once with its ticks since */
	t = its(0, 1000000);
	t.it_value.tv_nsec = 1;
	CHECK(timerfd_settime(fd, TFD_TIMER_ABSTIME, &t, NULL) == 0, "the epoch");
	CHECK(read(fd, &n, 8) == 8 && n >= 1700000, "ticks since 1970: %llu", (unsigned long long)n);
	CHECK(timerfd_gettime(fd, &cur) == 0 && cur.it_value.tv_sec < 1000 &&
	      cur.it_interval.tv_sec == 1000, "next in %ld s", (long)cur.it_value.tv_sec);
	/* far off: ten years, gettime says so */
	t = its(0, 0);
	t.it_value.tv_sec = 10l * 365 * 24 * 3600;
	CHECK(timerfd_settime(fd, 0, &t, NULL) == 0 && timerfd_gettime(fd, &cur) == 0 &&
	      cur.it_value.tv_sec > 9l * 365 * 24 * 3600, "ten years: %ld", (long)cur.it_value.tv_sec);
	/* epoll, and a fork child reading the same timer */
	int ep = epoll_create1(0);
	struct epoll_event ev = { EPOLLIN, { .u64 = 7 } }, out[2];
	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) == 0, "epoll add");
	t = its(20, 0);
	timerfd_settime(fd, 0, &t, NULL);
	CHECK(epoll_wait(ep, out, 2, -1) == 1 && out[0].data.u64 == 7, "epoll");
	t = its(30, 0);
	timerfd_settime(fd, 0, &t, NULL);
	pid_t pid = fork();
	if (pid == 0)
		_exit(read(fd, &n, 8) == 8 && n == 1 ? 0 : 1);
	int st;
	waitpid(pid, &st, 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child %#x", st);
	fcntl(fd, F_SETFL, O_NONBLOCK);
	ERR(read(fd, &n, 8), EAGAIN); /* the child took it */
	/* bad input */
	ERR(read(fd, &n, 4), EINVAL);
	ERR(write(fd, &n, 8), EINVAL);
	ERR(timerfd_create(12345, 0), EINVAL);
	ERR(timerfd_create(CLOCK_MONOTONIC, 0x1234), EINVAL);
	t = its(1, 0);
	t.it_value.tv_nsec = 1000000000;
	ERR(timerfd_settime(fd, 0, &t, NULL), EINVAL);
	t = its(1, 0);
	ERR(timerfd_settime(fd, 0x100, &t, NULL), EINVAL);
	int e = eventfd(0, 0);
	ERR(timerfd_settime(e, 0, &t, NULL), EINVAL);
	ERR(timerfd_gettime(e, &cur), EINVAL);
	ERR(timerfd_settime(999, 0, &t, NULL), EBADF);
	close(e), close(ep), close(fd);
	if (fails)
		return 1;
	printf("@@PASS " T "\n");
	return 0;
}
