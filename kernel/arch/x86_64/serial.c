/* COM1 serial port, 115200 8N1, polled. */
#include "cpu.h"
#include "arch.h"
#include "console.h"

#define COM1 0x3F8

/* serial_init: program COM1; interrupts off, FIFO on. */
void serial_init(void)
{
	outb(COM1 + 1, 0x00);    /* no interrupts */
	outb(COM1 + 3, 0x80);    /* DLAB */
	outb(COM1 + 0, 0x01);    /* divisor 1: 115200 baud */
	outb(COM1 + 1, 0x00);
	outb(COM1 + 3, 0x03);    /* 8N1 */
	outb(COM1 + 2, 0xC7);    /* FIFO on, cleared, 14-byte threshold */
	outb(COM1 + 4, 0x03);    /* DTR | RTS */
}

/* serial_putc: wait for the transmitter, then send c. */
void serial_putc(char c)
{
	while (!(inb(COM1 + 5) & 0x20))
		cpu_pause();
	outb(COM1, (uint8_t)c);
}

/* serial_poll_input: queue every byte COM1 has received. */
void serial_poll_input(void)
{
	while (inb(COM1 + 5) & 0x01)
		console_input((char)inb(COM1));
}

/* keyboard_poll_input: queue what the PS/2 keyboard typed (mouse bytes,
 * flagged in the status register, are dropped). */
void keyboard_poll_input(void)
{
	uint8_t st;
	while ((st = inb(0x64)) & 0x01) {
		uint8_t sc = inb(0x60);
		char out[4];
		if (st & 0x20)
			continue;
		int n = console_scancode(sc, out);
		for (int i = 0; i < n; i++)
			console_input(out[i]);
	}
}
