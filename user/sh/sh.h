/* sh: what its files share.  main.c: command lines, jobs, the table of
 * built-ins and the small ones; ed.c: the line editor and history;
 * stats.c: the statistics commands. */
#ifndef SH_H
#define SH_H

#include <stdbool.h>
#include "sys/sys.h"
#include "sys/test.h"
#include "sys/unistd.h"

#undef LINE_MAX /* limits.h has POSIX's; the shell's own is smaller */
#define LINE_MAX 512 /* bytes of a command line, its NUL included */

/* ---- ed.c ---- */

/* Read one command line into line (LINE_MAX bytes) and remember it in
 * the history; false if it was dropped (Ctrl-C, too long: said so). */
bool ed_read_line(char *line);

/* Start the console reader thread (once, first thing); false if it could
 * not start. */
bool ed_start(void);

/* Sleep ms milliseconds, or until Ctrl-C is typed (true; it and everything
 * typed before it are dropped). */
bool ed_nap_ctrl_c(unsigned ms);

/* pid runs in the foreground from now: a Ctrl-C kills it (the reader
 * thread does, while the main thread waits for it). */
void ed_fg_begin(uint32_t pid);

/* The foreground program ended; true if a Ctrl-C killed it. */
bool ed_fg_end(void);

/* ---- main.c ---- */

/* Parse a decimal number in [0, max] from all of s; false if it is not. */
bool sh_parse_num(const char *s, uint64_t max, uint64_t *out);

/* Parse a pid (1 .. UINT32_MAX) from s; false (said, as "cmd: bad pid")
 * if it is not one. */
bool sh_parse_pid(const char *cmd, const char *s, uint32_t *pid);

/* End the program pid started from here and every process that comes
 * from it (forked or spawned, orphans too); another pid alone.  E_OK,
 * E_NOENT, E_PERM. */
int sh_kill_job(uint32_t pid);

/* Take a leading -r from argv; true if it was there (argc, argv skip it). */
bool sh_take_raw(int *argc, char ***argv);

/* Print built-in name's usage line; returns 2 (a command's status). */
int sh_usage(const char *name);

/* ---- built-in commands: (argc, argv) -> status ---- */

int cmd_history(int argc, char **argv);                /* ed.c */
int cmd_ps(int argc, char **argv);                     /* stats.c */
int cmd_vmstat(int argc, char **argv);
int cmd_frames(int argc, char **argv);
int cmd_meminfo(int argc, char **argv);
int cmd_memmap(int argc, char **argv);
int cmd_pmap(int argc, char **argv);
int cmd_ksm(int argc, char **argv);
int cmd_uptime(int argc, char **argv);
int cmd_cpus(int argc, char **argv);

#endif
