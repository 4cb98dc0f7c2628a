/* IPC ping-pong between two spaces: this program runs itself as a child
 * ("server <parent pid>"); both take the same shared endpoint from the
 * pager; the parent calls N times, checking every reply's label, four words
 * and IPC-buffer payload; the server checks every request's label, words,
 * payload and badge (the caller's pid). */
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>
#include "sys/sys.h"
#include "sys/test.h"

#define NAME  "ipc_pingpong"
#define ROUNDS 1000
#define REQ   0x100
#define STOP  0x7000 /* above every REQ + i */
#define MAGIC 0xC0FFEE0000000000ull

static uint64_t key(uint32_t client)
{
	return 0x1BC0000000ull | client;
}

static unsigned len_of(unsigned i)
{
	return (i * 37) % IPC_BUF_MAX + 1; /* 1 .. 4096 bytes */
}

static uint8_t byte_of(unsigned i, unsigned k, int reply)
{
	return (uint8_t)(i * 7 + k * 13 + (reply ? 0x55 : 0));
}

/* Serve requests of the client with pid `client` until STOP. */
static int server(uint32_t client)
{
	uint32_t ep;
	struct sys_msg m, r;
	uint8_t *buf = sys_ipc_buf;
	TEST_ERR(NAME, shared_ep(key(client), &ep), E_OK);
	TEST_ERR(NAME, ipc_recv(ep, &m), E_OK);
	for (unsigned i = 0;; i++) {
		if (IPC_LABEL_TAG(m.label) == STOP)
			return i == ROUNDS ? 0 : 1;
		unsigned len = len_of(i);
		if (m.badge != client || IPC_LABEL_TAG(m.label) != REQ + i ||
		    IPC_LABEL_LEN(m.label) != len || m.w[0] != i || m.w[1] != ~(uint64_t)i ||
		    m.w[2] != MAGIC + i || m.w[3] != (uint64_t)i << 32)
			test_fail(NAME, "server: request %u: badge %lu label 0x%lx words "
				  "%lx %lx %lx %lx", i, m.badge, m.label, m.w[0], m.w[1],
				  m.w[2], m.w[3]);
		for (unsigned k = 0; k < len; k++)
			if (buf[k] != byte_of(i, k, 0))
				test_fail(NAME, "server: request %u byte %u is %u", i, k, buf[k]);
		for (unsigned k = 0; k < len; k++)
			buf[k] = byte_of(i, k, 1);
		r = (struct sys_msg){ .label = IPC_LABEL(REQ + i + 1, len),
				      .w = { i + 1, m.w[1] ^ MAGIC, m.w[2] + 1, ~m.w[3] } };
		TEST_ERR(NAME, ipc_reply_recv(ep, &r, &m), E_OK);
	}
}

/* One call: request i out, check the reply. */
static void ping(uint32_t ep, unsigned i)
{
	uint8_t *buf = sys_ipc_buf;
	unsigned len = len_of(i);
	for (unsigned k = 0; k < len; k++)
		buf[k] = byte_of(i, k, 0);
	struct sys_msg m = { .label = IPC_LABEL(REQ + i, len),
			     .w = { i, ~(uint64_t)i, MAGIC + i, (uint64_t)i << 32 } };
	int e = ipc_call(ep, &m);
	if (e)
		test_fail(NAME, "call %u: %s", i, err_str(e));
	if (IPC_LABEL_TAG(m.label) != REQ + i + 1 || IPC_LABEL_LEN(m.label) != len ||
	    m.w[0] != i + 1 || m.w[1] != (~(uint64_t)i ^ MAGIC) ||
	    m.w[2] != MAGIC + i + 1 || m.w[3] != ~((uint64_t)i << 32))
		test_fail(NAME, "reply %u: label 0x%lx words %lx %lx %lx %lx", i,
			  m.label, m.w[0], m.w[1], m.w[2], m.w[3]);
	for (unsigned k = 0; k < len; k++)
		if (buf[k] != byte_of(i, k, 1))
			test_fail(NAME, "reply %u byte %u is %u", i, k, buf[k]);
}

int main(int argc, char **argv)
{
	if (argc > 2 && strcmp(argv[1], "server") == 0) {
		uint32_t client = 0;
		for (const char *s = argv[2]; *s >= '0' && *s <= '9'; s++)
			client = client * 10 + (uint32_t)(*s - '0');
		return server(client);
	}
	char arg[32];
	uint32_t ep, pid;
	int st = 0;
	snprintf(arg, sizeof arg, "%d", getpid());
	TEST_ERR(NAME, shared_ep(key((uint32_t)getpid()), &ep), E_OK);
	const char *args[] = { argv[0], "server", arg, NULL };
	TEST_ERR(NAME, spawnv(args, &pid), E_OK);
	for (unsigned i = 0; i < ROUNDS; i++)
		ping(ep, i);
	struct sys_msg stop = { .label = STOP };
	TEST_ERR(NAME, ipc_send(ep, &stop), E_OK);
	TEST_CHECK(NAME, waitpid((pid_t)pid, &st, 0) == (pid_t)pid);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		test_fail(NAME, "server ended with status 0x%x", st);
	test_pass(NAME);
	return 0;
}
