/* <sys/errno.h>: the old name of <errno.h>. */
#include <errno.h>
