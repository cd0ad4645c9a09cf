/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Local rings: the memory of each ring this domain registered, its place in
 * the list the event path scans, and blocked senders.  Backend independent;
 * the backend registers the memory with the hypervisor (or its emulation)
 * and calls v4v_rings_signal() when an Argo event (VIRQ) arrives.
 *
 * Lifetime: a ring is refcounted.  Its owner (a datagram socket or a stream
 * port) holds one reference and supplies data_ready(), which wakes the
 * owner's own wait queue: that queue lives as long as the owner, so a
 * reader, poll() or epoll never waits on memory that unbinding frees.  A
 * reader that sleeps takes its own reference; the last put unregisters the
 * ring and frees it, after which data_ready() is never called again.  A
 * stream port outlives the socket that bound it while its connections or a
 * FIN it owes keep it; a socket that binds the same port meanwhile may
 * adopt the port, ring and all (v4v_ring_adopt()).
 */
#ifndef _V4V_RINGS_H
#define _V4V_RINGS_H

#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/rcupdate.h>
#include <linux/types.h>
#include <linux/uidgid.h>
#include <linux/wait.h>

#include "ring.h"

struct file;
struct seq_file;

struct v4v_ring {
	/* Fixed from creation to free. */
	u32 port;
	u16 partner;			/* domain allowed to send, or DOMID_ANY */
	u32 npages;
	struct v4v_ring_view view;	/* memory shared with the producer */
	/*
	 * Called when messages are queued, from any context (even hardirq),
	 * under RCU: an owner must stay valid for a grace period after it
	 * drops its reference.
	 */
	void (*data_ready)(struct v4v_ring *ring);
	void *owner;			/* for data_ready */
	kuid_t uid;			/* whose share it counts in (user_rings) */
	bool unbounded;			/* created with CAP_NET_ADMIN: no share */
	bool adoptable;			/* rings.lock: v4v_ring_set_adoptable() */

	struct kref ref;		/* the owner's, plus one per sleeping reader */
	struct list_head node;		/* in the registered list; rings.lock, RCU */
	struct rcu_head rcu;		/* freeing after the last event walk */

	struct mutex rx_lock;		/* serialises consumers of view */
	bool broken;			/* rx_lock: contents can no longer be delimited */
	u32 discards;			/* rx_lock: times the contents were thrown away */
	atomic64_t rx_msgs;		/* consumed messages */
	atomic64_t rx_bytes;		/* consumed payload bytes */
};

int v4v_rings_init(void);
void v4v_rings_exit(void);

struct v4v_ring *v4v_ring_create(u32 port, u16 partner, u32 len,
				 void (*data_ready)(struct v4v_ring *ring),
				 void *owner, int *err);
void v4v_ring_set_adoptable(struct v4v_ring *ring, bool adoptable);
struct v4v_ring *v4v_ring_adopt(u32 port, u16 partner, u32 len,
				bool (*claim)(struct v4v_ring *ring, void *arg), void *arg);
void v4v_ring_put(struct v4v_ring *ring);

static inline void v4v_ring_get(struct v4v_ring *ring)
{
	kref_get(&ring->ref);
}

/* A reader waiting on ring->wq has something to do. */
static inline bool v4v_ring_readable(const struct v4v_ring *ring)
{
	return v4v_ring_has_msg(&ring->view) || READ_ONCE(ring->broken);
}

/* For user_iovs: every buffer is user memory. */
#define V4V_ALL_IOVS	((1U << V4V_ARGO_MAXIOV) - 1)

int v4v_ring_peek_locked(struct v4v_ring *ring, struct v4v_ring_msg *m);
void v4v_ring_consumed(struct v4v_ring *ring, const struct v4v_ring_msg *m);
void v4v_ring_consumed_quiet(struct v4v_ring *ring, const struct v4v_ring_msg *m);
void v4v_rings_notify(void);

/* A send failed only for want of room (-EBUSY: too many senders wait). */
static inline bool v4v_send_full(long err)
{
	return err == -EAGAIN || err == -EBUSY;
}

long v4v_sendv_once(const struct v4v_argo_send_addr *addr,
		    const struct v4v_argo_iov *iov, unsigned int niov, u32 type,
		    u32 user_iovs);
int v4v_tx_gen(void);
long v4v_tx_wait(int gen, long timeo);

long v4v_send_wait(const struct v4v_argo_send_addr *addr,
		   const struct v4v_argo_iov *iov, unsigned int niov, u32 type,
		   u32 user_iovs, long *timeo);
void v4v_rings_wait_tx(struct file *file, poll_table *wait);
void v4v_rings_poll_retry(void);

void v4v_rings_signal(void);
void v4v_rings_show(struct seq_file *m);
unsigned int v4v_rings_count(void);

#endif /* _V4V_RINGS_H */
