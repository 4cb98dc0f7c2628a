/* COM1 serial port, 115200 8N1; input by interrupt (IRQ 4 through the I/O
 * APIC, and the PS/2 keyboard's IRQ 1), or polled by CPU 0's tick when
 * there is no I/O APIC. */
#include "cpu.h"
#include "arch.h"
#include "console.h"
#include "spinlock.h"

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

/* One reader of the input devices at a time: the interrupt handlers (or
 * CPU 0's tick) and a reader making room (arch_console_poll). */
static struct spinlock input_lock;

/* serial_poll_input: queue the bytes COM1 has received, as many as the
 * console queue has room for.  The rest stay in the UART, and the line
 * (QEMU, a terminal) holds back behind it: typed-ahead input waits
 * instead of being dropped, until a reader makes room. */
void serial_poll_input(void)
{
	unsigned long f = spin_lock_irqsave(&input_lock);
	while (console_room() && (inb(COM1 + 5) & 0x01))
		console_input((char)inb(COM1));
	spin_unlock_irqrestore(&input_lock, f);
}

/* arch_console_poll: after a reader made room, take what the devices held
 * back.  (Their interrupt lines stay raised while they hold input, and an
 * edge-triggered I/O APIC pin does not fire again for that.) */
void arch_console_poll(void)
{
	serial_poll_input();
	keyboard_poll_input();
}

bool console_by_irq;

bool arch_console_interrupts(void) { return console_by_irq; }

/* Wait (bounded) for the PS/2 controller: input buffer empty (write) or
 * output buffer full (read). */
static bool ps2_wait(bool for_read)
{
	for (int i = 0; i < 100000; i++) {
		uint8_t st = inb(0x64);
		if (for_read ? (st & 1) : !(st & 2))
			return true;
		cpu_pause();
	}
	return false;
}

/* console_irqs_start: route COM1 (IRQ 4) and the keyboard (IRQ 1) to the
 * boot CPU through the I/O APIC and let them interrupt; false (input stays
 * polled) without an I/O APIC. */
bool console_irqs_start(const void *rsdp)
{
	if (!ioapic_init(rsdp))
		return false;
	unsigned bsp = lapic_id();
	ioapic_route_isa(4, VEC_COM1, bsp);
	ioapic_route_isa(1, VEC_KBD, bsp);
	outb(0x64, 0x20); /* the controller's configuration byte: IRQ 1 on */
	if (ps2_wait(true)) {
		uint8_t cfg = inb(0x60) | 0x01;
		if (ps2_wait(false)) {
			outb(0x64, 0x60);
			if (ps2_wait(false))
				outb(0x60, cfg);
		}
	}
	outb(COM1 + 1, 0x01);    /* interrupt when a byte is received */
	outb(COM1 + 4, 0x0B);    /* DTR | RTS | OUT2 (the IRQ line) */
	console_by_irq = true;
	serial_poll_input();     /* what came before */
	keyboard_poll_input();
	return true;
}

/* keyboard_poll_input: queue what the PS/2 keyboard typed while the
 * console queue has room for a key's bytes (mouse bytes, flagged in the
 * status register, are dropped). */
void keyboard_poll_input(void)
{
	unsigned long f = spin_lock_irqsave(&input_lock);
	uint8_t st;
	while (console_room() >= 4 && ((st = inb(0x64)) & 0x01)) {
		uint8_t sc = inb(0x60);
		char out[4];
		if (st & 0x20)
			continue;
		int n = console_scancode(sc, out);
		for (int i = 0; i < n; i++)
			console_input(out[i]);
	}
	spin_unlock_irqrestore(&input_lock, f);
}
