/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * v4v: inter-domain sockets over Xen's Argo -- the userspace ABI.
 *
 * A v4v address is a Xen domain id and a 32-bit port.  Datagram sockets are
 * socket(AF_V4V, SOCK_DGRAM, 0); see v4v(7).  Fixed-width types only; every
 * reserved or padding byte must be zero.
 */
#ifndef _UAPI_LINUX_V4V_H
#define _UAPI_LINUX_V4V_H

#include <linux/ioctl.h>
#include <linux/socket.h>
#include <linux/types.h>

/*
 * The address family.  13 was reserved for NetBEUI, which Linux never
 * implemented; no kernel from 6.1 on registers it.  The module can be told
 * to use another number (parameter "family", shown in
 * /sys/module/v4v/parameters/family); portable programs read it there or
 * ask libv4v rather than assume.
 */
#define AF_V4V			13
#define PF_V4V			AF_V4V

/* Any domain: as a bind partner, "accept senders from every domain". */
#define V4V_DOMID_ANY		0x7ff4U
/* Domain ids at or above this are reserved by Xen. */
#define V4V_DOMID_RESERVED	0x7ff0U
/* Any port: bind picks a free one (as does port 0). */
#define V4V_PORT_ANY		0xffffffffU
/* Ports below this need CAP_NET_BIND_SERVICE. */
#define V4V_PORT_PRIVILEGED	1024U
/* Ports bind picks by itself come from [this, V4V_PORT_ANY). */
#define V4V_PORT_EPHEMERAL	0x80000000U

struct sockaddr_v4v {
	__kernel_sa_family_t sv4v_family;	/* AF_V4V */
	__u16 sv4v_domain;			/* domain id or V4V_DOMID_ANY */
	__u32 sv4v_port;
	__u8 sv4v_zero[8];			/* must be zero */
};

/*
 * Socket options, level SOL_V4V (a value no other family uses).  Both must
 * be set before the socket is bound (explicitly, or by connect or the first
 * send); afterwards setting them fails with EISCONN.
 *
 * V4V_RING_SIZE (__u32): bytes of the receive ring bind registers: a
 *	multiple of 16 from 48 to 16 MiB - 64.  The largest datagram that fits
 *	is 32 bytes less.  Default V4V_RING_SIZE_DEFAULT, and for stream and
 *	seqpacket sockets V4V_RING_SIZE_STREAM: a ring that holds the whole
 *	default window (V4V_STREAM_RCVBUF_DEFAULT, the SO_RCVBUF a stream or
 *	seqpacket socket starts with) in 64 KiB messages with their headers,
 *	and room for one more: the sender never waits for room in the ring,
 *	and the reader can tell that no sender was refused, which spares it
 *	a hypercall per message.
 * V4V_PARTNER (__u32): the only domain allowed to send to this socket, or
 *	V4V_DOMID_ANY (default; needs Xen's mac-permissive=1).  connect()
 *	on an unbound socket binds with the peer's domain as partner.
 */
#define SOL_V4V			0x5634
#define V4V_RING_SIZE		1
#define V4V_PARTNER		2

#define V4V_RING_SIZE_DEFAULT		(32U * 4096U - 64U)
#define V4V_STREAM_RCVBUF_DEFAULT	(256U * 4096U)
#define V4V_RING_SIZE_STREAM		(V4V_STREAM_RCVBUF_DEFAULT + 17U * 4096U - 64U)
#define V4V_RING_SIZE_MAX		(4096U * 4096U - 64U)

/* ioctl: this domain's id, as Xen knows it. */
#define V4V_IOC_LOCAL_DOMID	_IOR('V', 0x01, __u32)

#endif /* _UAPI_LINUX_V4V_H */
