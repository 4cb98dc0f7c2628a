/* <fenv.h>: the floating-point environment (libsys/fenv.c), x86_64's as
 * glibc has it: the x87 control and status words and SSE's MXCSR are set
 * and read together, so a flag raised by either unit is seen and a
 * rounding mode set holds for both.  The GNU feenableexcept and friends
 * unmask traps: an operation raising an enabled exception then takes
 * SIGFPE. */
#ifndef _FENV_H
#define _FENV_H

#define FE_INVALID   0x01
#define FE_DIVBYZERO 0x04
#define FE_OVERFLOW  0x08
#define FE_UNDERFLOW 0x10
#define FE_INEXACT   0x20
#define FE_ALL_EXCEPT (FE_INEXACT | FE_DIVBYZERO | FE_UNDERFLOW | FE_OVERFLOW | FE_INVALID)

#define FE_TONEAREST  0
#define FE_DOWNWARD   0x400
#define FE_UPWARD     0x800
#define FE_TOWARDZERO 0xc00

typedef unsigned short int fexcept_t;

/* The x87 environment as fnstenv stores it (28 bytes), then MXCSR. */
typedef struct {
	unsigned short int __control_word;
	unsigned short int __glibc_reserved1;
	unsigned short int __status_word;
	unsigned short int __glibc_reserved2;
	unsigned short int __tags;
	unsigned short int __glibc_reserved3;
	unsigned int __eip;
	unsigned short int __cs_selector;
	unsigned int __opcode : 11;
	unsigned int __glibc_reserved4 : 5;
	unsigned int __data_offset;
	unsigned short int __data_selector;
	unsigned short int __glibc_reserved5;
	unsigned int __mxcsr;
} fenv_t;

/* The environment a program starts with. */
#define FE_DFL_ENV ((const fenv_t *)-1)
/* The default environment with every exception trapping (GNU). */
#define FE_NOMASK_ENV ((const fenv_t *)-2)

int feclearexcept(int excepts);
int fegetexceptflag(fexcept_t *flagp, int excepts);
int feraiseexcept(int excepts);
int fesetexceptflag(const fexcept_t *flagp, int excepts);
int fetestexcept(int excepts);
int fegetround(void);
int fesetround(int round);
int fegetenv(fenv_t *envp);
int feholdexcept(fenv_t *envp);
int fesetenv(const fenv_t *envp);
int feupdateenv(const fenv_t *envp);
/* GNU: unmask (enable) or mask traps; the previous set, or -1. */
int feenableexcept(int excepts);
int fedisableexcept(int excepts);
int fegetexcept(void);

#endif
