// SPDX-License-Identifier: GPL-2.0
/*
 * AF_V4V datagram sockets.
 *
 * Wire format, shared with OpenXT's argo driver: one datagram is one Argo
 * message of type V4V_MSG_DGRAM whose payload is the user's bytes as they
 * are; the source port is the sender's bound port.
 *
 * Send: the user's buffers go to the hypervisor as they are when they are
 * plain user memory in at most V4V_ARGO_MAXIOV pieces and the backend can
 * read user memory (no copy in the guest); otherwise through one kernel
 * bounce buffer.  A full destination sleeps until Argo's space event (or
 * SO_SNDTIMEO), never spins.
 *
 * Receive: straight from ring memory to the user's buffers, then the slot
 * is released and blocked senders are told (batched notify).  Messages
 * that cannot be datagrams for this socket -- another message type, or a
 * sender other than the connected peer -- are dropped and counted.
 *
 * Locking: see af_v4v.c.  The ring's rx_lock serialises receivers.
 */
#include <linux/mm.h>
#include <linux/poll.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/sockios.h>
#include <asm/ioctls.h>
#include <linux/uio.h>

#include "backend.h"
#include "compat.h"
#include "event_cpu.h"
#include "rings.h"
#include "sock.h"
#include "stats.h"

/* OpenXT's protocol identifier for datagrams (message type). */
#define V4V_MSG_DGRAM 0x6447724dU

/* MSG_BATCH: sendmmsg() marks all but its last message; nothing to do. */
#define V4V_DGRAM_SEND_FLAGS (MSG_DONTWAIT | MSG_NOSIGNAL | MSG_EOR | MSG_BATCH | \
			      MSG_CMSG_COMPAT)
#define V4V_DGRAM_RECV_FLAGS (MSG_DONTWAIT | MSG_PEEK | MSG_TRUNC | MSG_WAITALL | \
			      MSG_CMSG_COMPAT)

static int v4v_dgram_connect(struct socket *sock, struct sockaddr *uaddr,
			     int len, int flags)
{
	struct sock *sk = sock->sk;
	struct v4v_sock *vs = v4v_sk(sk);
	struct sockaddr_v4v *a;
	int err;

	if (len >= (int)sizeof(uaddr->sa_family) && uaddr->sa_family == AF_UNSPEC) {
		lock_sock(sk);
		WRITE_ONCE(vs->connected, false);
		release_sock(sk);
		return 0;
	}
	err = v4v_addr_from_user(uaddr, len, &a);
	if (err)
		return err;
	if (a->sv4v_domain == V4V_DOMID_ANY || a->sv4v_port == V4V_PORT_ANY)
		return -EINVAL;
	lock_sock(sk);
	/* Only the peer will talk to us: a ring for its domain alone. */
	if (!vs->ring)
		err = v4v_bind_locked(vs, 0, vs->partner_set ? vs->partner :
				      a->sv4v_domain);
	/* Bound for one partner, the peer's replies could never arrive. */
	else if (vs->partner != V4V_DOMID_ANY && vs->partner != a->sv4v_domain)
		err = -EINVAL;
	if (!err) {
		WRITE_ONCE(vs->peer, ((struct v4v_argo_addr){
			.aport = a->sv4v_port, .domain_id = a->sv4v_domain }));
		/* Release: a receiver that sees connected sees this peer. */
		smp_store_release(&vs->connected, true);
	}
	release_sock(sk);
	return err;
}

/* Send msg as one datagram through a kernel copy of it. */
static long v4v_dgram_send_bounce(const struct v4v_argo_send_addr *addr,
				  struct msghdr *msg, size_t len, long *timeo)
{
	struct v4v_argo_iov iov = { .iov_len = len };
	void *buf;
	long ret;

	buf = kvmalloc(max_t(size_t, len, 1), GFP_KERNEL_ACCOUNT);
	if (!buf)
		return -ENOBUFS;
	if (!copy_from_iter_full(buf, len, &msg->msg_iter)) {
		ret = -EFAULT;
		goto out;
	}
	iov.iov_hnd = (u64)(uintptr_t)buf;
	ret = v4v_send_wait(addr, &iov, len ? 1 : 0, V4V_MSG_DGRAM, 0, timeo);
out:
	kvfree(buf);
	return ret;
}

/*
 * Send msg straight from user memory.  The hypervisor cannot fault pages in,
 * so a first -EFAULT faults them in here and tries once more; if the pages
 * went away again meanwhile, the copy path decides.  Returns -ENOTSUPP when
 * msg is not suitable, so the caller bounces it.
 */
static long v4v_dgram_send_direct(const struct v4v_argo_send_addr *addr,
				  struct msghdr *msg, size_t len, long *timeo)
{
	struct v4v_argo_iov iov[V4V_ARGO_MAXIOV];
	int n = -1, tries;
	long ret = -ENOTSUPP;

	if (v4v_backend->user_sendv && v4v_backend->user_sendv())
		n = v4v_compat_user_iovs(&msg->msg_iter, iov, ARRAY_SIZE(iov));
	if (n < 0)
		return -ENOTSUPP;
	for (tries = 0; tries < 2; tries++) {
		ret = v4v_send_wait(addr, iov, n, V4V_MSG_DGRAM, V4V_ALL_IOVS, timeo);
		if (ret != -EFAULT)
			break;
		if (fault_in_iov_iter_readable(&msg->msg_iter, len))
			break;		/* really unreadable */
		if (tries)
			return -ENOTSUPP;
	}
	if (ret >= 0)
		iov_iter_advance(&msg->msg_iter, len);
	return ret;
}

static int v4v_dgram_sendmsg(struct socket *sock, struct msghdr *msg, size_t len)
{
	struct v4v_argo_send_addr addr = { };
	struct sock *sk = sock->sk;
	struct v4v_sock *vs = v4v_sk(sk);
	struct sockaddr_v4v *dst = NULL;
	long ret, timeo;

	if (msg->msg_flags & ~V4V_DGRAM_SEND_FLAGS)
		return -EOPNOTSUPP;
	if (msg->msg_controllen)
		return -EINVAL;
	if (msg->msg_name) {
		ret = v4v_addr_from_user(msg->msg_name, msg->msg_namelen, &dst);
		if (ret)
			return ret;
		if (dst->sv4v_domain == V4V_DOMID_ANY || dst->sv4v_port == V4V_PORT_ANY)
			return -EINVAL;
	}
	if (len > V4V_ARGO_MAX_SENDV_LEN)
		return -EMSGSIZE;

	lock_sock(sk);
	if (sk->sk_shutdown & SEND_SHUTDOWN) {
		release_sock(sk);
		if (!(msg->msg_flags & MSG_NOSIGNAL))
			send_sig(SIGPIPE, current, 0);
		return -EPIPE;
	}
	if (dst) {
		addr.dst.aport = dst->sv4v_port;
		addr.dst.domain_id = dst->sv4v_domain;
	} else if (vs->connected) {
		addr.dst = vs->peer;
	} else {
		release_sock(sk);
		return -EDESTADDRREQ;
	}
	ret = v4v_autobind_locked(vs, addr.dst.domain_id);
	addr.src.aport = vs->port;
	release_sock(sk);
	if (ret)
		return ret;
	/* Xen fills in our domain; it may not be named. */
	addr.src.domain_id = V4V_ARGO_DOMID_ANY;

	timeo = sock_sndtimeo(sk, msg->msg_flags & MSG_DONTWAIT);
	ret = v4v_dgram_send_direct(&addr, msg, len, &timeo);
	if (ret >= 0)
		v4v_stat_inc(tx_direct);
	if (ret == -ENOTSUPP) {
		ret = v4v_dgram_send_bounce(&addr, msg, len, &timeo);
		if (ret >= 0)
			v4v_stat_inc(tx_bounced);
	}
	if (ret == -EAGAIN)
		WRITE_ONCE(vs->tx_want, len);
	else if (ret >= 0)
		WRITE_ONCE(vs->tx_want, 0);
	if (ret == -ERESTARTSYS)
		return sock_intr_errno(timeo);
	return ret < 0 ? v4v_sock_errno(ret) : len;
}

/* The bound ring with a reference for the caller, or NULL. */
static struct v4v_ring *v4v_dgram_get_ring(struct sock *sk)
{
	struct v4v_ring *ring;

	lock_sock(sk);
	ring = v4v_sk(sk)->ring;
	if (ring)
		v4v_ring_get(ring);
	release_sock(sk);
	return ring;
}

/* Something for a sleeping receiver: a datagram, a broken ring, or SHUT_RD. */
static bool v4v_dgram_wakeup(struct sock *sk, struct v4v_ring *ring)
{
	return v4v_ring_readable(ring) || (READ_ONCE(sk->sk_shutdown) & RCV_SHUTDOWN);
}

/* A message this socket must not deliver: not a datagram, or not the peer's. */
static bool v4v_dgram_unwanted(struct v4v_sock *vs, const struct v4v_ring_msg *m)
{
	struct v4v_argo_addr peer;

	if (m->type != V4V_MSG_DGRAM)
		return true;
	/* Acquire: pairs with connect(), so peer is the one that came with it. */
	if (!smp_load_acquire(&vs->connected))
		return false;
	peer = READ_ONCE(vs->peer);
	return m->src_domain != peer.domain_id || m->src_port != peer.aport;
}

/* Copy up to len payload bytes of m to the user; rx_lock held. */
static int v4v_dgram_copy_out(struct v4v_ring *ring, const struct v4v_ring_msg *m,
			      struct msghdr *msg, size_t len)
{
	struct v4v_ring_chunk c[2];
	unsigned int i, n;

	lockdep_assert_held(&ring->rx_lock);
	n = v4v_ring_msg_chunks(&ring->view, m, 0, min_t(size_t, len, m->payload_len), c);
	for (i = 0; i < n; i++)
		if (copy_to_iter(c[i].p, c[i].n, &msg->msg_iter) != c[i].n)
			return -EFAULT;
	return 0;
}

static int v4v_dgram_recvmsg(struct socket *sock, struct msghdr *msg, size_t len,
			     int flags)
{
	struct sock *sk = sock->sk;
	struct v4v_sock *vs = v4v_sk(sk);
	struct iov_iter saved = msg->msg_iter;
	unsigned long deadline;
	struct v4v_ring_msg m;
	struct v4v_ring *ring;
	long timeo, left;
	int err;

	if (flags & MSG_ERRQUEUE)
		return -EAGAIN;		/* there is never an error queue */
	if (flags & ~V4V_DGRAM_RECV_FLAGS)
		return -EOPNOTSUPP;
	ring = v4v_dgram_get_ring(sk);
	if (!ring)
		return -ENOTCONN;
	timeo = sock_rcvtimeo(sk, flags & MSG_DONTWAIT);
	/* Kept as a deadline: a wake-up for nothing must not stop the clock. */
	deadline = jiffies + timeo;
	for (;;) {
		if (mutex_lock_interruptible(&ring->rx_lock)) {
			err = sock_intr_errno(timeo);
			break;
		}
		err = v4v_ring_peek_locked(ring, &m);
		if (!err && v4v_dgram_unwanted(vs, &m)) {
			v4v_stat_inc(rx_dropped);
			v4v_ring_consumed(ring, &m);
			mutex_unlock(&ring->rx_lock);
			continue;
		}
		if (!err) {
			/* A failed copy leaves the datagram queued: nothing is lost. */
			err = v4v_dgram_copy_out(ring, &m, msg, len);
			if (err)
				msg->msg_iter = saved;
			else if (!(flags & MSG_PEEK))
				v4v_ring_consumed(ring, &m);
		}
		mutex_unlock(&ring->rx_lock);
		if (err != -EAGAIN)
			break;
		if (READ_ONCE(sk->sk_shutdown) & RCV_SHUTDOWN) {
			err = 0;
			m.payload_len = 0;
			goto out;
		}
		if (!timeo)
			break;
		v4v_event_cpu_waiting();
		left = wait_event_interruptible_timeout(*sk_sleep(sk),
							v4v_dgram_wakeup(sk, ring),
							timeo);
		if (left < 0) {
			err = sock_intr_errno(timeo);
			break;
		}
		if (timeo != MAX_SCHEDULE_TIMEOUT)
			timeo = time_before(jiffies, deadline) ? deadline - jiffies : 0;
	}
	if (err)
		goto out;
	if (msg->msg_name) {
		struct sockaddr_v4v *a = msg->msg_name;

		memset(a, 0, sizeof(*a));
		a->sv4v_family = sk->sk_family;
		a->sv4v_domain = m.src_domain;
		a->sv4v_port = m.src_port;
		msg->msg_namelen = sizeof(*a);
	}
	if (m.payload_len > len)
		msg->msg_flags |= MSG_TRUNC;
out:
	v4v_ring_put(ring);
	if (err)
		return err;
	return flags & MSG_TRUNC ? m.payload_len : min_t(size_t, len, m.payload_len);
}

static __poll_t v4v_dgram_poll(struct file *file, struct socket *sock,
			       poll_table *wait)
{
	struct sock *sk = sock->sk;
	struct v4v_sock *vs = v4v_sk(sk);
	struct v4v_argo_addr peer;
	struct v4v_ring *ring;
	__poll_t mask = 0;
	bool connected;

	sock_poll_wait(file, sock, wait);
	if (READ_ONCE(sk->sk_err))
		mask |= EPOLLERR;
	if (READ_ONCE(sk->sk_shutdown) == SHUTDOWN_MASK)
		mask |= EPOLLHUP;
	if (READ_ONCE(sk->sk_shutdown) & RCV_SHUTDOWN)
		mask |= EPOLLIN | EPOLLRDNORM | EPOLLRDHUP;

	lock_sock(sk);
	ring = vs->ring;
	connected = vs->connected;
	peer = vs->peer;
	release_sock(sk);
	/* A bound ring lives until release, which cannot run during poll. */
	if (ring && READ_ONCE(ring->broken))
		mask |= EPOLLERR;
	else if (ring && v4v_ring_has_msg(&ring->view))
		mask |= EPOLLIN | EPOLLRDNORM;

	if (READ_ONCE(sk->sk_shutdown) & SEND_SHUTDOWN)
		return mask;
	if (connected) {
		v4v_rings_wait_tx(file, wait);
		if (!v4v_peer_has_room(vs, peer)) {
			v4v_rings_poll_retry();
			return mask;
		}
	}
	return mask | EPOLLOUT | EPOLLWRNORM | EPOLLWRBAND;
}

/* Payload bytes of the next datagram, 0 if none. */
static int v4v_dgram_inq(struct sock *sk)
{
	struct v4v_ring *ring = v4v_dgram_get_ring(sk);
	struct v4v_ring_msg m;
	int n = 0;

	if (!ring)
		return 0;
	mutex_lock(&ring->rx_lock);
	if (!v4v_ring_peek_locked(ring, &m))
		n = m.payload_len;
	mutex_unlock(&ring->rx_lock);
	v4v_ring_put(ring);
	return n;
}

static int v4v_dgram_ioctl(struct socket *sock, unsigned int cmd, unsigned long arg)
{
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case V4V_IOC_LOCAL_DOMID:
		return put_user((u32)v4v_backend->local_domid(), (u32 __user *)uarg);
	case SIOCINQ:
		return put_user(v4v_dgram_inq(sock->sk), (int __user *)uarg);
	case SIOCOUTQ:
		return put_user(0, (int __user *)uarg);
	default:
		return -ENOIOCTLCMD;
	}
}

const struct proto_ops v4v_dgram_ops = {
	.family		= PF_V4V,
	.owner		= THIS_MODULE,
	.release	= v4v_release,
	.bind		= v4v_bind,
	.connect	= v4v_dgram_connect,
	.socketpair	= sock_no_socketpair,
	.accept		= sock_no_accept,
	.getname	= v4v_getname,
	.poll		= v4v_dgram_poll,
	.ioctl		= v4v_dgram_ioctl,
	.listen		= sock_no_listen,
	.shutdown	= v4v_shutdown,
	.setsockopt	= v4v_setsockopt,
	.getsockopt	= v4v_getsockopt,
	.sendmsg	= v4v_dgram_sendmsg,
	.recvmsg	= v4v_dgram_recvmsg,
	.mmap		= sock_no_mmap,
};
