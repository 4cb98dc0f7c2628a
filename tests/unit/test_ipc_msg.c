/* IPC message marshalling: registers to messages and back, buffer lengths. */
#include <check.h>
#include "check_run.h"
#include <stdint.h>
#include <stdlib.h>
#include "ipc_msg.h"
#include "abi/err.h"
#include "abi/syscall.h"

START_TEST(args_round_trip)
{
	uint64_t a[6] = { 99, IPC_LABEL(0x1234, 100), 1, 2, 3, ~0ull }, out[6];
	struct ipc_msg m;
	ck_assert_int_eq(ipc_msg_from_args(a, 0xBADE, &m), E_OK);
	ck_assert_uint_eq(m.label, a[1]);
	ck_assert_uint_eq(m.w[0], 1);
	ck_assert_uint_eq(m.w[3], ~0ull);
	ck_assert_uint_eq(m.badge, 0xBADE);
	ipc_msg_to_regs(&m, out);
	ck_assert_uint_eq(out[0], 0xBADE);
	ck_assert_uint_eq(out[1], a[1]);
	for (int i = 0; i < 4; i++)
		ck_assert_uint_eq(out[2 + i], a[2 + i]);
}
END_TEST

START_TEST(label_encoding)
{
	uint64_t l = IPC_LABEL(0xFFFFFFFFu, IPC_BUF_MAX);
	ck_assert_uint_eq(IPC_LABEL_TAG(l), 0xFFFFFFFFu);
	ck_assert_uint_eq(IPC_LABEL_LEN(l), IPC_BUF_MAX);
	ck_assert_uint_eq(IPC_LABEL_LEN(IPC_LABEL(7, 4095)), 4095);
	ck_assert_uint_eq(IPC_LABEL_TAG(IPC_LABEL(7, 4095)), 7);
	ck_assert_uint_eq(IPC_LABEL_LEN(IPC_LABEL(7, 0)), 0);
}
END_TEST

START_TEST(bad_labels_refused)
{
	struct ipc_msg m = { 1, { 2, 3, 4, 5 }, 6 }, before = m;
	uint64_t a[6] = { 0, 1ull << 45, 0, 0, 0, 0 };
	ck_assert_int_eq(ipc_msg_from_args(a, 0, &m), E_INVAL);
	a[1] = ~0ull;
	ck_assert_int_eq(ipc_msg_from_args(a, 0, &m), E_INVAL);
	a[1] = IPC_LABEL(5, IPC_BUF_MAX + 1);
	ck_assert_int_eq(ipc_msg_from_args(a, 0, &m), E_INVAL);
	ck_assert_mem_eq(&m, &before, sizeof m); /* untouched on error */
	for (unsigned len = 0; len <= IPC_BUF_MAX; len++) {
		a[1] = IPC_LABEL(5, len);
		ck_assert_int_eq(ipc_msg_from_args(a, 0, &m), E_OK);
	}
}
END_TEST

START_TEST(copy_len_rules)
{
	uint64_t out;
	ck_assert_uint_eq(ipc_msg_copy_len(IPC_LABEL(9, 200), true, true, &out), 200);
	ck_assert_uint_eq(out, IPC_LABEL(9, 200));
	ck_assert_uint_eq(ipc_msg_copy_len(IPC_LABEL(9, 200), false, true, &out), 0);
	ck_assert_uint_eq(out, IPC_LABEL(9, 0));
	ck_assert_uint_eq(ipc_msg_copy_len(IPC_LABEL(9, 200), true, false, &out), 0);
	ck_assert_uint_eq(IPC_LABEL_TAG(out), 9);
	ck_assert_uint_eq(ipc_msg_copy_len(IPC_LABEL(9, 0), true, true, &out), 0);
}
END_TEST

START_TEST(random_round_trips)
{
	srand(7);
	for (int i = 0; i < 100000; i++) {
		uint64_t a[6], out[6];
		for (int j = 0; j < 6; j++)
			a[j] = ((uint64_t)rand() << 33) ^ ((uint64_t)rand() << 11) ^ (uint64_t)rand();
		struct ipc_msg m;
		int e = ipc_msg_from_args(a, a[0], &m);
		bool valid = !(a[1] >> 45) && IPC_LABEL_LEN(a[1]) <= IPC_BUF_MAX;
		ck_assert_int_eq(e, valid ? E_OK : E_INVAL);
		if (!valid)
			continue;
		ipc_msg_to_regs(&m, out);
		ck_assert_uint_eq(out[0], a[0]);
		for (int j = 1; j < 6; j++)
			ck_assert_uint_eq(out[j], a[j]);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ipc_msg");
	TCase *t = tcase_create("ipc_msg");
	tcase_add_test(t, args_round_trip);
	tcase_add_test(t, label_encoding);
	tcase_add_test(t, bad_labels_refused);
	tcase_add_test(t, copy_len_rules);
	tcase_add_test(t, random_round_trips);
	suite_add_tcase(s, t);
	return check_run(s);
}
