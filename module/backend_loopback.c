// SPDX-License-Identifier: GPL-2.0
/*
 * The loopback backend: Argo's four operations emulated in this kernel, for
 * kernels without Xen (and KUnit on UML) and for tests.  There is one domain,
 * id 0, which can only talk to itself.  Semantics follow Xen 4.17 exactly
 * where a program can see them: the same checks in the same order with the
 * same errors, the last free slot never used, wildcard rings only with
 * mac_permissive, 128 rings, space notifications queued by -EAGAIN and by
 * notify queries and raised when a notify finds the room; every successful
 * send raises an event, as VIRQ_ARGO would, through v4v_rings_signal().
 *
 * User memory is read the way Xen reads it: without faulting pages in (a
 * missing page is -EFAULT), so the sender's fault-in-and-retry path runs
 * here too, and no send can sleep on a page fault while holding lb.lock.
 *
 * Locking: lb.lock (mutex) protects the ring table and every producer index,
 * and is held across a whole send, copy included.  It nests inside
 * rings.lock (register and unregister are called under it) and inside a
 * ring's rx_lock (notify after a read), and takes no other v4v lock.
 */
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "backend.h"
#include "rings.h"

static bool mac_permissive = true;
module_param(mac_permissive, bool, 0444);
MODULE_PARM_DESC(mac_permissive,
		 "loopback backend: allow rings for any sender, like Xen's mac-permissive=1");

#define LB_DOMID 0

struct lb_ring {
	struct list_head node;		/* lb.rings */
	struct v4v_ring *ring;		/* memory; valid while registered */
	u32 tx;				/* the producer's own index */
	bool waiting;			/* a sender waits for room ... */
	u32 want;			/* ... for this many payload bytes */
};

static struct {
	struct mutex lock;		/* see the file comment */
	struct list_head rings;
	unsigned int count;
} lb = {
	.lock = __MUTEX_INITIALIZER(lb.lock),
	.rings = LIST_HEAD_INIT(lb.rings),
};

static int lb_probe(void)
{
	pr_info("loopback backend: one domain (id %d), Argo emulated in this kernel\n",
		LB_DOMID);
	return 0;
}

static void lb_remove(void)
{
	WARN_ON(!list_empty(&lb.rings));
}

static u16 lb_local_domid(void)
{
	return LB_DOMID;
}

static struct lb_ring *lb_find(u32 port, u16 partner)
{
	struct lb_ring *r;

	lockdep_assert_held(&lb.lock);
	list_for_each_entry(r, &lb.rings, node)
		if (r->ring->port == port && r->ring->partner == partner)
			return r;
	return NULL;
}

/* The ring a message from LB_DOMID to port lands in: exact, then wildcard. */
static struct lb_ring *lb_lookup(u32 port, bool *wildcard)
{
	struct lb_ring *r = lb_find(port, LB_DOMID);

	*wildcard = !r;
	return r ? r : lb_find(port, V4V_ARGO_DOMID_ANY);
}

/* Payload bytes one message could carry now (Xen's rule: see ring.c). */
static u32 lb_payload_space(struct lb_ring *r)
{
	u32 free = v4v_ring_free(&r->ring->view, r->tx);

	return free > 2 * V4V_ARGO_MSG_HDR_SIZE ? free - 2 * V4V_ARGO_MSG_HDR_SIZE : 0;
}

static int lb_register_ring(struct v4v_ring *ring)
{
	struct lb_ring *r;
	u32 tx;
	int err = 0;

	if (ring->partner == V4V_ARGO_DOMID_ANY) {
		if (!mac_permissive)
			return -EPERM;
	} else if (ring->partner != LB_DOMID) {
		return -ESRCH;
	}
	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	mutex_lock(&lb.lock);
	if (lb.count >= V4V_ARGO_MAX_RINGS_PER_DOMAIN) {
		err = -ENOSPC;
	} else if (lb_find(ring->port, ring->partner)) {
		err = -EEXIST;
	} else {
		/* Like Xen: keep a sane tx found in the ring, else start at rx. */
		r->ring = ring;
		tx = READ_ONCE(ring->view.hdr->tx_ptr);
		if (tx >= ring->view.len || tx % V4V_ARGO_MSG_SLOT_SIZE) {
			tx = ALIGN(READ_ONCE(ring->view.hdr->rx_ptr), V4V_ARGO_MSG_SLOT_SIZE);
			if (tx >= ring->view.len)
				tx = 0;
			WRITE_ONCE(ring->view.hdr->tx_ptr, tx);
		}
		r->tx = tx;
		list_add_tail(&r->node, &lb.rings);
		lb.count++;
	}
	mutex_unlock(&lb.lock);
	if (err)
		kfree(r);
	return err;
}

static int lb_unregister_ring(struct v4v_ring *ring)
{
	struct lb_ring *r;

	mutex_lock(&lb.lock);
	r = lb_find(ring->port, ring->partner);
	if (r) {
		list_del(&r->node);
		lb.count--;
	}
	mutex_unlock(&lb.lock);
	if (!r)
		return -ENOENT;
	kfree(r);
	return 0;
}

/* Copy one iov into the reserved message, at payload offset at. */
static int lb_copy_in(const struct v4v_ring_view *v, const struct v4v_ring_resv *res,
		      u32 at, const struct v4v_argo_iov *iov, bool user)
{
	struct v4v_ring_chunk c[2];
	unsigned int i, k;
	u32 done = 0;

	k = v4v_ring_resv_chunks(v, res, at, iov->iov_len, c);
	for (i = 0; i < k; done += c[i].n, i++) {
		if (user) {
			if (copy_from_user_nofault(c[i].p,
						   u64_to_user_ptr(iov->iov_hnd) + done, c[i].n))
				return -EFAULT;
		} else {
			memcpy(c[i].p, (const void *)(uintptr_t)iov->iov_hnd + done, c[i].n);
		}
	}
	return 0;
}

static long lb_sendv(const struct v4v_argo_send_addr *addr,
		     const struct v4v_argo_iov *iov, unsigned int niov,
		     u32 message_type, u32 user_iovs)
{
	struct v4v_argo_addr src = addr->src;
	struct v4v_ring_resv res;
	struct lb_ring *r;
	bool wildcard;
	u64 len = 0;
	unsigned int i;
	u32 at;
	long err;

	if (addr->src.pad || addr->dst.pad || niov > V4V_ARGO_MAXIOV)
		return -EINVAL;
	if (src.domain_id == V4V_ARGO_DOMID_ANY)
		src.domain_id = LB_DOMID;
	else if (src.domain_id != LB_DOMID)
		return -EPERM;
	if (addr->dst.domain_id != LB_DOMID)
		return -ESRCH;
	for (i = 0; i < niov; i++) {
		if (iov[i].pad || iov[i].iov_len > V4V_ARGO_MAX_SENDV_LEN)
			return -EINVAL;
		len += iov[i].iov_len;
	}
	if (len > V4V_ARGO_MAX_SENDV_LEN)
		return -EMSGSIZE;

	mutex_lock(&lb.lock);
	r = lb_lookup(addr->dst.aport, &wildcard);
	if (!r) {
		err = -ECONNREFUSED;
		goto out;
	}
	err = v4v_ring_reserve(&r->ring->view, r->tx, len, &res);
	if (err == -EAGAIN) {
		r->want = r->waiting ? max_t(u32, r->want, len) : len;
		r->waiting = true;
	}
	if (err)
		goto out;
	v4v_ring_write_hdr(&r->ring->view, &res, &src, message_type);
	for (i = 0, at = 0; i < niov; at += iov[i].iov_len, i++) {
		err = lb_copy_in(&r->ring->view, &res, at, &iov[i],
				 (user_iovs >> i) & 1);
		if (err)
			goto out;	/* nothing published */
	}
	v4v_ring_commit(&r->ring->view, &res);
	r->tx = res.next_tx;
	err = len;
out:
	mutex_unlock(&lb.lock);
	if (err >= 0)
		v4v_rings_signal();	/* VIRQ_ARGO in the destination */
	return err;
}

/* Raise an event for every waiter whose room has appeared; lb.lock held. */
static bool lb_wake_waiters(void)
{
	struct lb_ring *r;
	bool any = false;

	lockdep_assert_held(&lb.lock);
	list_for_each_entry(r, &lb.rings, node) {
		if (r->waiting && lb_payload_space(r) >= r->want) {
			r->waiting = false;
			any = true;
		}
	}
	return any;
}

static int lb_notify(struct v4v_argo_ring_data *rd)
{
	struct v4v_argo_ring_data_ent *e;
	struct lb_ring *r;
	bool wake, wildcard;
	u32 i, space, max;

	if (rd && rd->nent > V4V_ARGO_MAX_NOTIFY_COUNT)
		return -EACCES;
	mutex_lock(&lb.lock);
	wake = lb_wake_waiters();
	for (i = 0; rd && i < rd->nent; i++) {
		e = &rd->data[i];
		e->flags = 0;
		e->max_message_size = 0;
		if (e->ring.domain_id != LB_DOMID)
			continue;	/* no such domain: nothing to say */
		r = lb_lookup(e->ring.aport, &wildcard);
		if (!r)
			continue;
		max = v4v_ring_max_payload(r->ring->view.len);
		space = lb_payload_space(r);
		e->flags = V4V_ARGO_RING_EXISTS;
		if (wildcard)
			e->flags |= V4V_ARGO_RING_SHARED;
		e->max_message_size = max;
		if (e->space_required > max) {
			e->flags |= V4V_ARGO_RING_EMSGSIZE;
		} else if (space >= e->space_required) {
			e->flags |= V4V_ARGO_RING_SUFFICIENT;
			r->waiting = false;
		} else {
			r->want = r->waiting ? max_t(u32, r->want, e->space_required) :
					       e->space_required;
			r->waiting = true;
		}
		if (space == max)
			e->flags |= V4V_ARGO_RING_EMPTY;
	}
	mutex_unlock(&lb.lock);
	if (wake)
		v4v_rings_signal();
	return 0;
}

static bool lb_user_sendv(void)
{
	return true;
}

static void lb_show(struct seq_file *m)
{
	seq_printf(m, "argo: emulated (loopback)\nmac_permissive: %d\n", mac_permissive);
}

const struct v4v_backend_ops v4v_backend_loopback = {
	.name		 = "loopback",
	.probe		 = lb_probe,
	.remove		 = lb_remove,
	.local_domid	 = lb_local_domid,
	.register_ring	 = lb_register_ring,
	.unregister_ring = lb_unregister_ring,
	.sendv		 = lb_sendv,
	.user_sendv	 = lb_user_sendv,
	.notify		 = lb_notify,
	.show		 = lb_show,
};
