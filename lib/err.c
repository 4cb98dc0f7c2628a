#include "abi/err.h"

static const char *const names[E_COUNT] = {
	[E_OK] = "ok",
	[E_NOMEM] = "out of memory",
	[E_INVAL] = "invalid argument",
	[E_BADORDER] = "bad order",
	[E_DOUBLEFREE] = "double free",
	[E_NOTALLOC] = "frame not allocated",
	[E_RANGE] = "out of range",
	[E_OVERFLOW] = "reference count overflow",
	[E_STALE] = "stale handle",
	[E_POISONED] = "poisoned frame",
	[E_PERM] = "permission denied",
	[E_BADHANDLE] = "bad handle",
	[E_FAULT] = "bad address",
	[E_BUSY] = "busy",
	[E_NOSYS] = "no such call",
	[E_AGAIN] = "try again",
	[E_NOENT] = "no such object",
	[E_DEAD] = "peer is gone",
	[E_NOEXEC] = "not an executable",
	[E_TIMEDOUT] = "timed out",
	[E_INTR] = "interrupted by a signal",
	[E_NOSPC] = "no space left",
};

/* err_str: readable name of e; "unknown error" for anything out of range. */
const char *err_str(int e)
{
	if (e < 0 || e >= E_COUNT || !names[e])
		return "unknown error";
	return names[e];
}
