/* Console input queue and scancode translation. */
#include <check.h>
#include "check_run.h"
#include <string.h>
#include "console.h"

static int type(uint8_t sc, char *out)
{
	return console_scancode(sc, out);
}

START_TEST(queue_fifo_and_overflow)
{
	char buf[CONSOLE_BUF + 10];
	console_take(buf, sizeof buf); /* start empty */
	ck_assert_uint_eq(console_take(buf, 4), 0);
	console_input('a');
	console_input('b');
	ck_assert_uint_eq(console_take(buf, 1), 1);
	ck_assert_int_eq(buf[0], 'a');
	ck_assert_uint_eq(console_take(buf, 4), 1);
	ck_assert_int_eq(buf[0], 'b');
	uint64_t dropped = console_dropped();
	for (int i = 0; i < CONSOLE_BUF + 5; i++)
		console_input((char)i);
	ck_assert_uint_eq(console_dropped(), dropped + 5);
	ck_assert_uint_eq(console_room(), 0);
	ck_assert_uint_eq(console_take(buf, 3), 3);
	ck_assert_uint_eq(console_room(), 3); /* a take makes room */
	ck_assert_uint_eq(console_take(buf + 3, sizeof buf - 3), CONSOLE_BUF - 3);
	ck_assert_uint_eq(console_room(), CONSOLE_BUF);
	for (int i = 0; i < CONSOLE_BUF; i++)
		ck_assert_int_eq(buf[i], (char)i); /* oldest kept, newest dropped */
}
END_TEST

START_TEST(scancodes)
{
	char o[4];
	ck_assert_int_eq(type(0x1E, o), 1); /* a */
	ck_assert_int_eq(o[0], 'a');
	ck_assert_int_eq(type(0x9E, o), 0); /* release */
	ck_assert_int_eq(type(0x2A, o), 0); /* shift down */
	ck_assert_int_eq(type(0x1E, o), 1);
	ck_assert_int_eq(o[0], 'A');
	ck_assert_int_eq(type(0x02, o), 1);
	ck_assert_int_eq(o[0], '!');
	ck_assert_int_eq(type(0xAA, o), 0); /* shift up */
	ck_assert_int_eq(type(0x02, o), 1);
	ck_assert_int_eq(o[0], '1');
	ck_assert_int_eq(type(0x1D, o), 0); /* ctrl down */
	ck_assert_int_eq(type(0x2E, o), 1); /* c */
	ck_assert_int_eq(o[0], 3);
	ck_assert_int_eq(type(0x9D, o), 0); /* ctrl up */
	ck_assert_int_eq(type(0x1C, o), 1);
	ck_assert_int_eq(o[0], '\r');
	ck_assert_int_eq(type(0x0E, o), 1);
	ck_assert_int_eq(o[0], '\b');
	ck_assert_int_eq(type(0xE0, o), 0);
	ck_assert_int_eq(type(0x48, o), 3); /* up arrow */
	ck_assert_mem_eq(o, "\x1b[A", 3);
	ck_assert_int_eq(type(0xE0, o), 0);
	ck_assert_int_eq(type(0xC8, o), 0); /* its release */
	ck_assert_int_eq(type(0x48, o), 0); /* plain 0x48 is keypad 8: nothing */
	ck_assert_int_eq(type(0x7F, o), 0); /* beyond the table */
}
END_TEST

int main(void)
{
	Suite *s = suite_create("console");
	TCase *t = tcase_create("console");
	tcase_add_test(t, queue_fifo_and_overflow);
	tcase_add_test(t, scancodes);
	suite_add_tcase(s, t);
	return check_run(s);
}
