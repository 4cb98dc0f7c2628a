/* spin [SECONDS]: keep a CPU busy for SECONDS (default: until killed),
 * saying so once a second: the program to try Ctrl-C and kill on.  Exit
 * status 2 on a bad argument. */
#include <stdio.h>
#include <unistd.h>
#include "sys/test.h"
#include "sys/unistd.h"

int main(int argc, char **argv)
{
	uint64_t secs = 0, hz = tsc_hz();
	if (argc > 2 || (argc == 2 && (argv[1][0] < '0' || argv[1][0] > '9'))) {
		printf("spin: usage: spin [SECONDS]\n");
		return 2;
	}
	for (const char *s = argc == 2 ? argv[1] : ""; *s >= '0' && *s <= '9'; s++)
		secs = secs * 10 + (uint64_t)(*s - '0');
	if (!hz)
		hz = 1000000000;
	printf("spin: pid %d busy %s\n", getpid(), secs ? "for a while" : "until killed");
	uint64_t t0 = rdtsc();
	for (uint64_t s = 1; secs == 0 || s <= secs; s++) {
		while (rdtsc() - t0 < s * hz)
			;
		printf("spin: %lu s\n", s);
	}
	return 0;
}
