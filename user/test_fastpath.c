/* The IPC fast path (kernel/fastpath.c) and every way it falls back to the
 * generic path: each message is checked byte for byte on both sides, so a
 * path that mis-delivers (badge, label, words, buffer bytes) fails here.
 * This program runs itself as the server ("server <parent pid>") and as a
 * caller to be killed ("caller <parent pid>").
 *
 *   fastpath_sizes     request and reply buffers of 0..4096 bytes, both
 *                      sides at, below and above FASTPATH_BUF_MAX (512):
 *                      fast and slow calls and replies in every mix;
 *                      between two spaces and between two threads of one
 *                      (no address-space switch); bad labels and handles
 *   fastpath_queued    two callers at once and a server that sleeps: calls
 *                      find no receiver waiting, replies find a sender
 *                      queued
 *   fastpath_pinned    a server thread pinned to CPU 1 and callers pinned
 *                      to CPU 0 (receiver and caller elsewhere) and CPU 1
 *   fastpath_kill_race callers killed in the middle of their calls (every
 *                      other one calling a server pinned to another
 *                      CPU); the server then still answers exactly */
#include <stdio.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include "sys/sys.h"
#include "sys/test.h"
#include "abi/stats.h"

#define N_SIZES  "fastpath_sizes"
#define N_QUEUED "fastpath_queued"
#define N_PINNED "fastpath_pinned"
#define N_KILL   "fastpath_kill_race"

#define TAG_REQ  0x4F10
#define TAG_REP  0x4F20
#define TAG_BAD  0x4F30 /* the server saw a wrong request: w[0] says what */
#define TAG_STOP 0x4F40
#define MAGIC    0x9E3779B97F4A7C15ull
#define FLAG_BADREPLY (1ull << 48) /* w1: the server tries bad replies first */

static uint64_t key(uint32_t parent, unsigned which)
{
	return 0xFA570000000ull | (uint64_t)which << 32 | parent;
}

static uint8_t byte_of(uint64_t seed, unsigned k)
{
	return (uint8_t)(seed * 31 + k * 7 + (k >> 8) + (seed >> 17));
}

static void fill(uint8_t *buf, unsigned len, uint64_t seed)
{
	for (unsigned k = 0; k < len; k++)
		buf[k] = byte_of(seed, k);
}

/* 0 if buf holds len bytes of seed's pattern, else 1 + the first bad index. */
static unsigned differs(const uint8_t *buf, unsigned len, uint64_t seed)
{
	for (unsigned k = 0; k < len; k++)
		if (buf[k] != byte_of(seed, k))
			return k + 1;
	return 0;
}

/* ---- the server ---- */

/* What is wrong with request m (0: nothing), from its words: w0 = seq, w1 =
 * qlen | rlen << 16 | sleep ms << 32 | flags, w2 = seed, w3 = sender pid
 * << 32 | (uint32_t)~seq; the badge must be the sender's pid (or 0 for a
 * caller of this process's own endpoint: want_badge0). */
static unsigned check_request(const struct sys_msg *m, const uint8_t *buf, bool want_badge0)
{
	unsigned qlen = m->w[1] & 0xFFFF;
	uint64_t badge = want_badge0 ? 0 : m->w[3] >> 32;
	if (m->badge != badge)
		return 1;
	if (IPC_LABEL_TAG(m->label) != TAG_REQ)
		return 2;
	if (IPC_LABEL_LEN(m->label) != qlen)
		return 3;
	if ((uint32_t)m->w[3] != (uint32_t)~m->w[0])
		return 4;
	return differs(buf, qlen, m->w[2]) ? 5 : 0;
}

/* The answer to request m (checked: bad), its rlen buffer bytes in buf. */
static struct sys_msg answer(const struct sys_msg *m, uint8_t *buf, unsigned bad)
{
	if (bad)
		return (struct sys_msg){ .label = TAG_BAD, .w = { bad, m->badge, m->label, m->w[0] } };
	unsigned rlen = (m->w[1] >> 16) & 0xFFFF;
	fill(buf, rlen, m->w[2] ^ MAGIC);
	return (struct sys_msg){ .label = IPC_LABEL(TAG_REP, rlen),
				 .w = { m->w[0] + 1, m->w[2] ^ MAGIC, ~m->w[2], m->w[1] } };
}

/* Bad replies first (FLAG_BADREPLY): refused before anything is sent, so
 * the caller still waits for the good one. */
static void bad_replies(uint32_t ep)
{
	struct sys_msg in;
	struct sys_msg bad = { .label = TAG_REP | 1ull << 45 };
	if (ipc_reply_recv(ep, &bad, &in) != E_INVAL)
		sys_thread_exit();
	bad.label = IPC_LABEL(TAG_REP, 4095) + (1ull << 44); /* length field > 4096 */
	if (ipc_reply_recv(ep, &bad, &in) != E_INVAL)
		sys_thread_exit();
	bad.label = TAG_REP;
	if (ipc_reply_recv(ep + 0x100, &bad, &in) != E_BADHANDLE) /* stale generation */
		sys_thread_exit();
}

/* Serve ep until TAG_STOP: every request checked, answered with reply_recv
 * (the first receive too: a reply_recv with nobody to answer). */
static void serve(uint32_t ep, uint8_t *buf, bool want_badge0)
{
	struct sys_msg r = { .label = TAG_REP }, m;
	if (ipc_reply_recv(ep, &r, &m) != E_OK)
		return;
	while (IPC_LABEL_TAG(m.label) != TAG_STOP) {
		unsigned sleep_ms = (m.w[1] >> 32) & 0xFFFF;
		if (sleep_ms)
			sys_sleep_ms(sleep_ms);
		if (m.w[1] & FLAG_BADREPLY)
			bad_replies(ep);
		r = answer(&m, buf, check_request(&m, buf, want_badge0));
		if (ipc_reply_recv(ep, &r, &m) != E_OK)
			return;
	}
}

/* A thread of our own with an IPC buffer (thread_spawn_on), at `cpu` (-1:
 * any), running fn(arg, buf) then ending. */
struct worker {
	void (*fn)(struct worker *w);
	volatile uint64_t buf;  /* its IPC buffer, set once it runs */
	volatile int done;
	uint32_t ep, parent;
	int cpu;
	unsigned calls, failures;
	uint8_t stack[16384] __attribute__((aligned(16)));
};

static void worker_entry(uint64_t arg)
{
	struct worker *w = (struct worker *)arg;
	while (!w->buf)
		sys_yield();
	w->fn(w);
	w->done = 1;
	sys_thread_exit();
}

static int worker_start(struct worker *w)
{
	uint64_t buf = 0;
	int e = thread_spawn_on(w->cpu, (uint64_t)worker_entry,
				(uint64_t)(w->stack + sizeof w->stack - 8), (uint64_t)w, &buf);
	w->buf = buf;
	return e;
}

static void worker_wait(struct worker *w)
{
	while (!w->done)
		sys_sleep_ms(1);
}

static void serve_worker(struct worker *w)
{
	serve(w->ep, (uint8_t *)w->buf, false);
}

static int server(uint32_t parent)
{
	uint32_t ep, ep_pinned;
	static struct abi_sysinfo si;
	if (shared_ep(key(parent, 0), &ep) || shared_ep(key(parent, 1), &ep_pinned) ||
	    sys_sysinfo((uint64_t)&si, sizeof si))
		return 1;
	static struct worker pinned;
	if (si.ncpus >= 2) {
		pinned = (struct worker){ .fn = serve_worker, .ep = ep_pinned, .cpu = 1 };
		if (worker_start(&pinned))
			return 1;
	}
	serve(ep, sys_ipc_buf, false);
	if (si.ncpus >= 2)
		worker_wait(&pinned);
	return 0;
}

/* ---- the callers ---- */

/* One call with qlen request and rlen reply bytes, both checked; the
 * failure, or NULL. */
static const char *call_once(uint32_t ep, uint8_t *buf, unsigned seq, unsigned qlen,
			     unsigned rlen, unsigned sleep_ms, uint64_t flags, bool badge0)
{
	static char why[8][160];
	char *w = why[seq % 8];
	uint64_t seed = (uint64_t)seq * 0x9E3779B1u + qlen * 131 + rlen;
	uint32_t pid = badge0 ? 0 : sys_pid;
	fill(buf, qlen, seed);
	uint64_t w1 = qlen | (uint64_t)rlen << 16 | (uint64_t)sleep_ms << 32 | flags;
	struct sys_msg m = { .label = IPC_LABEL(TAG_REQ, qlen),
			     .w = { seq, w1, seed, (uint64_t)pid << 32 | (uint32_t)~seq } };
	int e = ipc_call(ep, &m);
	if (e) {
		snprintf(w, 160, "call %u (%u/%u bytes): %s", seq, qlen, rlen, err_str(e));
		return w;
	}
	if (IPC_LABEL_TAG(m.label) == TAG_BAD) {
		snprintf(w, 160, "call %u (%u/%u bytes): the server saw a bad request (%lu):"
			 " badge %lu label 0x%lx", seq, qlen, rlen, m.w[0], m.w[1], m.w[2]);
		return w;
	}
	unsigned bad = differs(buf, rlen, seed ^ MAGIC);
	if (m.badge != 0 || IPC_LABEL_TAG(m.label) != TAG_REP || IPC_LABEL_LEN(m.label) != rlen ||
	    m.w[0] != seq + 1ull || m.w[1] != (seed ^ MAGIC) || m.w[2] != ~seed || m.w[3] != w1 ||
	    bad) {
		snprintf(w, 160, "reply %u (%u/%u bytes): badge %lu label 0x%lx words %lx %lx %lx"
			 " %lx, byte %u", seq, qlen, rlen, m.badge, m.label, m.w[0], m.w[1],
			 m.w[2], m.w[3], bad ? bad - 1 : 0);
		return w;
	}
	return NULL;
}

static const unsigned sizes[] = { 0, 1, 8, 100, 511, 512, 513, 1000, 4095, 4096 };
#define NSIZES (sizeof sizes / sizeof sizes[0])

/* Every pair of sizes, `rounds` times, on ep; the first failure or NULL. */
static const char *all_sizes(uint32_t ep, uint8_t *buf, unsigned rounds, unsigned seq0,
			     bool badge0)
{
	unsigned seq = seq0;
	for (unsigned r = 0; r < rounds; r++)
		for (unsigned i = 0; i < NSIZES; i++)
			for (unsigned j = 0; j < NSIZES; j++) {
				const char *why = call_once(ep, buf, seq++, sizes[i], sizes[j],
							    0, 0, badge0);
				if (why)
					return why;
			}
	return NULL;
}

static void stop(uint32_t ep)
{
	struct sys_msg m = { .label = TAG_STOP };
	ipc_send(ep, &m);
}

/* A server thread in this process, on an endpoint of its own (badge 0):
 * calls between two threads of one space. */
static void own_server(struct worker *w)
{
	serve(w->ep, (uint8_t *)w->buf, true);
}

static void test_sizes(uint32_t ep)
{
	const char *why = all_sizes(ep, sys_ipc_buf, 3, 0, false);
	if (why)
		test_fail(N_SIZES, "between spaces: %s", why);
	/* bad input: refused by the generic path, the endpoint still works */
	struct sys_msg m = { .label = TAG_REQ | 1ull << 45 };
	TEST_ERR(N_SIZES, ipc_call(ep, &m), E_INVAL);
	m.label = IPC_LABEL(TAG_REQ, 4097);
	TEST_ERR(N_SIZES, ipc_call(ep, &m), E_INVAL);
	TEST_ERR(N_SIZES, ipc_call(ep + 0x100, &m), E_BADHANDLE);
	TEST_ERR(N_SIZES, ipc_call(0, &m), E_BADHANDLE);
	why = call_once(ep, sys_ipc_buf, 7777, 300, 40, 0, FLAG_BADREPLY, false);
	if (why)
		test_fail(N_SIZES, "after bad replies: %s", why);

	static struct worker own;
	struct sys_regs r;
	TEST_ERR(N_SIZES, sys_endpoint_create_r(&r), E_OK);
	own = (struct worker){ .fn = own_server, .ep = (uint32_t)r.rdi, .cpu = -1 };
	TEST_ERR(N_SIZES, worker_start(&own), E_OK);
	why = all_sizes(own.ep, sys_ipc_buf, 2, 1000, true);
	if (why)
		test_fail(N_SIZES, "in one space: %s", why);
	stop(own.ep);
	worker_wait(&own);
	TEST_ERR(N_SIZES, sys_handle_close(own.ep), E_OK);
	TEST_ERR(N_SIZES, ipc_call(own.ep, &m), E_BADHANDLE); /* closed */
	test_pass(N_SIZES);
}

/* A caller thread: `calls` calls of varied sizes, some asking the server to
 * sleep first (so the other caller finds it busy). */
static void caller_worker(struct worker *w)
{
	for (unsigned i = 0; i < w->calls; i++) {
		unsigned q = sizes[(i * 3 + w->cpu + 1) % NSIZES], rl = sizes[(i * 7) % NSIZES];
		if (call_once(w->ep, (uint8_t *)w->buf, 100000 * (w->cpu + 2) + i, q, rl,
			      i % 4 == 0 ? 2 : 0, 0, false))
			w->failures++;
	}
}

static void test_queued(uint32_t ep)
{
	static struct worker other;
	other = (struct worker){ .fn = caller_worker, .ep = ep, .cpu = -1, .calls = 200 };
	TEST_ERR(N_QUEUED, worker_start(&other), E_OK);
	for (unsigned i = 0; i < 200; i++) {
		const char *why = call_once(ep, sys_ipc_buf, 50000 + i, sizes[i % NSIZES],
					    sizes[(i / NSIZES) % NSIZES], i % 3 == 0 ? 2 : 0,
					    0, false);
		if (why)
			test_fail(N_QUEUED, "%s", why);
	}
	worker_wait(&other);
	if (other.failures)
		test_fail(N_QUEUED, "%u of the second caller's calls failed", other.failures);
	test_pass(N_QUEUED);
}

static void test_pinned(uint32_t ep_pinned, unsigned ncpus)
{
	if (ncpus < 2) {
		test_skip(N_PINNED, "needs 2 CPUs, has %u", ncpus);
		return;
	}
	static struct worker w[2];
	for (int c = 0; c < 2; c++) {
		w[c] = (struct worker){ .fn = caller_worker, .ep = ep_pinned, .cpu = c,
					.calls = 300 };
		TEST_ERR(N_PINNED, worker_start(&w[c]), E_OK);
	}
	for (int c = 0; c < 2; c++) {
		worker_wait(&w[c]);
		if (w[c].failures)
			test_fail(N_PINNED, "%u calls from CPU %d failed", w[c].failures, c);
	}
	test_pass(N_PINNED);
}

/* "caller <parent> <which>": call the server's endpoint which (0: the
 * main server, 1: its worker pinned to CPU 1) without end (until killed). */
static int caller(uint32_t parent, unsigned which)
{
	uint32_t ep;
	if (shared_ep(key(parent, which), &ep))
		return 1;
	for (unsigned i = 0;; i++)
		if (call_once(ep, sys_ipc_buf, i, sizes[i % NSIZES], sizes[(i / 3) % NSIZES], 0,
			      0, false))
			return 2;
}

/* Callers killed in the middle of their calls, every other round (with 2
 * CPUs) calling the worker pinned to CPU 1: its reply then takes the slow
 * path while the caller may sit in the direct return elsewhere. */
static void test_kill(const uint32_t ep[2], unsigned ncpus, const char *self,
		      const char *parent)
{
	for (unsigned round = 0; round < 12; round++) {
		uint32_t pid;
		int st = 0;
		unsigned which = ncpus >= 2 ? round % 2 : 0;
		const char *args[] = { self, "caller", parent, which ? "1" : "0", NULL };
		TEST_ERR(N_KILL, spawnv(args, &pid), E_OK);
		sys_sleep_ms(5 + round * 2);
		TEST_CHECK(N_KILL, kill((pid_t)pid, SIGKILL) == 0);
		TEST_CHECK(N_KILL, waitpid((pid_t)pid, &st, 0) == (pid_t)pid);
		if (WIFEXITED(st))
			test_fail(N_KILL, "the caller ended by itself (status %d): a call failed",
				  WEXITSTATUS(st));
		const char *why = all_sizes(ep[which], sys_ipc_buf, 1, 200000 + round * 1000,
					    false);
		if (why)
			test_fail(N_KILL, "after kill %u (endpoint %u): %s", round, which, why);
	}
	test_pass(N_KILL);
}

static uint32_t number(const char *s)
{
	uint32_t n = 0;
	for (; *s >= '0' && *s <= '9'; s++)
		n = n * 10 + (uint32_t)(*s - '0');
	return n;
}

int main(int argc, char **argv)
{
	if (argc > 2 && strcmp(argv[1], "server") == 0)
		return server(number(argv[2]));
	if (argc > 3 && strcmp(argv[1], "caller") == 0)
		return caller(number(argv[2]), number(argv[3]) ? 1 : 0);
	char me[16];
	uint32_t ep, ep_pinned, pid;
	int st = 0;
	static struct abi_sysinfo si;
	snprintf(me, sizeof me, "%d", getpid());
	TEST_ERR(N_SIZES, sys_sysinfo((uint64_t)&si, sizeof si), E_OK);
	TEST_ERR(N_SIZES, shared_ep(key((uint32_t)getpid(), 0), &ep), E_OK);
	TEST_ERR(N_SIZES, shared_ep(key((uint32_t)getpid(), 1), &ep_pinned), E_OK);
	const char *args[] = { argv[0], "server", me, NULL };
	TEST_ERR(N_SIZES, spawnv(args, &pid), E_OK);
	test_sizes(ep);
	test_queued(ep);
	test_pinned(ep_pinned, si.ncpus);
	test_kill((const uint32_t[2]){ ep, ep_pinned }, si.ncpus, argv[0], me);
	stop(ep);
	if (si.ncpus >= 2)
		stop(ep_pinned);
	TEST_CHECK(N_KILL, waitpid((pid_t)pid, &st, 0) == (pid_t)pid);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		test_fail(N_KILL, "server ended with status 0x%x", st);
	return 0;
}
