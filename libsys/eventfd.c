/* eventfd: the counter is a pipe of kind PG_PIPE_EVENT in the pager (no
 * ring; its one end is held as a pipe's read end is), so fork, exec, a
 * process's end and poll are the pipes'; a read of 0 or a write past the
 * most waits in the pager as a pipe's does. */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include "abi/err.h"
#include "abi/pager.h"
#include "lib/string.h"
#include "sys/unistd.h" /* sleep_ms */
#include "libsys.h"

int eventfd(unsigned int initval, int flags)
{
	if (flags & ~(EFD_SEMAPHORE | EFD_CLOEXEC | EFD_NONBLOCK)) {
		errno = EINVAL;
		return -1;
	}
	struct sys_msg m = { .label = PG_PIPE_CTL,
			     .w = { PG_CTL_EVENTFD, initval, (flags & EFD_SEMAPHORE) != 0 } };
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
