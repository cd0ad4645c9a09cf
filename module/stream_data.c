// SPDX-License-Identifier: GPL-2.0
/*
 * Stream and seqpacket sockets: moving data, and the messages that carry
 * it and the connection's state (Documentation/stream-protocol.rst).
 *
 * Send: a stream is cut into messages no bigger than the peer's ring
 * allows (and 64 KiB), each sent straight from the user's memory behind a
 * kernel header when the backend can read user memory, else through a
 * kernel copy.  A v4v peer grants credit: we never have more unread bytes
 * in flight than it said it buffers, and sleep (or EAGAIN) until its reader
 * makes room.  A seqpacket record is one message, whole or EMSGSIZE.
 *
 * Receive: from the skbs the port's pump queued (stream_port.c).  Each
 * read adds to fwd_cnt; the peer hears it in the next message we send, or
 * in a credit update once a quarter of the window was read, even in the
 * middle of one read (for seqpacket also whenever the queue runs empty, so
 * a whole record always fits).
 *
 * Locking: lock_sock(sk) around everything here; see stream.h.
 */
#include <linux/mm.h>
#include <linux/sched/signal.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/uio.h>

#include "backend.h"
#include "compat.h"
#include "event_cpu.h"
#include "rings.h"
#include "stats.h"
#include "stream.h"

#define V4V_STREAM_SEND_FLAGS (MSG_DONTWAIT | MSG_NOSIGNAL | MSG_EOR | MSG_MORE | \
			       MSG_BATCH | MSG_CMSG_COMPAT)
#define V4V_STREAM_RECV_FLAGS (MSG_DONTWAIT | MSG_PEEK | MSG_TRUNC | MSG_WAITALL | \
			       MSG_CMSG_COMPAT)

/* How far a reader got into an skb. */
struct v4v_skb_cb {
	u32 off;
};

static struct v4v_skb_cb *skb_cb(struct sk_buff *skb)
{
	BUILD_BUG_ON(sizeof(struct v4v_skb_cb) > sizeof_field(struct sk_buff, cb));
	return (struct v4v_skb_cb *)skb->cb;
}

/* The addresses of a message to sk's peer. */
static struct v4v_argo_send_addr peer_addr(struct sock *sk)
{
	struct v4v_sock *vs = v4v_sk(sk);

	return (struct v4v_argo_send_addr){
		/* Xen fills in our domain; it may not be named. */
		.src = { .aport = vs->port, .domain_id = V4V_ARGO_DOMID_ANY },
		.dst = vs->peer,
	};
}

/* A header for sk's next message with flags: returns its length. */
static u32 fill_hdr(struct sock *sk, u32 flags, void *buf)
{
	struct v4v_stream *st = &v4v_sk(sk)->st;
	struct v4v_stream_hdr h = { .flags = flags, .conid = st->conid };
	u32 len = sizeof(h);

	memcpy(buf, &h, sizeof(h));
	if (flags & (V4V_STREAM_SYN | V4V_STREAM_ACK)) {
		struct v4v_stream_hello hello = {
			.magic = V4V_STREAM_HELLO_MAGIC,
			.version = V4V_STREAM_VERSION,
			.type = v4v_stream_wire_type(sk),
			.buf_alloc = st->buf_alloc,
		};

		/* An OpenXT client sent no hello and gets none back. */
		if ((flags & V4V_STREAM_SYN) || st->ext) {
			memcpy(buf + len, &hello, sizeof(hello));
			len += sizeof(hello);
		}
	} else if (st->ext && !(flags & V4V_STREAM_RST)) {
		struct v4v_stream_credit c = {
			.fwd_cnt = st->fwd_cnt, .buf_alloc = st->buf_alloc,
		};

		memcpy(buf + len, &c, sizeof(c));
		len += sizeof(c);
	}
	return len;
}

/* Room for the largest header fill_hdr() writes. */
#define HDR_BUF (sizeof(struct v4v_stream_hdr) + sizeof(struct v4v_stream_hello))

/* The peer heard our fwd_cnt with a message that carried credit. */
static void credit_sent(struct v4v_stream *st, u32 flags)
{
	if (st->ext && !(flags & (V4V_STREAM_SYN | V4V_STREAM_ACK | V4V_STREAM_RST))) {
		st->fwd_sent = st->fwd_cnt;
		st->credit_owed = false;
	}
}

/**
 * v4v_stream_send_ctl - send a message without payload to sk's peer
 * @sk: the connection; lock_sock held
 * @flags: V4V_STREAM_*
 *
 * Never waits.  Return: 0 or a negative Argo errno.
 */
int v4v_stream_send_ctl(struct sock *sk, u32 flags)
{
	struct v4v_argo_send_addr a = peer_addr(sk);
	u8 buf[HDR_BUF] __aligned(8);
	struct v4v_argo_iov iov = { .iov_hnd = (u64)(uintptr_t)buf };
	long ret;

	sock_owned_by_me(sk);
	iov.iov_len = fill_hdr(sk, flags, buf);
	ret = v4v_sendv_once(&a, &iov, 1, V4V_MSG_STREAM, 0);
	if (ret < 0)
		return ret;
	credit_sent(&v4v_sk(sk)->st, flags);
	return 0;
}

/* Refuse a message from (domain, port) that matched no connection. */
void v4v_stream_send_rst(struct v4v_sport *sp, u16 domain, u32 port, u32 conid)
{
	struct v4v_stream_hdr h = { .flags = V4V_STREAM_RST, .conid = conid };
	struct v4v_argo_send_addr a = {
		.src = { .aport = sp->port, .domain_id = V4V_ARGO_DOMID_ANY },
		.dst = { .aport = port, .domain_id = domain },
	};
	struct v4v_argo_iov iov = { .iov_hnd = (u64)(uintptr_t)&h, .iov_len = sizeof(h) };

	/* Best effort: a peer whose ring is full learns it from liveness. */
	v4v_sendv_once(&a, &iov, 1, V4V_MSG_STREAM, 0);
}

/**
 * v4v_stream_apply - carry out a step of the state machine
 * @sk: the connection; lock_sock held
 * @step: from v4v_st_step()
 * @wire: the event came from the peer (its error becomes the socket's)
 */
void v4v_stream_apply(struct sock *sk, struct v4v_st_step step, bool wire)
{
	struct v4v_sock *vs = v4v_sk(sk);
	struct v4v_stream *st = &vs->st;
	u8 shut = 0;

	sock_owned_by_me(sk);
	if (step.actions & V4V_ACT_SEND_RST)
		st->rst_owed = v4v_send_full(v4v_stream_send_ctl(sk, V4V_STREAM_RST));
	/* OpenXT has no FIN: its peers' close aborts instead (stream.c). */
	if ((step.actions & V4V_ACT_SEND_FIN) && st->ext)
		st->fin_owed = v4v_send_full(v4v_stream_send_ctl(sk, V4V_STREAM_FIN));
	if (sk->sk_state == V4V_ST_SYN_SENT && step.next == V4V_ST_ESTABLISHED)
		WRITE_ONCE(vs->connected, true);
	sk->sk_state = step.next;
	if (step.next == V4V_ST_CLOSE_WAIT || step.next == V4V_ST_DONE)
		shut = RCV_SHUTDOWN;
	else if (step.next == V4V_ST_RESET)
		shut = SHUTDOWN_MASK;
	if (step.next == V4V_ST_FIN_WAIT || step.next == V4V_ST_DONE)
		shut |= st->ext ? SEND_SHUTDOWN : 0;
	if (shut)
		WRITE_ONCE(sk->sk_shutdown, sk->sk_shutdown | shut);
	if (wire && step.err) {
		WRITE_ONCE(sk->sk_err, -step.err);
		sk_error_report(sk);
	}
	if (step.actions & V4V_ACT_WAKE)
		sk->sk_state_change(sk);
	if (step.actions & (V4V_ACT_CREDIT | V4V_ACT_WAKE))
		sk->sk_write_space(sk);
}

/* Our credit: what SO_RCVBUF allows, within the protocol's bounds. */
u32 v4v_stream_buf_alloc(struct sock *sk)
{
	return clamp_t(u32, READ_ONCE(sk->sk_rcvbuf), V4V_STREAM_BUF_MIN, V4V_STREAM_BUF_MAX);
}

/* The largest message (header included) the ring at (domain, port) takes. */
u32 v4v_stream_peer_max(u16 domain, u32 port)
{
	struct {
		struct v4v_argo_ring_data rd;
		struct v4v_argo_ring_data_ent ent;
	} q = { .rd.nent = 1 };

	q.ent.ring.domain_id = domain;
	q.ent.ring.aport = port;
	/* More than any ring holds: a pure query, no notification queued. */
	q.ent.space_required = U32_MAX;
	if (v4v_backend->notify(&q.rd) || !(q.ent.flags & V4V_ARGO_RING_EXISTS))
		return 0;
	return q.ent.max_message_size;
}

/* Bytes we may send before the peer's next credit. */
static u32 tx_room(const struct v4v_stream *st)
{
	u32 in_flight = st->tx_cnt - st->peer_fwd_cnt;

	if (!st->ext)
		return U32_MAX;
	return in_flight < st->peer_buf_alloc ? st->peer_buf_alloc - in_flight : 0;
}

/* The most payload the peer's ring takes in one message of ours. */
static u32 peer_payload_max(const struct v4v_stream *st)
{
	u32 hl = v4v_stream_hdr_len(st);

	return st->peer_max > hl ? st->peer_max - hl : 0;
}

/* The largest payload one stream message of ours carries to this peer. */
static u32 tx_chunk_max(const struct v4v_stream *st)
{
	/*
	 * A third of the peer's ring: the next messages go in while its
	 * reader drains the first, instead of after.  (Not a quarter: that
	 * cut each 64 KiB write into 65506 + 30 bytes for a 256 KiB ring, a
	 * message and a wake-up more per write.)
	 */
	return clamp_t(u32, peer_payload_max(st) / 3, 1, V4V_STREAM_CHUNK_MAX);
}

/*
 * The least credit worth sending a stream message for (silly window
 * avoidance).  A sliver of window costs a hypercall, an event and a
 * wake-up like a full message, and once one goes out the stream stays cut
 * that way: 64 KiB writes under a 208 KiB window went out as 64 + 64 + 64
 * + 16 KiB, a third more messages and credits.  A reader that drains
 * grants credit back once a quarter of its window was read
 * (v4v_stream_maybe_credit()), so waiting for a quarter cannot deadlock.
 */
static u32 tx_worth(const struct v4v_stream *st)
{
	if (!st->ext)
		return 1;
	return clamp_t(u32, st->peer_buf_alloc / 4, 1, tx_chunk_max(st));
}

/* Why sk cannot send now, or 0. */
static int tx_error(struct sock *sk)
{
	if (READ_ONCE(sk->sk_err))
		return sock_error(sk);
	if (sk->sk_shutdown & SEND_SHUTDOWN)
		return -EPIPE;
	if (v4v_st_can_send(sk->sk_state))
		return 0;
	return sk->sk_state == V4V_ST_RESET ? -EPIPE : -ENOTCONN;
}

/*
 * A call that owns its port while it runs (v4v_sport_park()): it takes the
 * ring's messages itself, when it starts and after each event.
 */
struct port_owner {
	struct v4v_sport *sp;
	bool parked;
	bool look;			/* the ring may hold something for us */
};

static void own_port(struct sock *sk, struct port_owner *o)
{
	o->sp = v4v_sk(sk)->st.sport;
	o->parked = o->sp && v4v_sport_park(o->sp, sk);
	o->look = true;
}

/* Should the caller take the ring's messages now?  Parks again first. */
static bool port_has_msg(struct sock *sk, struct port_owner *o)
{
	if (o->parked && v4v_sport_woken(o->sp)) {
		o->parked = v4v_sport_park(o->sp, sk);
		o->look = true;
	}
	if (!o->look)
		return false;
	o->look = false;
	return o->sp && v4v_sport_has_msg(o->sp);
}

static void disown_port(struct port_owner *o)
{
	if (o->parked)
		v4v_sport_unpark(o->sp);
}

/*
 * Sleep on sk until done(sk, arg), an event for owner o, a signal or the
 * end of timeo; lock_sock held, and released while asleep.  0 means "look
 * again".
 */
static int stream_wait(struct sock *sk, long *timeo, struct port_owner *o,
		       bool (*done)(struct sock *sk, u32 arg), u32 arg)
{
	DEFINE_WAIT_FUNC(wait, woken_wake_function);
	long t = *timeo;

	if (!t)
		return -EAGAIN;
	if (signal_pending(current))
		return sock_intr_errno(t);
	add_wait_queue(sk_sleep(sk), &wait);
	sk_wait_event(sk, timeo, done(sk, arg) || (o->parked && v4v_sport_woken(o->sp)),
		      &wait);
	remove_wait_queue(sk_sleep(sk), &wait);
	/* Whoever woke us, the ring may hold ours: the owner could be busy. */
	o->look = true;
	if (signal_pending(current))
		return sock_intr_errno(t);
	return 0;
}

/* The connection attempt is over, one way or the other. */
static bool connect_over(struct sock *sk, u32 unused)
{
	return READ_ONCE(sk->sk_state) != V4V_ST_SYN_SENT || READ_ONCE(sk->sk_err);
}

/*
 * As TCP: a call during a non-blocking connect waits for it to finish (or
 * EAGAIN without a timeout), taking the ring's answer itself if it owns
 * the port.  0 once connected; else the connect's error, or ENOTCONN.
 */
static int await_connect(struct sock *sk, long *timeo, struct port_owner *o)
{
	int err;

	while (sk->sk_state == V4V_ST_SYN_SENT && !sk->sk_err) {
		if (port_has_msg(sk, o)) {
			v4v_sport_take(sk, NULL);
			continue;
		}
		err = stream_wait(sk, timeo, o, connect_over, 0);
		if (err)
			return err;
	}
	if (sk->sk_err)
		return sock_error(sk);
	return sk->sk_state == V4V_ST_CLOSED ? -ENOTCONN : 0;
}

/*
 * The peer granted need bytes, or sending is over.  Not tx_error(): that
 * would consume sk_err, which the caller reports.
 */
static bool credit_or_end(struct sock *sk, u32 need)
{
	return tx_room(&v4v_sk(sk)->st) >= need || READ_ONCE(sk->sk_err) ||
	       (sk->sk_shutdown & SEND_SHUTDOWN) || !v4v_st_can_send(sk->sk_state);
}

/*
 * One message carrying the next len bytes of msg.  From user memory as it
 * is if possible; the hypervisor cannot fault pages in, so an -EFAULT
 * faults them in and tries once more before the copy path decides.
 */
static long send_data(struct sock *sk, struct msghdr *msg, u32 len)
{
	struct v4v_argo_send_addr a = peer_addr(sk);
	struct v4v_argo_iov iov[V4V_ARGO_MAXIOV];
	u8 hdr[HDR_BUF] __aligned(8);
	struct iov_iter it = msg->msg_iter;
	int n = -1, tries;
	long ret = -EFAULT;
	void *buf;

	iov_iter_truncate(&it, len);
	iov[0] = (struct v4v_argo_iov){ .iov_hnd = (u64)(uintptr_t)hdr,
					.iov_len = fill_hdr(sk, 0, hdr) };
	if (v4v_backend->user_sendv && v4v_backend->user_sendv())
		n = v4v_compat_user_iovs(&it, iov + 1, ARRAY_SIZE(iov) - 1);
	for (tries = 0; n >= 0 && tries < 2; tries++) {
		/* iov[0] is ours, iov[1..n] the user's. */
		ret = v4v_sendv_once(&a, iov, n + 1, V4V_MSG_STREAM,
				     ((1U << n) - 1) << 1);
		if (ret != -EFAULT)
			goto out;
		if (fault_in_iov_iter_readable(&it, len))
			return -EFAULT;
	}
	buf = kvmalloc(max_t(u32, len, 1), GFP_KERNEL_ACCOUNT);
	if (!buf)
		return -ENOBUFS;
	if (copy_from_iter_full(buf, len, &it)) {
		iov[1] = (struct v4v_argo_iov){ .iov_hnd = (u64)(uintptr_t)buf, .iov_len = len };
		ret = v4v_sendv_once(&a, iov, len ? 2 : 1, V4V_MSG_STREAM, 0);
	}
	kvfree(buf);
out:
	if (ret >= 0) {
		iov_iter_advance(&msg->msg_iter, len);
		credit_sent(&v4v_sk(sk)->st, 0);
	}
	return ret;
}

/* The peer's ring or domain vanished under a send. */
static bool peer_gone(long err)
{
	return err == -ECONNREFUSED || err == -ESRCH || err == -ENODEV;
}

int v4v_stream_sendmsg(struct socket *sock, struct msghdr *msg, size_t len)
{
	struct sock *sk = sock->sk;
	struct v4v_sock *vs = v4v_sk(sk);
	struct v4v_stream *st = &vs->st;
	bool seq = sk->sk_type == SOCK_SEQPACKET;
	struct port_owner o;
	u32 room, chunk, need;
	size_t sent = 0;
	long timeo, ret;
	int err = 0, gen;

	if (msg->msg_flags & ~V4V_STREAM_SEND_FLAGS)
		return -EOPNOTSUPP;
	if (msg->msg_controllen)
		return -EINVAL;
	lock_sock(sk);
	if (msg->msg_namelen) {
		err = v4v_st_can_send(sk->sk_state) ? -EISCONN : -EOPNOTSUPP;
		goto out;
	}
	timeo = sock_sndtimeo(sk, msg->msg_flags & MSG_DONTWAIT);
	own_port(sk, &o);
	do {
		/* Credit, most likely; data for a reader goes to the queue. */
		if (port_has_msg(sk, &o))
			v4v_sport_take(sk, NULL);
		err = sk->sk_state == V4V_ST_SYN_SENT ? await_connect(sk, &timeo, &o) : 0;
		if (!err)
			err = tx_error(sk);
		if (err)
			break;
		if (!len && !seq)
			break;
		room = tx_room(st);
		if (seq && (len > min(peer_payload_max(st), V4V_STREAM_CHUNK_MAX) ||
			    (st->ext && v4v_stream_cost(sk, len) > st->peer_buf_alloc))) {
			err = -EMSGSIZE;
			break;
		}
		need = seq ? v4v_stream_cost(sk, len) :
			     min_t(size_t, len - sent, tx_worth(st));
		if (room < need) {
			err = stream_wait(sk, &timeo, &o, credit_or_end, need);
			if (err)
				break;
			continue;
		}
		chunk = seq ? len : min_t(size_t, len - sent, min(room, tx_chunk_max(st)));
		gen = v4v_tx_gen();
		ret = send_data(sk, msg, chunk);
		if (v4v_send_full(ret)) {
			long t = timeo;

			WRITE_ONCE(vs->tx_want, chunk + v4v_stream_hdr_len(st));
			err = -EAGAIN;
			if (!timeo)
				break;
			/* Asleep elsewhere, we cannot take our port's events. */
			disown_port(&o);
			release_sock(sk);
			timeo = v4v_tx_wait(gen, timeo);
			lock_sock(sk);
			own_port(sk, &o);
			err = timeo < 0 ? sock_intr_errno(t) : 0;
			if (err)
				break;
			continue;
		}
		WRITE_ONCE(vs->tx_want, 0);
		if (ret == -EMSGSIZE) {
			u32 now = v4v_stream_peer_max(vs->peer.domain_id, vs->peer.aport);

			if (now < st->peer_max) {
				st->peer_max = now;
				continue;	/* the peer's ring shrank: cut smaller */
			}
		}
		if (peer_gone(ret)) {
			v4v_stream_apply(sk, v4v_st_step(sk->sk_state, V4V_EV_PEER_GONE), true);
			continue;	/* tx_error() reports it */
		}
		if (ret < 0) {
			err = v4v_sock_errno(ret);
			break;
		}
		st->tx_cnt += v4v_stream_cost(sk, chunk);
		sent += chunk;
	} while (sent < len);
	disown_port(&o);
out:
	release_sock(sk);
	if (!sent && err == -EPIPE && !(msg->msg_flags & MSG_NOSIGNAL))
		send_sig(SIGPIPE, current, 0);
	return sent ? sent : err;
}

/* Tell the peer what we consumed, if it is worth a message. */
void v4v_stream_maybe_credit(struct sock *sk)
{
	struct v4v_stream *st = &v4v_sk(sk)->st;
	u32 unsent = st->fwd_cnt - st->fwd_sent;

	if (!st->ext || (!unsent && !st->credit_owed) || !v4v_st_can_receive(sk->sk_state))
		return;
	if (unsent < st->buf_alloc / 4 && !st->credit_owed &&
	    !(sk->sk_type == SOCK_SEQPACKET && skb_queue_empty(&sk->sk_receive_queue)))
		return;
	if (v4v_stream_send_ctl(sk, V4V_STREAM_CREDIT))
		st->credit_owed = true;
}

/*
 * accept() took sk: the small window it had while it waited (see
 * listener_rx()) becomes what SO_RCVBUF allows, and the peer hears of it
 * now, or from liveness once its ring has room.  lock_sock held.
 */
void v4v_stream_open_window(struct sock *sk)
{
	struct v4v_stream *st = &v4v_sk(sk)->st;
	u32 want = v4v_stream_buf_alloc(sk);

	sock_owned_by_me(sk);
	if (!st->ext || st->buf_alloc >= want)
		return;
	st->buf_alloc = want;
	st->credit_owed = true;
	v4v_stream_maybe_credit(sk);
}

/* Called by liveness for what could not be sent when it was due. */
void v4v_stream_retry_owed(struct sock *sk)
{
	struct v4v_stream *st = &v4v_sk(sk)->st;

	sock_owned_by_me(sk);
	if (st->rst_owed)
		st->rst_owed = v4v_send_full(v4v_stream_send_ctl(sk, V4V_STREAM_RST));
	if (st->fin_owed)
		st->fin_owed = v4v_send_full(v4v_stream_send_ctl(sk, V4V_STREAM_FIN));
	if (st->credit_owed)
		v4v_stream_maybe_credit(sk);
	if (st->sport)
		v4v_sport_kick(st->sport);
}

/*
 * sk is closing with a FIN or RST still owed: leave it to be retried, or
 * the peer waits for ever (its ring was full; the liveness check does not
 * help while our port lives on, a listener's).  The port may go before
 * the message is sent (a client's goes with the client, a listener's with
 * the listener and its children), and the peer's liveness check would
 * find its ring gone first and read ECONNRESET where the FIN says end of
 * file: the message keeps the port until it is sent.  A server that
 * restarts meanwhile adopts the port when it binds it again.  lock_sock
 * held.
 */
void v4v_stream_linger_owed(struct sock *sk)
{
	struct v4v_stream *st = &v4v_sk(sk)->st;
	struct v4v_argo_send_addr a = peer_addr(sk);
	u8 buf[HDR_BUF] __aligned(8);
	u32 len;

	sock_owned_by_me(sk);
	if (st->rst_owed || st->fin_owed) {
		len = fill_hdr(sk, st->rst_owed ? V4V_STREAM_RST : V4V_STREAM_FIN, buf);
		v4v_stream_linger(&a, buf, len, st->sport);
	}
	st->rst_owed = false;
	st->fin_owed = false;
}

/* n bytes of sk's queue were read (or thrown away). */
static void consumed(struct sock *sk, u32 n)
{
	struct v4v_stream *st = &v4v_sk(sk)->st;

	st->fwd_cnt += n;
	WRITE_ONCE(st->rx_queued, st->rx_queued - n);
}

/*
 * More than have bytes (for seqpacket: a record, which may be empty) are
 * queued, or reading is over.
 */
static bool data_or_end(struct sock *sk, u32 have)
{
	return (sk->sk_type == SOCK_SEQPACKET ?
		!skb_queue_empty(&sk->sk_receive_queue) :
		READ_ONCE(v4v_sk(sk)->st.rx_queued) > have) ||
	       READ_ONCE(sk->sk_err) || (READ_ONCE(sk->sk_shutdown) & RCV_SHUTDOWN);
}

/* Wait for data; the peer may be waiting for our credit to send it. */
static int wait_data(struct sock *sk, long *timeo, struct port_owner *o, u32 have)
{
	if (*timeo) {
		v4v_stream_maybe_credit(sk);
		v4v_event_cpu_waiting();
	}
	return stream_wait(sk, timeo, o, data_or_end, have);
}

/* Nothing (more) will come: the error to report, or 0 for end of file. */
static bool rx_finished(struct sock *sk, int *err)
{
	if (READ_ONCE(sk->sk_err)) {
		*err = sock_error(sk);
		return true;
	}
	if (sk->sk_shutdown & RCV_SHUTDOWN) {
		*err = 0;
		return true;
	}
	return false;
}

/*
 * Take what the port's ring holds for sk (the pump may not have run yet,
 * or a parked wait was woken), copying into msg as far as room allows.
 * Returns the bytes copied, or -EFAULT if msg could take none.
 */
static int read_ring(struct sock *sk, struct msghdr *msg, size_t room, bool peek)
{
	struct v4v_direct d = { .msg = msg, .room = room };

	v4v_sport_take(sk, peek ? NULL : &d);
	return d.fault && !d.copied ? -EFAULT : d.copied;
}

/* Copy up to len bytes of the byte stream (a copy, with MSG_PEEK). */
static int stream_read(struct sock *sk, struct msghdr *msg, size_t len, int flags,
		       struct port_owner *o)
{
	bool peek = flags & MSG_PEEK;
	int target = sock_rcvlowat(sk, flags & MSG_WAITALL, len);
	long timeo = sock_rcvtimeo(sk, flags & MSG_DONTWAIT);
	struct sk_buff *skb, *next;
	size_t copied = 0;
	u32 skip, off, n;
	int err = 0;

	for (;;) {
		skip = peek ? copied : 0;
		skb_queue_walk_safe(&sk->sk_receive_queue, skb, next) {
			if (copied >= len)
				break;
			off = skb_cb(skb)->off;
			if (skip >= skb->len - off) {
				skip -= skb->len - off;
				continue;
			}
			off += skip;
			skip = 0;
			n = min_t(size_t, skb->len - off, len - copied);
			if (skb_copy_datagram_msg(skb, off, msg, n)) {
				err = -EFAULT;
				goto done;
			}
			copied += n;
			if (peek)
				continue;
			skb_cb(skb)->off = off + n;
			consumed(sk, n);
			/* As the direct path does (rx_payload()). */
			v4v_stream_maybe_credit(sk);
			if (skb_cb(skb)->off == skb->len) {
				skb_unlink(skb, &sk->sk_receive_queue);
				kfree_skb(skb);
			}
		}
		if (copied >= target || copied >= len)
			break;
		if (port_has_msg(sk, o)) {
			err = read_ring(sk, msg, len - copied, peek);
			if (err < 0)
				goto done;
			copied += err;
			err = 0;
			continue;
		}
		if (rx_finished(sk, &err)) {
			if (copied)
				err = 0;
			break;
		}
		err = wait_data(sk, &timeo, o, peek ? copied : 0);
		if (err) {
			if (copied)
				err = 0;
			break;
		}
	}
done:
	return copied ? copied : err;
}

/* One record: at most len bytes of it, the rest dropped (MSG_TRUNC). */
static int record_read(struct sock *sk, struct msghdr *msg, size_t len, int flags,
		       struct port_owner *o)
{
	long timeo = sock_rcvtimeo(sk, flags & MSG_DONTWAIT);
	struct sk_buff *skb;
	int err = 0;
	u32 n;

	while (!(skb = skb_peek(&sk->sk_receive_queue))) {
		if (port_has_msg(sk, o)) {
			v4v_sport_take(sk, NULL);
			continue;
		}
		if (rx_finished(sk, &err))
			return err;
		err = wait_data(sk, &timeo, o, 0);
		if (err)
			return err;
	}
	n = min_t(size_t, skb->len, len);
	if (skb_copy_datagram_msg(skb, 0, msg, n))
		return -EFAULT;
	if (skb->len > len)
		msg->msg_flags |= MSG_TRUNC;
	msg->msg_flags |= MSG_EOR;
	if (flags & MSG_TRUNC)
		n = skb->len;
	if (!(flags & MSG_PEEK)) {
		consumed(sk, v4v_stream_cost(sk, skb->len));
		skb_unlink(skb, &sk->sk_receive_queue);
		kfree_skb(skb);
	}
	return n;
}

int v4v_stream_recvmsg(struct socket *sock, struct msghdr *msg, size_t len,
		       int flags)
{
	struct sock *sk = sock->sk;
	struct v4v_sock *vs = v4v_sk(sk);
	struct port_owner o;
	int ret;

	if (flags & MSG_ERRQUEUE)
		return -EAGAIN;		/* there is never an error queue */
	if (flags & ~V4V_STREAM_RECV_FLAGS)
		return -EOPNOTSUPP;
	lock_sock(sk);
	if (sk->sk_state == V4V_ST_CLOSED || sk->sk_state == V4V_ST_LISTEN) {
		ret = -ENOTCONN;
		goto out;
	}
	own_port(sk, &o);
	if (sk->sk_state == V4V_ST_SYN_SENT) {
		long timeo = sock_rcvtimeo(sk, flags & MSG_DONTWAIT);

		ret = await_connect(sk, &timeo, &o);
		if (ret) {
			disown_port(&o);
			goto out;
		}
	}
	if (sk->sk_type == SOCK_SEQPACKET)
		ret = record_read(sk, msg, len, flags, &o);
	else
		ret = stream_read(sk, msg, len, flags, &o);
	disown_port(&o);
	if (ret >= 0 && msg->msg_name) {
		struct sockaddr_v4v *a = msg->msg_name;

		memset(a, 0, sizeof(*a));
		a->sv4v_family = sk->sk_family;
		a->sv4v_domain = vs->peer.domain_id;
		a->sv4v_port = vs->peer.aport;
		msg->msg_namelen = sizeof(*a);
	}
	v4v_stream_maybe_credit(sk);
	if (vs->st.sport)
		v4v_sport_kick(vs->st.sport);
out:
	release_sock(sk);
	return ret;
}

/* Throw away everything unread, as shutdown(SHUT_RD) does. */
void v4v_stream_discard_rx(struct sock *sk)
{
	struct sk_buff *skb;

	sock_owned_by_me(sk);
	while ((skb = skb_dequeue(&sk->sk_receive_queue))) {
		consumed(sk, v4v_stream_cost(sk, skb->len - skb_cb(skb)->off));
		kfree_skb(skb);
	}
	v4v_stream_maybe_credit(sk);
}

/* SIOCINQ: bytes readable now (seqpacket: the next record's). */
int v4v_stream_inq(struct sock *sk)
{
	struct sk_buff *skb;
	int n;

	lock_sock(sk);
	/* Count what the ring holds for us too (see v4v_sport_park()). */
	v4v_sport_queue_rest(sk);
	if (sk->sk_type == SOCK_SEQPACKET) {
		skb = skb_peek(&sk->sk_receive_queue);
		n = skb ? skb->len : 0;
	} else {
		n = v4v_sk(sk)->st.rx_queued;
	}
	release_sock(sk);
	return n;
}

/* poll: may sk send now? */
bool v4v_stream_writable(struct sock *sk)
{
	struct v4v_stream *st = &v4v_sk(sk)->st;

	if (!v4v_st_can_send(READ_ONCE(sk->sk_state)) ||
	    (READ_ONCE(sk->sk_shutdown) & SEND_SHUTDOWN))
		return false;
	/* Lockless: a stale value is corrected by the wake-up that follows. */
	if (sk->sk_type == SOCK_SEQPACKET)
		return tx_room(st) > 0;
	/* What sendmsg() waits for, lest poll() and EAGAIN spin together. */
	return tx_room(st) >= tx_worth(st);
}
