/* review14: PG_PIPE_CTL's PG_CTL_EVENTFD refuses a starting count past an
 * eventfd's largest (0xfffffffffffffffe, as Linux's counter never holds
 * more): the pager took any 64-bit value, and then its write check
 * (v > EVENT_MAX - count) wrapped, so a write overflowed the counter back
 * to a small number.  libsys passes an unsigned int; the bad form comes
 * from a program that calls the pager itself.  A good form still works. */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include "abi/err.h"
#include "abi/pager.h"
#include "sys/ipc.h"

int libsys_pg_call(struct sys_msg *m);
char *libsys_ipc_buf(void);

static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL review14_evmax: line %d: %s\n", __LINE__, #c); fails++; } } while (0)

/* A counter made with count c: its pipe id, or -1 (e: the error). */
static long make(uint64_t c, int *e)
{
	struct sys_msg m = { .label = PG_PIPE_CTL, .w = { PG_CTL_EVENTFD, c, 0 } };
	*e = libsys_pg_call(&m);
	return *e == E_OK ? (long)m.w[0] : -1;
}

static void drop(long id)
{
	struct sys_msg m = { .label = PG_PIPE_REF, .w = { (uint64_t)id, 0, (uint64_t)-1 } };
	libsys_pg_call(&m);
}

/* Add v to counter id (non-blocking): the pager's answer. */
static int add(long id, uint64_t v)
{
	memcpy(libsys_ipc_buf(), &v, sizeof v);
	struct sys_msg m = { .label = IPC_LABEL(PG_PIPE_WRITE, sizeof v),
			     .w = { (uint64_t)id, PG_PIPE_NONBLOCK } };
	return libsys_pg_call(&m);
}

int main(void)
{
	int e;
	long id = make(~0ull, &e);
	CHECK(e == E_INVAL);
	if (id >= 0) {
		CHECK(add(id, 5) == E_AGAIN); /* a full counter: a write waits */
		drop(id);
	}
	id = make(0xfffffffffffffffeull, &e); /* the largest: allowed, full */
	CHECK(e == E_OK);
	if (id >= 0) {
		CHECK(add(id, 1) == E_AGAIN);
		CHECK(add(id, 0) == E_OK);
		drop(id);
	}
	if (!fails)
		printf("@@PASS review14_evmax\n");
	return fails != 0;
}
