/* sh's line editor: console input read ahead, history, the editor's keys
 * (backspace, Ctrl-U, Ctrl-C, up/down arrows; see main.c), and the
 * history command.  The kernel does not echo; the editor does. */
#include <limits.h>
#include <pthread.h>
#include <time.h>
#include "sh.h"

#define HIST_MAX 16  /* lines remembered for the arrows */
#define CTRL(c)  ((c) & 0x1F)

/* ---- console input: typed bytes not used yet, read ahead ----
 *
 * A reader thread is the shell's one console reader: it moves what is
 * typed into inq as it comes, so that Ctrl-C reaches a foreground program
 * while the main thread sleeps in waitpid, and a wait that a key may cut
 * short (ed_nap_ctrl_c) sleeps on a futex instead of polling.  Under
 * inq_lock: inq, fg_pid, fg_hit, and the two sequence numbers the threads
 * sleep on: in_seq (bytes arrived: the main thread) and out_seq (bytes
 * taken: the reader, while inq is full). */

static pthread_mutex_t inq_lock = PTHREAD_MUTEX_INITIALIZER;
static char inq[1024];
static size_t inq_head, inq_len;
static volatile unsigned in_seq, out_seq;
static uint32_t fg_pid; /* the foreground program: Ctrl-C kills it */
static bool fg_hit;     /* and Ctrl-C did */

/* Append n typed bytes (inq_lock held, room for them); a Ctrl-C while a
 * foreground program runs drops what was typed before it and returns that
 * program's pid, to be killed: 0 if none. */
static uint32_t in_put(const char *buf, size_t n)
{
	uint32_t kill_pid = 0;
	for (size_t i = 0; i < n; i++) {
		if (buf[i] == CTRL('C') && fg_pid && !fg_hit) {
			inq_head = (inq_head + inq_len) % sizeof inq;
			inq_len = 0;
			kill_pid = fg_pid;
			fg_hit = true;
			continue;
		}
		inq[(inq_head + inq_len++) % sizeof inq] = buf[i];
	}
	in_seq++;
	return kill_pid;
}

static void reader(void *arg)
{
	(void)arg;
	char buf[64];
	for (;;) {
		pthread_mutex_lock(&inq_lock);
		size_t room = sizeof inq - inq_len;
		unsigned taken = out_seq;
		pthread_mutex_unlock(&inq_lock);
		if (room == 0) {
			futex_wait(&out_seq, taken, FUTEX_FOREVER);
			continue;
		}
		int n = console_read(buf, room < sizeof buf ? room : sizeof buf, 0);
		if (n <= 0) {
			sleep_ms(100); /* no console to read: do not spin */
			continue;
		}
		pthread_mutex_lock(&inq_lock); /* only we add: room is still there */
		uint32_t pid = in_put(buf, (size_t)n);
		pthread_mutex_unlock(&inq_lock);
		futex_wake(&in_seq, INT_MAX);
		if (pid) {
			int k = sh_kill_job(pid);
			if (k && k != E_NOENT)
				printf("sh: kill %u: %s\n", pid, err_str(k));
		}
	}
}

bool ed_start(void)
{
	return thread_start(reader, NULL, 16384) == E_OK;
}

void ed_fg_begin(uint32_t pid)
{
	pthread_mutex_lock(&inq_lock);
	fg_pid = pid;
	fg_hit = false;
	pthread_mutex_unlock(&inq_lock);
}

bool ed_fg_end(void)
{
	pthread_mutex_lock(&inq_lock);
	bool hit = fg_hit;
	fg_pid = 0;
	pthread_mutex_unlock(&inq_lock);
	return hit;
}

/* Echo and other output of the line editor, written in one go. */
static char outbuf[256];
static size_t out_len;

static void out_flush(void)
{
	if (out_len)
		console_write(outbuf, out_len);
	out_len = 0;
}

static void out_str(const char *s)
{
	for (; *s; s++) {
		if (out_len == sizeof outbuf)
			out_flush();
		outbuf[out_len++] = *s;
	}
}

/* The next typed byte, waiting for one. */
static char in_getc(void)
{
	pthread_mutex_lock(&inq_lock);
	while (inq_len == 0) {
		unsigned seq = in_seq;
		pthread_mutex_unlock(&inq_lock);
		out_flush();
		futex_wait(&in_seq, seq, FUTEX_FOREVER);
		pthread_mutex_lock(&inq_lock);
	}
	bool was_full = inq_len == sizeof inq;
	char c = inq[inq_head];
	inq_head = (inq_head + 1) % sizeof inq;
	inq_len--;
	out_seq++;
	pthread_mutex_unlock(&inq_lock);
	if (was_full)
		futex_wake(&out_seq, 1);
	return c;
}

/* True if Ctrl-C is in inq (inq_lock held): it and everything before it
 * are dropped, what follows stays for the next prompt. */
static bool take_ctrl_c(void)
{
	for (size_t i = 0; i < inq_len; i++) {
		if (inq[(inq_head + i) % sizeof inq] == CTRL('C')) {
			inq_head = (inq_head + i + 1) % sizeof inq;
			inq_len -= i + 1;
			out_seq++;
			return true;
		}
	}
	return false;
}

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

bool ed_nap_ctrl_c(unsigned ms)
{
	uint64_t end = now_ms() + ms;
	pthread_mutex_lock(&inq_lock);
	bool hit;
	for (;;) {
		uint64_t now = now_ms();
		if ((hit = take_ctrl_c()) || now >= end)
			break;
		unsigned seq = in_seq;
		pthread_mutex_unlock(&inq_lock);
		futex_wait(&in_seq, seq, end - now);
		pthread_mutex_lock(&inq_lock);
	}
	pthread_mutex_unlock(&inq_lock);
	futex_wake(&out_seq, 1); /* in case the reader waited for room */
	return hit;
}

/* ---- history ---- */

static char hist[HIST_MAX][LINE_MAX];
static unsigned hist_count; /* lines ever added; the last HIST_MAX are kept */

/* Remember line (not empty lines, not a repeat of the last one). */
static void hist_add(const char *line)
{
	if (!*line || (hist_count && strcmp(hist[(hist_count - 1) % HIST_MAX], line) == 0))
		return;
	fmt_snprintf(hist[hist_count % HIST_MAX], LINE_MAX, "%s", line);
	hist_count++;
}

/* The oldest history index still kept. */
static unsigned hist_first(void)
{
	return hist_count > HIST_MAX ? hist_count - HIST_MAX : 0;
}

/* ---- the line editor ---- */

struct editor {
	char line[LINE_MAX];
	size_t len;
	bool too_long;         /* bytes were dropped: the line is refused */
	int esc;               /* 0; 1 after ESC; 2 inside ESC [ (or ESC O) */
	unsigned hist_pos;     /* history line shown; hist_count: the new one */
	char draft[LINE_MAX];  /* the new line, while history is shown */
	char last;             /* the byte before: \r then \n is one Enter */
};

enum { ED_MORE, ED_ENTER, ED_CANCEL };

/* Erase the line from the screen (and the buffer). */
static void ed_erase(struct editor *ed)
{
	for (; ed->len; ed->len--)
		out_str("\b \b");
	ed->too_long = false;
}

/* Replace the line with text, on the screen too. */
static void ed_set(struct editor *ed, const char *text)
{
	ed_erase(ed);
	ed->len = strlen(text);
	memcpy(ed->line, text, ed->len);
	ed->line[ed->len] = 0;
	out_str(ed->line);
}

/* Arrow up (dir -1) or down (+1): show an older or newer history line. */
static void ed_history(struct editor *ed, int dir)
{
	if (dir < 0 && ed->hist_pos > hist_first()) {
		if (ed->hist_pos == hist_count) {
			ed->line[ed->len] = 0;
			memcpy(ed->draft, ed->line, ed->len + 1);
		}
		ed->hist_pos--;
		ed_set(ed, hist[ed->hist_pos % HIST_MAX]);
	} else if (dir > 0 && ed->hist_pos < hist_count) {
		ed->hist_pos++;
		ed_set(ed, ed->hist_pos == hist_count ? ed->draft :
			   hist[ed->hist_pos % HIST_MAX]);
	}
}

/* One byte after ESC: ESC [ A is up, ESC [ B down (also ESC O A/B); the
 * rest of a sequence is swallowed up to its final byte.  Returns false if
 * c is not part of a sequence (ESC alone, as the Escape key sends it):
 * the caller then takes c as typed. */
static bool ed_escape(struct editor *ed, char c)
{
	if (ed->esc == 1) {
		ed->esc = (c == '[' || c == 'O') ? 2 : 0;
		return ed->esc != 0;
	}
	if (c == 'A' || c == 'B')
		ed_history(ed, c == 'A' ? -1 : 1);
	if (c >= 0x40 && c <= 0x7E)
		ed->esc = 0; /* the final byte */
	else if (c < 0x20 || c > 0x3F)
		ed->esc = 0; /* not a parameter byte: the sequence is dropped */
	return true;
}

/* An ordinary byte: printable ones (tab as a space) go in the line. */
static void ed_insert(struct editor *ed, char c)
{
	if (c == '\t')
		c = ' ';
	if (c < 0x20 || c > 0x7E)
		return; /* other control bytes, bytes >= 0x80: ignored */
	if (ed->len + 1 >= LINE_MAX) {
		ed->too_long = true;
		return;
	}
	ed->line[ed->len++] = c;
	char s[2] = { c, 0 };
	out_str(s);
}

/* Feed one typed byte; ED_ENTER when the line is complete (in ed->line),
 * ED_CANCEL on Ctrl-C, else ED_MORE. */
static int ed_key(struct editor *ed, char c)
{
	char last = ed->last;
	ed->last = c;
	if (ed->esc && ed_escape(ed, c))
		; /* part of an escape sequence */
	else if (c == '\n' && last == '\r')
		; /* the second half of CR LF */
	else if (c == '\r' || c == '\n')
		return ED_ENTER;
	else if (c == CTRL('C'))
		return ED_CANCEL;
	else if (c == 0x7F || c == '\b') {
		if (ed->len) {
			ed->len--;
			out_str("\b \b");
		}
	} else if (c == CTRL('U'))
		ed_erase(ed);
	else if (c == 0x1B)
		ed->esc = 1;
	else
		ed_insert(ed, c);
	return ED_MORE;
}

/* Read one line into ed->line (NUL-terminated).  Returns false if it was
 * dropped: Ctrl-C, or too long (said so). */
static bool read_line(struct editor *ed)
{
	char last = ed->last;
	memset(ed, 0, sizeof *ed);
	ed->last = last;
	ed->hist_pos = hist_count;
	int r;
	while ((r = ed_key(ed, in_getc())) == ED_MORE)
		;
	ed->line[ed->len] = 0;
	out_str(r == ED_CANCEL ? "^C\n" : "\n");
	out_flush();
	if (r == ED_ENTER && ed->too_long)
		printf("sh: line too long (at most %d characters); ignored\n", LINE_MAX - 1);
	return r == ED_ENTER && !ed->too_long;
}

/* ---- helpers ---- */

int cmd_history(int argc, char **argv)
{
	(void)argc, (void)argv;
	for (unsigned i = hist_first(); i < hist_count; i++)
		printf("%5u  %s\n", i + 1, hist[i % HIST_MAX]);
	return 0;
}

/* Read one command line into line (LINE_MAX bytes) and remember it in
 * the history; false if it was dropped (Ctrl-C, too long: said so). */
bool ed_read_line(char *line)
{
	static struct editor ed;
	if (!read_line(&ed))
		return false;
	hist_add(ed.line);
	memcpy(line, ed.line, LINE_MAX);
	return true;
}
