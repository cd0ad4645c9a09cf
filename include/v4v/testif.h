/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * TEMPORARY test-only interface: /sys/kernel/debug/v4v/test.
 *
 * It exists so the VM tests can drive rings over real Argo before the AF_V4V
 * socket family exists, and will be removed once sockets cover the same
 * ground.  It is not an ABI: no compatibility is promised.
 *
 * Each open file owns at most one ring (BIND; a port and partner this domain
 * already uses is -EADDRINUSE, one another driver registered -EEXIST).
 * SEND copies the caller's
 * buffer into the kernel and sends it with one sendv; RECV copies one message
 * out of the file's ring.  Pointers travel as __u64.  Every pad field must be
 * zero; unknown flags and ioctls are refused (-EINVAL, -ENOTTY).
 */
#ifndef _V4V_TESTIF_H
#define _V4V_TESTIF_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define V4V_TEST_NONBLOCK	0x1U	/* SEND, RECV: -EAGAIN instead of sleeping */
#define V4V_TEST_PEEK		0x2U	/* RECV: leave the message in the ring */

struct v4v_test_bind {
	__u32 port;		/* IN */
	__u16 partner;		/* IN: sender allowed, or 0x7ff4 for any */
	__u16 pad;
	__u32 ring_len;		/* IN: data bytes, multiple of 16 */
	__u32 flags;		/* IN: must be zero */
};

struct v4v_test_send {
	__u64 buf;		/* IN: payload */
	__u32 len;		/* IN */
	__u32 flags;		/* IN: V4V_TEST_NONBLOCK */
	__u32 dst_port;		/* IN */
	__u16 dst_domain;	/* IN */
	__u16 pad;
	__u32 src_port;		/* IN: claimed source port (the bound port if 0) */
	__u32 message_type;	/* IN */
};

struct v4v_test_recv {
	__u64 buf;		/* IN: destination buffer */
	__u32 len;		/* IN: its size; OUT: bytes copied */
	__u32 flags;		/* IN: V4V_TEST_NONBLOCK, V4V_TEST_PEEK */
	__u32 msg_len;		/* OUT: whole payload (more than len: truncated) */
	__u32 src_port;		/* OUT */
	__u16 src_domain;	/* OUT: authenticated by Xen */
	__u16 pad;
	__u32 message_type;	/* OUT */
};

/* Argo's notify query for one destination ring. */
struct v4v_test_query {
	__u32 port;		/* IN */
	__u16 domain;		/* IN */
	__u16 flags;		/* OUT: V4V_ARGO_RING_* */
	__u32 space_required;	/* IN */
	__u32 max_message_size;	/* OUT */
};

#define V4V_TEST_IOC_BIND	_IOW('V', 0xe0, struct v4v_test_bind)
#define V4V_TEST_IOC_UNBIND	_IO('V', 0xe1)
#define V4V_TEST_IOC_SEND	_IOW('V', 0xe2, struct v4v_test_send)	/* returns bytes */
#define V4V_TEST_IOC_RECV	_IOWR('V', 0xe3, struct v4v_test_recv)
#define V4V_TEST_IOC_QUERY	_IOWR('V', 0xe4, struct v4v_test_query)
#define V4V_TEST_IOC_DOMID	_IO('V', 0xe5)				/* returns domid */

#endif /* _V4V_TESTIF_H */
