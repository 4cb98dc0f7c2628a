/* <fenv.h>: the x87 control/status words and MXCSR kept in step.  The x87
 * control word holds its exception masks in bits 0-5 and the rounding mode
 * in bits 10-11; MXCSR holds the flags in bits 0-5, the masks in 7-12 and
 * the rounding mode in 13-14 (the x87 field shifted by 3). */
#include <fenv.h>

#define MXCSR_RC_SHIFT 3
#define MXCSR_MASK_SHIFT 7

static unsigned get_mxcsr(void)
{
	unsigned m;
	__asm__ volatile("stmxcsr %0" : "=m"(m));
	return m;
}

static void set_mxcsr(unsigned m)
{
	__asm__ volatile("ldmxcsr %0" : : "m"(m));
}

static unsigned short get_cw(void)
{
	unsigned short cw;
	__asm__ volatile("fnstcw %0" : "=m"(cw));
	return cw;
}

static void set_cw(unsigned short cw)
{
	__asm__ volatile("fldcw %0" : : "m"(cw));
}

/* The x87 environment (fnstenv masks every x87 exception: put it back). */
static void get_x87(fenv_t *e)
{
	__asm__ volatile("fnstenv %0\n\tfldenv %0" : "=m"(*e));
}

static void set_x87(const fenv_t *e)
{
	__asm__ volatile("fldenv %0" : : "m"(*e));
}

/* Clear the flags of excepts in both units: 0. */
int feclearexcept(int excepts)
{
	excepts &= FE_ALL_EXCEPT;
	fenv_t e;
	get_x87(&e);
	e.__status_word &= (unsigned short)~excepts;
	set_x87(&e);
	set_mxcsr(get_mxcsr() & ~(unsigned)excepts);
	return 0;
}

/* The flags of excepts raised in either unit. */
int fetestexcept(int excepts)
{
	unsigned short sw;
	__asm__ volatile("fnstsw %0" : "=m"(sw));
	return (int)((sw | get_mxcsr()) & (unsigned)excepts & FE_ALL_EXCEPT);
}

/* Raise excepts: set their flags, trapping (SIGFPE) if one is unmasked,
 * as an operation raising it would. */
int feraiseexcept(int excepts)
{
	excepts &= FE_ALL_EXCEPT;
	if (!excepts)
		return 0;
	fenv_t e;
	get_x87(&e);
	e.__status_word |= (unsigned short)excepts;
	set_x87(&e);
	__asm__ volatile("fwait");
	return 0;
}

/* *flagp: the flags of excepts now raised. */
int fegetexceptflag(fexcept_t *flagp, int excepts)
{
	*flagp = (fexcept_t)fetestexcept(excepts);
	return 0;
}

/* Set the flags of excepts to *flagp's, without trapping. */
int fesetexceptflag(const fexcept_t *flagp, int excepts)
{
	excepts &= FE_ALL_EXCEPT;
	fenv_t e;
	get_x87(&e);
	e.__status_word = (unsigned short)((e.__status_word & ~excepts) | (*flagp & excepts));
	set_x87(&e);
	set_mxcsr((get_mxcsr() & ~(unsigned)excepts) | (*flagp & (unsigned)excepts));
	return 0;
}

int fegetround(void)
{
	return get_cw() & FE_TOWARDZERO;
}

/* Set both units' rounding mode: 0, or nonzero for a mode not one of
 * FE_TONEAREST, FE_DOWNWARD, FE_UPWARD, FE_TOWARDZERO. */
int fesetround(int round)
{
	if (round & ~FE_TOWARDZERO)
		return 1;
	set_cw((unsigned short)((get_cw() & ~FE_TOWARDZERO) | round));
	set_mxcsr((get_mxcsr() & ~(FE_TOWARDZERO << MXCSR_RC_SHIFT)) |
		  ((unsigned)round << MXCSR_RC_SHIFT));
	return 0;
}

int fegetenv(fenv_t *envp)
{
	get_x87(envp);
	envp->__mxcsr = get_mxcsr();
	return 0;
}

/* Install *envp, FE_DFL_ENV (round to nearest, every exception masked, no
 * flags) or FE_NOMASK_ENV (the same with every exception trapping). */
int fesetenv(const fenv_t *envp)
{
	fenv_t e;
	get_x87(&e);
	if (envp == FE_DFL_ENV || envp == FE_NOMASK_ENV) {
		int mask = envp == FE_DFL_ENV ? FE_ALL_EXCEPT | 0x02 : 0;
		e.__control_word = (unsigned short)(0x0340 | mask); /* 64-bit precision */
		e.__status_word = 0;
		e.__tags = 0xffff;
		set_x87(&e);
		set_mxcsr((unsigned)(mask ? 0x3f : 0) << MXCSR_MASK_SHIFT);
		return 0;
	}
	e.__control_word = envp->__control_word;
	e.__status_word = envp->__status_word;
	set_x87(&e);
	set_mxcsr(envp->__mxcsr);
	return 0;
}

/* Save the environment in *envp, clear the flags, mask every exception. */
int feholdexcept(fenv_t *envp)
{
	fegetenv(envp);
	fenv_t e = *envp;
	e.__control_word |= FE_ALL_EXCEPT;
	e.__status_word &= (unsigned short)~FE_ALL_EXCEPT;
	set_x87(&e);
	set_mxcsr((envp->__mxcsr | (FE_ALL_EXCEPT << MXCSR_MASK_SHIFT)) & ~(unsigned)FE_ALL_EXCEPT);
	return 0;
}

/* Install *envp, then raise the exceptions that were raised before. */
int feupdateenv(const fenv_t *envp)
{
	int raised = fetestexcept(FE_ALL_EXCEPT);
	fesetenv(envp);
	feraiseexcept(raised);
	return 0;
}

/* The exceptions now trapping. */
int fegetexcept(void)
{
	return ~get_cw() & FE_ALL_EXCEPT;
}

/* Unmask excepts in both units: the set trapping before. */
int feenableexcept(int excepts)
{
	excepts &= FE_ALL_EXCEPT;
	int old = fegetexcept();
	set_cw((unsigned short)(get_cw() & ~excepts));
	set_mxcsr(get_mxcsr() & ~((unsigned)excepts << MXCSR_MASK_SHIFT));
	return old;
}

/* Mask excepts in both units: the set trapping before. */
int fedisableexcept(int excepts)
{
	excepts &= FE_ALL_EXCEPT;
	int old = fegetexcept();
	set_cw((unsigned short)(get_cw() | excepts));
	set_mxcsr(get_mxcsr() | ((unsigned)excepts << MXCSR_MASK_SHIFT));
	return old;
}
