/* Console input queue and PS/2 keyboard translation (see console.h). */
#include "console.h"
#include "spinlock.h"

/* A ring of CONSOLE_BUF bytes.
 *   lock        guards head, tail and dropped.
 *   head, tail  free-running counters; bytes [tail, head) are queued. */
static struct {
	struct spinlock lock;
	uint64_t head, tail, dropped;
	char buf[CONSOLE_BUF];
} in;

void console_input(char c)
{
	unsigned long f = spin_lock_irqsave(&in.lock);
	if (in.head - in.tail < CONSOLE_BUF)
		in.buf[in.head++ % CONSOLE_BUF] = c;
	else
		in.dropped++;
	spin_unlock_irqrestore(&in.lock, f);
}

size_t console_room(void)
{
	unsigned long f = spin_lock_irqsave(&in.lock);
	size_t room = CONSOLE_BUF - (size_t)(in.head - in.tail);
	spin_unlock_irqrestore(&in.lock, f);
	return room;
}

size_t console_take(char *dst, size_t n)
{
	unsigned long f = spin_lock_irqsave(&in.lock);
	size_t got = 0;
	while (got < n && in.tail != in.head)
		dst[got++] = in.buf[in.tail++ % CONSOLE_BUF];
	spin_unlock_irqrestore(&in.lock, f);
	return got;
}

bool console_has_input(void)
{
	unsigned long f = spin_lock_irqsave(&in.lock);
	bool any = in.tail != in.head;
	spin_unlock_irqrestore(&in.lock, f);
	return any;
}

uint64_t console_dropped(void)
{
	return in.dropped;
}

/* Set-1 make codes 0x00..0x39 without and with shift. */
static const char plain[0x3A] =
	"\0\x1b" "1234567890-=\b\tqwertyuiop[]\r\0asdfghjkl;'`\0\\zxcvbnm,./\0*\0 ";
static const char shifted[0x3A] =
	"\0\x1b" "!@#$%^&*()_+\b\tQWERTYUIOP{}\r\0ASDFGHJKL:\"~\0|ZXCVBNM<>?\0*\0 ";

#define SC_LSHIFT 0x2A
#define SC_RSHIFT 0x36
#define SC_CTRL   0x1D
#define SC_UP     0x48
#define SC_DOWN   0x50
#define SC_RELEASE 0x80

static bool shift, ctrl, extended;

int console_scancode(uint8_t sc, char out[4])
{
	if (sc == 0xE0) {
		extended = true;
		return 0;
	}
	bool ext = extended, up = sc & SC_RELEASE;
	extended = false;
	sc &= ~SC_RELEASE;
	if (sc == SC_LSHIFT || sc == SC_RSHIFT) {
		shift = !up;
		return 0;
	}
	if (sc == SC_CTRL) {
		ctrl = !up;
		return 0;
	}
	if (up)
		return 0;
	if (ext) { /* arrows: the bytes a terminal sends */
		if (sc != SC_UP && sc != SC_DOWN)
			return 0;
		out[0] = 0x1b, out[1] = '[', out[2] = sc == SC_UP ? 'A' : 'B';
		return 3;
	}
	if (sc >= sizeof plain || !plain[sc])
		return 0;
	char c = shift ? shifted[sc] : plain[sc];
	if (ctrl && ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'))
		c = (char)((c | 0x20) - 'a' + 1);
	out[0] = c;
	return 1;
}
