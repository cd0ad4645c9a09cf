// SPDX-License-Identifier: GPL-2.0
/*
 * Stream and seqpacket sockets: connections.  connect, listen and accept,
 * shutdown, close, poll.  Data is in stream_data.c, the receive side in
 * stream_port.c, the state machine in stream_fsm.c.
 *
 * A connecting socket binds a ring of its own (partner: the listener's
 * domain) and sends SYN from it; the listener's pump answers ACK as soon as
 * the backlog has room, so connect() completes before accept(), as TCP's
 * does, and RST when it has none: a flood of SYNs costs at most a backlog
 * of children.  Children share the listener's ring and outlive the
 * listener once accepted.
 *
 * Locking: see stream.h.
 */
#include <linux/random.h>
#include <linux/sched/signal.h>
#include <linux/skbuff.h>
#include <linux/sockios.h>
#include <asm/ioctls.h>

#include "backend.h"
#include "compat.h"
#include "rings.h"
#include "stats.h"
#include "stream.h"

/* A peer's address for connect: a real domain and port. */
static int peer_from_user(struct sockaddr *uaddr, int len, struct v4v_argo_addr *peer)
{
	struct sockaddr_v4v *a;
	int err = v4v_addr_from_user(uaddr, len, &a);

	if (err)
		return err;
	if (a->sv4v_domain == V4V_DOMID_ANY || a->sv4v_port == V4V_PORT_ANY ||
	    !a->sv4v_port)
		return -EINVAL;
	*peer = (struct v4v_argo_addr){ .aport = a->sv4v_port,
					.domain_id = a->sv4v_domain };
	return 0;
}

/*
 * Start connecting to peer: bind, register the connection, send SYN.
 * -EAGAIN means only that the SYN found no room in the peer's ring.
 */
static int start_connect(struct sock *sk, struct v4v_argo_addr peer)
{
	struct v4v_sock *vs = v4v_sk(sk);
	struct v4v_stream *st = &vs->st;
	struct v4v_st_step step = v4v_st_step(sk->sk_state, V4V_EV_CONNECT);
	u32 max;
	int err;

	if (step.err)
		return step.err;
	if (!vs->ring)
		err = v4v_bind_locked(vs, 0, vs->partner_set ? vs->partner :
				      peer.domain_id);
	/* Bound for one partner, the peer's answers could never arrive. */
	else if (vs->partner != V4V_DOMID_ANY && vs->partner != peer.domain_id)
		err = -EINVAL;
	else
		err = 0;
	if (err)
		return err;
	max = v4v_stream_peer_max(peer.domain_id, peer.aport);
	if (!max)
		return -ECONNREFUSED;
	vs->peer = peer;
	st->conid = get_random_u32();
	st->peer_max = max;
	st->buf_alloc = v4v_stream_buf_alloc(sk);
	/* Nothing of an earlier attempt on this socket carries over. */
	st->ext = false;
	st->tx_cnt = 0;
	st->peer_fwd_cnt = 0;
	st->peer_buf_alloc = 0;
	st->fwd_cnt = 0;
	st->fwd_sent = 0;
	st->credit_owed = false;
	st->fin_owed = false;
	st->rst_owed = false;
	skb_queue_purge(&sk->sk_receive_queue);
	WRITE_ONCE(st->rx_queued, 0);
	WRITE_ONCE(vs->connected, false);
	v4v_sport_hash(st->sport, sk);
	err = v4v_stream_send_ctl(sk, V4V_STREAM_SYN);
	if (err) {
		v4v_sport_unhash(st->sport, sk);
		return err == -EBUSY ? -EAGAIN : v4v_sock_errno(err);
	}
	st->syn_at = jiffies;
	v4v_stream_apply(sk, step, false);
	v4v_stream_live_add(sk);
	return 0;
}

/* A connect that never got through: ready for another; lock_sock held. */
static void connect_failed(struct socket *sock)
{
	struct sock *sk = sock->sk;

	sock->state = SS_UNCONNECTED;
	v4v_sport_unhash(v4v_sk(sk)->st.sport, sk);
	v4v_stream_live_del(sk);
	sk->sk_state = V4V_ST_CLOSED;
	WRITE_ONCE(sk->sk_shutdown, 0);
}

/*
 * start_connect(), waiting while the listener's ring has no room for the
 * SYN, as AF_UNIX waits on a full backlog: up to *timeo, -EAGAIN after.
 * lock_sock held, dropped while asleep; a connect() that another thread
 * started meanwhile is that thread's (-EALREADY).
 */
static int start_connect_wait(struct socket *sock, struct v4v_argo_addr peer,
			      long *timeo)
{
	struct sock *sk = sock->sk;
	long total = *timeo;
	int err, gen, state;

	for (;;) {
		gen = v4v_tx_gen();
		err = start_connect(sk, peer);
		if (err != -EAGAIN || !*timeo)
			return err;
		state = sk->sk_state;
		release_sock(sk);
		*timeo = v4v_tx_wait(gen, *timeo);
		lock_sock(sk);
		if (*timeo < 0)
			return sock_intr_errno(total);
		if (sk->sk_state != state || sock->state == SS_CONNECTING)
			return -EALREADY;
	}
}

static int stream_connect(struct socket *sock, struct sockaddr *uaddr, int len,
			  int flags)
{
	DEFINE_WAIT_FUNC(wait, woken_wake_function);
	struct sock *sk = sock->sk;
	struct v4v_argo_addr peer;
	long timeo, t;
	int err;

	err = peer_from_user(uaddr, len, &peer);
	if (err)
		return err;
	lock_sock(sk);
	if (sk->sk_state == V4V_ST_RESET && sock->state == SS_CONNECTING) {
		/* A non-blocking connect failed; SO_ERROR may not have told. */
		err = sock_error(sk) ?: -ECONNREFUSED;
		connect_failed(sock);
		goto out;
	}
	if (sock->state == SS_CONNECTING && sk->sk_state != V4V_ST_SYN_SENT) {
		/* A non-blocking connect got through: say so once, as TCP. */
		sock->state = SS_CONNECTED;
		err = 0;
		goto out;
	}
	if (sock->state == SS_CONNECTING && (flags & O_NONBLOCK)) {
		err = -EALREADY;
		goto out;
	}
	timeo = sock_sndtimeo(sk, flags & O_NONBLOCK);
	t = timeo;
	if (sk->sk_state != V4V_ST_SYN_SENT || sock->state != SS_CONNECTING) {
		err = start_connect_wait(sock, peer, &timeo);
		if (err)
			goto out;
		sock->state = SS_CONNECTING;
	}
	err = -EINPROGRESS;
	if (!timeo)
		goto out;
	add_wait_queue(sk_sleep(sk), &wait);
	while (sk->sk_state == V4V_ST_SYN_SENT && timeo && !signal_pending(current))
		sk_wait_event(sk, &timeo, sk->sk_state != V4V_ST_SYN_SENT, &wait);
	remove_wait_queue(sk_sleep(sk), &wait);
	if (sk->sk_state == V4V_ST_SYN_SENT) {
		/* Still connecting in the background, as TCP does. */
		err = signal_pending(current) ? sock_intr_errno(t) : -EINPROGRESS;
		goto out;
	}
	if (sk->sk_state == V4V_ST_ESTABLISHED || sk->sk_state == V4V_ST_CLOSE_WAIT) {
		sock->state = SS_CONNECTED;
		err = 0;
	} else {
		err = sock_error(sk) ?: -ECONNREFUSED;
		connect_failed(sock);
	}
out:
	release_sock(sk);
	return err;
}

static int stream_listen(struct socket *sock, int backlog)
{
	struct sock *sk = sock->sk;
	struct v4v_sock *vs = v4v_sk(sk);
	struct v4v_st_step step;
	int err = 0;

	lock_sock(sk);
	step = v4v_st_step(sk->sk_state, V4V_EV_LISTEN);
	if (step.err || sock->state != SS_UNCONNECTED) {
		err = -EINVAL;
		goto out;
	}
	if (!vs->ring)
		err = v4v_bind_locked(vs, 0, vs->partner);
	if (err)
		goto out;
	WRITE_ONCE(sk->sk_max_ack_backlog, clamp(backlog, 1, SOMAXCONN));
	spin_lock(&vs->st.sport->lock);
	if (!vs->st.sport->listener) {
		sock_hold(sk);
		vs->st.sport->listener = sk;
	}
	spin_unlock(&vs->st.sport->lock);
	v4v_stream_apply(sk, step, false);
out:
	release_sock(sk);
	return err;
}

/* The first child waiting on sp's accept queue, taken off it, or NULL. */
static struct sock *take_child(struct sock *listener, struct v4v_sport *sp)
{
	struct v4v_sock *cvs;

	spin_lock(&sp->lock);
	cvs = list_first_entry_or_null(&sp->accept_q, struct v4v_sock, st.accept_node);
	if (cvs) {
		list_del_init(&cvs->st.accept_node);
		sk_acceptq_removed(listener);
	}
	spin_unlock(&sp->lock);
	return cvs ? &cvs->sk : NULL;
}

static int stream_accept_flags(struct socket *sock, struct socket *newsock, int flags)
{
	DEFINE_WAIT_FUNC(wait, woken_wake_function);
	struct sock *sk = sock->sk, *child = NULL;
	struct v4v_sport *sp;
	long timeo, t;
	int err = 0;

	lock_sock(sk);
	sp = v4v_sk(sk)->st.sport;	/* set by listen(), under the lock */
	timeo = sock_rcvtimeo(sk, flags & O_NONBLOCK);
	t = timeo;
	add_wait_queue(sk_sleep(sk), &wait);
	for (;;) {
		if (sk->sk_state != V4V_ST_LISTEN ||
		    (READ_ONCE(sk->sk_shutdown) & RCV_SHUTDOWN)) {
			err = -EINVAL;
			break;
		}
		child = take_child(sk, sp);
		if (child)
			break;
		if (!timeo) {
			err = -EAGAIN;
			break;
		}
		if (signal_pending(current)) {
			err = sock_intr_errno(t);
			break;
		}
		sk_wait_event(sk, &timeo, READ_ONCE(sk->sk_ack_backlog) ||
			      sk->sk_state != V4V_ST_LISTEN ||
			      (READ_ONCE(sk->sk_shutdown) & RCV_SHUTDOWN), &wait);
	}
	remove_wait_queue(sk_sleep(sk), &wait);
	release_sock(sk);
	if (err)
		return err;

	/* The accept queue's reference becomes newsock's. */
	lock_sock(child);
	sock_graft(child, newsock);
	newsock->state = SS_CONNECTED;
	v4v_stream_open_window(child);
	release_sock(child);
	return 0;
}

static int stream_accept(struct socket *sock, struct socket *newsock, V4V_ACCEPT_ARGS)
{
	return stream_accept_flags(sock, newsock, V4V_ACCEPT_FLAGS);
}

static int stream_shutdown(struct socket *sock, int how)
{
	struct sock *sk = sock->sk;
	struct v4v_st_step step;
	int err = 0, mask;

	/* SHUT_RD, SHUT_WR, SHUT_RDWR are 0, 1, 2; the mask bits are 1, 2, 3. */
	if (how < SHUT_RD || how > SHUT_RDWR)
		return -EINVAL;
	mask = how + 1;
	lock_sock(sk);
	switch (sk->sk_state) {
	case V4V_ST_LISTEN:
		/* Stops accept() and wakes those blocked in it, as AF_UNIX. */
		WRITE_ONCE(sk->sk_shutdown, sk->sk_shutdown | mask);
		sk->sk_state_change(sk);
		goto out;
	case V4V_ST_CLOSED:
	case V4V_ST_SYN_SENT:
		err = -ENOTCONN;
		goto out;
	}
	if (mask & SEND_SHUTDOWN) {
		step = v4v_st_step(sk->sk_state, V4V_EV_SHUT_WR);
		if (!step.err)
			v4v_stream_apply(sk, step, false);
		WRITE_ONCE(sk->sk_shutdown, sk->sk_shutdown | SEND_SHUTDOWN);
	}
	if (mask & RCV_SHUTDOWN) {
		WRITE_ONCE(sk->sk_shutdown, sk->sk_shutdown | RCV_SHUTDOWN);
		v4v_stream_discard_rx(sk);
	}
	sk->sk_state_change(sk);
out:
	release_sock(sk);
	return err;
}

/*
 * Take sk out of everything and tell its peer: FIN, or RST when data was
 * left unread or abort is set; lock_sock held.  Returns the port reference
 * to drop once the lock is released.
 */
static struct v4v_sport *teardown(struct sock *sk, bool abort)
{
	struct v4v_stream *st = &v4v_sk(sk)->st;
	struct v4v_sport *sp = st->sport;
	enum v4v_st_event ev;

	sock_owned_by_me(sk);
	/* An OpenXT peer knows no FIN: it is told with RST, as OpenXT does. */
	ev = abort || !st->ext || !skb_queue_empty(&sk->sk_receive_queue) ?
	     V4V_EV_ABORT : V4V_EV_CLOSE;
	if (sk->sk_state != V4V_ST_LISTEN && sk->sk_state != V4V_ST_CLOSED)
		v4v_stream_apply(sk, v4v_st_step(sk->sk_state, ev), false);
	v4v_stream_linger_owed(sk);
	sk->sk_state = V4V_ST_CLOSED;
	if (sp)
		v4v_sport_unhash(sp, sk);
	v4v_stream_live_del(sk);
	skb_queue_purge(&sk->sk_receive_queue);
	WRITE_ONCE(st->rx_queued, 0);
	WRITE_ONCE(sk->sk_shutdown, SHUTDOWN_MASK);
	st->sport = NULL;
	return sp;
}

/* A listener closed: refuse the connections nobody accepted. */
static void drop_children(struct list_head *children)
{
	struct v4v_sock *cvs, *tmp;
	struct v4v_sport *sp;

	list_for_each_entry_safe(cvs, tmp, children, st.accept_node) {
		list_del_init(&cvs->st.accept_node);
		lock_sock(&cvs->sk);
		sp = teardown(&cvs->sk, true);
		release_sock(&cvs->sk);
		if (sp)
			v4v_sport_put(sp);
		sock_put(&cvs->sk);	/* the accept queue's reference */
	}
}

static int stream_release(struct socket *sock)
{
	struct sock *sk = sock->sk, *listener = NULL;
	struct v4v_sock *vs;
	struct v4v_sport *sp;
	struct v4v_ring *ring;
	LIST_HEAD(children);

	if (!sk)
		return 0;
	vs = v4v_sk(sk);
	lock_sock(sk);
	sp = vs->st.sport;
	/* Unread data in the ring counts as unread (an RST, see teardown). */
	v4v_sport_queue_rest(sk);
	if (sp) {
		spin_lock(&sp->lock);
		if (sp->listener == sk) {
			sp->listener = NULL;
			listener = sk;
			list_splice_init(&sp->accept_q, &children);
			WRITE_ONCE(sk->sk_ack_backlog, 0);
		}
		spin_unlock(&sp->lock);
	}
	sp = teardown(sk, false);
	ring = vs->ring;
	vs->ring = NULL;
	sock_orphan(sk);
	release_sock(sk);

	drop_children(&children);
	if (listener)
		sock_put(listener);	/* the port's reference */
	/*
	 * The ring goes first: the port's own reference must be its last.  A
	 * port its children or a lingering FIN keep may be bound again.
	 */
	if (ring) {
		v4v_ring_set_adoptable(ring, true);
		v4v_ring_put(ring);
	}
	if (sp)
		v4v_sport_put(sp);
	sock->sk = NULL;
	sock_put(sk);
	return 0;
}

static __poll_t stream_poll(struct file *file, struct socket *sock, poll_table *wait)
{
	struct sock *sk = sock->sk;
	struct v4v_sock *vs = v4v_sk(sk);
	u8 state = READ_ONCE(sk->sk_state), shut;
	__poll_t mask = 0;

	sock_poll_wait(file, sock, wait);
	/* Set once bound, and the port outlives the socket. */
	if (READ_ONCE(vs->st.sport))
		v4v_sport_poll(vs->st.sport);
	shut = READ_ONCE(sk->sk_shutdown);
	if (READ_ONCE(sk->sk_err))
		mask |= EPOLLERR;
	if (state == V4V_ST_LISTEN) {
		if (READ_ONCE(sk->sk_ack_backlog))
			mask |= EPOLLIN | EPOLLRDNORM;
		return mask;
	}
	if (state == V4V_ST_CLOSED || state == V4V_ST_SYN_SENT)
		return mask;
	if (shut == SHUTDOWN_MASK || state == V4V_ST_RESET)
		mask |= EPOLLHUP;
	if (shut & RCV_SHUTDOWN)
		mask |= EPOLLIN | EPOLLRDNORM | EPOLLRDHUP;
	if (sk->sk_type == SOCK_SEQPACKET ?
	    !skb_queue_empty_lockless(&sk->sk_receive_queue) :
	    READ_ONCE(vs->st.rx_queued) >= max_t(int, READ_ONCE(sk->sk_rcvlowat), 1))
		mask |= EPOLLIN | EPOLLRDNORM;
	if (v4v_stream_writable(sk)) {
		/* The peer's ring was full: writable once Argo says it has room. */
		if (READ_ONCE(vs->tx_want)) {
			v4v_rings_wait_tx(file, wait);
			if (!v4v_peer_has_room(vs, vs->peer)) {
				v4v_rings_poll_retry();
				return mask;
			}
		}
		mask |= EPOLLOUT | EPOLLWRNORM | EPOLLWRBAND;
	}
	return mask;
}

static int stream_ioctl(struct socket *sock, unsigned int cmd, unsigned long arg)
{
	struct v4v_stream *st = &v4v_sk(sock->sk)->st;
	void __user *uarg = (void __user *)arg;
	int n;

	switch (cmd) {
	case V4V_IOC_LOCAL_DOMID:
		return put_user((u32)v4v_backend->local_domid(), (u32 __user *)uarg);
	case SIOCINQ:
		return put_user(v4v_stream_inq(sock->sk), (int __user *)uarg);
	case SIOCOUTQ:
		/* Sent but not yet read by the peer, as far as we know. */
		lock_sock(sock->sk);
		n = st->ext ? st->tx_cnt - st->peer_fwd_cnt : 0;
		release_sock(sock->sk);
		return put_user(n, (int __user *)uarg);
	default:
		return -ENOIOCTLCMD;
	}
}

/* Both types: seqpacket differs only in how data is cut (stream_data.c). */
const struct proto_ops v4v_stream_ops = {
	.family		= PF_V4V,
	.owner		= THIS_MODULE,
	.release	= stream_release,
	.bind		= v4v_bind,
	.connect	= stream_connect,
	.socketpair	= sock_no_socketpair,
	.accept		= stream_accept,
	.getname	= v4v_getname,
	.poll		= stream_poll,
	.ioctl		= stream_ioctl,
	.listen		= stream_listen,
	.shutdown	= stream_shutdown,
	.setsockopt	= v4v_setsockopt,
	.getsockopt	= v4v_getsockopt,
	.sendmsg	= v4v_stream_sendmsg,
	.recvmsg	= v4v_stream_recvmsg,
	.mmap		= sock_no_mmap,
};

int v4v_stream_init(void)
{
	v4v_stream_live_init();
	return v4v_sport_wq_init();
}

void v4v_stream_exit(void)
{
	v4v_stream_live_exit();
	v4v_sport_wq_exit();
}
