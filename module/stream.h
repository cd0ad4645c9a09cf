/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stream and seqpacket sockets, internal: the port (stream_port.c) is a
 * bound ring and the connections it carries; the socket operations
 * (stream.c) act on one connection end.
 *
 * Locking, outermost first:
 *   ring->rx_lock        the port's pump (the ring's only consumer)
 *   lock_sock(sk)        one connection: state, credit, receive queue
 *   sport->lock (spin)   the port's tables: conns, listener, accept queue
 *   stream_live.lock     (spin) the liveness list
 * A listener and its children are never locked together: release takes the
 * children off the accept queue under sport->lock, then locks each alone.
 */
#ifndef _V4V_STREAM_INT_H
#define _V4V_STREAM_INT_H

#include <linux/hashtable.h>
#include <linux/kref.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <v4v/stream.h>

#include "sock.h"
#include "stream_fsm.h"

struct v4v_ring;

struct v4v_sport {
	struct kref ref;		/* binder, children, lingering FINs, pump */
	struct v4v_ring *ring;		/* set once registered (release/acquire) */
	u32 port;
	u16 partner;
	int type;			/* of the sockets it serves */
	struct work_struct pump;	/* drains the ring into connections */
	struct delayed_work later;	/* the pump, after an owner left */
	struct rcu_work free_work;	/* after the last event may look at us */

	/*
	 * The task that owns the port (v4v_sport_park()), and its token:
	 * parked and unparked with cmpxchg, taken by an event with xchg.
	 */
	struct task_struct *owner;
	struct task_struct *parked;
	struct sock *parked_sk;		/* whose queue the parked task sleeps on */
	u32 head_off;			/* rx_lock: payload of the head message taken */
	u32 discards_seen;		/* rx_lock: ring->discards the port has answered */

	u32 hash_seed;			/* conns' secret: v4v_sport_conn_key() */
	spinlock_t lock;		/* the fields below */
	DECLARE_HASHTABLE(conns, 6);	/* by (peer domain, peer port, conid) */
	unsigned int nconns;		/* in conns; read locklessly as a hint */
	struct sock *listener;		/* listening on this port (a ref), or NULL */
	struct list_head accept_q;	/* children not yet accepted */
	bool stalled;			/* pump waits for an OpenXT peer's reader */
};

/* Wire and credit limits. */
#define V4V_STREAM_CHUNK_MAX	(64U * 1024U)	/* payload per message */
#define V4V_STREAM_BUF_MIN	(4U * 1024U)
#define V4V_STREAM_BUF_MAX	(16U * 1024U * 1024U)
/* A listener answers at once; a SYN unanswered this long never will be. */
#define V4V_STREAM_SYN_TIMEOUT	(30 * HZ)

/* stream_port.c */
void v4v_sport_put(struct v4v_sport *sp);
void v4v_sport_hash(struct v4v_sport *sp, struct sock *sk);
u32 v4v_sport_conn_key(const struct v4v_sport *sp, u16 domain, u32 port, u32 conid);
void v4v_sport_unhash(struct v4v_sport *sp, struct sock *sk);
void v4v_sport_kick(struct v4v_sport *sp);
bool v4v_sport_park(struct v4v_sport *sp, struct sock *sk);
bool v4v_sport_woken(struct v4v_sport *sp);
void v4v_sport_unpark(struct v4v_sport *sp);

/* Where a reader wants payload copied straight from the ring. */
struct v4v_direct {
	struct msghdr *msg;
	size_t room;			/* bytes msg may still take */
	size_t copied;			/* bytes copied into msg */
	bool fault;			/* msg's memory was not writable */
};

void v4v_sport_take(struct sock *sk, struct v4v_direct *d);
void v4v_sport_queue_rest(struct sock *sk);
bool v4v_sport_has_msg(struct v4v_sport *sp);
void v4v_sport_poll(struct v4v_sport *sp);
int v4v_sport_wq_init(void);
void v4v_sport_wq_exit(void);

/* stream_data.c */
int v4v_stream_sendmsg(struct socket *sock, struct msghdr *msg, size_t len);
int v4v_stream_recvmsg(struct socket *sock, struct msghdr *msg, size_t len,
		       int flags);
void v4v_stream_discard_rx(struct sock *sk);
int v4v_stream_inq(struct sock *sk);
bool v4v_stream_writable(struct sock *sk);
void v4v_stream_retry_owed(struct sock *sk);
void v4v_stream_linger_owed(struct sock *sk);
void v4v_stream_maybe_credit(struct sock *sk);
void v4v_stream_open_window(struct sock *sk);
int v4v_stream_send_ctl(struct sock *sk, u32 flags);
void v4v_stream_send_rst(struct v4v_sport *sp, u16 domain, u32 port, u32 conid);
void v4v_stream_apply(struct sock *sk, struct v4v_st_step step, bool wire);
u32 v4v_stream_buf_alloc(struct sock *sk);
u32 v4v_stream_peer_max(u16 domain, u32 port);

/* stream_live.c */
void v4v_stream_live_add(struct sock *sk);
void v4v_stream_live_del(struct sock *sk);
void v4v_stream_linger(const struct v4v_argo_send_addr *addr, const void *msg, u32 len,
		       struct v4v_sport *sp);
bool v4v_stream_lingers(u32 local_port, u16 domain, u32 port, u32 conid);
void v4v_stream_live_init(void);
void v4v_stream_live_exit(void);

/*
 * Credit a message uses: its bytes, and for a seqpacket record a fixed
 * cost too, so that tiny records cannot queue without bound (each is an
 * skb).  Both ends count the same way.
 */
#define V4V_SEQ_RECORD_COST	256U

static inline u32 v4v_stream_cost(const struct sock *sk, u32 len)
{
	return sk->sk_type == SOCK_SEQPACKET ? len + V4V_SEQ_RECORD_COST : len;
}

/* Stream payloads up to this share skbs (see deliver() in stream_port.c). */
#define V4V_STREAM_SMALL	2048U
#define V4V_STREAM_SMALL_SKB	3072U

static inline u32 v4v_stream_hdr_len(const struct v4v_stream *st)
{
	return sizeof(struct v4v_stream_hdr) +
	       (st->ext ? sizeof(struct v4v_stream_credit) : 0);
}

static inline u16 v4v_stream_wire_type(const struct sock *sk)
{
	return sk->sk_type == SOCK_SEQPACKET ? V4V_STREAM_TYPE_SEQPACKET :
					       V4V_STREAM_TYPE_STREAM;
}

#endif /* _V4V_STREAM_INT_H */
