/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * The v4v connection protocol on Argo messages: the wire format shared by
 * stream and seqpacket sockets.  Documentation/stream-protocol.rst describes
 * the protocol, its state machine and how it interoperates with OpenXT.
 *
 * Every message has message type V4V_MSG_STREAM and starts with OpenXT's
 * 8-byte header.  A connection is (client domain, client port, listener
 * domain, listener port, conid); Xen authenticates only the sending domain,
 * so receivers check all five.
 *
 * SYN and ACK carry a struct v4v_stream_hello when sent by v4v.  A peer that
 * answers without one (OpenXT) gets OpenXT's protocol: 8-byte headers, no
 * FIN (shutdown(SHUT_WR) is local), no credit.  With a v4v peer every other
 * message carries a struct v4v_stream_credit right after the header.
 */
#ifndef _V4V_STREAM_H
#define _V4V_STREAM_H

#include <linux/types.h>

#define V4V_MSG_STREAM		0x3574526dU	/* OpenXT's stream type */

/* Header flags.  SYN, ACK and RST are OpenXT's; the others are ours. */
#define V4V_STREAM_SYN		0x0001U	/* open (payload: hello) */
#define V4V_STREAM_ACK		0x0002U	/* accepted (payload: hello) */
#define V4V_STREAM_RST		0x0004U	/* abort, or "no such connection" */
#define V4V_STREAM_FIN		0x0008U	/* the sender will send no more data */
#define V4V_STREAM_CREDIT	0x0010U	/* a credit update, no payload */
#define V4V_STREAM_KNOWN	0x001fU

struct v4v_stream_hdr {
	__u32 flags;
	__u32 conid;			/* chosen at random by the client */
};

/*
 * Flow control, after the header of every message but SYN, ACK and RST
 * between v4v peers: the sender has consumed fwd_cnt bytes of this
 * connection (mod 2^32) and will buffer buf_alloc bytes in all, so the
 * receiver of this header may have buf_alloc - (sent - fwd_cnt) bytes in
 * flight towards it.
 */
struct v4v_stream_credit {
	__u32 fwd_cnt;
	__u32 buf_alloc;
};

#define V4V_STREAM_HELLO_MAGIC	0x53563456U	/* "V4VS" in memory order */
#define V4V_STREAM_VERSION	1
#define V4V_STREAM_TYPE_STREAM		1	/* byte stream */
#define V4V_STREAM_TYPE_SEQPACKET	5	/* one message per record */

struct v4v_stream_hello {
	__u32 magic;
	__u16 version;
	__u16 type;			/* V4V_STREAM_TYPE_* */
	__u32 buf_alloc;		/* initial credit */
	__u32 reserved;			/* zero */
};

#endif /* _V4V_STREAM_H */
