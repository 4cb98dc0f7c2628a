/* hostile19_handles: a process's threads race on its own IPC handles.
 * Callers call an endpoint that servers of the same process receive on
 * and answer through saved replies (reply_save, reply_send), while a
 * closer thread closes the endpoint (callers and servers queued on it
 * stay there: nobody can reach it), makes a new one that takes the same
 * number or another, closes saved reply handles under the servers, closes
 * the same handle from two threads at once, and every thread now and then
 * uses forged handle numbers.  Each round is a child that ends by exit
 * with its threads blocked on endpoints nobody has any more, or is killed.
 *   hostile19_handles  every call returns an error code or the answer to
 *                      that very call (a caller's words, plus one: never
 *                      another caller's), closes E_OK or E_BADHANDLE; the
 *                      child ends
 *                      (exit status 0, or SIGKILL from the parent); every
 *                      frame comes back
 * `test_hostile19_handles run MASK` runs the rounds with only the F_*
 * parts in MASK (0: callers and servers alone, which was enough to hang:
 * a server's saved reply to a caller of its own process pinned the
 * process, and it never ended, killed or exiting, until session 19's
 * pin19 let a dead thread go of its space). */
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "sys/sys.h"
#include "sys/ipc.h"
#include "sys/test.h"
#define T "hostile19_handles"
#include "linux_frames.h"

#define CALLERS 5
#define SERVERS 2
#define ROUNDS 8
#define ROUND_MS 300

static volatile uint32_t ep_now;
static unsigned feat = ~0u; /* F_*: what the round's child does (all) */
#define F_ROTATE 1  /* endpoints closed and made again */
#define F_SAVED  2  /* saved replies closed under the servers */
#define F_FORGED 4  /* forged handle numbers */
#define F_TWICE  8  /* double closes */
static volatile int stop, bad;
static volatile uint64_t bad_what[4];

/* xorshift per thread */
static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void note_bad(uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
	if (__atomic_exchange_n(&bad, 1, __ATOMIC_SEQ_CST))
		return;
	bad_what[0] = a, bad_what[1] = b, bad_what[2] = c, bad_what[3] = d;
}

/* A handle number: the live endpoint's mostly, else a forged one near it
 * or far off (the pager's handle is left alone: closing it is suicide,
 * calling it a pager request, which the fuzzer tries). */
static uint32_t pick(uint64_t *s)
{
	uint32_t h = ep_now;
	if (!(feat & F_FORGED))
		return h;
	switch (rnd(s) % 8) {
	case 0: return h + 1 + (uint32_t)(rnd(s) % 4);
	case 1: return (uint32_t)rnd(s);
	case 2: return h ? h - 1 : 0;
	default: return h;
	}
}

static void *caller(void *arg)
{
	uint64_t id = (uint64_t)(uintptr_t)arg, s = id * 0x9E3779B97F4A7C15ull + 1;
	for (uint64_t seq = 1; !stop; seq++) {
		uint32_t h = pick(&s);
		if (h == sys_pager)
			continue;
		struct sys_msg m = { .label = 5, .w = { id, seq, ~id, seq * 3 } };
		int e = ipc_call(h, &m);
		if (e == E_OK && m.label == 6 &&
		    (m.w[0] != id + 1 || m.w[1] != seq + 1 || m.w[2] != ~id + 1 ||
		     m.w[3] != seq * 3 + 1))
			note_bad(id, seq, m.w[0], m.w[1]); /* another call's answer */
		if (e >= E_COUNT)
			note_bad(id, seq, 1000, (uint64_t)e);
	}
	return NULL;
}

/* Saved replies the closer may close under the servers. */
static volatile uint32_t saved[8];

static void *server(void *arg)
{
	uint64_t s = (uint64_t)(uintptr_t)arg * 77 + 5;
	while (!stop) {
		uint32_t h = pick(&s);
		if (h == sys_pager)
			continue;
		struct sys_msg m;
		int e = ipc_recv(h, &m);
		if (e != E_OK)
			continue;
		struct sys_regs r;
		if (sys_reply_save_r(0, &r) != E_OK)
			continue;
		uint32_t rh = (uint32_t)r.rdi;
		unsigned slot = (unsigned)(rnd(&s) % 8);
		saved[slot] = rh; /* the closer may close it first */
		if (rnd(&s) % 4 == 0)
			sched_yield();
		e = sys_reply_send(rh, 6, m.w[0] + 1, m.w[1] + 1, m.w[2] + 1, m.w[3] + 1);
		if (e != E_OK && e != E_BADHANDLE && e != E_DEAD)
			note_bad(2000, (uint64_t)e, rh, 0);
		sys_handle_close(rh); /* E_BADHANDLE once the closer took it */
	}
	return NULL;
}

/* Two threads close the same handle at once. */
static volatile uint32_t twice_h;
static volatile int twice_go, twice_res[2], twice_done;

static void *twice(void *arg)
{
	int k = (int)(uintptr_t)arg;
	while (!stop) {
		while (!twice_go && !stop)
			sched_yield();
		if (stop)
			break;
		twice_res[k] = sys_handle_close(twice_h);
		__atomic_fetch_add(&twice_done, 1, __ATOMIC_SEQ_CST);
		while (twice_go && !stop)
			sched_yield();
	}
	return NULL;
}

static void *closer(void *arg)
{
	uint64_t s = (uint64_t)(uintptr_t)arg + 99;
	while (!stop) {
		usleep(2000 + (unsigned)(rnd(&s) % 3000));
		unsigned slot = (unsigned)(rnd(&s) % 8);
		if (feat & F_SAVED)
			sys_handle_close(saved[slot]);
		if ((feat & F_ROTATE) && rnd(&s) % 4 == 0) { /* the endpoint goes, a new one comes */
			struct sys_regs r;
			uint32_t old = ep_now;
			if (sys_endpoint_create_r(&r) == E_OK)
				ep_now = (uint32_t)r.rdi;
			sys_handle_close(old);
		}
		struct sys_regs r;
		if ((feat & F_TWICE) && sys_endpoint_create_r(&r) == E_OK) { /* the double close */
			twice_h = (uint32_t)r.rdi;
			twice_done = 0;
			twice_go = 1;
			while (twice_done < 2 && !stop)
				sched_yield();
			twice_go = 0;
			/* no check: a server's reply_save may take the number
			 * between the two closes */
			for (int k = 0; k < 2; k++)
				if (twice_res[k] != E_OK && twice_res[k] != E_BADHANDLE)
					note_bad(3000, (uint64_t)k, (uint64_t)twice_res[k], twice_h);
		}
	}
	return NULL;
}

/* A round's child: its threads race for ROUND_MS, then it exits with
 * them blocked wherever they are.  Exit status: 0, or 1 with a line. */
static int child(void)
{
	struct sys_regs r;
	if (sys_endpoint_create_r(&r) != E_OK)
		return 2;
	ep_now = (uint32_t)r.rdi;
	pthread_t t;
	for (int i = 0; i < CALLERS; i++)
		if (pthread_create(&t, NULL, caller, (void *)(uintptr_t)(i + 1)))
			return 3;
	for (int i = 0; i < SERVERS; i++)
		if (pthread_create(&t, NULL, server, (void *)(uintptr_t)i))
			return 3;
	for (int i = 0; i < 2; i++)
		if (pthread_create(&t, NULL, twice, (void *)(uintptr_t)i))
			return 3;
	if (pthread_create(&t, NULL, closer, NULL))
		return 3;
	printf(T ": child %d: threads started\n", (int)getpid());
	fflush(stdout);
	usleep(ROUND_MS * 1000);
	stop = 1;
	printf(T ": child %d: exits\n", (int)getpid());
	fflush(stdout);
	if (bad) {
		printf("@@FAIL " T ": %lu %lu %lu %lu\n", (unsigned long)bad_what[0],
		       (unsigned long)bad_what[1], (unsigned long)bad_what[2],
		       (unsigned long)bad_what[3]);
		fflush(stdout);
		_exit(1);
	}
	_exit(0); /* threads still blocked on endpoints nobody reaches */
}

int main(int argc, char **argv)
{
	if (argc > 2)
		feat = (unsigned)strtoul(argv[2], NULL, 0);
	if (argc > 1 && !strcmp(argv[1], "child"))
		return child();
	touch_image();
	long before = frames_before(3000);
	int ok = 1;
	for (int i = 0; i < ROUNDS; i++) {
		pid_t pid;
		char fs[16];
		snprintf(fs, sizeof fs, "%u", feat);
		char *av[] = { "test_hostile19_handles", "child", fs, NULL };
		if (posix_spawn(&pid, "test_hostile19_handles", NULL, NULL, av, NULL)) {
			printf("@@FAIL " T ": spawn\n");
			return 1;
		}
		printf(T ": round %d: child %d\n", i, (int)pid);
		fflush(stdout);
		if (i % 2) { /* odd rounds: killed in the middle */
			usleep(ROUND_MS * 500);
			kill(pid, SIGKILL);
		}
		int st = -1;
		if (waitpid(pid, &st, 0) != pid ||
		    !((WIFEXITED(st) && WEXITSTATUS(st) == 0) ||
		      (WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL && i % 2))) {
			printf("@@FAIL " T ": round %d: status 0x%x\n", i, st);
			ok = 0;
		}
	}
	if (!frames_back(before, 5000))
		ok = 0;
	if (ok)
		printf("@@PASS " T "\n");
	return ok ? 0 : 1;
}
