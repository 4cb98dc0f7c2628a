/* One error enum for the whole system: kernel internals, system calls and
 * the pager all return these.  E_OK is 0; every error is positive. */
#ifndef ABI_ERR_H
#define ABI_ERR_H

enum err {
	E_OK = 0,
	E_NOMEM,      /* out of memory */
	E_INVAL,      /* invalid argument */
	E_BADORDER,   /* order out of range, or not the order the block has */
	E_DOUBLEFREE, /* the frame is already free */
	E_NOTALLOC,   /* the frame was never handed out (reserved, tail, hole) */
	E_RANGE,      /* frame number or address outside what exists */
	E_OVERFLOW,   /* a reference count would overflow */
	E_STALE,      /* handle generation no longer matches */
	E_POISONED,   /* the frame is poisoned and out of service */
	E_PERM,       /* caller lacks the right */
	E_BADHANDLE,  /* no such handle, or the wrong kind */
	E_FAULT,      /* bad user pointer */
	E_BUSY,       /* object still in use */
	E_NOSYS,      /* no such call */
	E_AGAIN,      /* nothing there now (non-blocking call) */
	E_NOENT,      /* no such object or file */
	E_DEAD,       /* the other side is gone */
	E_NOEXEC,     /* not a valid executable */
	E_TIMEDOUT,   /* the time given ran out first */
	E_INTR,       /* a signal came: the wait ended early */
	E_NOSPC,      /* no room left for one more of a kind (tmpfs names) */
	E_COUNT
};

/* err_str returns a short readable name for e ("out of memory"); never NULL. */
const char *err_str(int e);

#endif
