/* <stdio.h> for ring 3: streams over descriptors (libsys/stdio.c).
 * stdout and stderr are unbuffered unless setvbuf says otherwise (one
 * printf is one write); streams of fopen and fdopen are fully buffered
 * (BUFSIZ), stdin too unless it is the console.  exit() flushes them all.
 * fopen opens initrd files (read-only: "w" and "a" fail EROFS); fdopen
 * any descriptor (a pipe).  %f %e %g included. */
#ifndef _STDIO_H
#define _STDIO_H

#include <stdarg.h>
#include <stddef.h>
#include <sys/types.h>

#define EOF (-1)
#define BUFSIZ 1024
#ifndef FILENAME_MAX
#define FILENAME_MAX 4096 /* glibc's: a buffer for any path name */
#endif

#ifndef SEEK_SET
#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2
#endif

typedef struct libsys_file FILE;
extern FILE *const stdin, *const stdout, *const stderr;
#define stdin stdin
#define stdout stdout
#define stderr stderr

int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap);
int fprintf(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int vfprintf(FILE *f, const char *fmt, va_list ap);
int sprintf(char *buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int vsprintf(char *buf, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int puts(const char *s);
int fputs(const char *s, FILE *f);
int putchar(int c);
int fputc(int c, FILE *f);
int putc(int c, FILE *f);
int fflush(FILE *f);
size_t fwrite(const void *p, size_t size, size_t n, FILE *f);
void perror(const char *s);
/* Reading from strings and streams: %d %i %u %o %x %c %s %[set] %n %p %f
 * %e %g %a, with '*', a width and the hh h l ll j z t L modifiers; the
 * conversions stored, EOF if the input ended before the first. */
int sscanf(const char *s, const char *fmt, ...) __attribute__((format(scanf, 2, 3)));
int scanf(const char *fmt, ...) __attribute__((format(scanf, 1, 2)));
int fscanf(FILE *f, const char *fmt, ...) __attribute__((format(scanf, 2, 3)));
int vscanf(const char *fmt, va_list ap);
int vfscanf(FILE *f, const char *fmt, va_list ap);
/* Buffering: setvbuf before or after use (what is buffered is written
 * out first); a NULL buf with _IOFBF/_IOLBF: one of BUFSIZ on first use. */
#define _IOFBF 0
#define _IOLBF 1
#define _IONBF 2
int setvbuf(FILE *f, char *buf, int mode, size_t size);
void setbuf(FILE *f, char *buf);
void setlinebuf(FILE *f);
int fileno(FILE *f);
int dprintf(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int vdprintf(int fd, const char *fmt, va_list ap);
int fgetc(FILE *f);
int getc(FILE *f);
int getchar(void);
char *fgets(char *s, int size, FILE *f);
int feof(FILE *f);
int ferror(FILE *f);
void clearerr(FILE *f);
int vsscanf(const char *s, const char *fmt, va_list ap);
FILE *fopen(const char *path, const char *mode);
FILE *fdopen(int fd, const char *mode);
/* A read-write stream over a nameless memory object, gone when closed
 * (libsys/libc4.c). */
FILE *tmpfile(void);
/* remove: unlink, or rmdir of a directory; rename, renameat: a tmpfs file
 * or directory (with what is in it) named anew, replacing a file or an
 * empty directory there (EISDIR, ENOTDIR, ENOTEMPTY, EINVAL into itself,
 * EBUSY /tmp and /dev/shm, EROFS the initrd's, EXDEV /dev, /proc, /sys). */
int remove(const char *path);
int rename(const char *oldpath, const char *newpath);
int renameat(int olddirfd, const char *oldpath, int newdirfd, const char *newpath);
/* Streams over memory (libsys/libc4.c): open_memstream's bytes are in
 * *ptr (malloc'd, NUL after them; the caller frees it) and their count in
 * *size after each fflush and at fclose; fmemopen's go to and come from
 * buf's size bytes (written back at fflush and fclose: bytes past size are
 * lost). */
FILE *open_memstream(char **ptr, size_t *size);
FILE *fmemopen(void *buf, size_t size, const char *mode);
int fclose(FILE *f);
/* A stream on a pipe to ("w") or from ("r") command line cmd run as
 * system() runs it; pclose closes it and waits: the wait status, or -1
 * (ECHILD: not a popen stream). */
FILE *popen(const char *cmd, const char *mode);
int pclose(FILE *f);
size_t fread(void *p, size_t size, size_t n, FILE *f);
int ungetc(int c, FILE *f);
ssize_t getline(char **line, size_t *cap, FILE *f);
ssize_t getdelim(char **line, size_t *cap, int delim, FILE *f);
int fseek(FILE *f, long off, int whence);
long ftell(FILE *f);
/* fgetpos, fsetpos: ftell and fseek (libsys/libc7.c); tmpnam: a name in
 * /tmp that no file has now. */
typedef struct {
	long long __pos;
	int __state[2];
} fpos_t;
int fgetpos(FILE *f, fpos_t *pos);
int fsetpos(FILE *f, const fpos_t *pos);
#define P_tmpdir "/tmp"
#define L_tmpnam 20
#define TMP_MAX 238328
char *tmpnam(char *buf);
void rewind(FILE *f);

/* Each stream has a lock, recursive for the thread holding it, that
 * every call above holds for the whole call; flockfile, ftrylockfile (0:
 * held now) and funlockfile take it across several, and the *_unlocked
 * calls (the caller holds it) take none. */
void flockfile(FILE *f);
int ftrylockfile(FILE *f);
void funlockfile(FILE *f);
int getc_unlocked(FILE *f);
int getchar_unlocked(void);
int putc_unlocked(int c, FILE *f);
int putchar_unlocked(int c);
int fgetc_unlocked(FILE *f);
int fputc_unlocked(int c, FILE *f);
char *fgets_unlocked(char *s, int size, FILE *f);
int fputs_unlocked(const char *s, FILE *f);
size_t fread_unlocked(void *p, size_t size, size_t n, FILE *f);
size_t fwrite_unlocked(const void *p, size_t size, size_t n, FILE *f);
int fflush_unlocked(FILE *f);
int feof_unlocked(FILE *f);
int ferror_unlocked(FILE *f);
void clearerr_unlocked(FILE *f);
int fileno_unlocked(FILE *f);

/* A malloc'd string printed by fmt (libsys/libc5.c): its length, or -1
 * (*out NULL). */
int asprintf(char **out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int vasprintf(char **out, const char *fmt, va_list ap);

#endif
