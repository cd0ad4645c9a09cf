/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Receive memory of AF_V4V sockets: what their receive queues hold, charged
 * as TCP's is (rcvmem.c).
 */
#ifndef _V4V_RCVMEM_H
#define _V4V_RCVMEM_H

#include <linux/atomic.h>

struct proto;
struct sock;

/* Fill in prot's memory accounting; before proto_register(). */
void v4v_rcvmem_setup(struct proto *prot);

/* sk, a connection the pump allocated, is charged where its listener is. */
void v4v_rcvmem_inherit(struct sock *sk, const struct sock *parent);

/* Pages charged to every v4v socket now. */
long v4v_rcvmem_pages(void);

/*
 * The limits, in pages: below [0] no socket is refused; from [2] a socket
 * gets only its first page.  Written by the rcv_mem_kib parameter (and by
 * tests).
 */
extern long v4v_rcvmem_limits[3];

#endif /* _V4V_RCVMEM_H */
