/* <sys/ioctl.h>: ioctl for the console (libsys/libc5.c): TIOCGWINSZ (80
 * columns, 24 rows) and FIONREAD; ENOTTY for the rest. */
#ifndef _SYS_IOCTL_H
#define _SYS_IOCTL_H
#define TCGETS     0x5401
#define TIOCGWINSZ 0x5413
#define TIOCSWINSZ 0x5414
#define FIONREAD   0x541B
#define FIONBIO    0x5421
struct winsize {
	unsigned short ws_row, ws_col, ws_xpixel, ws_ypixel;
};
int ioctl(int fd, unsigned long request, ...);
#endif
