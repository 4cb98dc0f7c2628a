/* <locale.h>: only the "C" locale (libsys/libc4.c): setlocale accepts "C",
 * "POSIX", "C.UTF-8" and "" and names it "C"; localeconv describes it. */
#ifndef _LOCALE_H
#define _LOCALE_H

#include <stddef.h>

#define LC_CTYPE          0
#define LC_NUMERIC        1
#define LC_TIME           2
#define LC_COLLATE        3
#define LC_MONETARY       4
#define LC_MESSAGES       5
#define LC_ALL            6
#define LC_PAPER          7
#define LC_NAME           8
#define LC_ADDRESS        9
#define LC_TELEPHONE      10
#define LC_MEASUREMENT    11
#define LC_IDENTIFICATION 12

struct lconv {
	char *decimal_point, *thousands_sep, *grouping, *int_curr_symbol,
	     *currency_symbol, *mon_decimal_point, *mon_thousands_sep,
	     *mon_grouping, *positive_sign, *negative_sign;
	char int_frac_digits, frac_digits, p_cs_precedes, p_sep_by_space,
	     n_cs_precedes, n_sep_by_space, p_sign_posn, n_sign_posn,
	     int_p_cs_precedes, int_p_sep_by_space, int_n_cs_precedes,
	     int_n_sep_by_space, int_p_sign_posn, int_n_sign_posn;
};

char *setlocale(int category, const char *locale);
struct lconv *localeconv(void);

#endif
