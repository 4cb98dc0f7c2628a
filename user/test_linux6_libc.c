/* glibc's smaller headers as Linux programs use them (checked on Linux
 * 6.1 with make linux-check): <sys/queue.h>'s four kinds of list,
 * <search.h>'s trees, hash table, linear search and queues, <stdio_ext.h>,
 * statvfs/statfs of /tmp and /proc, mallinfo2, backtrace, <linux/mman.h>'s
 * constants, <termios.h> on the console (settings read back as set,
 * ENOTTY/EBADF/EINVAL), chmod/chown/utime and friends on a file that is
 * there (0) and one that is not (ENOENT, EBADF), link and symlink's
 * errors that Linux's tmpfs gives too.  One @@PASS line per header group. */
#define _GNU_SOURCE
#include <errno.h>
#include <execinfo.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/mman.h>
#include <malloc.h>
#include <search.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <sys/statfs.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/time.h>
#include <termios.h>
#include <unistd.h>
#include <utime.h>

static int failed;

#define CHECK(name, cond) do {                                                 \
	if (!(cond)) {                                                         \
		printf("@@FAIL %s: line %d: %s\n", name, __LINE__, #cond);     \
		failed = 1;                                                    \
		return;                                                        \
	}                                                                      \
} while (0)

struct item {
	int v;
	SLIST_ENTRY(item) s;
	LIST_ENTRY(item) l;
	STAILQ_ENTRY(item) q;
	TAILQ_ENTRY(item) t;
};
SLIST_HEAD(shead, item);
LIST_HEAD(lhead, item);
STAILQ_HEAD(qhead, item);
TAILQ_HEAD(thead, item);

static void queues(void)
{
	const char *N = "linux6_libc_queue";
	struct item it[6];
	struct shead sh = SLIST_HEAD_INITIALIZER(sh);
	struct lhead lh;
	struct qhead qh = STAILQ_HEAD_INITIALIZER(qh);
	struct thead th;
	struct item *x;
	int sum, n;
	LIST_INIT(&lh);
	TAILQ_INIT(&th);
	CHECK(N, SLIST_EMPTY(&sh) && LIST_EMPTY(&lh) && STAILQ_EMPTY(&qh) && TAILQ_EMPTY(&th));
	for (int i = 0; i < 6; i++) {
		it[i].v = i;
		SLIST_INSERT_HEAD(&sh, &it[i], s);
		LIST_INSERT_HEAD(&lh, &it[i], l);
		STAILQ_INSERT_TAIL(&qh, &it[i], q);
		TAILQ_INSERT_TAIL(&th, &it[i], t);
	}
	/* SLIST: 5 4 3 2 1 0; remove 3 and the head */
	SLIST_REMOVE(&sh, &it[3], item, s);
	SLIST_REMOVE_HEAD(&sh, s);
	sum = 0;
	SLIST_FOREACH(x, &sh, s)
		sum = sum * 10 + x->v;
	CHECK(N, sum == 4210);
	/* LIST: 5 4 3 2 1 0; remove 0 and 5, 9 after 2 (value 9 in it[0]) */
	LIST_REMOVE(&it[0], l);
	LIST_REMOVE(&it[5], l);
	it[0].v = 9;
	LIST_INSERT_AFTER(&it[2], &it[0], l);
	LIST_INSERT_BEFORE(&it[4], &it[5], l);
	sum = 0;
	LIST_FOREACH(x, &lh, l)
		sum = sum * 10 + x->v;
	CHECK(N, sum == 543291);
	it[0].v = 0;
	/* STAILQ: 0..5; remove head, 5 (the tail), then append 5 again */
	STAILQ_REMOVE_HEAD(&qh, q);
	STAILQ_REMOVE(&qh, &it[5], item, q);
	STAILQ_INSERT_TAIL(&qh, &it[5], q);
	STAILQ_INSERT_HEAD(&qh, &it[0], q);
	sum = 0;
	STAILQ_FOREACH(x, &qh, q)
		sum = sum * 10 + x->v;
	CHECK(N, sum == 12345 && STAILQ_FIRST(&qh) == &it[0]);
	/* TAILQ: 0..5 both ways; remove the last and the first */
	CHECK(N, TAILQ_LAST(&th, thead) == &it[5] && TAILQ_PREV(&it[3], thead, t) == &it[2]);
	CHECK(N, TAILQ_PREV(&it[0], thead, t) == NULL);
	TAILQ_REMOVE(&th, &it[5], t);
	TAILQ_REMOVE(&th, &it[0], t);
	TAILQ_INSERT_BEFORE(&it[1], &it[0], t);
	TAILQ_INSERT_AFTER(&th, &it[4], &it[5], t);
	sum = 0, n = 0;
	TAILQ_FOREACH_REVERSE(x, &th, thead, t)
		sum = sum * 10 + x->v, n++;
	CHECK(N, sum == 543210 && n == 6 && TAILQ_LAST(&th, thead) == &it[5]);
	struct thead th2 = TAILQ_HEAD_INITIALIZER(th2);
	TAILQ_REMOVE(&th, &it[5], t);
	TAILQ_INSERT_HEAD(&th2, &it[5], t);
	TAILQ_CONCAT(&th, &th2, t);
	sum = 0;
	TAILQ_FOREACH(x, &th, t)
		sum = sum * 10 + x->v;
	CHECK(N, TAILQ_EMPTY(&th2) && sum == 12345); /* (0, then 1..5: 012345) */
	printf("@@PASS %s\n", N);
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

static int walk_last, walk_bad, walk_n;

static void in_order(const void *node, VISIT which, int depth)
{
	(void)depth;
	if (which != postorder && which != leaf)
		return;
	int v = **(int *const *)node;
	walk_bad |= walk_n && v <= walk_last;
	walk_last = v;
	walk_n++;
}

static int max_depth;

static void deepest(const void *node, VISIT which, int depth)
{
	(void)node, (void)which;
	if (depth > max_depth)
		max_depth = depth;
}

static int destroyed;
static void count_free(void *p)
{
	(void)p;
	destroyed++;
}

struct q {
	struct q *forw, *back;
	int v;
};

static void searching(void)
{
	const char *N = "linux6_libc_search";
	enum { K = 2000 };
	static int keys[K];
	void *root = NULL;
	for (int i = 0; i < K; i++) {
		keys[i] = (int)((i * 7919u) % K); /* 0..K-1, each once */
		int **r = tsearch(&keys[i], &root, cmp_int);
		CHECK(N, r && *r == &keys[i]);
	}
	int dup = 5;
	CHECK(N, *(int **)tsearch(&dup, &root, cmp_int) != &dup); /* found, not added */
	twalk(root, in_order);
	CHECK(N, walk_n == K && !walk_bad && walk_last == K - 1);
	for (int v = 0; v < K; v += 2)
		CHECK(N, tdelete(&v, &root, cmp_int) != NULL);
	int odd = 1, even = 2, none = K + 5;
	CHECK(N, tdelete(&even, &root, cmp_int) == NULL);
	CHECK(N, tfind(&odd, &root, cmp_int) && !tfind(&even, &root, cmp_int) &&
		 !tfind(&none, &root, cmp_int));
	walk_n = 0, walk_bad = 0;
	twalk(root, in_order);
	CHECK(N, walk_n == K / 2 && !walk_bad);
	tdestroy(root, count_free);
	CHECK(N, destroyed == K / 2);
	/* kept balanced: 1,024 keys in order are at most 20 deep (a red-black
	 * tree's bound, 2 log2(n + 1); a plain tree would be 1,023 deep) */
	static int sorted[1024];
	root = NULL;
	for (int i = 0; i < 1024; i++) {
		sorted[i] = i;
		CHECK(N, tsearch(&sorted[i], &root, cmp_int));
	}
	twalk(root, deepest);
	CHECK(N, max_depth <= 20);
	destroyed = 0;
	tdestroy(root, count_free);
	CHECK(N, destroyed == 1024);

	/* the hash table */
	CHECK(N, hcreate(30));
	static char names[40][8];
	int entered = 0;
	for (int i = 0; i < 40; i++) {
		snprintf(names[i], sizeof names[i], "k%d", i);
		ENTRY e = { names[i], (void *)(long)i }, *r = hsearch(e, ENTER);
		if (!r) {
			CHECK(N, errno == ENOMEM && entered >= 30);
			break;
		}
		entered++;
	}
	for (int i = 0; i < entered; i++) {
		ENTRY e = { names[i], NULL }, *r = hsearch(e, FIND);
		CHECK(N, r && (long)r->data == i);
	}
	ENTRY miss = { "nope", NULL };
	CHECK(N, hsearch(miss, FIND) == NULL);
	hdestroy();
	struct hsearch_data hd;
	memset(&hd, 0, sizeof hd);
	ENTRY *got;
	CHECK(N, hcreate_r(10, &hd));
	ENTRY a = { "alpha", (void *)1 }, b = { "alpha", (void *)2 };
	CHECK(N, hsearch_r(a, ENTER, &got, &hd) && got->data == (void *)1);
	CHECK(N, hsearch_r(b, ENTER, &got, &hd) && got->data == (void *)1); /* kept */
	hdestroy_r(&hd);

	/* linear search */
	int arr[8] = { 4, 8, 15 };
	size_t n = 3;
	int k16 = 16, k8 = 8;
	CHECK(N, lfind(&k16, arr, &n, sizeof arr[0], cmp_int) == NULL);
	CHECK(N, lfind(&k8, arr, &n, sizeof arr[0], cmp_int) == &arr[1]);
	CHECK(N, lsearch(&k16, arr, &n, sizeof arr[0], cmp_int) == &arr[3] && n == 4 && arr[3] == 16);
	CHECK(N, lsearch(&k16, arr, &n, sizeof arr[0], cmp_int) == &arr[3] && n == 4);

	/* queues */
	struct q e1 = { .v = 1 }, e2 = { .v = 2 }, e3 = { .v = 3 };
	insque(&e1, NULL);
	insque(&e3, &e1);
	insque(&e2, &e1);
	CHECK(N, e1.forw == &e2 && e2.forw == &e3 && e3.back == &e2 && !e3.forw && !e1.back);
	remque(&e2);
	CHECK(N, e1.forw == &e3 && e3.back == &e1);
	printf("@@PASS %s\n", N);
}

static void streams_and_fs(void)
{
	const char *N = "linux6_libc_stdio_ext";
	char path[] = "/tmp/l6libcXXXXXX";
	int fd = mkstemp(path);
	CHECK(N, fd >= 0);
	FILE *f = fdopen(fd, "w+");
	CHECK(N, f);
	CHECK(N, __freadable(f) && __fwritable(f));
	CHECK(N, fwrite("hello", 1, 5, f) == 5);
	CHECK(N, __fpending(f) == 5 && __fwriting(f) && !__freading(f));
	CHECK(N, __fbufsize(f) > 0 && !__flbf(f));
	CHECK(N, __fsetlocking(f, FSETLOCKING_QUERY) == FSETLOCKING_INTERNAL);
	__fpurge(f); /* the five bytes never reach the file */
	CHECK(N, __fpending(f) == 0);
	CHECK(N, fwrite("abc", 1, 3, f) == 3 && fflush(f) == 0);
	rewind(f);
	char buf[8] = { 0 };
	CHECK(N, fgetc(f) == 'a' && __freading(f));
	CHECK(N, fread(buf, 1, sizeof buf, f) == 2 && strcmp(buf, "bc") == 0);
	fclose(f);
	unlink(path);
	FILE *r = fopen("/proc/self/status", "r");
	CHECK(N, r && __freading(r) && !__fwritable(r));
	fclose(r);
	printf("@@PASS %s\n", N);

	N = "linux6_libc_statfs";
	struct statvfs v;
	struct statfs s;
	CHECK(N, statvfs("/tmp", &v) == 0);
	CHECK(N, v.f_bsize == 4096 && v.f_frsize == 4096 && v.f_blocks > 0 &&
		 v.f_bfree <= v.f_blocks && v.f_bavail <= v.f_bfree && v.f_namemax == 255);
	CHECK(N, statfs("/tmp", &s) == 0 && s.f_type == TMPFS_MAGIC && s.f_bsize == 4096);
	CHECK(N, statfs("/proc", &s) == 0 && s.f_type == PROC_SUPER_MAGIC);
	CHECK(N, statfs("/proc/self/status", &s) == 0 && s.f_type == PROC_SUPER_MAGIC);
	errno = 0;
	CHECK(N, statvfs("/tmp/no/such", &v) == -1 && errno == ENOENT);
	errno = 0;
	CHECK(N, fstatvfs(-1, &v) == -1 && errno == EBADF);
	errno = 0;
	CHECK(N, fstatfs(99, &s) == -1 && errno == EBADF);
	fd = open("/tmp", O_RDONLY | O_DIRECTORY);
	CHECK(N, fd >= 0 && fstatvfs(fd, &v) == 0 && v.f_bsize == 4096);
	close(fd);
	printf("@@PASS %s\n", N);
}

static void heap_and_mman(void)
{
	const char *N = "linux6_libc_mallinfo";
	struct mallinfo2 a = mallinfo2();
	char *p = malloc(100000);
	CHECK(N, p);
	memset(p, 1, 100000);
	struct mallinfo2 b = mallinfo2();
	CHECK(N, b.uordblks >= a.uordblks + 100000 && b.arena >= b.uordblks);
	free(p);
	struct mallinfo2 c = mallinfo2();
	CHECK(N, c.uordblks + 100000 <= b.uordblks);
	struct mallinfo old = mallinfo();
	CHECK(N, old.arena >= 0 && (size_t)old.uordblks == c.uordblks);
	CHECK(N, mallopt(M_MMAP_THRESHOLD, 1 << 20) == 1);
	CHECK(N, MAP_HUGE_2MB == 21 << 26 && MAP_HUGE_1GB == 30 << 26 && MAP_HUGE_SHIFT == 26);
	CHECK(N, MREMAP_MAYMOVE == 1 && OVERCOMMIT_NEVER == 2);
	void *frames[8];
	int nf = backtrace(frames, 8);
	CHECK(N, nf >= 1 && nf <= 8 && frames[0] != NULL && backtrace(frames, 0) == 0);
	char **names = backtrace_symbols(frames, nf);
	CHECK(N, names && names[0] && strstr(names[0], "0x"));
	free(names);
	printf("@@PASS %s\n", N);
}

static void file_meta(void)
{
	const char *N = "linux6_libc_fsmeta";
	char path[] = "/tmp/l6metaXXXXXX";
	int fd = mkstemp(path);
	CHECK(N, fd >= 0);
	struct timeval tv[2] = { { 1, 0 }, { 2, 0 } };
	struct timespec ts[2] = { { 0, UTIME_NOW }, { 0, UTIME_OMIT } };
	struct utimbuf ub = { 1, 2 };
	CHECK(N, chmod(path, 0600) == 0 && fchmod(fd, 0644) == 0 &&
		 fchmodat(AT_FDCWD, path, 0600, 0) == 0);
	CHECK(N, chown(path, 0, 0) == 0 && fchown(fd, 0, 0) == 0 && lchown(path, 0, 0) == 0 &&
		 fchownat(AT_FDCWD, path, 0, 0, 0) == 0);
	CHECK(N, utime(path, &ub) == 0 && utime(path, NULL) == 0 && utimes(path, tv) == 0 &&
		 futimes(fd, tv) == 0 && futimens(fd, ts) == 0 &&
		 utimensat(AT_FDCWD, path, NULL, 0) == 0);
	const char *none = "/tmp/l6meta-none";
	errno = 0;
	CHECK(N, chmod(none, 0600) == -1 && errno == ENOENT);
	errno = 0;
	CHECK(N, chown(none, 0, 0) == -1 && errno == ENOENT);
	errno = 0;
	CHECK(N, utime(none, NULL) == -1 && errno == ENOENT);
	errno = 0;
	CHECK(N, utimensat(AT_FDCWD, none, NULL, 0) == -1 && errno == ENOENT);
	errno = 0;
	CHECK(N, fchmod(-1, 0600) == -1 && errno == EBADF);
	errno = 0;
	CHECK(N, futimens(99, NULL) == -1 && errno == EBADF);
	errno = 0;
	CHECK(N, link(none, "/tmp/l6meta-new") == -1 && errno == ENOENT);
	errno = 0;
	CHECK(N, symlink("whatever", path) == -1 && errno == EEXIST);
	errno = 0;
	CHECK(N, mkfifo(path, 0600) == -1 && errno == EEXIST);
	close(fd);
	unlink(path);
	printf("@@PASS %s\n", N);
}

static void terminal(void)
{
	const char *N = "linux6_libc_termios";
	struct termios old, t, back;
	int p[2];
	CHECK(N, isatty(0) && tcgetattr(0, &old) == 0);
	CHECK(N, pipe(p) == 0);
	errno = 0;
	CHECK(N, tcgetattr(p[0], &t) == -1 && errno == ENOTTY);
	errno = 0;
	CHECK(N, tcgetattr(99, &t) == -1 && errno == EBADF);
	close(p[0]);
	close(p[1]);
	t = old;
	cfmakeraw(&t);
	CHECK(N, !(t.c_lflag & (ICANON | ECHO | ISIG)) && (t.c_cflag & CSIZE) == CS8 &&
		 t.c_cc[VMIN] == 1 && t.c_cc[VTIME] == 0);
	CHECK(N, cfsetospeed(&t, B9600) == 0 && cfgetospeed(&t) == B9600);
	errno = 0;
	CHECK(N, cfsetispeed(&t, 12345) == -1 && errno == EINVAL);
	t = old;
	t.c_lflag &= ~(tcflag_t)ECHO;
	t.c_cc[VMIN] = 5;
	CHECK(N, tcsetattr(0, TCSANOW, &t) == 0 && tcgetattr(0, &back) == 0);
	int kept = !(back.c_lflag & ECHO) && back.c_cc[VMIN] == 5;
	CHECK(N, tcsetattr(0, TCSANOW, &old) == 0);
	CHECK(N, kept);
	errno = 0;
	CHECK(N, tcsetattr(0, 99, &old) == -1 && errno == EINVAL);
	CHECK(N, tcdrain(1) == 0 && tcflush(0, TCIFLUSH) == 0);
	printf("@@PASS %s\n", N);
}

int main(void)
{
	queues();
	searching();
	streams_and_fs();
	heap_and_mman();
	terminal();
	file_meta();
	return failed;
}
