// SPDX-License-Identifier: GPL-2.0
/*
 * The AF_V4V socket family: registration, socket lifetime, addresses,
 * binding and options.  Data transfer lives with each socket type (dgram.c,
 * stream.c).
 *
 * Implementation notes
 *
 * A bound socket owns one Argo ring, registered for (port, partner): the
 * ring is the socket's receive queue, written by the hypervisor (or the
 * loopback backend) and read straight into the caller's buffers.  Binding
 * is explicit (bind), implied by connect (partner = the peer's domain, so
 * no wildcard ring and no mac-permissive is needed), or done by the first
 * send (partner = V4V_PARTNER, default any).  Port 0 or V4V_PORT_ANY picks
 * a free port at random in [V4V_PORT_EPHEMERAL, V4V_PORT_ANY); a socket is
 * bound at most once and the ring lives until release (a stream port's may
 * live on: stream_port.c).
 *
 * Only init_net: Xen domains are not network namespaces and one Argo ring
 * space belongs to the whole domain.
 *
 * Locking: lock_sock(sk) protects the fields of struct v4v_sock (sock.h).
 * Sending and receiving take a snapshot (a ring reference, the port, the
 * peer) under it and release it before they copy or sleep, so one slow
 * receiver never stalls a sender on the same socket.  Lock order:
 * lock_sock before rings.lock (ring creation and the last put).
 */
#include <linux/capability.h>
#include <linux/module.h>
#include <linux/random.h>
#include <linux/sockptr.h>
#include <net/net_namespace.h>

#include "backend.h"
#include "rcvmem.h"
#include "rings.h"
#include "sock.h"
#include "stream_fsm.h"

static int family = AF_V4V;
module_param(family, int, 0444);
MODULE_PARM_DESC(family, "Address family number to register (default 13)");

/* Tries at random ports before an ephemeral bind gives up. */
#define V4V_EPHEMERAL_TRIES 64

static struct proto v4v_proto = {
	.name		= "V4V",
	.owner		= THIS_MODULE,
	.obj_size	= sizeof(struct v4v_sock),
};

/**
 * v4v_sock_errno - turn an Argo error into what a socket user expects
 * @argo_err: negative errno from the backend
 *
 * Documentation/errors.rst lists the whole mapping.
 */
int v4v_sock_errno(int argo_err)
{
	switch (argo_err) {
	case -ESRCH:		/* no such domain */
		return -EHOSTUNREACH;
	case -ENODEV:		/* a domain without Argo */
	case -EOPNOTSUPP:
		return -ENETDOWN;
	case -EEXIST:		/* a ring Xen already has, not ours */
		return -EADDRINUSE;
	case -ENOSPC:		/* Xen's 128 rings per domain */
	case -ENOMEM:
		return -ENOBUFS;
	case -EBUSY:		/* too many domains waiting on that ring */
		return -EAGAIN;
	default:
		return argo_err;
	}
}

/*
 * Check a user's address: family, length, zero padding, domain in range.
 * The port is the caller's business.
 */
int v4v_addr_from_user(const struct sockaddr *uaddr, int len,
		       struct sockaddr_v4v **out)
{
	struct sockaddr_v4v *a = (struct sockaddr_v4v *)uaddr;

	if (len < (int)sizeof(*a))
		return -EINVAL;
	if (a->sv4v_family != family)
		return -EAFNOSUPPORT;
	if (memchr_inv(a->sv4v_zero, 0, sizeof(a->sv4v_zero)))
		return -EINVAL;
	if (a->sv4v_domain >= V4V_DOMID_RESERVED && a->sv4v_domain != V4V_DOMID_ANY)
		return -EINVAL;
	*out = a;
	return 0;
}

/*
 * For poll: true unless Argo says the ring at peer is there but cannot take
 * the message that last found it full (vs->tx_want bytes, or one).  The
 * query also makes Argo raise an event when the room appears, which wakes
 * poll through the blocked-sender queue.
 */
bool v4v_peer_has_room(struct v4v_sock *vs, struct v4v_argo_addr peer)
{
	struct {
		struct v4v_argo_ring_data rd;
		struct v4v_argo_ring_data_ent ent;
	} q = { .rd.nent = 1 };
	u16 f;

	q.ent.ring = peer;
	q.ent.space_required = max_t(u32, READ_ONCE(vs->tx_want), 1);
	if (v4v_backend->notify(&q.rd))
		return true;	/* send will report the error without blocking */
	f = q.ent.flags;
	return !(f & V4V_ARGO_RING_EXISTS) || (f & V4V_ARGO_RING_SUFFICIENT) ||
	       (f & V4V_ARGO_RING_EMSGSIZE);
}

/* Messages arrived in the socket's ring: wake its readers and pollers. */
static void v4v_data_ready(struct v4v_ring *ring)
{
	struct sock *sk = ring->owner;

	sk->sk_data_ready(sk);
}

/*
 * Bind to (port, partner) with a ring whose events go to data_ready(owner);
 * port 0 or V4V_PORT_ANY picks one.  Returns 0 or a negative socket errno.
 */
int v4v_bind_ring_locked(struct v4v_sock *vs, u32 port, u16 partner,
			 void (*data_ready)(struct v4v_ring *ring), void *owner)
{
	bool ephemeral = port == 0 || port == V4V_PORT_ANY;
	struct v4v_ring *ring = NULL;
	int err = -EADDRINUSE, i;

	sock_owned_by_me(&vs->sk);
	if (vs->ring)
		return -EINVAL;
	for (i = 0; i < (ephemeral ? V4V_EPHEMERAL_TRIES : 1); i++) {
		if (ephemeral)
			port = V4V_PORT_EPHEMERAL +
			       get_random_u32_below(V4V_PORT_ANY - V4V_PORT_EPHEMERAL);
		ring = v4v_ring_create(port, partner, vs->ring_len, data_ready,
				       owner, &err);
		if (ring || (err != -EADDRINUSE && err != -EEXIST))
			break;
	}
	if (!ring)
		return v4v_sock_errno(err);
	vs->ring = ring;
	vs->port = port;
	vs->partner = partner;
	return 0;
}

/* Bind as the socket's type does it: see v4v_bind_ring_locked(). */
int v4v_bind_locked(struct v4v_sock *vs, u32 port, u16 partner)
{
	if (vs->sk.sk_type != SOCK_DGRAM)
		return v4v_stream_bind_locked(vs, port, partner);
	return v4v_bind_ring_locked(vs, port, partner, v4v_data_ready, &vs->sk);
}

/*
 * Bind an unbound socket before it sends to dst_domain: to V4V_PARTNER if
 * set, else to any domain; if the hypervisor refuses wildcard rings (no
 * mac-permissive), to the destination's domain.
 */
int v4v_autobind_locked(struct v4v_sock *vs, u16 dst_domain)
{
	int err;

	if (vs->ring)
		return 0;
	err = v4v_bind_locked(vs, 0, vs->partner_set ? vs->partner : V4V_DOMID_ANY);
	if (err == -EPERM && !vs->partner_set)
		err = v4v_bind_locked(vs, 0, dst_domain);
	return err;
}

int v4v_bind(struct socket *sock, struct sockaddr *uaddr, int len)
{
	struct sock *sk = sock->sk;
	struct v4v_sock *vs = v4v_sk(sk);
	struct sockaddr_v4v *a;
	int err;

	err = v4v_addr_from_user(uaddr, len, &a);
	if (err)
		return err;
	if (a->sv4v_domain != V4V_DOMID_ANY &&
	    a->sv4v_domain != v4v_backend->local_domid())
		return -EADDRNOTAVAIL;
	if (a->sv4v_port && a->sv4v_port < V4V_PORT_PRIVILEGED &&
	    !capable(CAP_NET_BIND_SERVICE))
		return -EACCES;
	lock_sock(sk);
	err = v4v_bind_locked(vs, a->sv4v_port, vs->partner);
	release_sock(sk);
	return err;
}

int v4v_getname(struct socket *sock, struct sockaddr *uaddr, int peer)
{
	struct sockaddr_v4v *a = (struct sockaddr_v4v *)uaddr;
	struct sock *sk = sock->sk;
	struct v4v_sock *vs = v4v_sk(sk);
	int err = sizeof(*a);

	memset(a, 0, sizeof(*a));
	a->sv4v_family = family;
	lock_sock(sk);
	if (peer) {
		if (vs->connected) {
			a->sv4v_domain = vs->peer.domain_id;
			a->sv4v_port = vs->peer.aport;
		} else {
			err = -ENOTCONN;
		}
	} else {
		a->sv4v_domain = v4v_backend->local_domid();
		a->sv4v_port = vs->port;
	}
	release_sock(sk);
	return err;
}

int v4v_setsockopt(struct socket *sock, int level, int optname,
		   sockptr_t optval, unsigned int optlen)
{
	struct sock *sk = sock->sk;
	struct v4v_sock *vs = v4v_sk(sk);
	u32 val;
	int err = 0;

	if (level != SOL_V4V)
		return -ENOPROTOOPT;
	if (optlen < sizeof(val))
		return -EINVAL;
	if (copy_from_sockptr(&val, optval, sizeof(val)))
		return -EFAULT;
	lock_sock(sk);
	if (vs->ring) {
		err = -EISCONN;
		goto out;
	}
	switch (optname) {
	case V4V_RING_SIZE:
		if (!v4v_ring_len_valid(val))
			err = -EINVAL;
		else
			vs->ring_len = val;
		break;
	case V4V_PARTNER:
		if (val >= V4V_DOMID_RESERVED && val != V4V_DOMID_ANY) {
			err = -EINVAL;
		} else {
			vs->partner = val;
			vs->partner_set = true;
		}
		break;
	default:
		err = -ENOPROTOOPT;
	}
out:
	release_sock(sk);
	return err;
}

int v4v_getsockopt(struct socket *sock, int level, int optname,
		   char __user *optval, int __user *optlen)
{
	struct sock *sk = sock->sk;
	struct v4v_sock *vs = v4v_sk(sk);
	int len;
	u32 val;

	if (level != SOL_V4V)
		return -ENOPROTOOPT;
	if (get_user(len, optlen))
		return -EFAULT;
	if (len < (int)sizeof(val))
		return -EINVAL;
	lock_sock(sk);
	switch (optname) {
	case V4V_RING_SIZE:
		val = vs->ring_len;
		break;
	case V4V_PARTNER:
		val = vs->partner;
		break;
	default:
		release_sock(sk);
		return -ENOPROTOOPT;
	}
	release_sock(sk);
	len = sizeof(val);
	if (put_user(len, optlen) || copy_to_user(optval, &val, len))
		return -EFAULT;
	return 0;
}

int v4v_shutdown(struct socket *sock, int how)
{
	struct sock *sk = sock->sk;

	/* SHUT_RD, SHUT_WR, SHUT_RDWR are 0, 1, 2; the mask bits are 1, 2, 3. */
	if (how < SHUT_RD || how > SHUT_RDWR)
		return -EINVAL;
	lock_sock(sk);
	WRITE_ONCE(sk->sk_shutdown, sk->sk_shutdown | (how + 1));
	sk->sk_state_change(sk);
	release_sock(sk);
	return 0;
}

int v4v_release(struct socket *sock)
{
	struct sock *sk = sock->sk;
	struct v4v_ring *ring;

	if (!sk)
		return 0;
	lock_sock(sk);
	ring = v4v_sk(sk)->ring;
	v4v_sk(sk)->ring = NULL;
	WRITE_ONCE(sk->sk_shutdown, SHUTDOWN_MASK);
	sock_orphan(sk);
	release_sock(sk);
	/* After this no event calls v4v_data_ready() for sk. */
	if (ring)
		v4v_ring_put(ring);
	sock->sk = NULL;
	sock_put(sk);
	return 0;
}

/* Fields every new socket starts with. */
/* The last reference is gone: give back the receive memory still charged. */
static void v4v_sock_destruct(struct sock *sk)
{
	skb_queue_purge(&sk->sk_receive_queue);
	sk_mem_reclaim_final(sk);
}

static void v4v_sock_init(struct sock *sk)
{
	struct v4v_sock *vs = v4v_sk(sk);

	sk->sk_destruct = v4v_sock_destruct;

	/* The event walk may still wake sk for a grace period after release. */
	sock_set_flag(sk, SOCK_RCU_FREE);
	/* sock_init_data() said TCP_CLOSE; streams keep their own states. */
	sk->sk_state = V4V_ST_CLOSED;
	vs->ring_len = sk->sk_type == SOCK_DGRAM ? V4V_RING_SIZE_DEFAULT :
						   V4V_RING_SIZE_STREAM;
	vs->partner = V4V_DOMID_ANY;
	INIT_LIST_HEAD(&vs->st.accept_node);
	INIT_LIST_HEAD(&vs->st.live);
}

/**
 * v4v_sock_alloc_child - a connection a listener accepted
 * @parent: the listening socket
 *
 * The new sock has no struct socket until accept() grafts one.
 * Return: the sock (one reference), or NULL.
 */
struct sock *v4v_sock_alloc_child(struct sock *parent)
{
	struct sock *sk;

	sk = sk_alloc(&init_net, family, GFP_KERNEL, &v4v_proto, 0);
	if (!sk)
		return NULL;
	sock_init_data(NULL, sk);
	sk->sk_type = parent->sk_type;
	sk->sk_rcvbuf = READ_ONCE(parent->sk_rcvbuf);
	sk->sk_sndbuf = READ_ONCE(parent->sk_sndbuf);
	sk->sk_rcvlowat = READ_ONCE(parent->sk_rcvlowat);
	/*
	 * Allocated by the pump's kworker, which belongs to no memory cgroup:
	 * the connection's receive memory is charged where the listener's is.
	 */
	v4v_rcvmem_inherit(sk, parent);
	v4v_sock_init(sk);
	return sk;
}

static int v4v_create(struct net *net, struct socket *sock, int protocol,
		      int kern)
{
	const struct proto_ops *ops;
	struct sock *sk;

	if (!net_eq(net, &init_net))
		return -EAFNOSUPPORT;
	if (protocol)
		return -EPROTONOSUPPORT;
	switch (sock->type) {
	case SOCK_DGRAM:
		ops = &v4v_dgram_ops;
		break;
	case SOCK_STREAM:
	case SOCK_SEQPACKET:
		ops = &v4v_stream_ops;
		break;
	default:
		return -ESOCKTNOSUPPORT;
	}
	sk = sk_alloc(net, family, GFP_KERNEL, &v4v_proto, kern);
	if (!sk)
		return -ENOMEM;
	sock->ops = ops;
	sock_init_data(sock, sk);
	v4v_sock_init(sk);
	/*
	 * A stream's window is its SO_RCVBUF.  net.core.rmem_default (208 KiB)
	 * holds three 64 KiB messages, and a reader then grants credit after
	 * nearly every one: a message more per write, and a writer that waits.
	 * With 1 MiB (and a ring to match), 64 KiB writes between two tasks
	 * in dom0 ran 1.1-1.45x faster in the same boot.
	 */
	if (sock->type != SOCK_DGRAM)
		sk->sk_rcvbuf = V4V_STREAM_RCVBUF_DEFAULT;
	return 0;
}

static struct net_proto_family v4v_family_ops = {
	.create	= v4v_create,
	.owner	= THIS_MODULE,
};

int v4v_af_init(void)
{
	int err;

	if (family <= 0 || family >= AF_MAX) {
		pr_err("family %d is out of range (1 to %d)\n", family, AF_MAX - 1);
		return -EINVAL;
	}
	v4v_rcvmem_setup(&v4v_proto);
	err = proto_register(&v4v_proto, 0);
	if (err)
		return err;
	v4v_family_ops.family = family;
	err = sock_register(&v4v_family_ops);
	if (err) {
		pr_err("address family %d is taken (%d); load with family=<free number>\n",
		       family, err);
		proto_unregister(&v4v_proto);
		return err;
	}
	pr_info("AF_V4V registered as address family %d\n", family);
	return 0;
}

void v4v_af_exit(void)
{
	sock_unregister(family);
	proto_unregister(&v4v_proto);
}

MODULE_ALIAS_NETPROTO(AF_V4V);
