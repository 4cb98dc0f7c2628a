/* Pipes over the pager's PG_PIPE_* requests: the pager keeps the bytes
 * and who holds each end, and saves a call that must wait (an empty pipe
 * read, a full one written) until it may go on, so a waiting thread uses
 * no CPU.  Bytes travel in the IPC buffer, PG_PIPE_BUF at a time.
 * Descriptors (files.c) name an end; each open file description of an
 * end is one hold in the pager. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>
#include "abi/err.h"
#include "abi/pager.h"
#include "lib/string.h"
#include "sys/startup.h"
#include "sys/unistd.h" /* sleep_ms */
#include "libsys.h"

int pipe2(int fd[2], int flags)
{
	if (flags & ~(O_CLOEXEC | O_NONBLOCK)) {
		errno = EINVAL;
		return -1;
	}
	struct sys_msg m = { .label = PG_PIPE_NEW, .w = { (uint64_t)fd } }; /* (checked) */
	int e = libsys_pg_call(&m);
	if (e) {
		errno = e == E_NOMEM ? ENFILE : libsys_errno(e);
		return -1;
	}
	unsigned id = (unsigned)m.w[0];
	int r = libsys_fd_new_pipe(id, 0, flags);
	int w = r < 0 ? -1 : libsys_fd_new_pipe(id, 1, flags);
	if (w < 0) {
		if (r >= 0)
			close(r); /* gives up the read end */
		else
			libsys_pipe_ref(id, 0, -1);
		libsys_pipe_ref(id, 1, -1);
		errno = EMFILE;
		return -1;
	}
	fd[0] = r;
	fd[1] = w;
	return 0;
}

int pipe(int fd[2])
{
	return pipe2(fd, 0);
}

int libsys_pipe_ref(unsigned id, int write_end, int delta)
{
	struct sys_msg m = { .label = PG_PIPE_REF,
			     .w = { id, write_end ? 1 : 0, (uint64_t)(int64_t)delta } };
	return libsys_pg_call(&m);
}

long libsys_pipe_recv(unsigned id, void *buf, size_t count, unsigned flags, size_t *whole)
{
	size_t done = 0;
	unsigned keep = flags & (PG_PIPE_NONBLOCK | PG_PIPE_PEEK);
	for (;;) {
		size_t n = count - done > PG_PIPE_BUF ? PG_PIPE_BUF : count - done;
		int later = done && !(flags & LIBSYS_RD_ALL); /* more only if there */
		struct sys_msg m = { .label = PG_PIPE_READ,
				     .w = { id, n, keep | (later ? PG_PIPE_NONBLOCK : 0),
					    (uint64_t)buf + done } };
		unsigned mark = libsys_sig_eintr();
		int e = libsys_pg_call(&m);
		if (e == E_OK && m.w[1] == PG_PIPE_RETRY)
			continue; /* woken: the pipe changed */
		if (e == E_INTR && libsys_sig_eintr() == mark)
			continue; /* a signal, but no handler here wants EINTR */
		if (e == E_BUSY) { /* the pager's waiting list is full */
			sleep_ms(1);
			continue;
		}
		if (e)
			return done ? (long)done : -e;
		size_t got = m.w[0] < n ? m.w[0] : n;
		memcpy((char *)buf + done, libsys_ipc_buf(), got);
		done += got;
		if (whole)
			*whole = m.w[2];
		if (got < n && (flags & LIBSYS_RD_ALL) && got)
			continue; /* MSG_WAITALL: until all or the end */
		if (got < n || done == count || (flags & LIBSYS_RD_ONE))
			return (long)done;
	}
}

long libsys_pipe_read(unsigned id, void *buf, size_t count, int nonblock)
{
	long n = libsys_pipe_recv(id, buf, count, nonblock ? PG_PIPE_NONBLOCK : 0, NULL);
	return n < 0 ? libsys_fail((int)-n) : n;
}

/* A write found no reader: SIGPIPE (its default ends the process), then
 * EPIPE if it returns (ignored or caught). */
static long broken_pipe(void)
{
	struct sigaction a;
	if (sigaction(SIGPIPE, NULL, &a) == 0 && a.sa_handler != SIG_IGN)
		raise(SIGPIPE);
	errno = EPIPE;
	return -1;
}

/* One chunk (<= PG_PIPE_BUF bytes at p) into pipe id: bytes taken, or
 * minus an enum err (E_INTR: a handler of this thread interrupted the
 * wait; asked again if restart and it had SA_RESTART).  A signal another
 * thread handled never ends it. */
static long write_chunk(unsigned id, const char *p, size_t n, unsigned flags, int restart)
{
	for (;;) {
		memcpy(libsys_ipc_buf(), p, n);
		struct sys_msg m = { .label = IPC_LABEL(PG_PIPE_WRITE, n), .w = { id, flags } };
		unsigned mark = libsys_sig_eintr(), ran = libsys_sig_ran();
		int e = libsys_pg_call(&m);
		if (e == E_OK && m.w[1] == PG_PIPE_RETRY)
			continue;
		if (e == E_INTR && (restart ? libsys_sig_eintr() == mark : libsys_sig_ran() == ran))
			continue; /* as in libsys_pipe_read */
		if (e == E_BUSY) {
			sleep_ms(1);
			continue;
		}
		return e ? -e : (long)m.w[0];
	}
}

long libsys_pipe_send(unsigned id, const void *buf, size_t count, unsigned flags)
{
	int msg = (flags & LIBSYS_WR_MSG) != 0;
	if (!count && !msg)
		return 0;
	if (msg && count > PG_PIPE_BUF)
		return -E_RANGE; /* (EMSGSIZE) */
	/* First: is buf readable, and is anyone reading? */
	struct sys_msg m = { .label = PG_PIPE_WRITE, .w = { id, 0, count, (uint64_t)buf } };
	int e = libsys_pg_call(&m);
	if (e)
		return -e;
	unsigned f = (flags & PG_PIPE_NONBLOCK) | (msg && !count ? PG_PIPE_MSG0 : 0) |
		     (!msg && count > PG_PIPE_BUF ? PG_PIPE_PARTIAL : 0);
	size_t done = 0;
	do {
		size_t n = count - done > PG_PIPE_BUF ? PG_PIPE_BUF : count - done;
		long got = write_chunk(id, (const char *)buf + done, n, f, !done);
		if (got < 0)
			return done ? (long)done : got;
		done += (size_t)got;
	} while (done < count);
	return (long)done;
}

long libsys_pipe_write(unsigned id, const void *buf, size_t count, int nonblock)
{
	long n = libsys_pipe_send(id, buf, count, nonblock ? PG_PIPE_NONBLOCK : 0);
	if (n == -E_DEAD)
		return broken_pipe();
	return n < 0 ? libsys_fail((int)-n) : n;
}
