// SPDX-License-Identifier: GPL-2.0
/*
 * Pure Argo ring logic; see ring.h for the layout and the concurrency rules.
 *
 * Ordering, for a producer P and a consumer C on one ring:
 *   P writes the message, then store-releases tx       (v4v_ring_commit)
 *   C load-acquires tx, then reads the message         (v4v_ring_peek)
 *   C reads the payload, then store-releases rx        (v4v_ring_consume)
 *   P load-acquires rx, then overwrites freed space    (v4v_ring_free)
 * Release/acquire is exactly the ordering each step needs (a release orders
 * the reads before it too, so the payload is read before rx frees it), and on
 * x86 it costs no fence instruction, where a full barrier per message would
 * drain the store buffer.  Xen, the producer on the xen backend, writes the
 * message before tx and reads rx before reusing space; on x86 the hardware
 * keeps those orders, which is what makes Xen's side of the pairing hold.
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
	const struct v4v_argo_msg_hdr *h;
	u32 rx, tx, used, len;

	rx = READ_ONCE(v->hdr->rx_ptr);
	/* Acquire: the message tx covers is read after tx (see the top). */
	tx = smp_load_acquire(&v->hdr->tx_ptr);
	if (rx == tx)
		return -EAGAIN;
	if (rx >= v->len || tx >= v->len || (rx | tx) % V4V_ARGO_MSG_SLOT_SIZE)
		return -EBADMSG;
	used = v4v_ring_used(rx, tx, v->len);

	/*
	 * rx is slot aligned and below len, so the header lies within the ring.
	 * Each field is read once: what is checked is what is used.
	 */
	h = (const struct v4v_argo_msg_hdr *)(v->data + rx);
	len = READ_ONCE(h->len);
	if (len < V4V_ARGO_MSG_HDR_SIZE || len > used)
		return -EBADMSG;

	m->off = rx;
	m->payload_len = len - V4V_ARGO_MSG_HDR_SIZE;
	m->src_port = READ_ONCE(h->source.aport);
	m->src_domain = READ_ONCE(h->source.domain_id);
	m->type = READ_ONCE(h->message_type);
	return 0;
}

/*
 * Drop everything queued: the recovery for a ring that failed peek.  -EIO if
 * the producer's index itself is unusable; rx is then left alone.
 */
int v4v_ring_discard_all(const struct v4v_ring_view *v)
{
	u32 tx = READ_ONCE(v->hdr->tx_ptr);

	if (tx >= v->len || tx % V4V_ARGO_MSG_SLOT_SIZE)
		return -EIO;
	/* Release, as in v4v_ring_consume(). */
	smp_store_release(&v->hdr->rx_ptr, tx);
	return 0;
}

/*
 * Free bytes as the producer sees them.  rx belongs to the consumer and is
 * not trusted: it is rounded up to a slot and wrapped, exactly as Xen does,
 * so a bogus value can only make the consumer lose its own messages.
 */
u32 v4v_ring_free(const struct v4v_ring_view *v, u32 tx)
{
	/* Acquire: space is overwritten only after the consumer released it. */
	u32 rx = SLOT_ALIGN(smp_load_acquire(&v->hdr->rx_ptr));

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
	r->next_tx = __v4v_ring_advance(v, tx, payload_len);
	return 0;
}
