/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * v4v: inter-domain sockets over Xen's Argo — the userspace ABI.
 *
 * A v4v address is a Xen domain id and a 32-bit port.  This header holds the
 * address family, the address type and its constants; socket options and
 * ioctls are added here as they land.  Fixed-width types only; every
 * reserved or padding byte must be zero.
 */
#ifndef _UAPI_LINUX_V4V_H
#define _UAPI_LINUX_V4V_H

#include <linux/socket.h>
#include <linux/types.h>

/*
 * The address family.  13 was reserved for NetBEUI, which Linux never
 * implemented; no kernel from 6.1 on registers it.  The module can be told
 * to use another number; programs should ask libv4v rather than assume.
 */
#define AF_V4V			13
#define PF_V4V			AF_V4V

/* Any domain: as a bind partner, "accept senders from every domain". */
#define V4V_DOMID_ANY		0x7ff4U
/* Domain ids at or above this are reserved by Xen. */
#define V4V_DOMID_RESERVED	0x7ff0U
/* Any port: bind picks a free one. */
#define V4V_PORT_ANY		0xffffffffU

struct sockaddr_v4v {
	__kernel_sa_family_t sv4v_family;	/* AF_V4V */
	__u16 sv4v_domain;			/* domain id or V4V_DOMID_ANY */
	__u32 sv4v_port;
	__u8 sv4v_zero[8];			/* must be zero */
};

#endif /* _UAPI_LINUX_V4V_H */
