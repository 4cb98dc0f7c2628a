/* A call that succeeds leaves errno as it was (C and POSIX: errno is set
 * only on failure): descriptors made by pipe, open, memfd_create,
 * shm_open and tmpfile left EMFILE in it; and the memory, process,
 * thread, stdio and libc calls programs check errno around. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/wait.h>

#define MAGIC 4242
static int fails;
#define KEEP(call) do { errno = MAGIC; call; if (errno != MAGIC) { printf("@@FAIL linux4_errno_keep: errno %d after %s\n", errno, #call); fails++; } } while (0)

static void *thr(void *a) { return a; }

int main(void)
{
	int p[2], fd, fd2;
	char buf[8];
	KEEP(pipe(p));
	KEEP(fd = dup(p[0]));
	KEEP(fd2 = dup2(p[1], 20));
	KEEP(write(p[1], "ab", 2));
	KEEP(read(p[0], buf, 2));
	KEEP(close(fd));
	KEEP(close(fd2));
	KEEP(fd = open("/dev/null", O_RDWR));
	KEEP(close(fd));
	KEEP(fd = memfd_create("x", 0));
	KEEP(ftruncate(fd, 4096));
	struct stat st;
	KEEP(fstat(fd, &st));
	char *m;
	KEEP(m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
	KEEP(mprotect(m, 4096, PROT_READ));
	KEEP(mprotect(m, 4096, PROT_READ | PROT_WRITE));
	KEEP(madvise(m, 4096, MADV_DONTNEED));
	KEEP(msync(m, 4096, MS_SYNC));
	KEEP(mlock(m, 4096));
	KEEP(munlock(m, 4096));
	KEEP(m = mremap(m, 8192, 16384, MREMAP_MAYMOVE));
	KEEP(munmap(m, 16384));
	void *x;
	KEEP(x = malloc(100000));
	KEEP(free(x));
	FILE *f;
	KEEP(f = tmpfile());
	KEEP(fprintf(f, "hi %d\n", 1));
	KEEP(fflush(f));
	KEEP(fclose(f));
	KEEP(f = fdopen(dup(1), "w"));
	KEEP(fclose(f));
	pid_t pid;
	KEEP(pid = fork());
	if (pid == 0) _exit(0);
	KEEP(waitpid(pid, NULL, 0));
	pthread_t t;
	KEEP(pthread_create(&t, NULL, thr, NULL));
	KEEP(pthread_join(t, NULL));
	sem_t s;
	KEEP(sem_init(&s, 0, 1));
	KEEP(sem_wait(&s));
	KEEP(sem_post(&s));
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_IGN;
	KEEP(sigaction(SIGUSR1, &sa, NULL));
	KEEP(raise(SIGUSR1));
	struct timespec ts = { 0, 1000000 };
	KEEP(clock_gettime(CLOCK_MONOTONIC, &ts));
	ts.tv_sec = 0; ts.tv_nsec = 1000000;
	KEEP(nanosleep(&ts, NULL));
	KEEP(strtol("123", NULL, 10));
	KEEP(strtod("1.5", NULL));
	KEEP(setenv("A", "b", 1));
	KEEP(getenv("A"));
	KEEP(sysconf(_SC_PAGESIZE));
	struct rlimit rl;
	KEEP(getrlimit(RLIMIT_NOFILE, &rl));
	int id;
	KEEP(id = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600));
	KEEP(x = shmat(id, NULL, 0));
	KEEP(shmdt(x));
	KEEP(shmctl(id, IPC_RMID, NULL));
	KEEP(fd = shm_open("/q01", O_CREAT | O_RDWR, 0600));
	KEEP(shm_unlink("/q01"));
	KEEP(printf("linux4_errno_keep: printing\n"));
	KEEP(snprintf(buf, sizeof buf, "%.2f", 1.5));
	KEEP(fcntl(p[0], F_SETFL, O_NONBLOCK));
	KEEP(lseek(fd, 0, SEEK_SET));
	if (!fails)
		printf("@@PASS linux4_errno_keep\n");
	return fails != 0;
}
