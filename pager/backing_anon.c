/* Anonymous memory (mmap_anon regions, the brk heap): zero-filled on first
 * touch; a read of a never-touched page maps the shared zero frame. */
#include "demand.h"
#include "hot.h"

PG_HOT_CONST const struct backing backing_anon = {
	.kind = PG_BACK_ANON, .zero_read = true, .count = &dp_stats.faults_zero,
};

PG_HOT_CONST const struct backing backing_heap = {
	.kind = PG_BACK_HEAP, .zero_read = true, .count = &dp_stats.faults_zero,
};
