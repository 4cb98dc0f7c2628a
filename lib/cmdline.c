/* Words of a command line; pure, shared by the kernel and the pager. */
#include <stddef.h>
#include "lib/cmdline.h"
#include "lib/string.h"

bool cmdline_has(const char *line, const char *word)
{
	size_t wl = strlen(word);
	for (const char *p = line; *p;) {
		while (*p == ' ')
			p++;
		const char *e = p;
		while (*e && *e != ' ')
			e++;
		if ((size_t)(e - p) == wl && !memcmp(p, word, wl))
			return true;
		p = e;
	}
	return false;
}
