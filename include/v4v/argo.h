/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * Xen's Argo hypercall ABI, as v4v uses it.
 *
 * Written for v4v from the behaviour of Xen 4.12 and later (hypercall 39).
 * Linux has no copy of this interface, so the module and the userspace
 * builds of the ring code (benchmark, tests) share this one.  Every layout
 * is fixed-width with explicit padding; the sizes are checked at the bottom.
 * Only 64-bit guests are supported: the iov layout differs for 32-bit x86
 * PV guests, where Xen translates sendv arguments.
 *
 * Documentation/argo-abi.rst explains each operation and its errors.
 */
#ifndef _V4V_ARGO_H
#define _V4V_ARGO_H

#include <linux/types.h>
#ifdef __KERNEL__
#include <linux/build_bug.h>
#else
#include <assert.h>
#endif

#define V4V_ARGO_HYPERCALL		39	/* __HYPERVISOR_argo_op */
#define V4V_ARGO_VIRQ			11	/* global VIRQ, bound on vCPU 0 */

/* Operations: the first hypercall argument. */
#define V4V_ARGO_OP_REGISTER_RING	1
#define V4V_ARGO_OP_UNREGISTER_RING	2
#define V4V_ARGO_OP_SENDV		3
#define V4V_ARGO_OP_NOTIFY		4

/* Xen's DOMID_INVALID: "any domain" as a ring partner or a source. */
#define V4V_ARGO_DOMID_ANY		0x7ff4U

/* Ring geometry.  Argo maps rings in 4 KiB frames whatever the guest uses. */
#define V4V_ARGO_PAGE_SIZE		4096U
#define V4V_ARGO_MAX_RING_SIZE		0x1000000U	/* header + data */
#define V4V_ARGO_RING_HDR_SIZE		64U
#define V4V_ARGO_MSG_SLOT_SIZE		16U
#define V4V_ARGO_MSG_HDR_SIZE		16U
/* A ring must hold a header and two slots; data + header fit in 4096 pages. */
#define V4V_ARGO_MIN_RING_LEN		48U
#define V4V_ARGO_MAX_RING_LEN		(V4V_ARGO_MAX_RING_SIZE - V4V_ARGO_RING_HDR_SIZE)
/* Largest payload one sendv may carry (Xen's iov check). */
#define V4V_ARGO_MAX_SENDV_LEN		(V4V_ARGO_MAX_RING_SIZE - 32U)

/*
 * Xen's error numbers are its own ABI (public/errno.h) and equal Linux's on
 * x86 and Arm.  ENOSYS is named separately because Linux reserves it for
 * "no such system call": here it means "no such hypercall" (Argo not built).
 */
#define V4V_XEN_ENOSYS			38

/* Hypervisor limits that guests must respect. */
#define V4V_ARGO_MAXIOV			8U
#define V4V_ARGO_MAX_NOTIFY_COUNT	256U
#define V4V_ARGO_MAX_RINGS_PER_DOMAIN	128U
#define V4V_ARGO_MAX_RING_PAGES		(V4V_ARGO_MAX_RING_SIZE / V4V_ARGO_PAGE_SIZE)

/* register_ring flags (fourth argument). */
#define V4V_ARGO_REGISTER_FLAG_FAIL_EXIST	0x1U

/* Per-entry flags that notify writes back. */
#define V4V_ARGO_RING_EXISTS		0x01U
#define V4V_ARGO_RING_SHARED		0x02U	/* a wildcard ring */
#define V4V_ARGO_RING_EMPTY		0x04U
#define V4V_ARGO_RING_SUFFICIENT	0x08U	/* space_required fits now */
#define V4V_ARGO_RING_EMSGSIZE		0x10U	/* space_required never fits */
#define V4V_ARGO_RING_EBUSY		0x20U	/* too many waiters queued */

struct v4v_argo_addr {
	__u32 aport;
	__u16 domain_id;
	__u16 pad;			/* must be zero */
};

struct v4v_argo_send_addr {
	struct v4v_argo_addr src;	/* src.domain_id: ours or DOMID_ANY */
	struct v4v_argo_addr dst;
};

/* One buffer of a sendv; the handle is a guest virtual address. */
struct v4v_argo_iov {
	__u64 iov_hnd;
	__u32 iov_len;
	__u32 pad;			/* must be zero */
};

/* Start of the first ring page.  rx_ptr is the guest's, tx_ptr Xen's. */
struct v4v_argo_ring {
	__u32 rx_ptr;
	__u32 tx_ptr;
	__u8 reserved[56];
	__u8 ring[];
};

struct v4v_argo_register_ring {
	__u32 aport;
	__u16 partner_id;		/* a domain id or DOMID_ANY */
	__u16 pad;			/* must be zero */
	__u32 len;			/* data bytes, excluding the header */
};

struct v4v_argo_unregister_ring {
	__u32 aport;
	__u16 partner_id;
	__u16 pad;
};

/* One destination ring to ask about in a notify call. */
struct v4v_argo_ring_data_ent {
	struct v4v_argo_addr ring;	/* IN: destination ring */
	__u16 flags;			/* OUT: V4V_ARGO_RING_* */
	__u16 pad;
	__u32 space_required;		/* IN: payload bytes we want room for */
	__u32 max_message_size;		/* OUT */
};

struct v4v_argo_ring_data {
	__u32 nent;
	__u32 pad;
	struct v4v_argo_ring_data_ent data[];
};

/* Precedes every message in a ring; len includes these 16 bytes. */
struct v4v_argo_msg_hdr {
	__u32 len;
	struct v4v_argo_addr source;	/* domain set by Xen; port by the sender */
	__u32 message_type;
	__u8 data[];
};

/* The ABI is these exact sizes; a mismatch must not compile. */
static_assert(sizeof(struct v4v_argo_addr) == 8, "argo addr");
static_assert(sizeof(struct v4v_argo_send_addr) == 16, "argo send addr");
static_assert(sizeof(struct v4v_argo_iov) == 16, "argo iov");
static_assert(sizeof(struct v4v_argo_ring) == V4V_ARGO_RING_HDR_SIZE, "argo ring");
static_assert(sizeof(struct v4v_argo_register_ring) == 12, "argo register");
static_assert(sizeof(struct v4v_argo_unregister_ring) == 8, "argo unregister");
static_assert(sizeof(struct v4v_argo_ring_data_ent) == 20, "argo ring data entry");
static_assert(sizeof(struct v4v_argo_ring_data) == 8, "argo ring data");
static_assert(sizeof(struct v4v_argo_msg_hdr) == V4V_ARGO_MSG_HDR_SIZE, "argo msg header");

#endif /* _V4V_ARGO_H */
