/* IPC message marshalling (see ipc_msg.h). */
#include "ipc_msg.h"
#include "lib/string.h"
#include "abi/err.h"
#include "abi/syscall.h"

int ipc_msg_from_args(const uint64_t a[6], uint64_t badge, struct ipc_msg *m)
{
	if (IPC_LABEL_LEN(a[1]) > IPC_BUF_MAX || (a[1] >> 45))
		return E_INVAL;
	*m = (struct ipc_msg){ a[1], { a[2], a[3], a[4], a[5] }, badge };
	return E_OK;
}

void ipc_msg_to_regs(const struct ipc_msg *m, uint64_t out[6])
{
	out[0] = m->badge; /* word by word: no memcpy call on the IPC path */
	out[1] = m->label;
	out[2] = m->w[0];
	out[3] = m->w[1];
	out[4] = m->w[2];
	out[5] = m->w[3];
}

unsigned ipc_msg_copy_len(uint64_t label, bool sender_buf, bool receiver_buf,
			  uint64_t *label_out)
{
	unsigned len = IPC_LABEL_LEN(label);
	if (len > IPC_BUF_MAX || !sender_buf || !receiver_buf)
		len = 0;
	*label_out = IPC_LABEL(IPC_LABEL_TAG(label), len);
	return len;
}
