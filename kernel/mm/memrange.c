/* Sorted, disjoint sets of [start, end) byte ranges, edited in place (no
 * allocation, small stack), for turning the boot memory map into free RAM. */
#include "mm/memrange.h"
#include "lib/string.h"

/* Make room at index i (shifting i.. up); false if full. */
static bool open_slot(struct memrange_set *s, size_t i)
{
	if (s->n == MEMRANGE_MAX)
		return false;
	memmove(&s->r[i + 1], &s->r[i], (s->n - i) * sizeof s->r[0]);
	s->n++;
	return true;
}

/* Delete ranges [i, j). */
static void close_slots(struct memrange_set *s, size_t i, size_t j)
{
	memmove(&s->r[i], &s->r[j], (s->n - j) * sizeof s->r[0]);
	s->n -= j - i;
}

/* memrange_add: merges with every range it overlaps or touches. */
bool memrange_add(struct memrange_set *s, uint64_t start, uint64_t end)
{
	if (start >= end)
		return true;
	size_t i = 0;
	while (i < s->n && s->r[i].end < start)
		i++;
	size_t j = i;
	while (j < s->n && s->r[j].start <= end)
		j++;
	if (i == j) {
		if (!open_slot(s, i))
			return false;
		s->r[i] = (struct mem_range){ start, end };
		return true;
	}
	if (start < s->r[i].start)
		s->r[i].start = start;
	s->r[i].end = end > s->r[j - 1].end ? end : s->r[j - 1].end;
	close_slots(s, i + 1, j);
	return true;
}

/* Split range i around [start, end), which lies strictly inside it. */
static bool split(struct memrange_set *s, size_t i, uint64_t start,
		  uint64_t end)
{
	if (!open_slot(s, i + 1))
		return false;
	s->r[i + 1] = (struct mem_range){ end, s->r[i].end };
	s->r[i].end = start;
	return true;
}

/* memrange_remove: false (s unchanged) only if a split finds s full. */
bool memrange_remove(struct memrange_set *s, uint64_t start, uint64_t end)
{
	if (start >= end)
		return true;
	size_t i = 0;
	while (i < s->n && s->r[i].end <= start)
		i++;
	if (i == s->n || s->r[i].start >= end)
		return true;
	if (s->r[i].start < start && s->r[i].end > end)
		return split(s, i, start, end);
	if (s->r[i].start < start)
		s->r[i++].end = start;
	size_t j = i;
	while (j < s->n && s->r[j].end <= end)
		j++;
	if (j < s->n && s->r[j].start < end)
		s->r[j].start = end;
	close_slots(s, i, j);
	return true;
}

/* memrange_align: [roundup(start), rounddown(end)); empty ranges vanish. */
void memrange_align(struct memrange_set *s, uint64_t align)
{
	uint64_t m = align ? align - 1 : 0;
	size_t out = 0;
	for (size_t i = 0; i < s->n; i++) {
		uint64_t a = s->r[i].start, b = s->r[i].end & ~m;
		if (a > UINT64_MAX - m)
			continue;
		a = (a + m) & ~m;
		if (a < b)
			s->r[out++] = (struct mem_range){ a, b };
	}
	s->n = out;
}

/* memrange_take: highest aligned [a, a + size) below limit; 0 if none (an
 * answer of address 0 is never given). */
uint64_t memrange_take(struct memrange_set *s, uint64_t size, uint64_t align,
		       uint64_t limit)
{
	uint64_t m = align ? align - 1 : 0;
	if (size == 0)
		return 0;
	for (size_t i = s->n; i-- > 0;) {
		uint64_t top = s->r[i].end < limit ? s->r[i].end : limit;
		if (top < size)
			continue;
		uint64_t a = (top - size) & ~m;
		if (a < s->r[i].start || a == 0)
			continue;
		return memrange_remove(s, a, a + size) ? a : 0;
	}
	return 0;
}

/* memrange_total: bytes covered by s. */
uint64_t memrange_total(const struct memrange_set *s)
{
	uint64_t t = 0;
	for (size_t i = 0; i < s->n; i++)
		t += s->r[i].end - s->r[i].start;
	return t;
}
