/* <sys/random.h>: getrandom fills buf with pseudo-random bytes (xorshift
 * seeded from the cycle counter: not for cryptography).  Returns len. */
#ifndef _SYS_RANDOM_H
#define _SYS_RANDOM_H
#include <sys/types.h>
#define GRND_NONBLOCK 1
#define GRND_RANDOM   2
#define GRND_INSECURE 4
ssize_t getrandom(void *buf, size_t len, unsigned flags);
int getentropy(void *buf, size_t len);
#endif
