/* SPDX-License-Identifier: GPL-2.0 */
/*
 * AF_V4V sockets: state shared by the family code (af_v4v.c) and the
 * socket types (dgram.c, later stream).
 */
#ifndef _V4V_SOCK_H
#define _V4V_SOCK_H

#include <linux/net.h>
#include <net/sock.h>
#include <uapi/linux/v4v.h>
#include <v4v/argo.h>

struct v4v_ring;

struct v4v_sock {
	struct sock sk;			/* first: sk_alloc() allocates us */

	/* Protected by lock_sock(sk). */
	struct v4v_ring *ring;		/* bound ring (a reference), or NULL */
	u32 port;			/* bound port, 0 if unbound */
	u16 partner;			/* V4V_PARTNER */
	bool partner_set;		/* V4V_PARTNER was given */
	u32 ring_len;			/* V4V_RING_SIZE */
	bool connected;
	struct v4v_argo_addr peer;	/* the connected destination */

	/* Lockless: a hint for poll, written by send, read by poll. */
	u32 tx_want;			/* bytes of the last send that found no room */
};

static inline struct v4v_sock *v4v_sk(const struct sock *sk)
{
	return container_of(sk, struct v4v_sock, sk);
}

extern const struct proto_ops v4v_dgram_ops;

/* af_v4v.c, for the socket types */
int v4v_sock_errno(int argo_err);
int v4v_addr_from_user(const struct sockaddr *uaddr, int len,
		       struct sockaddr_v4v **out);
int v4v_bind_locked(struct v4v_sock *vs, u32 port, u16 partner);
int v4v_autobind_locked(struct v4v_sock *vs, u16 dst_domain);
int v4v_getname(struct socket *sock, struct sockaddr *uaddr, int peer);
int v4v_setsockopt(struct socket *sock, int level, int optname,
		   sockptr_t optval, unsigned int optlen);
int v4v_getsockopt(struct socket *sock, int level, int optname,
		   char __user *optval, int __user *optlen);
int v4v_release(struct socket *sock);
int v4v_bind(struct socket *sock, struct sockaddr *uaddr, int len);
int v4v_shutdown(struct socket *sock, int how);

int v4v_af_init(void);
void v4v_af_exit(void);

#endif /* _V4V_SOCK_H */
