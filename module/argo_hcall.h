/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Argo hypercall (number 39): one wrapper per operation.  Each returns
 * what Xen returned, as a properly signed value: 0 or a byte count, or a
 * negative errno.
 */
#ifndef _V4V_ARGO_HCALL_H
#define _V4V_ARGO_HCALL_H

#include <linux/stddef.h>
#include <linux/types.h>
#include <v4v/argo.h>

int v4v_hcall_register_ring(const struct v4v_argo_register_ring *reg,
			    const u64 *gfns, u32 npages, u32 flags);
int v4v_hcall_unregister_ring(const struct v4v_argo_unregister_ring *unreg);
long v4v_hcall_sendv(const struct v4v_argo_send_addr *addr,
		     const struct v4v_argo_iov *iov, u32 niov, u32 message_type,
		     bool user);
int v4v_hcall_notify(struct v4v_argo_ring_data *rd);

#endif /* _V4V_ARGO_HCALL_H */
