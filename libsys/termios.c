/* <termios.h> for the console: the settings a program reads are Linux's
 * defaults for a terminal until it sets others, which are kept here (per
 * process, copied by fork) and not applied: the kernel's console echoes
 * and edits lines as it always does. */
#include <errno.h>
#include <termios.h>
#include <unistd.h>

static struct termios console = {
	.c_iflag = ICRNL | IXON | IUTF8,
	.c_oflag = OPOST | ONLCR,
	.c_cflag = B38400 | CS8 | CREAD | HUPCL,
	.c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN,
	.c_cc = { [VINTR] = 3, [VQUIT] = 28, [VERASE] = 127, [VKILL] = 21, [VEOF] = 4,
		  [VMIN] = 1, [VSTART] = 17, [VSTOP] = 19, [VSUSP] = 26, [VREPRINT] = 18,
		  [VDISCARD] = 15, [VWERASE] = 23, [VLNEXT] = 22 },
	.c_ispeed = B38400,
	.c_ospeed = B38400,
};

/* 0 if fd is the console; else -1 with isatty's errno (EBADF, ENOTTY). */
static int console_fd(int fd)
{
	return isatty(fd) ? 0 : -1;
}

int tcgetattr(int fd, struct termios *t)
{
	if (console_fd(fd))
		return -1;
	*t = console;
	return 0;
}

int tcsetattr(int fd, int when, const struct termios *t)
{
	if (console_fd(fd))
		return -1;
	if (when != TCSANOW && when != TCSADRAIN && when != TCSAFLUSH) {
		errno = EINVAL;
		return -1;
	}
	console = *t;
	return 0;
}

void cfmakeraw(struct termios *t)
{
	t->c_iflag &= ~(tcflag_t)(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
	t->c_oflag &= ~(tcflag_t)OPOST;
	t->c_lflag &= ~(tcflag_t)(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
	t->c_cflag &= ~(tcflag_t)(CSIZE | PARENB);
	t->c_cflag |= CS8;
	t->c_cc[VMIN] = 1;
	t->c_cc[VTIME] = 0;
}

speed_t cfgetispeed(const struct termios *t)
{
	return t->c_ispeed;
}

speed_t cfgetospeed(const struct termios *t)
{
	return t->c_ospeed;
}

/* s one of the B* numbers: 0, or -1 (EINVAL). */
static int speed_ok(speed_t s)
{
	if ((s & ~(speed_t)CBAUD) || (s > B38400 && (s < B57600 || s > B921600))) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

int cfsetispeed(struct termios *t, speed_t s)
{
	if (speed_ok(s))
		return -1;
	t->c_ispeed = s;
	return 0;
}

int cfsetospeed(struct termios *t, speed_t s)
{
	if (speed_ok(s))
		return -1;
	t->c_ospeed = s;
	t->c_cflag = (t->c_cflag & ~(tcflag_t)CBAUD) | s;
	return 0;
}

int cfsetspeed(struct termios *t, speed_t s)
{
	return cfsetispeed(t, s) || cfsetospeed(t, s) ? -1 : 0;
}

int tcflush(int fd, int queue)
{
	if (console_fd(fd))
		return -1;
	if (queue < TCIFLUSH || queue > TCIOFLUSH) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

int tcdrain(int fd)
{
	return console_fd(fd);
}

int tcflow(int fd, int action)
{
	if (console_fd(fd))
		return -1;
	if (action < TCOOFF || action > TCION) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

int tcsendbreak(int fd, int duration)
{
	(void)duration;
	return console_fd(fd);
}
