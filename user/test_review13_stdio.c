/* review13_stdio_threads: two threads write records to one FILE.
 *
 * POSIX: every function that takes a FILE * behaves as if it took the
 * stream's lock (flockfile) around its work, so records written by
 * fputs/fwrite from several threads come out whole, none lost.  libsys's
 * stdio (stdio.c put_bytes, flush_out, need_buf) keeps a stream's buffer
 * index (wlen) with no lock: two writers copy at the same index (a record
 * lost or torn), or one copies past the other's update, beyond the end of
 * the BUFSIZ buffer (a heap overflow), and a flush hands the buffer to
 * write() while the other thread copies into it.
 *
 * review13_stdio_threads: two threads fputs RECORDS lines each (their own
 * letter, RECLEN bytes with the newline) to one fully buffered tmpfs file;
 * after fclose the file must have every line, whole.
 *
 * review13_stdio_overflow: the same with the stream's buffer given by
 * setvbuf, BUFSIZ bytes followed by a guard of zeros: no byte past the
 * buffer may change. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PATH "/tmp/review13_stdio"
#define RECORDS 20000
#define RECLEN 100

static FILE *f;

static void *writer(void *arg)
{
	char line[RECLEN + 1];
	memset(line, (int)(long)arg, RECLEN - 1);
	line[RECLEN - 1] = '\n';
	line[RECLEN] = 0;
	long bad = 0;
	for (int i = 0; i < RECORDS; i++)
		bad += fputs(line, f) == EOF;
	return (void *)bad;
}

static struct {
	char buf[BUFSIZ];
	char guard[4096];
} mine;

static int run(const char *T, int own)
{
	f = fopen(PATH, "w");
	if (!f) {
		printf("@@FAIL %s: fopen errno %d\n", T, errno);
		return 1;
	}
	if (own)
		setvbuf(f, mine.buf, _IOFBF, BUFSIZ);
	pthread_t a, b;
	void *ra, *rb;
	pthread_create(&a, NULL, writer, (void *)'a');
	pthread_create(&b, NULL, writer, (void *)'b');
	pthread_join(a, &ra);
	pthread_join(b, &rb);
	int closed = fclose(f);
	f = fopen(PATH, "r");
	if (!f) {
		printf("@@FAIL %s: fopen to read errno %d\n", T, errno);
		return 1;
	}
	static char line[4 * RECLEN];
	long n[2] = { 0, 0 }, torn = 0, bytes = 0;
	while (fgets(line, sizeof line, f)) {
		size_t len = strlen(line);
		bytes += (long)len;
		int whole = len == RECLEN && (line[0] == 'a' || line[0] == 'b');
		for (size_t j = 1; whole && j < RECLEN - 1; j++)
			whole = line[j] == line[0];
		if (whole)
			n[line[0] == 'b']++;
		else
			torn++;
	}
	fclose(f);
	unlink(PATH);
	int over = 0;
	for (size_t j = 0; own && j < sizeof mine.guard; j++)
		over += mine.guard[j] != 0;
	if (over) {
		printf("@@FAIL %s: %d bytes past the stream's %d-byte buffer were written\n", T,
		       over, BUFSIZ);
		return 1;
	}
	if (own) /* this one asks only for the buffer's bounds */
		return 0;
	if (ra || rb || closed || n[0] != RECORDS || n[1] != RECORDS || torn) {
		printf("@@FAIL %s: %ld and %ld whole lines of %d each, %ld torn, %ld bytes of %ld"
		       " (fputs failed %ld, fclose %d)\n", T, n[0], n[1], RECORDS, torn, bytes,
		       2L * RECORDS * RECLEN, (long)ra + (long)rb, closed);
		return 1;
	}
	printf("%s: %d lines\n@@PASS %s\n", T, 2 * RECORDS, T);
	return 0;
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	int r = 0, round;
	for (round = 0; round < 12 && !r; round++) /* a few: it is a race */
		r = run("review13_stdio_overflow", 1);
	if (!r)
		printf("review13_stdio_overflow: %d rounds\n@@PASS review13_stdio_overflow\n", round);
	r |= run("review13_stdio_threads", 0);
	return r;
}
