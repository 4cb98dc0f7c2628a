/* hunt5_jcstorm: job control (SIGSTOP, SIGTSTP, SIGCONT) and SIGKILL
 * storms against processes in the middle of everything: 
 *   pingpong  two processes hand a turn back and forth through a futex
 *             in MAP_SHARED memory (each waits for its turn, sleeping)
 *   forker    forks children that check the page they inherited and
 *             write their own copy; a second thread creates short-lived
 *             threads that fault fresh pages and exit
 *   execer    a thread faults pages while the main thread execs the
 *             program again (and again), and forks children that exec it
 *   heap      three threads malloc, fill, check and free (libsys's heap
 *             lock held across stops), one of them waking a futex a
 *             sibling process waits on
 * The parent stops and continues single members and the whole group,
 * sends SIGTSTP, and SIGKILLs members (starting another).  At the end it
 * continues everyone and asks them to finish: each must end by itself
 * within a bound (a thread left parked for good would hang it) with
 * status 0 (every check of bytes right), and every frame must come back.
 * A plain Linux program: make linux-check PROG=user/test_hunt5_jcstorm.c. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#define T "hunt5_jcstorm"
#include "linux_frames.h"

#define MEMBERS 5
#define ROUNDS 4
#define ROUND_MS 700
#define END_MS 20000
#define PG 4096

struct shared {
	volatile int stop;
	volatile uint32_t turn;   /* pingpong: even A's, odd B's */
	volatile uint32_t bell;   /* heap's thread rings it, pingpong B listens */
	volatile int line[MEMBERS];
};
static struct shared *sh;
static const char *self;

static void nap_us(long us)
{
	struct timespec ts = { us / 1000000, (us % 1000000) * 1000L };
	nanosleep(&ts, NULL);
}

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static long futex(volatile uint32_t *w, int op, uint32_t v, long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	return syscall(SYS_futex, w, op, v, ms ? &ts : NULL, NULL, 0);
}

#define BAD(m) do { sh->line[m] = __LINE__; _exit(1); } while (0)

static _Noreturn void pingpong(int m)
{
	uint32_t mine = (uint32_t)(m & 1);
	while (!sh->stop) {
		uint32_t t = __atomic_load_n(&sh->turn, __ATOMIC_ACQUIRE);
		if ((t & 1) != mine) {
			futex(&sh->turn, FUTEX_WAIT, t, 20);
			continue;
		}
		if (!__atomic_compare_exchange_n(&sh->turn, &t, t + 1, 0, __ATOMIC_ACQ_REL,
						 __ATOMIC_RELAXED))
			BAD(m); /* only we may move it from our value */
		futex(&sh->turn, FUTEX_WAKE, 1, 0);
		if (mine)
			futex(&sh->bell, FUTEX_WAIT, sh->bell, 5);
	}
	_exit(0);
}

static void *faulter(void *arg)
{
	uintptr_t k = (uintptr_t)arg;
	char *p = mmap(NULL, 8 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	for (int i = 0; i < 8; i++)
		p[i * PG + 5] = (char)(k + (uintptr_t)i);
	for (int i = 0; i < 8; i++)
		if (p[i * PG + 5] != (char)(k + (uintptr_t)i))
			_exit(3);
	munmap(p, 8 * PG);
	return NULL;
}

static void *thread_churn(void *arg)
{
	(void)arg;
	for (uintptr_t n = 0; !sh->stop; n++) {
		pthread_t t;
		if (pthread_create(&t, NULL, faulter, (void *)n) == 0)
			pthread_join(t, NULL);
	}
	return NULL;
}

static _Noreturn void forker(int m)
{
	pthread_t t;
	pthread_create(&t, NULL, thread_churn, NULL);
	char *p = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		BAD(m);
	for (unsigned n = 0; !sh->stop; n++) {
		memset(p, (int)(n & 0xff), 4 * PG);
		pid_t c = fork();
		if (c == 0) {
			for (int i = 0; i < 4 * PG; i++)
				if (p[i] != (char)(n & 0xff))
					_exit(4);
			memset(p, 0x5a, 4 * PG);
			_exit(0);
		}
		if (c < 0)
			continue;
		int st;
		while (waitpid(c, &st, 0) < 0 && errno == EINTR)
			;
		if (!WIFEXITED(st) || WEXITSTATUS(st))
			BAD(m);
		for (int i = 0; i < 4 * PG; i += 511)
			if (p[i] != (char)(n & 0xff))
				BAD(m);
	}
	pthread_join(t, NULL);
	_exit(0);
}

static void *fault_loop(void *arg)
{
	(void)arg;
	for (uintptr_t n = 0;; n++)
		faulter((void *)n);
	return NULL;
}

/* The execer: a thread faults while the main thread forks a child that
 * execs us ("child") and then execs itself ("execer m left"). */
static _Noreturn void execer(int m, int left)
{
	pthread_t t;
	pthread_create(&t, NULL, fault_loop, NULL);
	for (int i = 0; i < 3 && !sh->stop; i++) {
		pid_t c = fork();
		if (c == 0) {
			execl(self, self, "child", (char *)NULL);
			_exit(5);
		}
		int st;
		while (c > 0 && waitpid(c, &st, 0) < 0 && errno == EINTR)
			;
		if (c > 0 && (!WIFEXITED(st) || WEXITSTATUS(st)))
			BAD(m);
	}
	if (sh->stop || left <= 0)
		_exit(0);
	char a[2][16];
	snprintf(a[0], sizeof a[0], "%d", m);
	snprintf(a[1], sizeof a[1], "%d", left - 1);
	execl(self, self, "execer", a[0], a[1], (char *)NULL);
	BAD(m);
}

static void *heap_thread(void *arg)
{
	uintptr_t k = (uintptr_t)arg;
	for (unsigned n = 0; !sh->stop; n++) {
		size_t len = 16 + (n * 37 + k * 101) % 20000;
		unsigned char *b = malloc(len);
		if (!b)
			continue;
		memset(b, (int)(k + n), len);
		for (size_t i = 0; i < len; i += 97)
			if (b[i] != (unsigned char)(k + n))
				_exit(6);
		free(b);
		if (k == 0 && n % 16 == 0) {
			__atomic_fetch_add(&sh->bell, 1, __ATOMIC_RELEASE);
			futex(&sh->bell, FUTEX_WAKE, 8, 0);
		}
	}
	return NULL;
}

static _Noreturn void heap(int m)
{
	(void)m;
	pthread_t t[3];
	for (uintptr_t k = 0; k < 3; k++)
		pthread_create(&t[k], NULL, heap_thread, (void *)k);
	for (int k = 0; k < 3; k++)
		pthread_join(t[k], NULL);
	_exit(0);
}

static void member_body(int m)
{
	switch (m) {
	case 0: case 1: pingpong(m);
	case 2: forker(m);
	case 3: execer(m, 3);
	default: heap(m);
	}
}

static pid_t member(int m, pid_t pgid)
{
	pid_t p = fork();
	if (p == 0) {
		setpgid(0, pgid);
		member_body(m);
	}
	if (p > 0)
		setpgid(p, pgid ? pgid : p);
	return p;
}

static int run(void)
{
	static uint32_t seed = 99;
	int fails = 0;
	for (int r = 0; r < ROUNDS && !fails; r++) {
		memset(sh, 0, sizeof *sh);
		unsigned long oom0 = oom_kills_now();
		pid_t pids[MEMBERS], pg = 0;
		for (int m = 0; m < MEMBERS; m++) {
			pids[m] = member(m, pg);
			if (!pg)
				pg = pids[m];
		}
		long end = now_ms() + ROUND_MS;
		while (now_ms() < end) {
			seed = seed * 1103515245u + 12345u;
			uint32_t s = seed >> 8;
			int m = (int)(s % MEMBERS);
			nap_us(200 + (s >> 4) % 2000);
			switch ((s >> 12) % 8) {
			case 0:
				kill(pids[m], SIGKILL);
				waitpid(pids[m], NULL, 0);
				pids[m] = member(m, pg);
				break;
			case 1:
				kill(-pg, SIGSTOP);
				nap_us((s >> 3) % 3000);
				kill(-pg, SIGCONT);
				break;
			case 2:
				kill(pids[m], SIGTSTP);
				kill(pids[m], SIGSTOP);
				nap_us((s >> 3) % 1000);
				kill(pids[m], SIGCONT);
				kill(pids[m], SIGCONT);
				break;
			case 3:
				kill(pids[m], SIGCONT); /* not stopped: nothing */
				break;
			default:
				kill(pids[m], SIGSTOP);
				nap_us((s >> 3) % 2000);
				kill(pids[m], SIGCONT);
			}
		}
		kill(-pg, SIGCONT);
		sh->stop = 1;
		long give_up = now_ms() + END_MS;
		for (int m = 0; m < MEMBERS; m++) {
			int st = 0;
			pid_t w;
			while ((w = waitpid(pids[m], &st, WNOHANG)) == 0 && now_ms() < give_up) {
				kill(pids[m], SIGCONT);
				nap_us(5000);
			}
			if (w == 0) {
				printf("@@FAIL " T ": round %d: member %d (pid %d) did not end\n", r, m,
				       (int)pids[m]);
				kill(pids[m], SIGKILL);
				waitpid(pids[m], &st, 0);
				fails++;
			} else if (WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL &&
				   oom_kills_now() != oom0) {
				/* the OOM killer's (40 MiB leaves some 800 frames) */
				printf(T ": round %d: member %d was killed\n", r, m);
			} else if (!WIFEXITED(st) || WEXITSTATUS(st)) {
				printf("@@FAIL " T ": round %d: member %d ended %#x (line %d)\n", r, m, st,
				       sh->line[m]);
				fails++;
			}
		}
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
	}
	return fails;
}

/* The shared page, a named object so that an exec'd image finds it. */
static struct shared *map_shared(int create)
{
	int fd = shm_open("/hunt5_jcstorm", O_RDWR | (create ? O_CREAT : 0), 0600);
	if (fd < 0)
		return NULL;
	if (create && ftruncate(fd, PG))
		return NULL;
	void *p = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	return p == MAP_FAILED ? NULL : p;
}

int main(int argc, char **argv)
{
	self = argv[0];
	if (argc > 1 && !strcmp(argv[1], "child")) { /* an exec'd child */
		faulter((void *)7);
		return 0;
	}
	if (argc > 3 && !strcmp(argv[1], "execer")) { /* the execer again */
		if (!(sh = map_shared(0)))
			return 7;
		execer(atoi(argv[2]), atoi(argv[3]));
	}
	setvbuf(stdout, NULL, _IONBF, 0);
	if (!(sh = map_shared(1)))
		return 1;
	int rc = run_twice_counted(run);
	shm_unlink("/hunt5_jcstorm");
	return rc;
}
