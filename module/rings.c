// SPDX-License-Identifier: GPL-2.0
/*
 * Local rings and the event path.
 *
 * Argo raises one event per domain (VIRQ_ARGO), not per ring: after a message
 * lands in any of our rings, and when a ring we could not send to has room
 * again.  The backend's interrupt handler walks the registered rings once,
 * right there (at most 128, Xen's per-domain limit; two loads each), calls
 * data_ready() for every ring that holds a message, then bumps tx_gen and
 * wakes all blocked senders, which simply retry.  Doing it in the interrupt
 * saves a worker wake-up per event, which dominates small messages.  The
 * walk is under RCU: rings leave the list with list_del_rcu() and are freed
 * after a grace period, and their owners (sockets) are RCU-freed too.
 *
 * After a reader consumes, Xen must be told (notify) or senders blocked on a
 * full ring are never woken: Xen re-evaluates waiters only inside notify.
 * The reader does it itself, right after consuming (see v4v_rings_notify()).
 *
 * A blocked sender also retries once a second without an event: when the
 * destination ring goes away Xen drops the pending notification silently,
 * and the retry is what turns that into -ECONNREFUSED.
 *
 * Locking:
 *   rings.lock (mutex)   changes to the ring list and the backend's register
 *                        and unregister calls; a ring's last reference is
 *                        dropped under it (kref_put_mutex).  The event walk
 *                        reads the list under RCU only.
 *   ring->rx_lock (mutex) serialises the consumers of one ring.
 *   Order: rings.lock before rx_lock.  The event walk reads ring indices
 *   without rx_lock (a stale read only delays a wake-up to the next event).
 *   tx_wq/tx_gen need no lock: waiters sample tx_gen before sending and
 *   sleep until it changes, so an event between the send and the sleep is
 *   never lost.
 */
#include <linux/atomic.h>
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/poll.h>
#include <linux/sched/signal.h>
#include <linux/sizes.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/user_namespace.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>

#include "backend.h"
#include "rings.h"
#include "stats.h"

static struct {
	struct mutex lock;		/* see the file comment */
	struct list_head list;		/* registered rings */
	unsigned int count;		/* entries in list */
	struct delayed_work tx_kick;	/* v4v_rings_poll_retry() */
	wait_queue_head_t tx_wq;	/* senders waiting for space */
	atomic_t tx_gen;		/* bumped by every event walk */
} rings;

/*
 * What one user may hold: Xen gives a domain 128 rings, and without a
 * bound one user's sockets (or FINs lingering for a peer that keeps its
 * ring full) could take them all and every other user would get ENOBUFS.
 * Counted per user id, over every ring the user's sockets created that is
 * still registered, lingering ones included; CAP_NET_ADMIN is not bound.
 */
static unsigned int user_rings = 32;
module_param(user_rings, uint, 0644);
MODULE_PARM_DESC(user_rings, "rings one user may hold (CAP_NET_ADMIN: any)");
static unsigned int user_ring_kib = 64 * 1024;
module_param(user_ring_kib, uint, 0644);
MODULE_PARM_DESC(user_ring_kib, "KiB of ring memory one user may hold (CAP_NET_ADMIN: any)");

/*
 * Tell Xen that rx moved, so it wakes senders waiting for room.  Inline: a
 * worker would cost a wake-up and a context switch per message, which is
 * more than the hypercall itself.
 */
void v4v_rings_notify(void)
{
	int err;

	v4v_stat_inc(notifies);
	err = v4v_backend->notify(NULL);
	if (err)
		pr_warn_ratelimited("notify after receive failed: %d\n", err);
}

/* Called by the backend for every Argo event; any context, even hardirq. */
void v4v_rings_signal(void)
{
	struct v4v_ring *ring;

	v4v_stat_inc(virqs);
	rcu_read_lock();
	list_for_each_entry_rcu(ring, &rings.list, node) {
		if (v4v_ring_has_msg(&ring->view))
			ring->data_ready(ring);
	}
	rcu_read_unlock();

	atomic_inc(&rings.tx_gen);
	wake_up_interruptible_all(&rings.tx_wq);
}

static void tx_kick_fn(struct work_struct *work)
{
	atomic_inc(&rings.tx_gen);
	wake_up_interruptible_all(&rings.tx_wq);
}

int v4v_rings_init(void)
{
	mutex_init(&rings.lock);
	INIT_LIST_HEAD(&rings.list);
	INIT_DELAYED_WORK(&rings.tx_kick, tx_kick_fn);
	init_waitqueue_head(&rings.tx_wq);
	atomic_set(&rings.tx_gen, 0);
	return 0;
}

/* Runs after the backend stopped signalling. */
void v4v_rings_exit(void)
{
	cancel_delayed_work_sync(&rings.tx_kick);
	rcu_barrier();		/* the last rings' memory is freed by RCU callbacks */
	/* Every ring belongs to an open file, which pins the module. */
	WARN(!list_empty(&rings.list), "v4v: rings still registered at exit\n");
	WARN(v4v_stat_read(rings_live) || v4v_stat_read(ring_pages_live),
	     "v4v: ring memory leaked: %lld rings, %lld pages\n",
	     v4v_stat_read(rings_live), v4v_stat_read(ring_pages_live));
}

static void ring_free(struct v4v_ring *ring)
{
	vfree(ring->view.hdr);
	v4v_stat_sub(ring_pages_live, ring->npages);
	v4v_stat_sub(rings_live, 1);
	kfree(ring);
}

/* After a grace period no event walk can still be looking at the ring. */
static void ring_free_rcu(struct rcu_head *head)
{
	ring_free(container_of(head, struct v4v_ring, rcu));
}

/*
 * The port is already one of ours, for whichever partner; rings.lock held.
 * Not only the same (port, partner) pair: Argo delivers to a ring for one
 * named partner before a ring for any domain on the same port, so a
 * partner binding beside a wildcard one would take that partner's traffic
 * from its owner.  One ring a port, whoever came first.
 */
static bool ring_in_use(u32 port)
{
	struct v4v_ring *ring;

	lockdep_assert_held(&rings.lock);
	list_for_each_entry(ring, &rings.list, node)
		if (ring->port == port)
			return true;
	return false;
}

/*
 * Whether uid may add a ring of npages to those it holds; rings.lock
 * held.  The list is short (Xen's 128 rings at most): a walk is the
 * count, and nothing can drift out of step with the rings themselves.
 */
static bool user_may_hold(kuid_t uid, u32 npages)
{
	u64 pages = npages, max_pages = (u64)READ_ONCE(user_ring_kib) * SZ_1K / PAGE_SIZE;
	unsigned int n = 1, max_rings = READ_ONCE(user_rings);
	struct v4v_ring *ring;

	lockdep_assert_held(&rings.lock);
	list_for_each_entry(ring, &rings.list, node) {
		if (ring->unbounded || !uid_eq(ring->uid, uid))
			continue;
		n++;
		pages += ring->npages;
	}
	return n <= max_rings && pages <= max_pages;
}

/**
 * v4v_ring_create - allocate a ring and register it with the backend
 * @port: Argo port to receive on
 * @partner: the only domain allowed to send, or V4V_ARGO_DOMID_ANY
 * @len: data bytes (a multiple of 16, 48 to 16 MiB - 64)
 * @data_ready: wakes the owner's readers; called under rings.lock, from
 *	process context, until the last reference is put
 * @owner: for data_ready's use
 * @err: set to a negative errno when NULL is returned
 *
 * Ring memory is virtually contiguous (one mapping for the consumer) and
 * zeroed, since Xen keeps a non-zero tx_ptr found in a new ring.  A port
 * this domain already uses, for any partner, is -EADDRINUSE (see
 * ring_in_use()); a ring over the calling user's share is -ENOBUFS (see
 * user_rings).  The caller owns the one reference returned.
 */
struct v4v_ring *v4v_ring_create(u32 port, u16 partner, u32 len,
				 void (*data_ready)(struct v4v_ring *ring),
				 void *owner, int *err)
{
	struct v4v_ring *ring;
	void *mem;

	if (!v4v_ring_len_valid(len)) {
		*err = -EINVAL;
		return NULL;
	}
	ring = kzalloc(sizeof(*ring), GFP_KERNEL);
	if (!ring) {
		*err = -ENOMEM;
		return NULL;
	}
	ring->port = port;
	ring->partner = partner;
	ring->npages = v4v_ring_npages(len);
	ring->data_ready = data_ready;
	ring->owner = owner;
	ring->uid = current_fsuid();
	/* No audit record: a refusal here is the normal case for most users. */
	ring->unbounded = ns_capable_noaudit(&init_user_ns, CAP_NET_ADMIN);
	/* Charged to the caller's memory cgroup: rings are up to 16 MiB each. */
	mem = __vmalloc((size_t)ring->npages * V4V_ARGO_PAGE_SIZE,
			GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	if (!mem) {
		kfree(ring);
		*err = -ENOMEM;
		return NULL;
	}
	v4v_ring_view_init(&ring->view, mem, len);
	kref_init(&ring->ref);
	mutex_init(&ring->rx_lock);
	atomic64_set(&ring->rx_msgs, 0);
	atomic64_set(&ring->rx_bytes, 0);
	v4v_stat_add(rings_live, 1);
	v4v_stat_add(ring_pages_live, ring->npages);

	mutex_lock(&rings.lock);
	if (ring_in_use(port))
		*err = -EADDRINUSE;
	else if (!ring->unbounded && !user_may_hold(ring->uid, ring->npages))
		*err = -ENOBUFS;
	else
		*err = v4v_backend->register_ring(ring);
	if (!*err) {
		list_add_tail_rcu(&ring->node, &rings.list);
		rings.count++;
		/* A message may have come before the event walk could see us. */
		if (v4v_ring_has_msg(&ring->view))
			data_ready(ring);
	}
	mutex_unlock(&rings.lock);

	if (*err) {
		ring_free(ring);
		return NULL;
	}
	return ring;
}

/*
 * The last reference is gone; rings.lock is held and released here.  If the
 * backend refuses to unregister, the hypervisor may still write into the
 * pages, so they are deliberately leaked rather than reused.  -ENOENT means
 * the hypervisor already dropped the ring (its partner died): safe.
 */
static void ring_release(struct kref *ref)
{
	struct v4v_ring *ring = container_of(ref, struct v4v_ring, ref);
	int err;

	lockdep_assert_held(&rings.lock);
	err = v4v_backend->unregister_ring(ring);
	list_del_rcu(&ring->node);
	rings.count--;
	mutex_unlock(&rings.lock);

	if (err && err != -ENOENT) {
		pr_err_ratelimited("ring %u: unregister failed (%d); leaking its %u pages\n",
				   ring->port, err, ring->npages);
		return;
	}
	call_rcu(&ring->rcu, ring_free_rcu);
}

/**
 * v4v_ring_set_adoptable - whether another socket may take the owner over
 * @ring: a ring the caller holds a reference on
 * @adoptable: true once the socket that bound the owner closes (a stream
 *	port lives on while its accepted connections or a FIN it owes keep
 *	it), false when the owner is released
 *
 * v4v_ring_adopt() looks at the owner of an adoptable ring: the owner must
 * clear this before it is freed.
 */
void v4v_ring_set_adoptable(struct v4v_ring *ring, bool adoptable)
{
	mutex_lock(&rings.lock);
	ring->adoptable = adoptable;
	mutex_unlock(&rings.lock);
}

/**
 * v4v_ring_adopt - take over an adoptable ring bound to (port, partner)
 * @port: Argo port
 * @partner: the only domain allowed to send, or V4V_ARGO_DOMID_ANY
 * @len: data bytes the caller wants: the ring must have that many
 * @claim: takes a reference on ring->owner for the caller if it will do;
 *	called under rings.lock, where an adoptable ring's owner is valid
 * @arg: for claim
 *
 * Return: the ring with a reference for the caller, its owner claimed, or
 * NULL (none, not adoptable, broken, of another length, or not claimed).
 */
struct v4v_ring *v4v_ring_adopt(u32 port, u16 partner, u32 len,
				bool (*claim)(struct v4v_ring *ring, void *arg), void *arg)
{
	struct v4v_ring *ring, *found = NULL;

	mutex_lock(&rings.lock);
	list_for_each_entry(ring, &rings.list, node) {
		if (ring->port != port || ring->partner != partner)
			continue;
		if (ring->adoptable && ring->view.len == len && !READ_ONCE(ring->broken) &&
		    claim(ring, arg)) {
			ring->adoptable = false;
			/* Listed, so the owner's reference is still held. */
			kref_get(&ring->ref);
			found = ring;
		}
		break;
	}
	mutex_unlock(&rings.lock);
	return found;
}

/**
 * v4v_ring_put - drop a reference; the last one unregisters and frees
 * @ring: a ring from v4v_ring_create()
 */
void v4v_ring_put(struct v4v_ring *ring)
{
	kref_put_mutex(&ring->ref, ring_release, &rings.lock);
}

/*
 * Peek under rx_lock.  A ring whose indices or header cannot be right is
 * emptied (its messages cannot be delimited any more) and reported empty;
 * if even the producer's index is out of range the ring is marked broken
 * and every later read fails with -EIO.  Either way ring->discards counts
 * it, so that a consumer that had read part of the head message knows its
 * offset belongs to nothing now.  The log says so, rate limited, since a
 * peer may be behind it.
 */
int v4v_ring_peek_locked(struct v4v_ring *ring, struct v4v_ring_msg *m)
{
	int err;

	lockdep_assert_held(&ring->rx_lock);
	if (ring->broken)
		return -EIO;
	err = v4v_ring_peek(&ring->view, m);
	if (err != -EBADMSG)
		return err;
	v4v_stat_inc(rx_bad);
	/* Whatever a consumer knew of the head message is stale now. */
	ring->discards++;
	if (v4v_ring_discard_all(&ring->view)) {
		WRITE_ONCE(ring->broken, true);
		pr_warn_ratelimited("ring %u: producer index out of range; ring unusable\n",
				    ring->port);
		return -EIO;
	}
	pr_warn_ratelimited("ring %u: inconsistent message, discarding the ring's contents\n",
			    ring->port);
	v4v_rings_notify();
	return -EAGAIN;
}

/*
 * Release message m of ring (under rx_lock) without telling Xen: for a
 * consumer that releases several and then calls v4v_rings_notify() once.
 */
void v4v_ring_consumed_quiet(struct v4v_ring *ring, const struct v4v_ring_msg *m)
{
	lockdep_assert_held(&ring->rx_lock);
	v4v_ring_consume(&ring->view, m);
	atomic64_inc(&ring->rx_msgs);
	atomic64_add(m->payload_len, &ring->rx_bytes);
	v4v_stat_inc(rx_msgs);
	v4v_stat_add(rx_bytes, m->payload_len);
}

/* Release message m of ring (under rx_lock) and let blocked senders know. */
void v4v_ring_consumed(struct v4v_ring *ring, const struct v4v_ring_msg *m)
{
	v4v_ring_consumed_quiet(ring, m);
	v4v_rings_notify();
}

/**
 * v4v_sendv_once - send one message, without waiting
 * @addr: source and destination
 * @iov: payload buffers
 * @niov: number of buffers, at most V4V_ARGO_MAXIOV
 * @type: protocol identifier carried in the message header
 * @user_iovs: bit i set: iov[i] is the calling process's memory
 *
 * Return: payload bytes sent, or a negative Argo errno; -EAGAIN (or -EBUSY)
 * when the destination is full, after which an event comes when it has room
 * (see v4v_tx_wait()).
 */
long v4v_sendv_once(const struct v4v_argo_send_addr *addr,
		    const struct v4v_argo_iov *iov, unsigned int niov, u32 type,
		    u32 user_iovs)
{
	long ret = v4v_backend->sendv(addr, iov, niov, type, user_iovs);

	if (v4v_send_full(ret)) {
		v4v_stat_inc(tx_eagain);
	} else if (ret < 0) {
		v4v_stat_inc(tx_errors);
	} else {
		v4v_stat_inc(tx_msgs);
		v4v_stat_add(tx_bytes, ret);
	}
	return ret;
}

/* Sample before a send; v4v_tx_wait() sleeps until the next event after it. */
int v4v_tx_gen(void)
{
	return atomic_read(&rings.tx_gen);
}

/**
 * v4v_tx_wait - sleep until an Argo event after gen, for at most timeo
 * @gen: v4v_tx_gen() from before the send that found no room
 * @timeo: jiffies, or MAX_SCHEDULE_TIMEOUT
 *
 * Sleeps a second at most (see the file comment).  Return: the jiffies of
 * timeo left, or -ERESTARTSYS on a signal.
 */
long v4v_tx_wait(int gen, long timeo)
{
	unsigned long deadline = jiffies + timeo;
	long left;

	left = wait_event_interruptible_timeout(rings.tx_wq,
						atomic_read(&rings.tx_gen) != gen,
						min_t(long, timeo, HZ));
	if (left < 0)
		return -ERESTARTSYS;
	if (timeo == MAX_SCHEDULE_TIMEOUT)
		return timeo;
	return time_before(jiffies, deadline) ? deadline - jiffies : 0;
}

/**
 * v4v_send_wait - send one message, sleeping while the destination is full
 * @addr: source and destination
 * @iov: payload buffers
 * @niov: number of buffers, at most V4V_ARGO_MAXIOV
 * @type: protocol identifier carried in the message header
 * @user_iovs: bit i set: iov[i] is the calling process's memory
 * @timeo: jiffies left to wait (0: do not wait); updated on return
 *
 * A full destination makes Argo queue a space notification for us; the event
 * it raises bumps tx_gen, which ends the sleep, and the send is retried.
 * Return: payload bytes sent, or a negative Argo errno: -EAGAIN when the
 * time ran out, -ERESTARTSYS on a signal.
 */
long v4v_send_wait(const struct v4v_argo_send_addr *addr,
		   const struct v4v_argo_iov *iov, unsigned int niov, u32 type,
		   u32 user_iovs, long *timeo)
{
	long ret;
	int gen;

	for (;;) {
		gen = v4v_tx_gen();
		ret = v4v_sendv_once(addr, iov, niov, type, user_iovs);
		/* -EBUSY: too many domains already wait; only the retry helps. */
		if (!v4v_send_full(ret))
			return ret;
		if (!*timeo)
			return -EAGAIN;
		*timeo = v4v_tx_wait(gen, *timeo);
		if (*timeo < 0)
			return -ERESTARTSYS;
	}
}

/* Let poll() on file be woken by the events that wake blocked senders. */
void v4v_rings_wait_tx(struct file *file, poll_table *wait)
{
	poll_wait(file, &rings.tx_wq, wait);
}

/*
 * A poller was told "no room" and relies on Argo's space notification.  Xen
 * keeps one notification per (ring, sending domain): another socket of ours
 * that finds room cancels it for everyone.  So pollers, like senders, are
 * woken to ask again within a second whatever happens.
 */
void v4v_rings_poll_retry(void)
{
	mod_delayed_work(system_wq, &rings.tx_kick, HZ);
}

unsigned int v4v_rings_count(void)
{
	unsigned int n;

	mutex_lock(&rings.lock);
	n = rings.count;
	mutex_unlock(&rings.lock);
	return n;
}

void v4v_rings_show(struct seq_file *m)
{
	struct v4v_ring *ring;
	u32 rx, tx;

	seq_puts(m, "port       partner len      pages rx       tx       used     rx_msgs  rx_bytes\n");
	mutex_lock(&rings.lock);
	list_for_each_entry(ring, &rings.list, node) {
		rx = READ_ONCE(ring->view.hdr->rx_ptr);
		tx = READ_ONCE(ring->view.hdr->tx_ptr);
		seq_printf(m, "0x%08x 0x%04x  %-8u %-5u %-8u %-8u %-8u %-8lld %lld\n",
			   ring->port, ring->partner, ring->view.len,
			   ring->npages, rx, tx,
			   rx < ring->view.len && tx < ring->view.len ?
			   v4v_ring_used(rx, tx, ring->view.len) : 0,
			   atomic64_read(&ring->rx_msgs),
			   atomic64_read(&ring->rx_bytes));
	}
	mutex_unlock(&rings.lock);
}
