/* The C string functions for ring 3 (lib/string.c). */
#ifndef SYS_STRING_H
#define SYS_STRING_H

#include "lib/string.h"

#endif
