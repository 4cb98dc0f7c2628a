/* eventfd as Linux's: the 8-byte counter, EFD_SEMAPHORE, EFD_NONBLOCK's
 * EAGAIN, EINVAL for short buffers and ~0, a write past the most waits
 * (EAGAIN non-blocking), a blocking read woken by a fork child and by a
 * thread, poll's answers, bad input. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/wait.h>
#include <unistd.h>

#define T "linux6_eventfd"

static int fails;
#define CHECK(c, ...) do { if (!(c)) { printf("@@FAIL " T ": line %d: ", __LINE__); \
	printf(__VA_ARGS__); printf(" (errno %d)\n", errno); fails++; } } while (0)
#define ERR(call, e) do { errno = 0; long r_ = (long)(call); \
	CHECK(r_ == -1 && errno == (e), #call " = %ld, want errno %d", r_, (e)); } while (0)

static volatile unsigned long bad_addr = 8;

static short revents(int fd)
{
	struct pollfd p = { fd, POLLIN | POLLOUT, 0 };
	return poll(&p, 1, 0) < 0 ? -1 : p.revents;
}

static void *adder(void *arg)
{
	usleep(50000);
	uint64_t v = 5;
	write(*(int *)arg, &v, 8);
	return NULL;
}

int main(void)
{
	uint64_t v;
	int e = eventfd(3, 0);
	CHECK(e >= 0, "eventfd");
	CHECK(revents(e) == (POLLIN | POLLOUT), "3: %#x", revents(e));
	v = 4;
	CHECK(write(e, &v, 8) == 8, "write");
	CHECK(read(e, &v, 8) == 8 && v == 7, "read %llu", (unsigned long long)v);
	CHECK(revents(e) == POLLOUT, "0: %#x", revents(e));
	/* a thread's write wakes a blocking read */
	pthread_t th;
	pthread_create(&th, NULL, adder, &e);
	CHECK(read(e, &v, 8) == 8 && v == 5, "woken by a thread: %llu", (unsigned long long)v);
	pthread_join(th, NULL);
	/* a fork child's write wakes the parent's read, and back */
	pid_t pid = fork();
	if (pid == 0) {
		usleep(50000);
		uint64_t one = 1;
		write(e, &one, 8);
		_exit(0);
	}
	CHECK(read(e, &v, 8) == 8 && v == 1, "woken by a child");
	int st;
	waitpid(pid, &st, 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child %#x", st);
	close(e);

	e = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	CHECK(fcntl(e, F_GETFD) == FD_CLOEXEC, "cloexec");
	ERR(read(e, &v, 8), EAGAIN);
	ERR(read(e, &v, 4), EINVAL);
	ERR(write(e, &v, 4), EINVAL);
	v = ~0ull;
	ERR(write(e, &v, 8), EINVAL);
	v = 0xfffffffffffffffeull;
	CHECK(write(e, &v, 8) == 8, "the most");
	CHECK(revents(e) == POLLIN, "full: %#x", revents(e));
	v = 1;
	ERR(write(e, &v, 8), EAGAIN);
	v = 0;
	CHECK(write(e, &v, 8) == 8, "adding 0 always goes");
	char big[16];
	CHECK(read(e, big, 16) == 8 && !memcmp(big, &(uint64_t){ 0xfffffffffffffffeull }, 8),
	      "a longer buffer: 8 bytes");
	ERR(read(e, (void *)bad_addr, 8), EAGAIN); /* (empty: as Linux, EAGAIN first) */
	v = 2;
	write(e, &v, 8);
	ERR(write(e, (void *)bad_addr, 8), EFAULT);
	CHECK(lseek(e, 0, SEEK_SET) == 0, "lseek: Linux's noop_llseek");
	close(e);

	/* a full counter: a blocking write waits for a child's read */
	e = eventfd(0, 0);
	v = 0xfffffffffffffffeull;
	write(e, &v, 8);
	pid = fork();
	if (pid == 0) {
		usleep(50000);
		uint64_t got;
		_exit(read(e, &got, 8) == 8 && got == 0xfffffffffffffffeull ? 0 : 1);
	}
	v = 10;
	CHECK(write(e, &v, 8) == 8, "a full counter's write waits, then goes");
	waitpid(pid, &st, 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "reader %#x", st);
	CHECK(read(e, &v, 8) == 8 && v == 10, "10: %llu", (unsigned long long)v);
	close(e);

	/* EFD_SEMAPHORE: one at a time */
	e = eventfd(2, EFD_SEMAPHORE | EFD_NONBLOCK);
	CHECK(read(e, &v, 8) == 8 && v == 1, "sem 1");
	CHECK(read(e, &v, 8) == 8 && v == 1, "sem 2");
	ERR(read(e, &v, 8), EAGAIN);
	eventfd_t ev;
	CHECK(eventfd_write(e, 3) == 0 && eventfd_read(e, &ev) == 0 && ev == 1, "eventfd_read");
	close(e);
	ERR(eventfd(0, 0x1234), EINVAL);
	ERR(read(e, &v, 8), EBADF);
	if (fails)
		return 1;
	printf("@@PASS " T "\n");
	return 0;
}
