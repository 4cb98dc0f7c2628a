/* IPC round trip between two spaces: median cycles of one call answered by
 * reply_recv.  The program runs itself as the server ("server <pid>").
 * The same between two threads of this one space (no address-space switch,
 * so no CR3 write): the difference is what the two switches cost. */
#include <pthread.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>
#include "sys/sys.h"
#include "sys/test.h"

#define N    20000
#define STOP 2

static uint64_t t[N];

static uint64_t key(uint32_t client)
{
	return 0xBE0C000000ull | client;
}

static int server(uint32_t client)
{
	uint32_t ep;
	struct sys_msg m, r = { .label = 0 };
	if (shared_ep(key(client), &ep) || ipc_recv(ep, &m))
		return 1;
	while (IPC_LABEL_TAG(m.label) != STOP)
		if (ipc_reply_recv(ep, &r, &m))
			return 1;
	return 0;
}

/* The client's loop: median cycles of N calls on ep (after 1000 unmeasured
 * ones), then a STOP message; 0 if a call failed. */
static uint64_t client_loop(uint32_t ep)
{
	struct sys_msg m;
	for (int i = 0; i < N + 1000; i++) {
		m = (struct sys_msg){ .label = 1, .w = { (uint64_t)i } };
		uint64_t t0 = rdtsc();
		int e = ipc_call(ep, &m);
		uint64_t dt = rdtsc() - t0;
		if (e) {
			printf("bench_ipc: call: %s\n", err_str(e));
			return 0;
		}
		if (i >= 1000)
			t[i - 1000] = dt;
	}
	m = (struct sys_msg){ .label = STOP };
	ipc_send(ep, &m);
	return median_u64(t, N);
}

static void *thread_server(void *arg)
{
	uint32_t ep = (uint32_t)(uintptr_t)arg;
	struct sys_msg m, r = { .label = 0 };
	if (ipc_recv(ep, &m) == 0)
		while (IPC_LABEL_TAG(m.label) != STOP)
			if (ipc_reply_recv(ep, &r, &m))
				break;
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc > 2) {
		uint32_t client = 0;
		for (const char *s = argv[2]; *s >= '0' && *s <= '9'; s++)
			client = client * 10 + (uint32_t)(*s - '0');
		return server(client);
	}
	char arg[16];
	uint32_t ep, pid;
	snprintf(arg, sizeof arg, "%d", getpid());
	const char *args[] = { argv[0], "server", arg, NULL };
	if (shared_ep(key((uint32_t)getpid()), &ep) || spawnv(args, &pid)) {
		printf("bench_ipc: setup failed\n");
		return 1;
	}
	uint64_t between = client_loop(ep);
	waitpid((pid_t)pid, NULL, 0);
	if (!between)
		return 1;
	bench_result("ipc_call_reply_roundtrip", between);
	pthread_t th;
	if (pthread_create(&th, NULL, thread_server, (void *)(uintptr_t)ep)) {
		printf("bench_ipc: pthread_create failed\n");
		return 1;
	}
	uint64_t within = client_loop(ep);
	pthread_join(th, NULL);
	if (!within)
		return 1;
	bench_result("ipc_call_reply_same_space", within);
	return 0;
}
