/* ksmd: the pager starts it while KSM runs (`ksm run 1`) and ends it when
 * KSM stops.  It only paces the scanner: each call of PG_KSM_SCAN (w0 =
 * 1) lets the pager scan one batch between the faults and requests it
 * serves, and is answered when the batch ends with how long to sleep
 * before the next one (in ms). */
#include <unistd.h>
#include "sys/sys.h"

int main(void)
{
	for (;;) {
		struct sys_msg m = { .label = PG_KSM_SCAN, .w = { 1 } };
		if (ipc_call(sys_pager, &m) || IPC_LABEL_TAG(m.label) != E_OK)
			return 1;
		if (m.w[0])
			usleep((useconds_t)m.w[0] * 1000);
	}
}
