/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Pure Argo ring logic: geometry, the consumer that reads messages Xen wrote,
 * and a producer with Xen's exact semantics (for the loopback backend and the
 * tests).  Only generic headers are used, so the same file builds into the
 * module, into KUnit on UML and into userspace (benchmark, CUnit).
 *
 * A ring is a 64-byte header (rx_ptr, tx_ptr) followed by len data bytes.
 * Offsets are multiples of 16 below len.  rx_ptr == tx_ptr means empty; the
 * producer never fills the last slot, so full is never mistaken for empty.
 * Each message is a 16-byte header, then the payload, padded to 16 bytes; the
 * payload may wrap to offset 0, a header never does.
 *
 * Concurrency: the functions here take no locks.  One consumer and one
 * producer may work on a ring at once; callers serialise consumers among
 * themselves (and producers among themselves).  The barriers that order the
 * consumer against the producer are inside these functions and commented.
 */
#ifndef _V4V_RING_H
#define _V4V_RING_H

#include <linux/compiler.h>
#include <linux/string.h>
#include <linux/types.h>
#include <asm/barrier.h>
#include <v4v/argo.h>

struct v4v_ring_view {
	struct v4v_argo_ring *hdr;	/* shared with the producer */
	u8 *data;			/* hdr->ring */
	u32 len;			/* data bytes */
};

/* A message found by v4v_ring_peek(). */
struct v4v_ring_msg {
	u32 off;			/* offset of its header */
	u32 payload_len;
	u32 src_port;
	u16 src_domain;
	u32 type;
};

/* A contiguous piece of ring data: a payload is one or two of these. */
struct v4v_ring_chunk {
	u8 *p;
	u32 n;
};

/* Space claimed by v4v_ring_reserve() and published by v4v_ring_commit(). */
struct v4v_ring_resv {
	u32 off;			/* where the message header goes */
	u32 payload_len;
	u32 next_tx;			/* tx once committed */
};

/* Slot bytes one message of payload_len occupies. */
static inline u32 v4v_ring_msg_slot(u32 payload_len)
{
	return V4V_ARGO_MSG_HDR_SIZE +
	       ((payload_len + V4V_ARGO_MSG_SLOT_SIZE - 1) & ~(V4V_ARGO_MSG_SLOT_SIZE - 1));
}

u32 v4v_ring_npages(u32 len);
bool v4v_ring_len_valid(u32 len);
u32 v4v_ring_max_payload(u32 len);
void v4v_ring_view_init(struct v4v_ring_view *v, void *mem, u32 len);

/* Consumer. */
int v4v_ring_peek(const struct v4v_ring_view *v, struct v4v_ring_msg *m);
int v4v_ring_discard_all(const struct v4v_ring_view *v);

/* Producer (Argo semantics; tx is the producer's private copy). */
u32 v4v_ring_free(const struct v4v_ring_view *v, u32 tx);
int v4v_ring_reserve(const struct v4v_ring_view *v, u32 tx, u32 payload_len,
		     struct v4v_ring_resv *r);

/*
 * The per-message steps below are inline: a call each would cost as much as
 * the work in them.  ring.c explains the ordering they implement.
 */

/* Bytes between rx and tx; both must be below len. */
static inline u32 v4v_ring_used(u32 rx, u32 tx, u32 len)
{
	return tx >= rx ? tx - rx : len - rx + tx;
}

static inline bool v4v_ring_has_msg(const struct v4v_ring_view *v)
{
	return READ_ONCE(v->hdr->rx_ptr) != READ_ONCE(v->hdr->tx_ptr);
}

/* Offset following a message of payload_len whose header is at off. */
static inline u32 __v4v_ring_advance(const struct v4v_ring_view *v, u32 off,
				     u32 payload_len)
{
	u32 next = off + v4v_ring_msg_slot(payload_len);

	return next >= v->len ? next - v->len : next;
}

/*
 * Split bytes [offset, offset + n) of the payload whose header sits at hdr_off
 * into at most two pieces: the payload may run past the end of the ring and
 * continue at offset 0.  The caller keeps offset + n within the payload, which
 * is shorter than len, so one wrap is all there can be.
 */
static inline unsigned int __v4v_ring_chunks(const struct v4v_ring_view *v,
					     u32 hdr_off, u32 offset, u32 n,
					     struct v4v_ring_chunk c[2])
{
	u32 start = hdr_off + V4V_ARGO_MSG_HDR_SIZE + offset;
	u32 first;

	if (!n)
		return 0;
	if (start >= v->len)
		start -= v->len;
	first = v->len - start < n ? v->len - start : n;
	c[0].p = v->data + start;
	c[0].n = first;
	if (first == n)
		return 1;
	c[1].p = v->data;
	c[1].n = n - first;
	return 2;
}

static inline unsigned int v4v_ring_msg_chunks(const struct v4v_ring_view *v,
					       const struct v4v_ring_msg *m,
					       u32 offset, u32 n,
					       struct v4v_ring_chunk c[2])
{
	/* A stale or bogus offset copies nothing rather than past m. */
	if (offset > m->payload_len)
		return 0;
	if (n > m->payload_len - offset)
		n = m->payload_len - offset;
	return __v4v_ring_chunks(v, m->off, offset, n, c);
}

/* Release message m (found by the last peek) back to the producer. */
static inline void v4v_ring_consume(const struct v4v_ring_view *v,
				    const struct v4v_ring_msg *m)
{
	/* Release: the payload is read before the producer may reuse it. */
	smp_store_release(&v->hdr->rx_ptr,
			  __v4v_ring_advance(v, m->off, m->payload_len));
}

static inline void v4v_ring_write_hdr(const struct v4v_ring_view *v,
				      const struct v4v_ring_resv *r,
				      const struct v4v_argo_addr *src, u32 type)
{
	struct v4v_argo_msg_hdr h = {
		.len = r->payload_len + V4V_ARGO_MSG_HDR_SIZE,
		.source = *src,
		.message_type = type,
	};

	/* tx is slot aligned below len: the header never wraps. */
	memcpy(v->data + r->off, &h, sizeof(h));
}

static inline unsigned int v4v_ring_resv_chunks(const struct v4v_ring_view *v,
						const struct v4v_ring_resv *r,
						u32 offset, u32 n,
						struct v4v_ring_chunk c[2])
{
	return __v4v_ring_chunks(v, r->off, offset, n, c);
}

/* Publish a reserved message whose header and payload are written. */
static inline void v4v_ring_commit(const struct v4v_ring_view *v,
				   const struct v4v_ring_resv *r)
{
	/* Release: the message is visible before the tx that covers it. */
	smp_store_release(&v->hdr->tx_ptr, r->next_tx);
}

#endif /* _V4V_RING_H */
