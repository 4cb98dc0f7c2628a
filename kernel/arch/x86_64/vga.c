/* VGA text-mode mirror of the console: 80x25 at physical 0xB8000, scrolling. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "memlayout.h"
#include "arch.h"
#include "cpu.h"

#define VGA_COLS 80
#define VGA_ROWS 25
#define VGA_ATTR 0x0700 /* light grey on black */

static volatile uint16_t *vga;
static unsigned col, row;

static void vga_cursor(void)
{
	unsigned pos = row * VGA_COLS + col;
	outb(0x3D4, 14);
	outb(0x3D5, (uint8_t)(pos >> 8));
	outb(0x3D4, 15);
	outb(0x3D5, (uint8_t)pos);
}

/* vga_init: clear the screen. */
void vga_init(void)
{
	vga = P2V(0xB8000);
	for (unsigned i = 0; i < VGA_COLS * VGA_ROWS; i++)
		vga[i] = VGA_ATTR | ' ';
	col = row = 0;
	vga_cursor();
}

static void vga_scroll(void)
{
	for (unsigned i = 0; i < VGA_COLS * (VGA_ROWS - 1); i++)
		vga[i] = vga[i + VGA_COLS];
	for (unsigned i = 0; i < VGA_COLS; i++)
		vga[(VGA_ROWS - 1) * VGA_COLS + i] = VGA_ATTR | ' ';
	row = VGA_ROWS - 1;
}

/* An ANSI escape sequence (ESC [ params final) in progress: 0 none, 1 after
 * ESC, 2 inside the brackets.  The mirror shows none of it; "ESC [ 2 J"
 * (what the shell's clear prints) clears the screen and homes the cursor. */
static int esc_state;

/* Swallow c if it belongs to an escape sequence; true if it did. */
static bool vga_escape(char c)
{
	if (esc_state == 0 && c != 0x1B)
		return false;
	if (esc_state == 0 || (esc_state == 1 && c != '['))
		esc_state = c == 0x1B; /* ESC starts one; ESC x (x not '[') ends */
	else if (esc_state == 1)
		esc_state = 2;
	else if (c >= 0x40 && c <= 0x7E) { /* the final byte */
		esc_state = 0;
		if (c == 'J')
			vga_init();
	}
	return true;
}

/* vga_putc: put c at the cursor; handles \n, \r, \b, tabs and (swallows)
 * ANSI escape sequences. */
void vga_putc(char c)
{
	if (!vga || vga_escape(c))
		return;
	if (c == '\n') {
		col = 0;
		row++;
	} else if (c == '\r') {
		col = 0;
	} else if (c == '\b') {
		if (col)
			col--;
	} else if (c == '\t') {
		col = (col + 8) & ~7u;
	} else {
		vga[row * VGA_COLS + col] = VGA_ATTR | (uint8_t)c;
		col++;
	}
	if (col >= VGA_COLS) {
		col = 0;
		row++;
	}
	if (row >= VGA_ROWS)
		vga_scroll();
}

/* vga_flush_cursor: move the hardware cursor to where text will go next. */
void vga_flush_cursor(void)
{
	if (vga)
		vga_cursor();
}

/* arch_vga_row: the text of the row `back` rows above the cursor's (1 = the
 * last finished line), trailing blanks removed, into out (n bytes). */
void arch_vga_row(unsigned back, char *out, size_t n)
{
	size_t len = 0;
	if (vga && back <= row && n) {
		unsigned r = row - back;
		for (unsigned c = 0; c < VGA_COLS && len + 1 < n; c++)
			out[len++] = (char)(vga[r * VGA_COLS + c] & 0xFF);
		while (len && out[len - 1] == ' ')
			len--;
	}
	if (n)
		out[len] = 0;
}
