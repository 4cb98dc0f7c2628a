/* errno as programs check it: the numbers (Linux's), strerror's texts,
 * perror and %m, errno set by failing calls (ENOENT, EBADF, EINVAL,
 * ENOMEM, ECHILD, ESRCH), and left alone by calls that succeed. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL linux2_errno: line %d: %s (errno %d)\n", __LINE__, #c, errno); fails++; } } while (0)

int main(void)
{
	CHECK(EPERM == 1 && ENOENT == 2 && ESRCH == 3 && EINTR == 4 && EIO == 5 && EBADF == 9);
	CHECK(ECHILD == 10 && EAGAIN == 11 && ENOMEM == 12 && EACCES == 13 && EFAULT == 14);
	CHECK(EBUSY == 16 && EEXIST == 17 && EINVAL == 22 && EMFILE == 24 && ENOSPC == 28);
	CHECK(ERANGE == 34 && EDEADLK == 35 && ENOSYS == 38 && ETIMEDOUT == 110 && EWOULDBLOCK == EAGAIN);
	CHECK(EOVERFLOW == 75 && ENOTSUP == 95 && EOPNOTSUPP == 95);
	CHECK(strcmp(strerror(ENOENT), "No such file or directory") == 0);
	CHECK(strcmp(strerror(ENOMEM), "Cannot allocate memory") == 0);
	CHECK(strcmp(strerror(EINVAL), "Invalid argument") == 0);
	CHECK(strcmp(strerror(EEXIST), "File exists") == 0);
	CHECK(strcmp(strerror(EBADF), "Bad file descriptor") == 0);
	CHECK(strcmp(strerror(EAGAIN), "Resource temporarily unavailable") == 0);
	CHECK(strcmp(strerror(0), "Success") == 0);
	CHECK(strcmp(strerror(ERANGE), "Numerical result out of range") == 0);
	CHECK(strcmp(strerror(ETIMEDOUT), "Connection timed out") == 0);
	CHECK(strcmp(strerror(EDEADLK), "Resource deadlock avoided") == 0);
	CHECK(strcmp(strerror(EBUSY), "Device or resource busy") == 0);
	CHECK(strcmp(strerror(EINTR), "Interrupted system call") == 0);
	CHECK(strerror(123456) != NULL && strlen(strerror(123456)) > 0);
	char buf[64];
	CHECK(strerror_r(ENOENT, buf, sizeof buf) != 0 || 1);
	char m[80];
	errno = ENOMEM;
	snprintf(m, sizeof m, "x: %m");
	CHECK(strcmp(m, "x: Cannot allocate memory") == 0);
	errno = EINVAL;
	perror("linux2_errno: perror prints (expected)");
	CHECK(errno == EINVAL);

	errno = 0;
	CHECK(open("/no/such/file", O_RDONLY) == -1 && errno == ENOENT);
	errno = 0;
	CHECK(close(-1) == -1 && errno == EBADF);
	errno = 0;
	CHECK(close(12345) == -1 && errno == EBADF);
	errno = 0;
	CHECK(read(-1, buf, 1) == -1 && errno == EBADF);
	errno = 0;
	CHECK(write(999, buf, 1) == -1 && errno == EBADF);
	errno = 0;
	CHECK(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, 77, 0) == MAP_FAILED && errno == EBADF);
	errno = 0;
	CHECK(munmap((void *)1, 4096) == -1 && errno == EINVAL);
	errno = 0;
	CHECK(waitpid(-1, NULL, 0) == -1 && errno == ECHILD);
	errno = 0;
	CHECK(kill(999999, 0) == -1 && errno == ESRCH);
	CHECK(kill(getpid(), 0) == 0);
	errno = 0;
	CHECK(lseek(-1, 0, SEEK_SET) == -1 && errno == EBADF);
	/* success leaves errno alone */
	errno = 1234;
	void *p = malloc(10);
	CHECK(p != NULL);
	free(p);
	CHECK(getpid() > 0 && errno == 1234);
	if (!fails)
		printf("@@PASS linux2_errno\n");
	return fails != 0;
}
