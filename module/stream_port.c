// SPDX-License-Identifier: GPL-2.0
/*
 * Stream ports: the receive side of stream and seqpacket sockets.
 *
 * A port is a bound ring plus the connections whose messages arrive in it:
 * a connecting socket's own connection, or a listener's children, which
 * share the listener's ring as in OpenXT (Xen allows 128 rings a domain,
 * too few for a ring per connection).  Each ring event queues the port's
 * pump, which drains every message into the connection it belongs to:
 * control messages drive the state machine, data becomes an skb on the
 * receive queue.  The ring therefore never holds one connection's data in
 * front of another's, so a slow reader stalls nobody (no head-of-line
 * blocking); credit keeps each queue bounded (Documentation/
 * stream-protocol.rst).  Only OpenXT peers, which know no credit, can
 * stall a port: when such a connection has a full window of unread data
 * the pump stops until its reader catches up.
 *
 * Nothing from the wire is trusted.  A message must be a stream message,
 * long enough for its headers, with known flags, and match a connection
 * by the sending domain (which Xen vouches for), its port and the conid;
 * anything else is dropped and counted, and answered with RST where a
 * connection would have been refused.
 *
 * Lifetime: the port holds a ring reference; its binder, every child and
 * every FIN it still owes (stream_live.c) hold a port reference.  A port
 * whose binder closed refuses new connections, and a socket of the same
 * type that binds it again with the same ring size adopts it.  The last
 * put frees it after an RCU grace period, since the ring's event walk may
 * still queue the pump until then.
 * Locking: see stream.h.
 */
#include <linux/jhash.h>
#include <linux/random.h>
#include <linux/skbuff.h>
#include <linux/slab.h>

#include "backend.h"
#include "rings.h"
#include "stats.h"
#include "stream.h"

static struct workqueue_struct *v4v_stream_wq;

/*
 * How long messages nobody owns or waits for stay in the ring before the
 * pump takes them: long enough for a reader in a loop (even one that QEMU
 * deschedules) to come back and take them itself.  Nobody can be waiting
 * for them meanwhile: poll() and FIONREAD take them at once.
 */
#define V4V_STREAM_LATER	msecs_to_jiffies(10)

/*
 * The bucket of a connection: the peer picks all three words, so the seed
 * is the port's own secret, or a peer could pick connection ids that all
 * land in one bucket and make every message walk them.
 */
u32 v4v_sport_conn_key(const struct v4v_sport *sp, u16 domain, u32 port, u32 conid)
{
	return jhash_3words(domain, port, conid, sp->hash_seed);
}

/* The connection a message from (domain, port) with conid belongs to. */
static struct sock *sport_find(struct v4v_sport *sp, u16 domain, u32 port, u32 conid)
{
	struct v4v_sock *vs;

	lockdep_assert_held(&sp->lock);
	hash_for_each_possible(sp->conns, vs, st.node,
			       v4v_sport_conn_key(sp, domain, port, conid))
		if (vs->peer.domain_id == domain && vs->peer.aport == port &&
		    vs->st.conid == conid)
			return &vs->sk;
	return NULL;
}

/* Make sk findable by its peer's messages; sk's peer and conid are set. */
void v4v_sport_hash(struct v4v_sport *sp, struct sock *sk)
{
	struct v4v_sock *vs = v4v_sk(sk);

	spin_lock(&sp->lock);
	hash_add(sp->conns, &vs->st.node,
		 v4v_sport_conn_key(sp, vs->peer.domain_id, vs->peer.aport, vs->st.conid));
	WRITE_ONCE(sp->nconns, sp->nconns + 1);
	spin_unlock(&sp->lock);
}

void v4v_sport_unhash(struct v4v_sport *sp, struct sock *sk)
{
	spin_lock(&sp->lock);
	/* A listener, or a connection that never got this far, is not in. */
	if (hash_hashed(&v4v_sk(sk)->st.node)) {
		hash_del(&v4v_sk(sk)->st.node);
		WRITE_ONCE(sp->nconns, sp->nconns - 1);
	}
	spin_unlock(&sp->lock);
	/*
	 * Events look at it under RCU only while it is hashed (sk_free).  In
	 * one step: another connection's reader may park between a look and
	 * a store, and its parked_sk must not be the one cleared.
	 */
	cmpxchg(&sp->parked_sk, sk, NULL);
}

/* Run the pump again: a reader made room after the port stalled. */
void v4v_sport_kick(struct v4v_sport *sp)
{
	if (READ_ONCE(sp->stalled))
		queue_work(v4v_stream_wq, &sp->pump);
}

/* The ring's next message is from sk's peer (a lockless hint). */
static bool head_from_peer(struct v4v_ring *ring, struct sock *sk)
{
	struct v4v_sock *vs = v4v_sk(sk);
	struct v4v_ring_msg m;

	return !v4v_ring_peek(&ring->view, &m) && m.src_domain == vs->peer.domain_id &&
	       m.src_port == vs->peer.aport;
}

/*
 * Queue the pump for what the ring holds.  Messages for the port's only
 * connection that nobody waits on (not even poll) may wait a little: a
 * reader that comes soon takes them itself, one copy instead of two, and
 * if none comes the pump takes them later.  Anything else goes at once: a
 * SYN for the listener, another connection's data, a waiter's data.
 */
static void pump_soon(struct v4v_sport *sp)
{
	/* Acquire: pairs with the binder's release, as in the pump. */
	struct v4v_ring *ring = smp_load_acquire(&sp->ring);
	struct sock *sk;
	bool later;

	if (!ring || !v4v_ring_has_msg(&ring->view))
		return;
	/* The socket is freed by RCU (SOCK_RCU_FREE): it outlives the look. */
	rcu_read_lock();
	sk = READ_ONCE(sp->parked_sk);
	/* The barrier in skwq_has_sleeper() pairs with sock_poll_wait()'s. */
	later = sk && READ_ONCE(sp->nconns) == 1 && head_from_peer(ring, sk) &&
		!skwq_has_sleeper(rcu_dereference(sk->sk_wq));
	rcu_read_unlock();
	if (later)
		queue_delayed_work(v4v_stream_wq, &sp->later, V4V_STREAM_LATER);
	else
		queue_work(v4v_stream_wq, &sp->pump);
}

/*
 * Owning a port.  A task in a call on the port's only connection owns the
 * port: the ring's events then wake it instead of queueing the pump, and
 * it takes its messages itself (v4v_sport_take()), a reader copying data
 * straight into its buffer: one copy and one wake-up fewer than the
 * pump's way.  A listener may share the port (a server that goes on
 * listening): the owner leaves a SYN to the pump, which then hands the
 * owner's messages back to it and delivers anyone else's.  Once the port
 * carries a second connection the owner lets go at its next look, so a
 * task that is slow to run delays nobody else's messages.
 *
 * The owner parks a token (itself) before it looks at the ring or sleeps;
 * an event takes the token (xchg) and wakes the socket's waiters.  An
 * event that finds the owner without its token leaves the message alone:
 * the owner was woken and parks again before it looks.  Of two waiters,
 * each learns whether an event came for it.
 */
bool v4v_sport_park(struct v4v_sport *sp, struct sock *sk)
{
	bool solo;

	spin_lock(&sp->lock);
	solo = sp->nconns == 1 && hash_hashed(&v4v_sk(sk)->st.node);
	spin_unlock(&sp->lock);
	if (!solo) {
		/* A connection came since we took the port: let go of it now. */
		if (READ_ONCE(sp->owner) == current)
			v4v_sport_unpark(sp);
		return false;
	}
	/* Always sk (the port's only connection); cmpxchg orders it first. */
	WRITE_ONCE(sp->parked_sk, sk);
	if (cmpxchg(&sp->parked, NULL, current))
		return false;
	WRITE_ONCE(sp->owner, current);
	/* The owner looks at the ring next: no need to pump it later. */
	if (delayed_work_pending(&sp->later))
		cancel_delayed_work(&sp->later);
	return true;
}

/* An event came since the caller parked. */
bool v4v_sport_woken(struct v4v_sport *sp)
{
	return READ_ONCE(sp->parked) != current;
}

/*
 * Stop owning the port.  What the ring still holds goes to the pump (an
 * owner that comes straight back, a reader in a loop, may take its own
 * first: see pump_soon()).
 */
void v4v_sport_unpark(struct v4v_sport *sp)
{
	cmpxchg(&sp->parked, current, NULL);
	cmpxchg(&sp->owner, current, NULL);
	/* No owner, then look: pairs with the barrier in owner_will_look(). */
	smp_mb();
	pump_soon(sp);
}

/*
 * The port's owner was woken and will look at the ring before it sleeps
 * or leaves: a new message is its business.
 */
static bool owner_will_look(struct v4v_sport *sp)
{
	/* The message first, then the owner: pairs with v4v_sport_unpark(). */
	smp_mb();
	return READ_ONCE(sp->owner);
}

/* Give an event to the port's owner, if there is one: true if taken. */
static bool hand_over(struct v4v_sport *sp)
{
	struct sock *sk;

	if (!READ_ONCE(sp->parked) || !xchg(&sp->parked, NULL))
		return false;
	/*
	 * The owner's socket is freed by RCU (SOCK_RCU_FREE) and our callers
	 * hold RCU or a reference, so it outlives this even if the owner
	 * leaves at once.  xchg orders the parked_sk read after it.
	 */
	sk = READ_ONCE(sp->parked_sk);
	if (!sk)
		return false;	/* unhashed under a failing connect: the pump's */
	v4v_stat_inc(stream_parked);
	sk->sk_data_ready(sk);
	return true;
}

/* Copy the first n payload bytes of m (n at most its length). */
static void msg_head(struct v4v_ring *ring, const struct v4v_ring_msg *m,
		     void *buf, u32 n)
{
	struct v4v_ring_chunk c[2];
	unsigned int i, k;
	u32 done = 0;

	k = v4v_ring_msg_chunks(&ring->view, m, 0, n, c);
	for (i = 0; i < k; done += c[i].n, i++)
		memcpy(buf + done, c[i].p, c[i].n);
}

/* A hello, if the payload starts with a valid one after the header. */
static bool parse_hello(const u8 *buf, u32 n, struct v4v_stream_hello *h)
{
	if (n < sizeof(struct v4v_stream_hdr) + sizeof(*h))
		return false;
	memcpy(h, buf + sizeof(struct v4v_stream_hdr), sizeof(*h));
	return h->magic == V4V_STREAM_HELLO_MAGIC && h->version >= 1;
}

static enum v4v_st_event flags_event(u32 flags)
{
	if (flags & V4V_STREAM_RST)
		return V4V_EV_RX_RST;
	if (flags & V4V_STREAM_SYN)
		return V4V_EV_RX_SYN;
	if (flags & V4V_STREAM_ACK)
		return V4V_EV_RX_ACK;
	if (flags & V4V_STREAM_FIN)
		return V4V_EV_RX_FIN;
	if (flags & V4V_STREAM_CREDIT)
		return V4V_EV_RX_CREDIT;
	return V4V_EV_RX_DATA;
}

/* Copy len payload bytes of m, from offset off, to the end of skb. */
static void copy_payload(struct sk_buff *skb, struct v4v_ring *ring,
			 const struct v4v_ring_msg *m, u32 off, u32 len)
{
	struct v4v_ring_chunk c[2];
	unsigned int i, k;

	k = v4v_ring_msg_chunks(&ring->view, m, off, len, c);
	for (i = 0; i < k; i++)
		skb_put_data(skb, c[i].p, c[i].n);
}

/*
 * An skb holding len bytes of m: small payloads in a linear skb, which
 * later small stream payloads join (so memory stays near the bytes credit
 * allows, whatever the message sizes), the rest in page fragments.  Not
 * __GFP_ACCOUNT: the memory is charged to sk's cgroup once queued (see
 * deliver()), not to whichever task (a kworker, mostly) runs this.
 */
static struct sk_buff *payload_skb(struct sock *sk, struct v4v_ring *ring,
				   const struct v4v_ring_msg *m, u32 off, u32 len)
{
	struct v4v_ring_chunk c[2];
	struct sk_buff *skb;
	unsigned int i, k;
	int err, done = 0;

	if (len <= V4V_STREAM_SMALL) {
		skb = alloc_skb(sk->sk_type == SOCK_STREAM ? V4V_STREAM_SMALL_SKB : len,
				GFP_KERNEL);
		if (skb)
			copy_payload(skb, ring, m, off, len);
		return skb;
	}
	skb = alloc_skb_with_frags(0, len, PAGE_ALLOC_COSTLY_ORDER, &err, GFP_KERNEL);
	if (!skb)
		return NULL;
	/* The payload is all in page fragments: no linear part. */
	skb->data_len = len;
	skb->len = len;
	k = v4v_ring_msg_chunks(&ring->view, m, off, len, c);
	for (i = 0; i < k; done += c[i].n, i++) {
		if (skb_store_bits(skb, done, c[i].p, c[i].n)) {
			kfree_skb(skb);
			return NULL;
		}
	}
	return skb;
}

/* Queue len payload bytes of m, from offset off, on sk; lock_sock held. */
static int deliver(struct sock *sk, struct v4v_ring *ring,
		   const struct v4v_ring_msg *m, u32 off, u32 len)
{
	struct v4v_stream *st = &v4v_sk(sk)->st;
	struct sk_buff *skb, *tail;

	sock_owned_by_me(sk);
	/* A small stream payload joins the last small skb if it fits. */
	tail = skb_peek_tail(&sk->sk_receive_queue);
	if (sk->sk_type == SOCK_STREAM && len <= V4V_STREAM_SMALL && tail &&
	    !skb_is_nonlinear(tail) && skb_tailroom(tail) >= len) {
		copy_payload(tail, ring, m, off, len);
	} else {
		skb = payload_skb(sk, ring, m, off, len);
		if (!skb)
			return -ENOMEM;
		/* Charged to sk and its cgroup, within all v4v's limit (rcvmem.c). */
		if (!sk_rmem_schedule(sk, skb, skb->truesize)) {
			kfree_skb(skb);
			return -ENOBUFS;
		}
		skb_set_owner_r(skb, sk);
		skb_queue_tail(&sk->sk_receive_queue, skb);
	}
	WRITE_ONCE(st->rx_queued, st->rx_queued + v4v_stream_cost(sk, len));
	sk->sk_data_ready(sk);
	return 0;
}

/*
 * The peer's credit, if it is believable: it cannot have consumed more than
 * we sent, nor go back.  Returns false for a lying header.
 */
static bool take_credit(struct v4v_stream *st, const struct v4v_stream_credit *c)
{
	u32 was = st->tx_cnt - st->peer_fwd_cnt, now = st->tx_cnt - c->fwd_cnt;

	if (now > was)
		return false;
	st->peer_fwd_cnt = c->fwd_cnt;
	st->peer_buf_alloc = clamp(c->buf_alloc, V4V_STREAM_BUF_MIN, V4V_STREAM_BUF_MAX);
	return true;
}

/* A protocol violation by the peer: reset the connection. */
static void violation(struct sock *sk)
{
	v4v_stat_inc(stream_bad);
	v4v_stream_apply(sk, (struct v4v_st_step){ .next = V4V_ST_RESET,
			 .actions = V4V_ACT_SEND_RST | V4V_ACT_WAKE,
			 .err = -ECONNRESET }, true);
}

/* Copy up to n payload bytes of m, from offset off, to d's reader. */
static u32 copy_direct(struct v4v_ring *ring, const struct v4v_ring_msg *m,
		       u32 off, u32 n, struct v4v_direct *d)
{
	struct v4v_ring_chunk c[2];
	unsigned int i, k;
	u32 done = 0, got;

	k = v4v_ring_msg_chunks(&ring->view, m, off, n, c);
	for (i = 0; i < k; i++) {
		got = copy_to_iter(c[i].p, c[i].n, &d->msg->msg_iter);
		done += got;
		if (got < c[i].n) {
			d->fault = true;	/* the rest waits for a better buffer */
			break;
		}
	}
	d->copied += done;
	return done;
}

/*
 * Payload bytes [off, off + len) of m for sk: straight to d's reader as far
 * as it has room (when nothing older is queued), the rest to sk's queue.
 * False leaves m in the ring: partly read (sp->head_off says how far), or
 * no memory for the rest (the port stalls until a reader kicks it).
 */
static bool rx_payload(struct v4v_sport *sp, struct v4v_ring *ring, struct sock *sk,
		       const struct v4v_ring_msg *m, u32 off, u32 len,
		       struct v4v_direct *d)
{
	u32 took;

	lockdep_assert_held(&ring->rx_lock);
	if (d && skb_queue_empty(&sk->sk_receive_queue)) {
		took = copy_direct(ring, m, off, min_t(size_t, len, d->room - d->copied), d);
		v4v_sk(sk)->st.fwd_cnt += took;
		v4v_stat_add(stream_direct, took);
		if (took < len) {
			sp->head_off += took;
			return false;
		}
		return true;
	}
	if (deliver(sk, ring, m, off, len)) {
		WRITE_ONCE(sp->stalled, true);
		return false;
	}
	v4v_stat_add(stream_pumped, len);
	return true;
}

/*
 * Message m for connection sk; lock_sock held.  Returns false to leave it
 * in the ring: see rx_payload().
 */
static bool conn_rx(struct v4v_sport *sp, struct v4v_ring *ring, struct sock *sk,
		    const struct v4v_ring_msg *m, enum v4v_st_event ev,
		    const u8 *buf, u32 n, struct v4v_direct *d)
{
	struct v4v_stream *st = &v4v_sk(sk)->st;
	struct v4v_stream_credit credit;
	struct v4v_stream_hello hello;
	struct v4v_st_step step;
	bool has_credit = false;
	u32 hl = sizeof(struct v4v_stream_hdr), len;

	/* The rest of a data message a reader took part of: checked, applied. */
	if (sp->head_off) {
		hl = v4v_stream_hdr_len(st) + sp->head_off;
		if (hl > m->payload_len) {
			/* The message shrank under us: the ring is not to be trusted. */
			sp->head_off = 0;
			violation(sk);
			return true;
		}
		len = m->payload_len - hl;
		if (!(READ_ONCE(sk->sk_shutdown) & RCV_SHUTDOWN))
			return rx_payload(sp, ring, sk, m, hl, len, d);
		st->fwd_cnt += len;	/* shut for reading since: gone, credited */
		v4v_stream_maybe_credit(sk);
		return true;
	}
	if (ev == V4V_EV_RX_ACK && sk->sk_state == V4V_ST_SYN_SENT &&
	    parse_hello(buf, n, &hello)) {
		if (hello.type != v4v_stream_wire_type(sk)) {
			violation(sk);
			return true;
		}
		st->ext = true;
		st->peer_buf_alloc = clamp(hello.buf_alloc, V4V_STREAM_BUF_MIN,
					   V4V_STREAM_BUF_MAX);
	} else if (st->ext && ev != V4V_EV_RX_RST && ev != V4V_EV_RX_SYN &&
		   ev != V4V_EV_RX_ACK) {
		if (n < sizeof(struct v4v_stream_hdr) + sizeof(credit)) {
			v4v_stat_inc(stream_bad);
			return true;
		}
		memcpy(&credit, buf + hl, sizeof(credit));
		has_credit = true;
		hl += sizeof(credit);
	}

	step = v4v_st_step(sk->sk_state, ev);
	if (step.actions & V4V_ACT_DROP)
		v4v_stat_inc(stream_dropped);
	if ((step.actions & V4V_ACT_CREDIT) && has_credit && !take_credit(st, &credit)) {
		violation(sk);
		return true;
	}
	len = m->payload_len - hl;
	if ((step.actions & V4V_ACT_DELIVER) && (len || sk->sk_type == SOCK_SEQPACKET)) {
		if (READ_ONCE(sk->sk_shutdown) & RCV_SHUTDOWN) {
			/* Shut for reading: gone, and credited. */
			st->fwd_cnt += v4v_stream_cost(sk, len);
			v4v_stream_maybe_credit(sk);
		} else if (len > V4V_STREAM_CHUNK_MAX ||
			   st->rx_queued + v4v_stream_cost(sk, len) > st->buf_alloc) {
			/*
			 * Bigger than we ever send, or more than we buffer: a
			 * v4v peer had no credit for it; an OpenXT peer (no
			 * credit) is reset rather than let stall the port.
			 */
			violation(sk);
			return true;
		} else if (!rx_payload(sp, ring, sk, m, hl, len, d)) {
			/* Partly read: the rest is data only, the step is due now. */
			if (sp->head_off)
				v4v_stream_apply(sk, step, true);
			return false;
		}
	}
	v4v_stream_apply(sk, step, true);
	return true;
}

/* listen(fd, n) queues at most n connections (TCP's check allows n + 1). */
static bool backlog_full(const struct sock *listener)
{
	return READ_ONCE(listener->sk_ack_backlog) >= READ_ONCE(listener->sk_max_ack_backlog);
}

/*
 * What a v4v peer may send before accept(): a small window, so that a peer
 * that fills the backlog with connections pins little; on a seqpacket port
 * room for one record of the largest size, or the client could not send it
 * before the server accepts.  Never more than the window after accept():
 * v4v_stream_open_window() only widens (a narrower window could find more
 * in flight than it allows).
 */
static u32 unaccepted_window(struct sock *child)
{
	u32 small = V4V_STREAM_BUF_MIN;

	if (child->sk_type == SOCK_SEQPACKET)
		small = max(small, v4v_stream_cost(child, V4V_STREAM_CHUNK_MAX));
	return min(small, v4v_stream_buf_alloc(child));
}

/* A SYN for the listener: queue a child and accept the connection. */
static void listener_rx(struct v4v_sport *sp, struct sock *listener,
			const struct v4v_ring_msg *m, u32 conid, const u8 *buf, u32 n)
{
	struct v4v_stream_hello hello;
	bool ext = parse_hello(buf, n, &hello);
	u16 type = ext ? hello.type : V4V_STREAM_TYPE_STREAM;
	struct v4v_sock *cvs;
	struct sock *child;
	bool queued = false;
	u32 max;

	if (READ_ONCE(listener->sk_state) != V4V_ST_LISTEN ||
	    type != v4v_stream_wire_type(listener) || backlog_full(listener))
		goto refuse;
	max = v4v_stream_peer_max(m->src_domain, m->src_port);
	if (!max)
		goto refuse;	/* nowhere to answer */
	child = v4v_sock_alloc_child(listener);
	if (!child)
		goto refuse;
	cvs = v4v_sk(child);
	cvs->port = sp->port;
	cvs->partner = sp->partner;
	cvs->peer.domain_id = m->src_domain;
	cvs->peer.aport = m->src_port;
	cvs->connected = true;
	kref_get(&sp->ref);
	cvs->st.sport = sp;
	cvs->st.conid = conid;
	cvs->st.ext = ext;
	cvs->st.peer_max = max;
	cvs->st.peer_buf_alloc = ext ? clamp(hello.buf_alloc, V4V_STREAM_BUF_MIN,
					     V4V_STREAM_BUF_MAX) : 0;
	/* An OpenXT peer knows no credit: it would be reset for going past it. */
	cvs->st.buf_alloc = ext ? unaccepted_window(child) : v4v_stream_buf_alloc(child);
	child->sk_state = V4V_ST_ESTABLISHED;

	/*
	 * ACK before anyone can see the child: once queued, accept() or the
	 * listener's close own it.  Nothing from the client can arrive in
	 * between: this pump is the port's only reader.
	 */
	lock_sock(child);
	if (!v4v_stream_send_ctl(child, V4V_STREAM_ACK)) {
		spin_lock(&sp->lock);
		if (sp->listener == listener && !backlog_full(listener)) {
			hash_add(sp->conns, &cvs->st.node,
				 v4v_sport_conn_key(sp, m->src_domain, m->src_port, conid));
			WRITE_ONCE(sp->nconns, sp->nconns + 1);
			list_add_tail(&cvs->st.accept_node, &sp->accept_q);
			sk_acceptq_added(listener);
			queued = true;
		}
		spin_unlock(&sp->lock);
	}
	if (queued)
		v4v_stream_live_add(child);
	else
		child->sk_state = V4V_ST_CLOSED;
	release_sock(child);
	if (!queued) {
		cvs->st.sport = NULL;
		v4v_sport_put(sp);
		sock_put(child);
		goto refuse;
	}
	listener->sk_data_ready(listener);
	return;

refuse:
	v4v_stat_inc(stream_refused);
	v4v_stream_send_rst(sp, m->src_domain, m->src_port, conid);
}

/* A stream message's headers, as far as the payload has them. */
struct rx_head {
	u8 buf[sizeof(struct v4v_stream_hdr) + sizeof(struct v4v_stream_hello)];
	u32 n;
	struct v4v_stream_hdr hdr;
	enum v4v_st_event ev;
};

/* Read m's headers into h; false for a message no connection could take. */
static bool rx_parse(struct v4v_ring *ring, const struct v4v_ring_msg *m,
		     struct rx_head *h)
{
	h->n = min_t(u32, m->payload_len, sizeof(h->buf));
	if (m->type != V4V_MSG_STREAM || h->n < sizeof(h->hdr)) {
		v4v_stat_inc(stream_bad);
		return false;
	}
	msg_head(ring, m, h->buf, h->n);
	memcpy(&h->hdr, h->buf, sizeof(h->hdr));
	if (h->hdr.flags & ~V4V_STREAM_KNOWN) {
		v4v_stat_inc(stream_bad);
		return false;
	}
	h->ev = flags_event(h->hdr.flags);
	return true;
}

/* The connection m is for, or for a SYN the listener (*listener); held. */
static struct sock *rx_owner(struct v4v_sport *sp, const struct v4v_ring_msg *m,
			     const struct rx_head *h, bool *listener)
{
	struct sock *sk;

	spin_lock(&sp->lock);
	sk = sport_find(sp, m->src_domain, m->src_port, h->hdr.conid);
	*listener = !sk && h->ev == V4V_EV_RX_SYN && sp->listener;
	if (*listener)
		sk = sp->listener;
	if (sk)
		sock_hold(sk);
	spin_unlock(&sp->lock);
	return sk;
}

/* Release m, and forget how much of it a reader took. */
static void rx_consumed(struct v4v_sport *sp, struct v4v_ring *ring,
			const struct v4v_ring_msg *m)
{
	v4v_ring_consumed_quiet(ring, m);
	sp->head_off = 0;
}

/* Dispatch one message; false leaves it in the ring. */
static bool pump_one(struct v4v_sport *sp, struct v4v_ring *ring,
		     const struct v4v_ring_msg *m)
{
	struct rx_head h;
	bool listener, keep = true;
	struct sock *sk;

	if (!rx_parse(ring, m, &h))
		return true;
	sk = rx_owner(sp, m, &h, &listener);
	if (!sk) {
		struct v4v_st_step step = v4v_st_step(V4V_ST_CLOSED, h.ev);

		v4v_stat_inc(stream_dropped);
		if ((step.actions & V4V_ACT_SEND_RST) &&
		    !v4v_stream_lingers(sp->port, m->src_domain, m->src_port, h.hdr.conid))
			v4v_stream_send_rst(sp, m->src_domain, m->src_port, h.hdr.conid);
		return true;
	}
	if (listener) {
		listener_rx(sp, sk, m, h.hdr.conid, h.buf, h.n);
	} else if (sk == READ_ONCE(sp->parked_sk) && (hand_over(sp) || owner_will_look(sp))) {
		keep = false;	/* sk's owner takes it, and what follows */
	} else {
		lock_sock(sk);
		keep = conn_rx(sp, ring, sk, m, h.ev, h.buf, h.n, NULL);
		release_sock(sk);
	}
	sock_put(sk);
	return keep;
}

/* A connection that may still be owed bytes from the peer. */
static bool conn_receiving(const struct sock *sk)
{
	int state = READ_ONCE(sk->sk_state);

	return state != V4V_ST_CLOSED && state != V4V_ST_RESET;
}

/*
 * The ring was emptied since the port last looked (its indices made no
 * sense): any connection may have lost bytes, and a byte stream with a
 * hole must not go on as if whole, so each is reset; and the offset into
 * the head message a reader had taken part of belongs to nothing now.
 * Rare (only a broken or hostile hypervisor gets here), so the walk starts
 * over after each reset rather than hold the table's lock across one.
 */
static void sport_ring_lost(struct v4v_sport *sp, struct v4v_ring *ring)
{
	struct v4v_sock *vs;
	struct sock *sk;
	unsigned int bkt;

	lockdep_assert_held(&ring->rx_lock);
	sp->head_off = 0;
	sp->discards_seen = ring->discards;
	for (;;) {
		sk = NULL;
		spin_lock(&sp->lock);
		hash_for_each(sp->conns, bkt, vs, st.node) {
			if (conn_receiving(&vs->sk)) {
				sk = &vs->sk;
				sock_hold(sk);
				break;
			}
		}
		spin_unlock(&sp->lock);
		if (!sk)
			return;
		lock_sock(sk);
		if (conn_receiving(sk))
			violation(sk);
		release_sock(sk);
		sock_put(sk);
	}
}

static void sport_pump(struct work_struct *work)
{
	struct v4v_sport *sp = container_of(work, struct v4v_sport, pump);
	/* Acquire: pairs with the binder's release once the ring is ours. */
	struct v4v_ring *ring = smp_load_acquire(&sp->ring);
	struct v4v_ring_msg m;
	unsigned int done = 0;
	int err;

	/* Gone already: an event raced with the last put. */
	if (!ring || !kref_get_unless_zero(&sp->ref))
		return;
	WRITE_ONCE(sp->stalled, false);
	mutex_lock(&ring->rx_lock);
	for (;;) {
		err = v4v_ring_peek_locked(ring, &m);
		/* Emptied by that peek, or since the last pass. */
		if (unlikely(ring->discards != sp->discards_seen))
			sport_ring_lost(sp, ring);
		if (err || !pump_one(sp, ring, &m))
			break;
		rx_consumed(sp, ring, &m);
		done++;
	}
	mutex_unlock(&ring->rx_lock);
	/* One notify for the batch: Xen wakes senders waiting for the room. */
	if (done)
		v4v_rings_notify();
	v4v_sport_put(sp);	/* maybe the last, now that the ring is unlocked */
}

/*
 * The notify hypercall after consuming matters only to a sender Argo
 * refused for want of room: it waits for our notify.  A v4v peer's
 * message is never bigger than V4V_STREAM_CHUNK_MAX and its headers, so if
 * the ring never looked fuller than its length less that to a sender while
 * we consumed, nobody can have been refused and the hypercall is skipped.
 * A refusal before we started left the ring at least as full when we
 * looked: it counts too.  The producer's index is not trusted: a bogus one
 * just means "notify".
 */
static u32 biggest_peer_msg(void)
{
	/* One slot more: Argo never fills the last one. */
	return v4v_ring_msg_slot(V4V_STREAM_CHUNK_MAX + sizeof(struct v4v_stream_hdr) +
				 sizeof(struct v4v_stream_credit)) + V4V_ARGO_MSG_SLOT_SIZE;
}

/*
 * The fullest a sender can have seen the ring while m was consumed: m and
 * everything behind it up to the producer's index once m was released (a
 * sender that saw m's room still taken saw no later index).  U32_MAX for
 * a bogus index.  m is released already; rx_lock held.
 */
static u32 held_while_consuming(struct v4v_ring *ring, const struct v4v_ring_msg *m)
{
	const struct v4v_ring_view *v = &ring->view;
	u32 rx = READ_ONCE(v->hdr->rx_ptr), tx;

	lockdep_assert_held(&ring->rx_lock);
	/*
	 * Full barrier: m's release (a store) is visible before tx is read,
	 * so a sender that still saw m in the ring had stored no index this
	 * load misses (store-to-load order is what a release alone lacks).
	 */
	smp_mb();
	tx = READ_ONCE(v->hdr->tx_ptr);
	if (rx >= v->len || tx >= v->len)
		return U32_MAX;
	return v4v_ring_msg_slot(m->payload_len) + v4v_ring_used(rx, tx, v->len);
}

/**
 * v4v_sport_take - take sk's messages from its port's ring, as the pump would
 * @sk: a connection; lock_sock held, dropped and taken again
 * @d: where data goes first (a stream reader's buffer), or NULL: the queue
 *
 * For a task that owns the port (v4v_sport_park()), or found its queue
 * empty and the ring not.  Stops at a message for anyone else, and leaves
 * it to the pump; stops where the reader has no room.
 */
void v4v_sport_take(struct sock *sk, struct v4v_direct *d)
{
	struct v4v_sock *vs = v4v_sk(sk);
	struct v4v_sport *sp = vs->st.sport;
	/* Acquire: pairs with the binder's release, as in the pump. */
	struct v4v_ring *ring = smp_load_acquire(&sp->ring);
	struct v4v_ring_msg m;
	bool tight, foreign = false;
	u32 taken = 0, held = 0;
	struct rx_head h;

	sock_owned_by_me(sk);
	if (!ring)
		return;
	/* The pump's lock order: the ring's lock, then the socket's. */
	release_sock(sk);
	mutex_lock(&ring->rx_lock);
	lock_sock(sk);
	while (!v4v_ring_peek_locked(ring, &m) || ring->discards != sp->discards_seen) {
		if (unlikely(ring->discards != sp->discards_seen)) {
			/* Bytes lost: sk first, the pump resets the others. */
			sp->head_off = 0;
			if (conn_receiving(sk))
				violation(sk);
			foreign = true;
			break;
		}
		if (d && (d->copied == d->room || d->fault))
			break;
		if (rx_parse(ring, &m, &h)) {
			/* sk's own tuple is fixed while it is connected: no lookup. */
			if (m.src_domain != vs->peer.domain_id || m.src_port != vs->peer.aport ||
			    h.hdr.conid != vs->st.conid) {
				foreign = true;
				break;
			}
			if (!conn_rx(sp, ring, sk, &m, h.ev, h.buf, h.n, d))
				break;
		}
		taken += v4v_ring_msg_slot(m.payload_len);
		rx_consumed(sp, ring, &m);
		held = max(held, held_while_consuming(ring, &m));
		/*
		 * Credit as we go, not when the read returns: a big read
		 * drains the whole window, and the sender would wait idle
		 * while all of it is copied (1 MiB reads ran at 0.6 of
		 * AF_UNIX).  After the release, so that what the credit lets
		 * the sender write finds the room.
		 */
		v4v_stream_maybe_credit(sk);
	}
	/* An OpenXT peer may send bigger messages: it always hears. */
	tight = taken && (!v4v_sk(sk)->st.ext || held > ring->view.len ||
			  ring->view.len - held < biggest_peer_msg());
	mutex_unlock(&ring->rx_lock);
	if (tight)
		v4v_rings_notify();
	/* A message for someone else: only the pump may take it. */
	if (foreign)
		queue_work(v4v_stream_wq, &sp->pump);
}

/**
 * v4v_sport_queue_rest - what the ring holds for sk, onto sk's queue now
 * @sk: a connection; lock_sock held, dropped and taken again
 *
 * For those who must count it (FIONREAD) or keep it (a close that resets
 * when data was left unread, liveness before a reset), and only while sk
 * may still receive.
 */
void v4v_sport_queue_rest(struct sock *sk)
{
	struct v4v_sport *sp = v4v_sk(sk)->st.sport;

	if (sp && v4v_st_can_receive(sk->sk_state) && v4v_sport_has_msg(sp))
		v4v_sport_take(sk, NULL);
}

/* poll() waits on sk: what the ring holds must reach its queue now. */
void v4v_sport_poll(struct v4v_sport *sp)
{
	if (v4v_sport_has_msg(sp))
		queue_work(v4v_stream_wq, &sp->pump);
}

/* The port's ring holds messages (a lockless hint). */
bool v4v_sport_has_msg(struct v4v_sport *sp)
{
	/* Acquire: pairs with the binder's release, as in the pump. */
	struct v4v_ring *ring = smp_load_acquire(&sp->ring);

	return ring && v4v_ring_has_msg(&ring->view);
}

/* The ring has messages; any context, under RCU (see rings.h). */
static void sport_data_ready(struct v4v_ring *ring)
{
	struct v4v_sport *sp = ring->owner;

	if (hand_over(sp) || owner_will_look(sp))
		return;
	pump_soon(sp);
}

/* An owner left messages behind: the pump takes them unless it came back. */
static void sport_later(struct work_struct *work)
{
	struct v4v_sport *sp = container_of(to_delayed_work(work), struct v4v_sport, later);

	queue_work(v4v_stream_wq, &sp->pump);
}

static void sport_free(struct work_struct *work)
{
	struct v4v_sport *sp = container_of(to_rcu_work(work), struct v4v_sport,
					    free_work);

	/* A grace period passed since the ring's last put: no more events. */
	cancel_delayed_work_sync(&sp->later);
	cancel_work_sync(&sp->pump);
	kfree(sp);
}

static void sport_release(struct kref *ref)
{
	struct v4v_sport *sp = container_of(ref, struct v4v_sport, ref);

	WARN_ON(!list_empty(&sp->accept_q) || !hash_empty(sp->conns) || sp->listener);
	/*
	 * Nobody may adopt us now; then the ring goes (ours is its last
	 * reference: the binder put its own first), and events may still
	 * reach us for a grace period.
	 */
	if (sp->ring) {
		v4v_ring_set_adoptable(sp->ring, false);
		v4v_ring_put(sp->ring);
	}
	INIT_RCU_WORK(&sp->free_work, sport_free);
	queue_rcu_work(v4v_stream_wq, &sp->free_work);
}

void v4v_sport_put(struct v4v_sport *sp)
{
	kref_put(&sp->ref, sport_release);
}

/*
 * Under rings.lock, where an adoptable ring's port is still alive (its
 * release clears adoptable first): a port for sockets of sk's type, and
 * not being released already.
 */
static bool sport_claim(struct v4v_ring *ring, void *arg)
{
	struct v4v_sport *sp = ring->owner;
	const struct sock *sk = arg;

	return sp->type == sk->sk_type && kref_get_unless_zero(&sp->ref);
}

/*
 * Bind to a port whose socket closed but which lives on, for the
 * connections it accepted or a FIN it owes: a server that restarts gets
 * its port back at once, and what it left goes on as it was.
 */
static bool sport_adopt(struct v4v_sock *vs, u32 port, u16 partner)
{
	struct v4v_ring *ring = v4v_ring_adopt(port, partner, vs->ring_len, sport_claim,
					       &vs->sk);

	if (!ring)
		return false;
	vs->ring = ring;
	vs->port = port;
	vs->partner = partner;
	vs->st.sport = ring->owner;
	return true;
}

/**
 * v4v_stream_bind_locked - bind a stream or seqpacket socket
 * @vs: the socket, unbound; lock_sock held
 * @port: port to bind, or 0 / V4V_PORT_ANY for an ephemeral one
 * @partner: the only domain that may connect, or V4V_DOMID_ANY
 *
 * Return: 0, or a negative socket errno.
 */
int v4v_stream_bind_locked(struct v4v_sock *vs, u32 port, u16 partner)
{
	struct v4v_sport *sp;
	int err;

	sock_owned_by_me(&vs->sk);
	/*
	 * Bound once: an accepted socket has its listener's port but no ring
	 * of its own, and a second port would orphan the first.
	 */
	if (vs->ring || vs->st.sport)
		return -EINVAL;
	if (port && port != V4V_PORT_ANY && sport_adopt(vs, port, partner))
		return 0;
	sp = kzalloc(sizeof(*sp), GFP_KERNEL_ACCOUNT);
	if (!sp)
		return -ENOMEM;
	kref_init(&sp->ref);
	INIT_WORK(&sp->pump, sport_pump);
	INIT_DELAYED_WORK(&sp->later, sport_later);
	spin_lock_init(&sp->lock);
	hash_init(sp->conns);
	sp->hash_seed = get_random_u32();
	INIT_LIST_HEAD(&sp->accept_q);

	err = v4v_bind_ring_locked(vs, port, partner, sport_data_ready, sp);
	if (err) {
		kfree(sp);
		return err;
	}
	sp->port = vs->port;
	sp->partner = vs->partner;
	sp->type = vs->sk.sk_type;
	v4v_ring_get(vs->ring);
	/* Release: the pump that sees the ring sees it initialised. */
	smp_store_release(&sp->ring, vs->ring);
	vs->st.sport = sp;
	/* Messages may have come before the pump could see the ring. */
	queue_work(v4v_stream_wq, &sp->pump);
	return 0;
}

int v4v_sport_wq_init(void)
{
	/* Pumps copy and allocate: a normal workqueue, not the event path. */
	v4v_stream_wq = alloc_workqueue("v4v_stream", WQ_HIGHPRI, 0);
	return v4v_stream_wq ? 0 : -ENOMEM;
}

void v4v_sport_wq_exit(void)
{
	/*
	 * A pump may drop a port's last reference (a lingering FIN's port
	 * gets messages until its last put): let every pump finish, then
	 * every port's free work is queued after a grace period.
	 */
	flush_workqueue(v4v_stream_wq);
	rcu_barrier();
	destroy_workqueue(v4v_stream_wq);
}
