/* assert: on failure prints "assertion failed: EXPR (file:line, function)"
 * and aborts (the process ends as killed by SIGABRT).  NDEBUG disables. */
#undef assert
#ifdef NDEBUG
#define assert(e) ((void)0)
#else
_Noreturn void libsys_assert_fail(const char *expr, const char *file, int line,
				  const char *fn);
#define assert(e) ((e) ? (void)0 : libsys_assert_fail(#e, __FILE__, __LINE__, __func__))
#endif
#ifndef __cplusplus
#define static_assert _Static_assert
#endif
