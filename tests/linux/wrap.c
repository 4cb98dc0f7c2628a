/* /init for tests/linux/run.sh: mounts /proc, /sys, /dev, /dev/shm and
 * /tmp as a Linux system has them, runs the test program's main (renamed
 * test_main) in a child that leads its own session (as a program started
 * from a shell: not pid 1, a parent, a group), prints how it ended and
 * powers the machine off.  A copy the program starts of itself (/init
 * again, with arguments, or not as pid 1) is only the program. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

int test_main(int argc, char **argv, char **envp);

int main(int argc, char **argv, char **envp)
{
	(void)envp;
	if (argc > 1 || getpid() != 1) /* the program started itself again */
		return test_main(argc, argv, environ);
	mkdir("/proc", 0555);
	mkdir("/sys", 0555);
	mkdir("/dev", 0755);
	mkdir("/tmp", 01777);
	mount("proc", "/proc", "proc", 0, NULL);
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	mkdir("/dev/shm", 01777);
	mount("tmpfs", "/dev/shm", "tmpfs", 0, NULL);
	mount("tmpfs", "/tmp", "tmpfs", 0, NULL);
	setenv("PATH", "/", 1);
	pid_t pid = fork();
	if (pid == 0) {
		setsid();
		exit(test_main(argc, argv, environ));
	}
	int st = 0;
	while (waitpid(pid, &st, 0) != pid)
		;
	if (WIFEXITED(st))
		printf("linux-run: exit %d\n", WEXITSTATUS(st));
	else
		printf("linux-run: killed by signal %d\n", WTERMSIG(st));
	fflush(stdout);
	reboot(RB_POWER_OFF);
	return 0;
}
