/* stdio streams for ring 3 (FILE over read/write of a descriptor):
 * stdin, stdout and stderr, fopen (initrd files, read-only), fdopen (a
 * pipe, any descriptor), buffered reads and writes, fflush, fclose.
 * stdout and stderr are unbuffered unless setvbuf says otherwise, and one
 * printf is one write (lines of several processes do not mix on the
 * console); other streams are fully buffered (BUFSIZ), stdin too unless
 * it is the console (read a byte at a time, as typed).  exit() flushes
 * every stream.  printf's text is formatted with lib/fmt.c.
 *
 * Locking (POSIX flockfile): every stream has a lock of its own, recursive
 * for the thread that holds it, taken by every call on the stream for the
 * whole call (printf formats on the stack first, and holds it only for the
 * write); the *_unlocked calls take none (the caller holds it, or the
 * stream is its thread's alone).  The list of streams has a lock of its
 * own (fopen, fclose, fflush(NULL) and exit), taken before a stream's,
 * never after.  A fork child keeps the streams its thread held and starts
 * with every other stream's lock and the list's free (libsys_stdio_forked:
 * as glibc, not taken across fork, since a thread may hold stdin's in a
 * read that waits for ever). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "lib/fmt.h"
#include "sys/syscall.h"
#include "sys/proc.h" /* futex_wait, futex_wake */
#include "libsys.h"

#define F_READ  1
#define F_WRITE 2
#define F_EOF   4
#define F_ERR   8
#define F_OWNBUF 16 /* buf is ours to free */

struct libsys_file {
	int fd, flags, mode;         /* mode: _IOFBF, _IOLBF, _IONBF; -1: not chosen */
	unsigned char *buf;
	size_t size;                 /* of buf */
	size_t rpos, rlen;           /* read: buf[rpos, rlen) not yet taken */
	size_t wlen;                 /* write: buf[0, wlen) not yet written */
	int ungot;                   /* ungetc's byte, or EOF */
	struct libsys_file *next;    /* every stream (flush_all) */
	/* a memory stream's (libc4.c): called after every fflush and at
	 * fclose (closing 1) with the descriptor still open */
	void (*sync)(int fd, void *arg, int closing);
	void *sync_arg;
	volatile int lk;             /* 0 free, 1 held, 2 held and someone may sleep */
	unsigned depth;              /* how many times owner holds it */
	void *owner;                 /* the holder (me()), NULL */
};

static struct libsys_file files[3] = {
	{ .fd = 0, .flags = F_READ, .mode = -1, .ungot = EOF, .next = &files[1] },
	{ .fd = 1, .flags = F_WRITE, .mode = _IONBF, .ungot = EOF, .next = &files[2] },
	{ .fd = 2, .flags = F_WRITE, .mode = _IONBF, .ungot = EOF, .next = NULL },
};
FILE *const stdin = &files[0], *const stdout = &files[1], *const stderr = &files[2];
static struct libsys_file *all = &files[0];
static volatile int list_lock;

/* Take lock word w (0 free, 1 held, 2 held and someone may sleep): a
 * short spin, then sleep on it (Drepper's futex mutex, as malloc.c's). */
static void word_take(volatile int *w)
{
	int free = 0;
	for (int spins = 0; spins < 100; spins++) {
		if (__atomic_compare_exchange_n(w, &free, 1, 0, __ATOMIC_ACQUIRE,
						__ATOMIC_RELAXED))
			return;
		free = 0;
		__builtin_ia32_pause();
	}
	while (__atomic_exchange_n(w, 2, __ATOMIC_ACQUIRE) != 0)
		futex_wait(w, 2, FUTEX_FOREVER);
}

/* Let go of lock word w, waking one sleeper if there may be one. */
static void word_give(volatile int *w)
{
	if (__atomic_exchange_n(w, 0, __ATOMIC_RELEASE) == 2)
		futex_wake(w, 1);
}

static void list_take(void) { word_take(&list_lock); }
static void list_give(void) { word_give(&list_lock); }

/* The calling thread as a stream's holder: its thread slot (one load
 * through %fs); 1 for the main thread (and threads of thread_spawn,
 * which have no slot and so count as the main thread here). */
static void *me(void)
{
	struct libsys_tls *t = libsys_tls();
	return t ? (void *)t : (void *)1;
}

/* POSIX: f's lock, recursive for its holder. */
void flockfile(FILE *f)
{
	void *m = me();
	if (__atomic_load_n(&f->owner, __ATOMIC_RELAXED) == m) {
		f->depth++;
		return;
	}
	word_take(&f->lk);
	__atomic_store_n(&f->owner, m, __ATOMIC_RELAXED);
	f->depth = 1;
}

/* POSIX: 0 if the caller holds f's lock now (taken or held already),
 * nonzero if another thread holds it. */
int ftrylockfile(FILE *f)
{
	void *m = me();
	int free = 0;
	if (__atomic_load_n(&f->owner, __ATOMIC_RELAXED) == m) {
		f->depth++;
		return 0;
	}
	if (!__atomic_compare_exchange_n(&f->lk, &free, 1, 0, __ATOMIC_ACQUIRE,
					 __ATOMIC_RELAXED))
		return -1;
	__atomic_store_n(&f->owner, m, __ATOMIC_RELAXED);
	f->depth = 1;
	return 0;
}

/* POSIX: let go of f's lock once (the caller holds it). */
void funlockfile(FILE *f)
{
	if (__atomic_load_n(&f->owner, __ATOMIC_RELAXED) != me() || --f->depth)
		return;
	__atomic_store_n(&f->owner, NULL, __ATOMIC_RELAXED);
	word_give(&f->lk);
}

/* In a fork child (one thread, before anything else runs): the list's
 * lock and the lock of every stream another thread of the parent held are
 * free; the streams the forking thread held stay held by it. */
void libsys_stdio_forked(void)
{
	void *m = me();
	list_lock = 0;
	for (FILE *f = all; f; f = f->next)
		if (f->owner != m) {
			f->owner = NULL;
			f->depth = 0;
			f->lk = 0;
		}
}

/* ---- the console's bytes ---- */

int console_read(char *buf, size_t len, unsigned flags)
{
	struct sys_regs r;
	int e = sys_console_read_r((uint64_t)buf, len, flags, &r);
	return e ? -e : (int)r.rdi;
}

int console_write(const char *buf, size_t len)
{
	int e = sys_debug_write((uint64_t)buf, len);
	return e ? -e : (int)len;
}

/* ---- buffers ---- */

/* Write all of p[0..n) to f's descriptor: 0, or EOF (F_ERR set). */
static int write_all(FILE *f, const unsigned char *p, size_t n)
{
	while (n) {
		ssize_t w = write(f->fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			f->flags |= F_ERR;
			return EOF;
		}
		p += w, n -= (size_t)w;
	}
	return 0;
}

/* Write out f's buffered bytes: 0 or EOF. */
static int flush_out(FILE *f)
{
	size_t n = f->wlen;
	f->wlen = 0;
	return n ? write_all(f, f->buf, n) : 0;
}

/* Give f its buffering mode and buffer if it has none yet (no memory:
 * it runs unbuffered). */
static void need_buf(FILE *f)
{
	if (f->mode < 0)
		f->mode = libsys_fd_console(f->fd) ? _IONBF : _IOFBF;
	if (f->mode == _IONBF || f->buf)
		return;
	f->buf = malloc(BUFSIZ);
	if (!f->buf) {
		f->mode = _IONBF;
		return;
	}
	f->size = BUFSIZ;
	f->flags |= F_OWNBUF;
}

/* Bytes p[0..n) out through f's buffer: n, or less on an error. */
static size_t put_bytes(FILE *f, const void *p, size_t n)
{
	if (!(f->flags & F_WRITE)) {
		f->flags |= F_ERR;
		errno = EBADF;
		return 0;
	}
	f->rpos = f->rlen = 0; /* (a read buffer is dropped) */
	f->ungot = EOF;
	need_buf(f);
	if (f->mode == _IONBF || n >= f->size) {
		if (flush_out(f) || write_all(f, p, n))
			return 0;
		return n;
	}
	if (f->wlen + n > f->size && flush_out(f))
		return 0;
	memcpy(f->buf + f->wlen, p, n);
	f->wlen += n;
	if (f->mode == _IOLBF && memchr(p, '\n', n) && flush_out(f))
		return 0;
	return n;
}

/* Refill f's read buffer (or read one byte unbuffered into it): bytes
 * there now, 0 at the end (F_EOF) or on an error (F_ERR). */
static size_t fill(FILE *f)
{
	unsigned char one;
	if (!(f->flags & F_READ)) {
		f->flags |= F_ERR;
		errno = EBADF;
		return 0;
	}
	if (f->wlen && flush_out(f))
		return 0;
	need_buf(f);
	unsigned char *b = f->mode == _IONBF ? &one : f->buf;
	size_t size = f->mode == _IONBF ? 1 : f->size;
	ssize_t n;
	do
		n = read(f->fd, b, size);
	while (n < 0 && errno == EINTR);
	if (n <= 0) {
		f->flags |= n ? F_ERR : F_EOF;
		return 0;
	}
	if (f->mode == _IONBF) { /* the one byte is taken at once */
		f->ungot = b[0];
		return 1;
	}
	f->rpos = 0;
	f->rlen = (size_t)n;
	return (size_t)n;
}

/* ---- reading ---- */

/* ---- the calls without the lock (the caller holds it) and with it ---- */

int fgetc_unlocked(FILE *f)
{
	if (f->ungot != EOF) {
		int c = f->ungot;
		f->ungot = EOF;
		return c;
	}
	if (f->rpos == f->rlen && !fill(f))
		return EOF;
	if (f->ungot != EOF) {
		int c = f->ungot;
		f->ungot = EOF;
		return c;
	}
	return f->buf[f->rpos++];
}

int getc_unlocked(FILE *f) { return fgetc_unlocked(f); }
int getchar_unlocked(void) { return fgetc_unlocked(stdin); }

int fgetc(FILE *f)
{
	flockfile(f);
	int c = fgetc_unlocked(f);
	funlockfile(f);
	return c;
}

int getc(FILE *f) { return fgetc(f); }
int getchar(void) { return fgetc(stdin); }

int ungetc(int c, FILE *f)
{
	int r = EOF;
	flockfile(f);
	if (c != EOF && f->ungot == EOF) {
		f->ungot = (unsigned char)c;
		f->flags &= ~F_EOF;
		r = (unsigned char)c;
	}
	funlockfile(f);
	return r;
}

char *fgets_unlocked(char *s, int size, FILE *f)
{
	int i = 0;
	if (!s || size <= 0)
		return NULL;
	while (i < size - 1) {
		int c = fgetc_unlocked(f);
		if (c == EOF)
			break;
		s[i++] = (char)c;
		if (c == '\n')
			break;
	}
	if (i == 0)
		return NULL;
	s[i] = 0;
	return s;
}

char *fgets(char *s, int size, FILE *f)
{
	flockfile(f);
	char *r = fgets_unlocked(s, size, f);
	funlockfile(f);
	return r;
}

size_t fread_unlocked(void *p, size_t size, size_t n, FILE *f)
{
	if (!size || !n)
		return 0;
	size_t want = size * n, got = 0;
	unsigned char *out = p;
	if (f->ungot != EOF && want) {
		out[got++] = (unsigned char)f->ungot;
		f->ungot = EOF;
	}
	while (got < want) {
		if (f->rpos == f->rlen && !fill(f))
			break;
		if (f->ungot != EOF) { /* unbuffered: one byte */
			out[got++] = (unsigned char)f->ungot;
			f->ungot = EOF;
			continue;
		}
		size_t k = f->rlen - f->rpos;
		if (k > want - got)
			k = want - got;
		memcpy(out + got, f->buf + f->rpos, k);
		f->rpos += k;
		got += k;
	}
	return got / size;
}

size_t fread(void *p, size_t size, size_t n, FILE *f)
{
	flockfile(f);
	size_t r = fread_unlocked(p, size, n, f);
	funlockfile(f);
	return r;
}

ssize_t getline(char **line, size_t *cap, FILE *f)
{
	return getdelim(line, cap, '\n', f);
}

ssize_t getdelim(char **line, size_t *cap, int delim, FILE *f)
{
	if (!line || !cap) {
		errno = EINVAL;
		return -1;
	}
	size_t n = 0;
	flockfile(f); /* one line, not bytes of several threads' reads */
	for (;;) {
		if (!*line || n + 2 > *cap) {
			size_t c = *cap < 64 ? 128 : *cap * 2;
			char *b = realloc(*line, c);
			if (!b) {
				funlockfile(f);
				errno = ENOMEM;
				return -1;
			}
			*line = b, *cap = c;
		}
		int c = fgetc_unlocked(f);
		if (c == EOF)
			break;
		(*line)[n++] = (char)c;
		if (c == delim)
			break;
	}
	funlockfile(f);
	(*line)[n] = 0;
	return n ? (ssize_t)n : -1;
}

/* ---- writing ---- */

size_t fwrite_unlocked(const void *p, size_t size, size_t n, FILE *f)
{
	if (!size || !n)
		return 0;
	return put_bytes(f, p, size * n) / size;
}

size_t fwrite(const void *p, size_t size, size_t n, FILE *f)
{
	flockfile(f);
	size_t r = fwrite_unlocked(p, size, n, f);
	funlockfile(f);
	return r;
}

int fputc_unlocked(int c, FILE *f)
{
	unsigned char ch = (unsigned char)c;
	return put_bytes(f, &ch, 1) == 1 ? ch : EOF;
}

int putc_unlocked(int c, FILE *f) { return fputc_unlocked(c, f); }
int putchar_unlocked(int c) { return fputc_unlocked(c, stdout); }

int fputc(int c, FILE *f)
{
	flockfile(f);
	int r = fputc_unlocked(c, f);
	funlockfile(f);
	return r;
}

int putc(int c, FILE *f) { return fputc(c, f); }
int putchar(int c) { return fputc(c, stdout); }

int fputs_unlocked(const char *s, FILE *f)
{
	size_t n = strlen(s);
	return put_bytes(f, s, n) == n ? 0 : EOF;
}

int fputs(const char *s, FILE *f)
{
	flockfile(f);
	int r = fputs_unlocked(s, f);
	funlockfile(f);
	return r;
}

int vfprintf(FILE *f, const char *fmt, va_list ap)
{
	char buf[1024], *out = buf;
	va_list again;
	va_copy(again, ap);
	int n = fmt_vsnprintf(buf, sizeof buf, fmt, ap);
	if (n >= (int)sizeof buf) {
		out = malloc((size_t)n + 1);
		if (out)
			fmt_vsnprintf(out, (size_t)n + 1, fmt, again);
		else
			out = buf, n = sizeof buf - 1;
	}
	va_end(again);
	if (n < 0)
		return n;
	flockfile(f);
	size_t put = put_bytes(f, out, (size_t)n);
	funlockfile(f);
	if (out != buf)
		free(out);
	return put == (size_t)n ? n : -1;
}

int fprintf(FILE *f, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vfprintf(f, fmt, ap);
	va_end(ap);
	return n;
}

int vprintf(const char *fmt, va_list ap)
{
	return vfprintf(stdout, fmt, ap);
}

int printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vfprintf(stdout, fmt, ap);
	va_end(ap);
	return n;
}

int puts(const char *s)
{
	return printf("%s\n", s) < 0 ? EOF : 1;
}

/* ---- streams ---- */

int fflush_unlocked(FILE *f)
{
	if (!f) {
		libsys_stdio_flush_all();
		return 0;
	}
	int r = (f->flags & F_WRITE) ? flush_out(f) : 0;
	if (f->sync)
		f->sync(f->fd, f->sync_arg, 0);
	return r;
}

int fflush(FILE *f)
{
	if (!f)
		return fflush_unlocked(f);
	flockfile(f);
	int r = fflush_unlocked(f);
	funlockfile(f);
	return r;
}

/* Every stream's buffered bytes written out (exit, fflush(NULL)), each
 * under its lock, the list's held throughout so that fclose cannot free
 * one meanwhile.  A stream with nothing buffered is passed without its
 * lock (stdin, unbuffered stdout and stderr): a thread waiting in a read
 * with its lock held does not hold up exit. */
void libsys_stdio_flush_all(void)
{
	list_take();
	for (FILE *f = all; f; f = f->next) {
		if (!__atomic_load_n(&f->wlen, __ATOMIC_RELAXED))
			continue;
		flockfile(f);
		if (f->wlen)
			flush_out(f);
		funlockfile(f);
	}
	list_give();
}

/* The F_READ/F_WRITE of mode ("r", "w+", "ab", ...) and the open(2)
 * flags it means; -1 (EINVAL) for a bad mode. */
static int parse_mode(const char *mode, int *oflags)
{
	int plus = mode && strchr(mode, '+') != NULL;
	switch (mode ? mode[0] : 0) {
	case 'r': *oflags = plus ? O_RDWR : O_RDONLY; return plus ? F_READ | F_WRITE : F_READ;
	case 'w': *oflags = (plus ? O_RDWR : O_WRONLY) | O_CREAT | O_TRUNC; break;
	case 'a': *oflags = (plus ? O_RDWR : O_WRONLY) | O_CREAT | O_APPEND; break;
	default: errno = EINVAL; return -1;
	}
	return plus ? F_READ | F_WRITE : F_WRITE;
}

/* A new stream over fd with rw (F_READ/F_WRITE), or NULL (ENOMEM). */
static FILE *stream_new(int fd, int rw)
{
	FILE *f = calloc(1, sizeof *f);
	if (!f) {
		errno = ENOMEM;
		return NULL;
	}
	f->fd = fd;
	f->flags = rw;
	f->mode = -1;
	f->ungot = EOF;
	list_take();
	f->next = all;
	__atomic_store_n(&all, f, __ATOMIC_RELEASE); /* whole in a fork child's copy */
	list_give();
	return f;
}

FILE *libsys_stream_synced(int fd, const char *mode, void (*sync)(int, void *, int), void *arg)
{
	int oflags;
	int rw = parse_mode(mode, &oflags);
	if (rw < 0)
		return NULL;
	FILE *f = stream_new(fd, rw);
	if (f) {
		f->sync = sync;
		f->sync_arg = arg;
	}
	return f;
}

FILE *fopen(const char *path, const char *mode)
{
	int oflags;
	int rw = parse_mode(mode, &oflags);
	if (rw < 0)
		return NULL;
	int fd = open(path, oflags, 0666);
	if (fd < 0)
		return NULL;
	FILE *f = stream_new(fd, rw);
	if (!f)
		close(fd);
	return f;
}

FILE *fdopen(int fd, const char *mode)
{
	int oflags;
	int rw = parse_mode(mode, &oflags);
	if (rw < 0)
		return NULL;
	int fl = fcntl(fd, F_GETFL);
	if (fl < 0)
		return NULL;
	int acc = fl & O_ACCMODE;
	if (((rw & F_READ) && acc == O_WRONLY) || ((rw & F_WRITE) && acc == O_RDONLY)) {
		errno = EINVAL;
		return NULL;
	}
	return stream_new(fd, rw);
}

/* Out of the list first (an exit's flush, which holds the list's lock,
 * is done with f before that), then flushed, closed and freed under f's
 * lock. */
int fclose(FILE *f)
{
	int stdf = f == stdin || f == stdout || f == stderr;
	if (!stdf) {
		list_take();
		for (FILE **pp = &all; *pp; pp = &(*pp)->next)
			if (*pp == f) {
				*pp = f->next;
				break;
			}
		list_give();
	}
	flockfile(f);
	int r = (f->flags & F_WRITE) ? flush_out(f) : 0;
	if (f->sync)
		f->sync(f->fd, f->sync_arg, 1);
	if (close(f->fd))
		r = EOF;
	if (f->flags & F_OWNBUF)
		free(f->buf);
	f->buf = NULL;
	f->size = f->wlen = f->rpos = f->rlen = 0;
	f->flags &= ~F_OWNBUF;
	funlockfile(f);
	if (!stdf) /* stdin, stdout, stderr are static: they stay listed, closed */
		free(f);
	return r;
}

int feof_unlocked(FILE *f) { return (f->flags & F_EOF) != 0; }
int ferror_unlocked(FILE *f) { return (f->flags & F_ERR) != 0; }
void clearerr_unlocked(FILE *f) { f->flags &= ~(F_EOF | F_ERR); }
int fileno_unlocked(FILE *f) { return f->fd; }
int feof(FILE *f) { return (__atomic_load_n(&f->flags, __ATOMIC_RELAXED) & F_EOF) != 0; }
int ferror(FILE *f) { return (__atomic_load_n(&f->flags, __ATOMIC_RELAXED) & F_ERR) != 0; }
int fileno(FILE *f) { return f->fd; }

void clearerr(FILE *f)
{
	flockfile(f);
	f->flags &= ~(F_EOF | F_ERR);
	funlockfile(f);
}

static int setvbuf_unlocked(FILE *f, char *buf, int mode, size_t size)
{
	if (mode != _IONBF && mode != _IOLBF && mode != _IOFBF)
		return -1;
	if (f->wlen && flush_out(f))
		return -1;
	if (f->flags & F_OWNBUF)
		free(f->buf);
	f->flags &= ~F_OWNBUF;
	f->buf = NULL;
	f->size = f->rpos = f->rlen = 0;
	f->mode = mode;
	if (mode != _IONBF && buf && size) {
		f->buf = (unsigned char *)buf;
		f->size = size;
	}
	return 0;
}

int setvbuf(FILE *f, char *buf, int mode, size_t size)
{
	flockfile(f);
	int r = setvbuf_unlocked(f, buf, mode, size);
	funlockfile(f);
	return r;
}

void setbuf(FILE *f, char *buf) { setvbuf(f, buf, buf ? _IOFBF : _IONBF, BUFSIZ); }
void setlinebuf(FILE *f) { setvbuf(f, NULL, _IOLBF, 0); }

/* Seeking: the buffers are written out or dropped first. */
static int fseek_unlocked(FILE *f, long off, int whence)
{
	if ((f->flags & F_WRITE) && flush_out(f))
		return -1;
	if (whence == SEEK_CUR)
		off -= (long)(f->rlen - f->rpos) + (f->ungot != EOF);
	if (lseek(f->fd, off, whence) < 0)
		return -1;
	f->rpos = f->rlen = 0;
	f->ungot = EOF;
	f->flags &= ~F_EOF;
	return 0;
}

int fseek(FILE *f, long off, int whence)
{
	flockfile(f);
	int r = fseek_unlocked(f, off, whence);
	funlockfile(f);
	return r;
}

long ftell(FILE *f)
{
	flockfile(f);
	off_t pos = lseek(f->fd, 0, SEEK_CUR);
	long r = pos < 0 ? -1 : (long)pos - (long)(f->rlen - f->rpos) - (f->ungot != EOF) +
					(long)f->wlen;
	funlockfile(f);
	return r;
}

void rewind(FILE *f)
{
	flockfile(f);
	fseek_unlocked(f, 0, SEEK_SET);
	f->flags &= ~(F_EOF | F_ERR);
	funlockfile(f);
}

/* ---- <stdio_ext.h> ---- */

size_t __fbufsize(FILE *f)
{
	return f->buf ? f->size : 0;
}

size_t __fpending(FILE *f)
{
	return f->wlen;
}

/* f's last use was a read: bytes (or an ungetc) are waiting in it. */
static int reading_now(const FILE *f)
{
	return f->rpos < f->rlen || f->ungot != EOF;
}

int __freading(FILE *f)
{
	return !(f->flags & F_WRITE) || reading_now(f);
}

int __fwriting(FILE *f)
{
	return !(f->flags & F_READ) || f->wlen != 0;
}

int __freadable(FILE *f)
{
	return (f->flags & F_READ) != 0;
}

int __fwritable(FILE *f)
{
	return (f->flags & F_WRITE) != 0;
}

int __flbf(FILE *f)
{
	return f->mode == _IOLBF;
}

void __fpurge(FILE *f)
{
	f->wlen = f->rpos = f->rlen = 0;
	f->ungot = EOF;
}

void _flushlbf(void)
{
	list_take();
	for (FILE *f = all; f; f = f->next)
		if (f->wlen && f->mode == _IOLBF)
			flush_out(f);
	list_give();
}

int __fsetlocking(FILE *f, int type)
{
	(void)f, (void)type;
	return FSETLOCKING_INTERNAL;
}
