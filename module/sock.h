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
struct v4v_sport;

/*
 * A stream or seqpacket connection end (stream.c, stream_port.c).  sk_state
 * holds its enum v4v_st_state; sk_receive_queue its unread data, one skb
 * per message.
 */
struct v4v_stream {
	/* Set before the connection is visible, then fixed. */
	struct v4v_sport *sport;	/* carries our inbound messages (a ref) */
	u32 conid;

	/* lock_sock */
	bool ext;			/* the peer speaks v4v's extensions */
	u32 peer_max;			/* largest payload one message may carry */
	u32 tx_cnt;			/* bytes sent (mod 2^32) */
	u32 peer_fwd_cnt;		/* bytes the peer consumed, as it said */
	u32 peer_buf_alloc;		/* bytes the peer buffers */
	u32 fwd_cnt;			/* bytes our reader consumed */
	u32 fwd_sent;			/* fwd_cnt as the peer last heard it */
	u32 buf_alloc;			/* bytes we buffer: our credit */
	unsigned long syn_at;		/* jiffies when connect() sent the SYN */
	bool credit_owed;		/* an update could not be sent yet */
	bool fin_owed;			/* likewise our FIN */
	bool rst_owed;			/* likewise our RST */
	u32 rx_queued;			/* bytes queued; poll reads it locklessly */

	/* sport->lock */
	struct hlist_node node;		/* sport->conns */
	struct list_head accept_node;	/* listener's queue, until accepted */
	/* stream_live_lock */
	struct list_head live;		/* connections the liveness check visits */
};

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

	struct v4v_stream st;		/* SOCK_STREAM and SOCK_SEQPACKET only */
};

static inline struct v4v_sock *v4v_sk(const struct sock *sk)
{
	return container_of(sk, struct v4v_sock, sk);
}

extern const struct proto_ops v4v_dgram_ops;
extern const struct proto_ops v4v_stream_ops;	/* and seqpacket */

/* af_v4v.c, for the socket types */
int v4v_sock_errno(int argo_err);
int v4v_addr_from_user(const struct sockaddr *uaddr, int len,
		       struct sockaddr_v4v **out);
int v4v_bind_ring_locked(struct v4v_sock *vs, u32 port, u16 partner,
			 void (*data_ready)(struct v4v_ring *ring), void *owner);
int v4v_bind_locked(struct v4v_sock *vs, u32 port, u16 partner);
struct sock *v4v_sock_alloc_child(struct sock *parent);
int v4v_autobind_locked(struct v4v_sock *vs, u16 dst_domain);
bool v4v_peer_has_room(struct v4v_sock *vs, struct v4v_argo_addr peer);
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

/* stream.c and stream_port.c */
int v4v_stream_bind_locked(struct v4v_sock *vs, u32 port, u16 partner);
int v4v_stream_init(void);
void v4v_stream_exit(void);

#endif /* _V4V_SOCK_H */
