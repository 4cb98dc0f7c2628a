/* /init for tests/linux/run.sh: mounts /proc, /sys and /dev as a Linux
 * system has them, runs the test program's main (renamed test_main),
 * prints its exit status and powers the machine off. */
#include <stdio.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <unistd.h>

int test_main(int argc, char **argv);

int main(int argc, char **argv)
{
	mkdir("/proc", 0555);
	mkdir("/sys", 0555);
	mkdir("/dev", 0755);
	mkdir("/tmp", 01777);
	mount("proc", "/proc", "proc", 0, NULL);
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	mount("tmpfs", "/tmp", "tmpfs", 0, NULL);
	int status = test_main(argc, argv);
	printf("linux-run: exit %d\n", status);
	fflush(stdout);
	reboot(RB_POWER_OFF);
	return 0;
}
