/* ksmd: the pager starts it while KSM runs (`ksm run 1`) and ends it when
 * KSM stops.  It only paces the scanner: each send of PG_KSM_SCAN (w0 =
 * 0) lets the pager scan one batch between the faults and requests it
 * serves; the call with w0 = 1 waits for that batch to end and answers
 * how long to sleep before the next one (in ms). */
#include <unistd.h>
#include "sys/sys.h"

int main(void)
{
	for (;;) {
		struct sys_msg m = { .label = PG_KSM_SCAN, .w = { 1 } };
		if (sys_send(sys_pager, PG_KSM_SCAN, 0, 0, 0, 0) ||
		    ipc_call(sys_pager, &m) || IPC_LABEL_TAG(m.label) != E_OK)
			return 1;
		if (m.w[0])
			usleep((useconds_t)m.w[0] * 1000);
	}
}
