// SPDX-License-Identifier: GPL-2.0
/*
 * Argo hypercall wrappers.
 *
 * Xen 4.17's sendv computes its result as "ret < 0 ? ret : len" with an int
 * ret and an unsigned len, so its errors reach a 64-bit guest zero-extended
 * (-ECONNREFUSED arrives as 0xffffff91).  No Argo result needs more than 32
 * bits (a sendv moves at most 16 MiB), so every result is sign-extended from
 * 32 bits, which is correct for the well-behaved operations too.
 */
#include <linux/kernel.h>

#include "argo_hcall.h"
#include "compat.h"

/* user: the arguments lead to user memory (sendv's iov buffers). */
static long argo_op(unsigned int cmd, const void *arg1, const void *arg2,
		    unsigned long arg3, unsigned long arg4, bool user)
{
	unsigned long a1 = (unsigned long)arg1, a2 = (unsigned long)arg2;
	long ret;

	if (user)
		ret = v4v_compat_hypercall5_user(V4V_ARGO_HYPERCALL, cmd, a1, a2, arg3, arg4);
	else
		ret = v4v_compat_hypercall5(V4V_ARGO_HYPERCALL, cmd, a1, a2, arg3, arg4);
	return (long)(int)ret;
}

int v4v_hcall_register_ring(const struct v4v_argo_register_ring *reg,
			    const u64 *gfns, u32 npages, u32 flags)
{
	return argo_op(V4V_ARGO_OP_REGISTER_RING, reg, gfns, npages, flags, false);
}

int v4v_hcall_unregister_ring(const struct v4v_argo_unregister_ring *unreg)
{
	return argo_op(V4V_ARGO_OP_UNREGISTER_RING, unreg, NULL, 0, 0, false);
}

long v4v_hcall_sendv(const struct v4v_argo_send_addr *addr,
		     const struct v4v_argo_iov *iov, u32 niov, u32 message_type,
		     bool user)
{
	return argo_op(V4V_ARGO_OP_SENDV, addr, iov, niov, message_type, user);
}

int v4v_hcall_notify(struct v4v_argo_ring_data *rd)
{
	return argo_op(V4V_ARGO_OP_NOTIFY, rd, NULL, 0, 0, false);
}
