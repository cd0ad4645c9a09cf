// SPDX-License-Identifier: GPL-2.0
/*
 * Pure Argo ring logic; see ring.h for the layout and the concurrency rules.
 *
 * Barrier pairing, for a producer P and a consumer C on one ring:
 *   P writes message, smp_wmb(), stores tx    (v4v_ring_commit)
 *   C loads tx, smp_rmb(), reads message       (v4v_ring_peek)
 *   C reads payload, smp_mb(), stores rx       (v4v_ring_consume)
 *   P loads rx, then overwrites freed space    (v4v_ring_free: the data
 *     dependency from rx to the space computation orders it; Xen does the same)
 * Xen is the producer of every ring on the xen backend.
 */
#include <linux/kernel.h>
#include <linux/compiler.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <asm/barrier.h>

#include "ring.h"

#define SLOT_ALIGN(x) (((x) + V4V_ARGO_MSG_SLOT_SIZE - 1) & ~(V4V_ARGO_MSG_SLOT_SIZE - 1))

/* Frames Xen wants for a ring of len data bytes: the 64-byte header counts. */
u32 v4v_ring_npages(u32 len)
{
	return DIV_ROUND_UP((u64)len + V4V_ARGO_RING_HDR_SIZE, V4V_ARGO_PAGE_SIZE);
}

bool v4v_ring_len_valid(u32 len)
{
	return len >= V4V_ARGO_MIN_RING_LEN && len <= V4V_ARGO_MAX_RING_LEN &&
	       len % V4V_ARGO_MSG_SLOT_SIZE == 0;
}

/* What Xen reports as max_message_size: a header and one slot stay free. */
u32 v4v_ring_max_payload(u32 len)
{
	return len >= 2 * V4V_ARGO_MSG_HDR_SIZE ? len - 2 * V4V_ARGO_MSG_HDR_SIZE : 0;
}

/* Bytes between rx and tx; both must be below len. */
u32 v4v_ring_used(u32 rx, u32 tx, u32 len)
{
	return tx >= rx ? tx - rx : len - rx + tx;
}

void v4v_ring_view_init(struct v4v_ring_view *v, void *mem, u32 len)
{
	v->hdr = mem;
	v->data = v->hdr->ring;
	v->len = len;
}

/*
 * Describe the oldest message without consuming it.  Returns 0, -EAGAIN when
 * the ring is empty, or -EBADMSG when the indices or the header cannot be
 * right (the ring is then unusable until the caller resets it).
 */
int v4v_ring_peek(const struct v4v_ring_view *v, struct v4v_ring_msg *m)
{
	struct v4v_argo_msg_hdr h;
	u32 rx, tx, used;

	rx = READ_ONCE(v->hdr->rx_ptr);
	tx = READ_ONCE(v->hdr->tx_ptr);
	if (rx == tx)
		return -EAGAIN;
	/* Read tx before the message it covers: pairs with v4v_ring_commit(). */
	smp_rmb();
	if (rx >= v->len || tx >= v->len || (rx | tx) % V4V_ARGO_MSG_SLOT_SIZE)
		return -EBADMSG;
	used = v4v_ring_used(rx, tx, v->len);

	/* rx is slot aligned and below len, so the header lies within the ring. */
	memcpy(&h, v->data + rx, sizeof(h));
	if (h.len < V4V_ARGO_MSG_HDR_SIZE || h.len > used)
		return -EBADMSG;

	m->off = rx;
	m->payload_len = h.len - V4V_ARGO_MSG_HDR_SIZE;
	m->src_port = h.source.aport;
	m->src_domain = h.source.domain_id;
	m->type = h.message_type;
	return 0;
}

bool v4v_ring_has_msg(const struct v4v_ring_view *v)
{
	return READ_ONCE(v->hdr->rx_ptr) != READ_ONCE(v->hdr->tx_ptr);
}

/*
 * Split bytes [offset, offset + n) of the payload whose header sits at hdr_off
 * into at most two pieces: the payload may run past the end of the ring and
 * continue at offset 0.  The caller keeps offset + n within the payload, which
 * is shorter than len, so one wrap is all there can be.
 */
static unsigned int payload_chunks(const struct v4v_ring_view *v, u32 hdr_off,
				   u32 offset, u32 n, struct v4v_ring_chunk c[2])
{
	u32 start = hdr_off + V4V_ARGO_MSG_HDR_SIZE + offset;
	u32 first;

	if (!n)
		return 0;
	if (start >= v->len)
		start -= v->len;
	first = min(n, v->len - start);
	c[0].p = v->data + start;
	c[0].n = first;
	if (first == n)
		return 1;
	c[1].p = v->data;
	c[1].n = n - first;
	return 2;
}

unsigned int v4v_ring_msg_chunks(const struct v4v_ring_view *v,
				 const struct v4v_ring_msg *m, u32 offset,
				 u32 n, struct v4v_ring_chunk c[2])
{
	return payload_chunks(v, m->off, offset, n, c);
}

static u32 ring_advance(const struct v4v_ring_view *v, u32 off, u32 payload_len)
{
	u32 next = off + v4v_ring_msg_slot(payload_len);

	return next >= v->len ? next - v->len : next;
}

/* Release the message m (found by the last peek) back to the producer. */
void v4v_ring_consume(const struct v4v_ring_view *v,
		      const struct v4v_ring_msg *m)
{
	u32 next = ring_advance(v, m->off, m->payload_len);

	/* Finish reading the payload before the producer may reuse its space. */
	smp_mb();
	WRITE_ONCE(v->hdr->rx_ptr, next);
}

/* Drop everything queued: the recovery for a ring that failed peek. */
void v4v_ring_discard_all(const struct v4v_ring_view *v)
{
	u32 tx = READ_ONCE(v->hdr->tx_ptr);

	/* Same ordering as consume: nothing of the old data is read after this. */
	smp_mb();
	WRITE_ONCE(v->hdr->rx_ptr, tx < v->len ? SLOT_ALIGN(tx) % v->len : 0);
}

/*
 * Free bytes as the producer sees them.  rx belongs to the consumer and is
 * not trusted: it is rounded up to a slot and wrapped, exactly as Xen does,
 * so a bogus value can only make the consumer lose its own messages.
 */
u32 v4v_ring_free(const struct v4v_ring_view *v, u32 tx)
{
	u32 rx = SLOT_ALIGN(READ_ONCE(v->hdr->rx_ptr));

	if (rx >= v->len)
		rx = 0;
	return rx > tx ? rx - tx : v->len - (tx - rx);
}

/*
 * Claim room for one message at the producer's tx.  -EMSGSIZE if it can
 * never fit, -EAGAIN if it does not fit now.  The last free slot is never
 * handed out, so a full ring never looks empty.
 */
int v4v_ring_reserve(const struct v4v_ring_view *v, u32 tx, u32 payload_len,
		     struct v4v_ring_resv *r)
{
	u32 slot;

	if (payload_len > V4V_ARGO_MAX_SENDV_LEN)
		return -EMSGSIZE;
	slot = v4v_ring_msg_slot(payload_len);
	if (slot >= v->len)
		return -EMSGSIZE;
	if (slot >= v4v_ring_free(v, tx))
		return -EAGAIN;
	r->off = tx;
	r->payload_len = payload_len;
	r->next_tx = ring_advance(v, tx, payload_len);
	return 0;
}

void v4v_ring_write_hdr(const struct v4v_ring_view *v,
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

unsigned int v4v_ring_resv_chunks(const struct v4v_ring_view *v,
				  const struct v4v_ring_resv *r, u32 offset,
				  u32 n, struct v4v_ring_chunk c[2])
{
	return payload_chunks(v, r->off, offset, n, c);
}

/* Publish a reserved message whose header and payload are written. */
void v4v_ring_commit(const struct v4v_ring_view *v,
		     const struct v4v_ring_resv *r)
{
	/* Message contents before the tx that covers them: pairs with peek. */
	smp_wmb();
	WRITE_ONCE(v->hdr->tx_ptr, r->next_tx);
}
