/* The pager's locks (lock.h): how a long wait sleeps, set by the pager at
 * start (futexes) or by a host test; NULL: waits spin. */
#include "lock.h"

void (*lock_sleep)(int *word, int val);
void (*lock_wake)(int *word, int n);
