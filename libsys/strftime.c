/* <time.h>'s strftime in the C locale, as glibc prints it: every C99 and
 * POSIX conversion, the E and O modifiers accepted (and ignored), glibc's
 * flags (- _ 0 ^ #) and field widths; a conversion it does not know is
 * copied as written.  No field of the struct tm indexes a table unchecked. */
#include <stdio.h>
#include <string.h>
#include <time.h>

static const char *const wday_names[] = { "Sunday", "Monday", "Tuesday", "Wednesday",
					  "Thursday", "Friday", "Saturday" };
static const char *const mon_names[] = { "January", "February", "March", "April", "May",
					 "June", "July", "August", "September", "October",
					 "November", "December" };

/* a mod m in [0, m). */
static int mod(int a, int m) { return ((a % m) + m) % m; }
/* a / m rounded down. */
static int fdiv(int a, int m) { return a / m - (a % m < 0); }

/* Weekday (0 = Sunday) of 31 December of year y (0 = 1 BC, proleptic). */
static int dec31_wday(int y)
{
	return mod(y + fdiv(y, 4) - fdiv(y, 100) + fdiv(y, 400), 7);
}

/* ISO 8601 weeks in year y: 53 when it starts (or a leap year after
 * Wednesday 31 December ends) on a Thursday, else 52. */
static int iso_weeks(int y)
{
	return 52 + (dec31_wday(y) == 4 || dec31_wday(y - 1) == 3);
}

/* The ISO 8601 week (1..53) of tm, and its week-based year in *year. */
static int iso_week(const struct tm *tm, int *year)
{
	int y = tm->tm_year + 1900;
	int wd = mod(tm->tm_wday + 6, 7); /* Monday 0 */
	int w = fdiv(tm->tm_yday - wd + 10, 7);
	if (w < 1) {
		y--;
		w = iso_weeks(y);
	} else if (w > iso_weeks(y)) {
		y++;
		w = 1;
	}
	*year = y;
	return w;
}

static const char *name(const char *const *t, int n, int i)
{
	return i >= 0 && i < n ? t[i] : "?";
}

/* One conversion c of tm as text in t[cap]; *num set for numbers (padded
 * to *width with *pad by default); NULL for an unknown conversion. */
static const char *convert(char c, const struct tm *tm, char *t, size_t cap,
			   int *num, int *width, char *pad)
{
	int v, y = tm->tm_year + 1900;
	*num = 1;
	*pad = '0';
	*width = 2;
	switch (c) {
	case 'd': v = tm->tm_mday; break;
	case 'e': v = tm->tm_mday; *pad = ' '; break;
	case 'H': v = tm->tm_hour; break;
	case 'k': v = tm->tm_hour; *pad = ' '; break;
	case 'I': v = mod(tm->tm_hour + 11, 12) + 1; break;
	case 'l': v = mod(tm->tm_hour + 11, 12) + 1; *pad = ' '; break;
	case 'j': v = tm->tm_yday + 1; *width = 3; break;
	case 'm': v = tm->tm_mon + 1; break;
	case 'M': v = tm->tm_min; break;
	case 'S': v = tm->tm_sec; break;
	case 'u': v = mod(tm->tm_wday + 6, 7) + 1; *width = 1; break;
	case 'w': v = tm->tm_wday; *width = 1; break;
	case 'U': v = fdiv(tm->tm_yday + 7 - tm->tm_wday, 7); break;
	case 'W': v = fdiv(tm->tm_yday + 7 - mod(tm->tm_wday + 6, 7), 7); break;
	case 'V': v = iso_week(tm, &y); break;
	case 'G': iso_week(tm, &v); *width = 1; break;
	case 'g': iso_week(tm, &y); v = mod(y, 100); break;
	case 'y': v = mod(y, 100); break;
	case 'Y': v = y; *width = 1; break;
	case 'C': v = fdiv(y, 100); *width = 1; break; /* glibc: "6" in 662 */
	case 's': {
		struct tm copy = *tm;
		snprintf(t, cap, "%lld", (long long)timegm(&copy));
		*width = 1;
		return t;
	}
	default:
		*num = 0;
		*width = 0;
		switch (c) {
		case 'a': snprintf(t, cap, "%.3s", name(wday_names, 7, tm->tm_wday)); return t;
		case 'A': return name(wday_names, 7, tm->tm_wday);
		case 'b': case 'h': snprintf(t, cap, "%.3s", name(mon_names, 12, tm->tm_mon)); return t;
		case 'B': return name(mon_names, 12, tm->tm_mon);
		case 'p': return tm->tm_hour < 12 ? "AM" : "PM";
		case 'P': return tm->tm_hour < 12 ? "am" : "pm";
		case 'c': strftime(t, cap, "%a %b %e %H:%M:%S %Y", tm); return t;
		case 'D': case 'x': strftime(t, cap, "%m/%d/%y", tm); return t;
		case 'F': strftime(t, cap, "%Y-%m-%d", tm); return t;
		case 'r': strftime(t, cap, "%I:%M:%S %p", tm); return t;
		case 'R': strftime(t, cap, "%H:%M", tm); return t;
		case 'T': case 'X': strftime(t, cap, "%H:%M:%S", tm); return t;
		case 'z': {
			long off = tm->tm_gmtoff, a = off < 0 ? -off : off;
			snprintf(t, cap, "%c%02ld%02ld", off < 0 ? '-' : '+', a / 3600, a / 60 % 60);
			return t;
		}
		case 'Z': return tm->tm_zone ? tm->tm_zone : "UTC";
		case 'n': return "\n";
		case 't': return "\t";
		case '%': return "%";
		default: return NULL;
		}
	}
	snprintf(t, cap, *pad == '0' ? "%0*d" : "%*d", *width, v);
	return t;
}

/* C99/POSIX strftime: the length written (without the NUL), or 0 when it
 * does not fit in max bytes (then s holds a NUL-terminated prefix). */
size_t strftime(char *s, size_t max, const char *fmt, const struct tm *tm)
{
	size_t n = 0;
	char tmp[96], field[128];
	if (max == 0)
		return 0;
	while (*fmt) {
		const char *add = field, *start = fmt;
		if (*fmt != '%') {
			field[0] = *fmt++;
			field[1] = 0;
		} else {
			int dash = 0, under = 0, zero = 0, upper = 0, w = -1, num, dw;
			char pad;
			for (fmt++; *fmt && strchr("-_0^#", *fmt); fmt++) {
				dash |= *fmt == '-';
				under |= *fmt == '_';
				zero |= *fmt == '0';
				upper |= *fmt == '^';
			}
			for (; *fmt >= '0' && *fmt <= '9'; fmt++)
				w = (w < 0 ? 0 : w) * 10 + (*fmt - '0') % 100;
			if (w > 64)
				w = 64;
			if (*fmt == 'E' || *fmt == 'O')
				fmt++;
			const char *txt = *fmt ? convert(*fmt, tm, tmp, sizeof tmp, &num, &dw, &pad) : NULL;
			if (!txt) { /* unknown (or a lone '%'): as written */
				if (*fmt)
					fmt++;
				snprintf(field, sizeof field, "%.*s", (int)(fmt - start), start);
			} else {
				fmt++;
				if (num) { /* redo the number with the flags' padding */
					const char *digits = txt;
					int neg = *digits == '-';
					digits += neg;
					while (*digits == ' ' || (digits[0] == '0' && digits[1]))
						digits++;
					int len = (int)strlen(digits) + neg, k = 0;
					int width = w >= 0 ? w : dash ? 0 : dw;
					pad = dash || under ? ' ' : zero ? '0' : pad;
					if (pad == ' ')
						for (; len + k < width; k++)
							field[k] = ' ';
					if (neg)
						field[k++] = '-';
					if (pad == '0')
						for (int i = len; i < width; i++)
							field[k++] = '0';
					snprintf(field + k, sizeof field - (size_t)k, "%s", digits);
				} else {
					int len = (int)strlen(txt);
					snprintf(field, sizeof field, "%*s%s", w > len ? w - len : 0, "", txt);
				}
				if (upper)
					for (char *p = field; *p; p++)
						if (*p >= 'a' && *p <= 'z')
							*p = (char)(*p - 32);
			}
		}
		size_t len = strlen(add);
		if (n + len >= max) {
			s[n] = 0;
			return 0;
		}
		memcpy(s + n, add, len);
		n += len;
	}
	s[n] = 0;
	return n;
}
