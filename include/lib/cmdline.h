/* Command lines: space-separated words (the kernel's and each module's, as
 * GRUB passes them; the pager reads the kernel's from its boot page). */
#ifndef LIB_CMDLINE_H
#define LIB_CMDLINE_H

#include <stdbool.h>

/* True if word occurs in line as a whole space-separated word. */
bool cmdline_has(const char *line, const char *word);

#endif
