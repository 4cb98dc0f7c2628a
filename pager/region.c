/* Region sets: a small sorted array; lookups are linear (REGION_MAX is small). */
#include "abi/err.h"
#include "lib/string.h"
#include "region.h"

void region_init(struct region_set *s)
{
	s->n = 0;
}

int region_add(struct region_set *s, uint64_t start, uint64_t end,
	       unsigned kind, unsigned rights)
{
	if ((start | end) % REGION_PAGE || end <= start)
		return E_INVAL;
	unsigned i = 0;
	while (i < s->n && s->r[i].end <= start)
		i++;
	if (i < s->n && s->r[i].start < end)
		return E_BUSY;
	if (s->n == REGION_MAX)
		return E_NOMEM;
	memmove(&s->r[i + 1], &s->r[i], (s->n - i) * sizeof s->r[0]);
	s->r[i] = (struct region){ start, end, (uint8_t)kind, (uint8_t)rights };
	s->n++;
	return E_OK;
}

struct region *region_find(struct region_set *s, uint64_t addr)
{
	for (unsigned i = 0; i < s->n; i++)
		if (addr >= s->r[i].start && addr < s->r[i].end)
			return &s->r[i];
	return NULL;
}

int region_remove(struct region_set *s, uint64_t start)
{
	for (unsigned i = 0; i < s->n; i++) {
		if (s->r[i].start != start)
			continue;
		memmove(&s->r[i], &s->r[i + 1], (s->n - i - 1) * sizeof s->r[0]);
		s->n--;
		return E_OK;
	}
	return E_NOENT;
}

int region_place(const struct region_set *s, uint64_t size, uint64_t lo,
		 uint64_t hi, uint64_t *out)
{
	if (size == 0 || size % REGION_PAGE || lo % REGION_PAGE || size > hi)
		return E_INVAL;
	uint64_t a = lo;
	for (unsigned i = 0; i < s->n; i++) {
		const struct region *r = &s->r[i];
		if (r->end + REGION_PAGE <= a)
			continue; /* below a, its guard page included */
		if (r->start >= a && r->start - a >= size + REGION_PAGE)
			break; /* the gap before r fits, a guard page before r */
		a = r->end + REGION_PAGE;
	}
	if (a >= hi || hi - a < size)
		return E_NOMEM;
	*out = a;
	return E_OK;
}

bool region_is_lazy(const struct region *r)
{
	return r->kind == REGION_ANON || r->kind == REGION_STACK;
}
