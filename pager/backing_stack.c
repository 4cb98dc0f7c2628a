/* The main stack: zero-filled pages as it grows down; its lowest page is a
 * guard, and below it there is no region, so a touch there kills. */
#include "abi/err.h"
#include "demand.h"
#include "hot.h"

/* E_FAULT for the guard page, else E_OK. */
static int stack_check(const struct region *r, uint64_t va)
{
	return va < r->start + PAGE_SIZE ? E_FAULT : E_OK;
}

PG_HOT_CONST const struct backing backing_stack = {
	.kind = PG_BACK_STACK, .check = stack_check, .count = &dp_stats.faults_stack,
};
