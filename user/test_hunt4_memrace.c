/* hunt4_mem_race: the newer memory surfaces raced by hostile processes
 * that a sibling SIGKILLs at random points.  Each scenario runs rounds of
 * a small group of processes and threads:
 *   tmpfs    a /tmp file MAP_SHARED and written by two threads while a
 *            sibling process truncates, renames, unlinks and re-creates it
 *            (a page cut off is SIGBUS, caught and left)
 *   sysvshm  segments made, attached, written, forked, detached and
 *            IPC_RMID'd by several processes at once
 *   futex    threads waiting on and waking futexes in memory a sibling
 *            thread unmaps and maps again
 *   mremap   a mapping moved (MREMAP_MAYMOVE) back and forth while a
 *            sibling thread faults it in (SIGSEGV in the gap, caught)
 *   advice   MADV_DONTFORK / MADV_WIPEONFORK set and cleared while a
 *            sibling thread forks (the child checks what it may read)
 *   proc     /proc/PID files of processes that are ending read in a loop
 *   sfutex   a process's threads wait on futexes in MAP_SHARED memory
 *            that its parent unmaps, and are killed; a fresh shared page
 *            (maybe one of those frames again) must wake nobody
 *   timers   POSIX timers armed at 1 ms and sigqueue to siblings while
 *            members exec (the timers go) and exit with them armed
 * A killer process sends SIGKILL to a random member every few ms.  Then:
 * no hang (each round's processes all reaped within a bound), no crash of
 * the system, no process saw another's bytes where that is defined (a
 * fork child's private page, a wiped page reading zero or the parent's
 * bytes as of the fork), and once all is gone the free frames are back.
 * Its fork advice scenario found hunt4_thread_fork's bug (a child forked
 * by a thread was killed at its first call carrying data).  Args: a
 * scenario's name (or "all") and rounds, for longer runs. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#define T "hunt4_mem_race"
#include "linux_frames.h"

#define PG 4096
#define MEMBERS 4
#define ROUND_MS 250
#define HANG_MS 20000

struct shared {
	volatile int stop;
	volatile int bad;
	volatile int line;
	volatile int round;
	volatile pid_t pids[8];
	volatile int execd[8]; /* member m exec'd: its handlers went with it */
};
static struct shared *sh;
static uint32_t seed;
static const char *only;

static uint32_t rnd(void)
{
	seed = seed * 1103515245u + 12345u;
	return seed >> 8;
}

static void nap_us(long us)
{
	struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };
	nanosleep(&ts, NULL);
}

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

#define BAD() do { sh->line = __LINE__; sh->bad = 1; } while (0)

static __thread sigjmp_buf jb;
static __thread volatile int jb_on;

static void on_fault(int sig)
{
	if (jb_on)
		siglongjmp(jb, sig);
	_exit(90 + sig);
}

static void catch_faults(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_fault;
	sa.sa_flags = SA_NODEFER;
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGSEGV, &sa, NULL);
}

/* ---- tmpfs ---- */
static char path[64], path2[64];
static volatile char *fmap;

static void *tmpfs_writer(void *arg)
{
	uintptr_t k = (uintptr_t)arg;
	volatile uint32_t s = (uint32_t)k * 77u + (uint32_t)getpid();
	while (!sh->stop) {
		s = s * 1103515245u + 12345u;
		size_t at = (s >> 8) % (16 * PG);
		jb_on = 1;
		if (sigsetjmp(jb, 1) == 0)
			fmap[at] = (char)k;
		jb_on = 0;
	}
	return NULL;
}

static void tmpfs_member(int m)
{
	if (m == 0) { /* the mapper */
		int fd = open(path, O_RDWR | O_CREAT, 0600);
		if (fd < 0)
			_exit(0);
		ftruncate(fd, 16 * PG);
		fmap = mmap(NULL, 16 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		close(fd);
		if (fmap == MAP_FAILED)
			_exit(0);
		pthread_t t[2];
		for (uintptr_t k = 0; k < 2; k++)
			pthread_create(&t[k], NULL, tmpfs_writer, (void *)(k + 1));
		while (!sh->stop)
			nap_us(1000);
		for (int k = 0; k < 2; k++)
			pthread_join(t[k], NULL);
		_exit(0);
	}
	while (!sh->stop) { /* the others truncate, rename, unlink, remake */
		int fd;
		switch (rnd() % 5) {
		case 0:
			if ((fd = open(path, O_RDWR)) >= 0) {
				ftruncate(fd, (off_t)(rnd() % 20) * PG + (rnd() % 2) * 100);
				close(fd);
			}
			break;
		case 1:
			rename(path, path2);
			break;
		case 2:
			rename(path2, path);
			break;
		case 3:
			unlink(rnd() % 2 ? path : path2);
			break;
		case 4:
			if ((fd = open(path, O_RDWR | O_CREAT, 0600)) >= 0) {
				char b[64];
				memset(b, m, sizeof b);
				pwrite(fd, b, sizeof b, (off_t)(rnd() % 16) * PG);
				close(fd);
			}
			break;
		}
	}
	_exit(0);
}

/* ---- SysV shm ---- */
static void sysv_member(int m)
{
	key_t key = (key_t)(0x4c000 + sh->round % 4);
	while (!sh->stop) {
		int id = shmget(key, (size_t)(1 + rnd() % 4) * PG, IPC_CREAT | 0600);
		if (id < 0) {
			nap_us(100);
			continue;
		}
		volatile char *p = shmat(id, NULL, 0);
		if (p == (void *)-1)
			continue;
		p[0] = (char)m;
		switch (rnd() % 4) {
		case 0:
			shmctl(id, IPC_RMID, NULL);
			break;
		case 1: {
			pid_t c = fork();
			if (c == 0) {
				p[1] = 1;
				shmdt((void *)p);
				_exit(0);
			}
			if (c > 0)
				waitpid(c, NULL, 0);
			break;
		}
		default:
			break;
		}
		shmdt((void *)p);
	}
	_exit(0);
}

/* ---- futex on memory unmapped and mapped again ---- */
static volatile uint32_t *fw;

static long futex(volatile uint32_t *u, int op, uint32_t v, const struct timespec *ts)
{
	return syscall(SYS_futex, u, op, v, ts, NULL, 0);
}

static void *futex_waiter(void *arg)
{
	(void)arg;
	struct timespec ts = { 0, 2000000 };
	while (!sh->stop) {
		volatile uint32_t *w = fw;
		jb_on = 1;
		if (sigsetjmp(jb, 1) == 0) {
			if (rnd() % 2)
				futex(w, FUTEX_WAIT_PRIVATE, 0, &ts);
			else
				futex(w, FUTEX_WAKE_PRIVATE, 8, NULL);
			w[rnd() % 1024] = 0;
		}
		jb_on = 0;
	}
	return NULL;
}

static void futex_member(int m)
{
	(void)m;
	fw = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	pthread_t t[3];
	for (int k = 0; k < 3; k++)
		pthread_create(&t[k], NULL, futex_waiter, NULL);
	while (!sh->stop) {
		volatile uint32_t *old = fw;
		munmap((void *)old, 4 * PG);
		void *n = mmap((void *)old, 4 * PG, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (n != MAP_FAILED)
			fw = n;
		futex(fw, FUTEX_WAKE_PRIVATE, 8, NULL);
	}
	for (int k = 0; k < 3; k++)
		pthread_join(t[k], NULL);
	_exit(0);
}

/* ---- shared futexes whose waiters are killed and whose frames go ---- */
static pid_t sfutex_parent;

static void *sfutex_waiter(void *arg)
{
	volatile uint32_t *w = arg;
	struct timespec ts = { 0, 50000000 };
	while (getppid() == sfutex_parent) /* until killed, or orphaned */
		futex(w, FUTEX_WAIT, 0, &ts);
	_exit(0);
}

static void sfutex_member(int m)
{
	(void)m;
	sfutex_parent = getpid();
	while (!sh->stop) {
		volatile uint32_t *p = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE,
					    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			continue;
		pid_t c = fork();
		if (c == 0) {
			pthread_t t;
			for (int k = 1; k < 3; k++)
				pthread_create(&t, NULL, sfutex_waiter, (void *)(p + k * 1024));
			sfutex_waiter((void *)p);
		}
		if (c < 0) {
			munmap((void *)p, 4 * PG);
			continue;
		}
		nap_us(rnd() % 2000);
		if (rnd() % 2)
			futex(p + (rnd() % 3) * 1024, FUTEX_WAKE, 1, NULL); /* one wakes, waits again */
		if (rnd() % 2)
			munmap((void *)p, 4 * PG); /* the waiters keep the frames */
		kill(c, SIGKILL);
		waitpid(c, NULL, 0);
		/* a fresh shared page (maybe a frame just freed): wake on it */
		volatile uint32_t *q = mmap(NULL, PG, PROT_READ | PROT_WRITE,
					    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (q != MAP_FAILED) {
			if (futex(q, FUTEX_WAKE, 8, NULL) != 0)
				BAD(); /* nobody waits on a page just made */
			munmap((void *)q, PG);
		}
		munmap((void *)p, 4 * PG);
	}
	_exit(0);
}

/* ---- mremap while a sibling faults ---- */
static volatile char *volatile mr;

static void *mremap_toucher(void *arg)
{
	(void)arg;
	while (!sh->stop) {
		jb_on = 1;
		if (sigsetjmp(jb, 1) == 0) {
			volatile char *p = mr;
			size_t i = rnd() % 32;
			p[i * PG] = 5;
			/* byte 1 moves with its page; pages 16.. are new
			 * (zero) after a shrink and grow */
			char v = p[i * PG + 1];
			if (v != (char)(i + 1) && !(i >= 16 && v == 0))
				BAD();
		}
		jb_on = 0;
	}
	return NULL;
}

static void mremap_member(int m)
{
	(void)m;
	char *a = mmap(NULL, 32 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *b = mmap(NULL, 64 * PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	for (int i = 0; i < 32; i++)
		a[i * PG + 1] = (char)(i + 1);
	mr = a;
	pthread_t t[2];
	for (int k = 0; k < 2; k++)
		pthread_create(&t[k], NULL, mremap_toucher, NULL);
	char *at = a, *other = b;
	while (!sh->stop) {
		size_t nsz = (rnd() % 2 ? 32 : 16) * PG;
		char *n = mremap(at, 32 * PG, nsz, MREMAP_MAYMOVE | MREMAP_FIXED, other);
		if (n == MAP_FAILED)
			continue;
		if (nsz < 32 * PG)
			n = mremap(n, nsz, 32 * PG, MREMAP_MAYMOVE);
		if (n == MAP_FAILED)
			break;
		mr = n;
		other = at;
		at = n;
	}
	for (int k = 0; k < 2; k++)
		pthread_join(t[k], NULL);
	_exit(0);
}

/* ---- fork advice while a sibling forks ---- */
static volatile char *adv;

static void *advice_forker(void *arg)
{
	(void)arg;
	while (!sh->stop) {
		pid_t c = fork();
		if (c == 0) {
			/* each page reads its pattern or 0 (wiped), or faults
			 * (not copied); never anything else */
			for (int i = 0; i < 8; i++) {
				jb_on = 1;
				if (sigsetjmp(jb, 1) == 0) {
					char v = adv[i * PG + 7];
					if (v != 0 && v != (char)(i + 1))
						BAD();
				}
				jb_on = 0;
			}
			_exit(0);
		}
		if (c > 0)
			waitpid(c, NULL, 0);
	}
	return NULL;
}

static void advice_member(int m)
{
	(void)m;
	adv = mmap(NULL, 8 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	for (int i = 0; i < 8; i++)
		memset((char *)adv + i * PG, i + 1, PG);
	pthread_t t;
	pthread_create(&t, NULL, advice_forker, NULL);
	static const int advice[] = { MADV_DONTFORK, MADV_DOFORK, MADV_WIPEONFORK,
				      MADV_KEEPONFORK, MADV_DONTNEED };
	while (!sh->stop) {
		int i = (int)(rnd() % 8), n = 1 + (int)(rnd() % 3);
		if (i + n > 8)
			n = 8 - i;
		int a = advice[rnd() % 5];
		madvise((char *)adv + i * PG, (size_t)n * PG, a);
		if (a == MADV_DONTNEED) /* back to the pattern (zero-fill first) */
			for (int k = i; k < i + n; k++)
				memset((char *)adv + k * PG, k + 1, PG);
	}
	pthread_join(t, NULL);
	_exit(0);
}

/* ---- /proc of ending processes ---- */
static void proc_member(int m)
{
	static const char *files[] = { "status", "statm", "maps", "cmdline", "stat",
				       "oom_score_adj" };
	char buf[4096], name[64];
	while (!sh->stop) {
		if (m == 0) { /* makes short-lived children */
			pid_t c = fork();
			if (c == 0) {
				void *p = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE,
					       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
				if (p != MAP_FAILED)
					memset(p, 1, 4 * PG);
				_exit(0);
			}
			if (c > 0)
				waitpid(c, NULL, 0);
			continue;
		}
		pid_t pid = getppid() + (pid_t)(rnd() % 64);
		snprintf(name, sizeof name, "/proc/%d/%s", (int)pid, files[rnd() % 6]);
		int fd = open(name, O_RDONLY);
		if (fd >= 0) {
			while (read(fd, buf, sizeof buf) > 0)
				;
			close(fd);
		}
	}
	_exit(0);
}

/* ---- POSIX timers and sigqueue across exec and exit ---- */
static const char *self;
static volatile unsigned got;

static void on_sig(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)si;
	(void)uc;
	got++;
}

static void timers_member(int m)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_sig;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigaction(SIGRTMIN, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	timer_t tm[3];
	int n = 0;
	for (int k = 0; k < 3; k++) {
		struct sigevent ev;
		memset(&ev, 0, sizeof ev);
		ev.sigev_notify = SIGEV_SIGNAL;
		ev.sigev_signo = k ? SIGRTMIN : SIGUSR1;
		ev.sigev_value.sival_int = k;
		if (timer_create(CLOCK_MONOTONIC, &ev, &tm[n]) == 0) {
			struct itimerspec it = { { 0, 1000000 }, { 0, 1000000 + k * 300000 } };
			timer_settime(tm[n], 0, &it, NULL);
			n++;
		}
	}
	sh->pids[m] = getpid();
	while (!sh->stop) {
		pid_t to = sh->pids[rnd() % MEMBERS];
		union sigval v = { .sival_int = m };
		if (to > 0)
			sigqueue(to, rnd() % 2 ? SIGRTMIN : SIGUSR1, v);
		switch (rnd() % 64) {
		case 0: /* exec with the timers armed: they go */
			sh->pids[m] = 0;
			sh->execd[m] = 1; /* a signal sent meanwhile may end the image */
			fflush(stdout);
			execl(self, self, "img", (char *)NULL);
			_exit(70);
		case 1:
			sh->pids[m] = 0;
			_exit(0); /* exit with them armed */
		case 2:
			if (n)
				timer_delete(tm[--n]);
			break;
		default:
			break;
		}
	}
	_exit(0);
}

struct scenario {
	const char *name;
	void (*member)(int m);
};
static const struct scenario scen[] = {
	{ "tmpfs", tmpfs_member },   { "sysvshm", sysv_member }, { "futex", futex_member },
	{ "mremap", mremap_member }, { "advice", advice_member }, { "proc", proc_member },
	{ "timers", timers_member }, { "sfutex", sfutex_member },
};
#define NSCEN (int)(sizeof scen / sizeof scen[0])

static pid_t start(int s, int m)
{
	pid_t c = fork();
	if (c == 0) {
		seed ^= (uint32_t)getpid() * 7919u + (uint32_t)m;
		catch_faults();
		scen[s].member(m);
		_exit(0);
	}
	return c;
}

/* One round of scenario s: members, a killer (us), then stop and reap. */
static int round_of(int s, int kill_them)
{
	pid_t mem[MEMBERS];
	sh->stop = 0;
	memset((void *)sh->pids, 0, sizeof sh->pids);
	memset((void *)sh->execd, 0, sizeof sh->execd);
	for (int m = 0; m < MEMBERS; m++)
		if ((mem[m] = start(s, m)) < 0) {
			printf("@@FAIL " T ": %s: fork errno %d\n", scen[s].name, errno);
			return 1;
		}
	long t0 = now_ms();
	while (now_ms() - t0 < ROUND_MS) {
		nap_us(1000 + rnd() % 4000);
		if (!kill_them)
			continue;
		int m = (int)(rnd() % MEMBERS);
		int st;
		if (waitpid(mem[m], &st, WNOHANG) == mem[m] || rnd() % 3 == 0) {
			sh->pids[m] = 0;
			kill(mem[m], SIGKILL);
			waitpid(mem[m], &st, 0);
			if (WIFSIGNALED(st) && WTERMSIG(st) != SIGKILL && !sh->execd[m]) {
				printf("@@FAIL " T ": %s: member %d killed by signal %d\n",
				       scen[s].name, m, WTERMSIG(st));
				return 1;
			}
			sh->execd[m] = 0;
			mem[m] = start(s, m); /* a new one in its place */
			if (mem[m] < 0)
				return 1;
		}
	}
	sh->stop = 1;
	memset((void *)sh->pids, 0, sizeof sh->pids);
	int bad = 0;
	for (int m = 0; m < MEMBERS; m++) {
		int st = 0;
		long t = now_ms();
		while (waitpid(mem[m], &st, WNOHANG) != mem[m]) {
			if (now_ms() - t > HANG_MS) {
				printf("@@FAIL " T ": %s: member %d hangs\n", scen[s].name, m);
				kill(mem[m], SIGKILL);
				waitpid(mem[m], &st, 0);
				bad = 1;
				break;
			}
			nap_us(2000);
		}
		if (!bad && WIFEXITED(st) && WEXITSTATUS(st) >= 90) {
			printf("@@FAIL " T ": %s: member %d: signal %d outside a probe\n",
			       scen[s].name, m, WEXITSTATUS(st) - 90);
			bad = 1;
		}
		if (!bad && WIFSIGNALED(st) && WTERMSIG(st) != SIGKILL && !sh->execd[m]) {
			printf("@@FAIL " T ": %s: member %d killed by signal %d\n", scen[s].name, m,
			       WTERMSIG(st));
			bad = 1;
		}
	}
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	/* what the scenarios left behind by name */
	unlink(path);
	unlink(path2);
	for (int k = 0; k < 4; k++) {
		int id = shmget((key_t)(0x4c000 + k), PG, 0600);
		if (id >= 0)
			shmctl(id, IPC_RMID, NULL);
	}
	if (sh->bad) {
		printf("@@FAIL " T ": %s: a process saw bytes not its own (line %d)\n",
		       scen[s].name, sh->line);
		bad = 1;
	}
	return bad;
}

static int rounds = 2; /* per scenario and run; more: argv[2] */

static int run(void)
{
	for (int s = 0; s < NSCEN; s++) {
		if (only && strcmp(only, scen[s].name) != 0)
			continue;
		for (int r = 0; r < rounds; r++) {
			sh->round = r;
			if (round_of(s, 1))
				return 1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	sh = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED) {
		printf("@@FAIL " T ": mmap\n");
		return 1;
	}
	self = argv[0];
	if (argc > 1 && strcmp(argv[1], "img") == 0)
		return 0; /* an exec'd timers member: its timers and signals went */
	if (argc > 1 && strcmp(argv[1], "all") != 0)
		only = argv[1]; /* one scenario (make stress-like runs: NAME ROUNDS) */
	if (argc > 2)
		rounds = atoi(argv[2]);
	seed = 12345u;
	snprintf(path, sizeof path, "/tmp/hunt4_%d", (int)getpid());
	snprintf(path2, sizeof path2, "/tmp/hunt4_%d_b", (int)getpid());
	return run_twice_counted(run);
}
