// SPDX-License-Identifier: GPL-2.0
/*
 * Liveness of stream connections.
 *
 * Argo says nothing when a domain dies: its rings vanish, and with them the
 * rings of others that only it could write to.  A connection whose peer
 * died would wait for ever.  So four times a second, while connections exist,
 * one notify asks Argo whether each peer's ring still exists (with a space
 * requirement no ring can meet, so nothing is queued or cancelled); a
 * missing ring resets the connection: ECONNRESET, or ECONNREFUSED while
 * connecting, and every blocked call returns.  A SYN nobody answers (no
 * stream listener has the port, or a hostile peer sits on it) fails the
 * connect with ETIMEDOUT after V4V_STREAM_SYN_TIMEOUT.  The same pass
 * retries what could not be sent when due (a FIN, RST or credit update to
 * a full ring) and restarts stalled ports.  A connection closed while its
 * FIN or RST was owed leaves the message behind, retried for
 * V4V_LINGER_TIME: else its peer would wait for an end that never comes.
 * The message keeps its port, and so the port's ring, until it is sent:
 * the peer's liveness check would otherwise find the ring gone first, and
 * the peer would read ECONNRESET where the FIN says end of file.  The port
 * goes on refusing new connections meanwhile, unless a socket binds it
 * again and adopts it.
 *
 * Locking: stream_live.lock (spin) guards both lists; each connection is
 * handled under its own lock_sock, never while holding stream_live.lock.
 * The pass never waits for a socket's lock: a task holds it across copies
 * to and from its own memory, which userfaultfd or FUSE can stall for as
 * long as they like, and one such socket must not stop liveness for every
 * connection of the domain.  A socket that is busy is looked at again on
 * the next pass.
 */
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include "backend.h"
#include "rings.h"
#include "stats.h"
#include "stream.h"

/*
 * Failing within a second of a domain's destruction is the promise, and
 * xl destroy itself took up to 0.56 s under QEMU: with a check every
 * 0.5 s, one late run of the work broke it (1.14 s after xl returned).
 */
#define LIVE_PERIOD	(HZ / 4)
#define LIVE_BATCH	64	/* connections per notify (Xen allows 256) */
#define V4V_LINGER_TIME	(30 * HZ)
#define V4V_LINGER_MAX	1024	/* messages; more are dropped */

/* A FIN or RST a closed connection still owes its peer. */
struct v4v_linger {
	struct list_head node;
	struct v4v_sport *sport;	/* our port, kept with its ring; or NULL */
	struct v4v_argo_send_addr addr;
	unsigned long until;
	u32 len;
	u8 msg[];
};

static struct {
	spinlock_t lock;		/* list, lingering, nlinger */
	struct list_head list;		/* v4v_stream.live */
	struct list_head lingering;	/* v4v_linger.node */
	unsigned int nlinger;
	struct delayed_work work;
} stream_live;

/**
 * v4v_stream_linger - keep trying to send a closed connection's last word
 * @addr: from our port to the peer's
 * @msg: the message (a stream header, no payload)
 * @len: its length
 * @sp: our port (addr->src), or NULL; kept until the message is sent
 */
void v4v_stream_linger(const struct v4v_argo_send_addr *addr, const void *msg, u32 len,
		       struct v4v_sport *sp)
{
	struct v4v_linger *l = kmalloc(struct_size(l, msg, len), GFP_KERNEL);

	if (!l)
		return;		/* the peer's liveness check still ends it */
	v4v_stat_inc(stream_lingered);
	l->sport = sp;
	l->addr = *addr;
	l->until = jiffies + V4V_LINGER_TIME;
	l->len = len;
	memcpy(l->msg, msg, len);
	spin_lock(&stream_live.lock);
	if (stream_live.nlinger < V4V_LINGER_MAX) {
		if (sp)
			kref_get(&sp->ref);	/* the caller holds one */
		list_add_tail(&l->node, &stream_live.lingering);
		stream_live.nlinger++;
		l = NULL;
	}
	spin_unlock(&stream_live.lock);
	kfree(l);
	queue_delayed_work(system_wq, &stream_live.work, LIVE_PERIOD);
}

/**
 * v4v_stream_lingers - a closed connection's last word still waits to go
 * @local_port: our port
 * @domain: the peer's domain
 * @port: the peer's port
 * @conid: the connection
 *
 * What the peer sends meanwhile is not answered with RST: the RST would
 * overtake the FIN, and the peer would read ECONNRESET, not end of file.
 */
bool v4v_stream_lingers(u32 local_port, u16 domain, u32 port, u32 conid)
{
	struct v4v_stream_hdr hdr;
	struct v4v_linger *l;
	bool found = false;

	spin_lock(&stream_live.lock);
	list_for_each_entry(l, &stream_live.lingering, node) {
		memcpy(&hdr, l->msg, sizeof(hdr));
		if (l->addr.src.aport == local_port && l->addr.dst.domain_id == domain &&
		    l->addr.dst.aport == port && hdr.conid == conid) {
			found = true;
			break;
		}
	}
	spin_unlock(&stream_live.lock);
	return found;
}

/* Done with l: sent, timed out or given up.  May sleep (the last put). */
static void linger_free(struct v4v_linger *l)
{
	if (l->sport)
		v4v_sport_put(l->sport);
	kfree(l);
}

/* Send what lingers; keep only what met a full ring and has time left. */
static void linger_tick(void)
{
	struct v4v_linger *l, *tmp;
	struct v4v_argo_iov iov;
	unsigned int gone = 0;
	LIST_HEAD(todo);
	long ret;

	spin_lock(&stream_live.lock);
	list_splice_init(&stream_live.lingering, &todo);
	spin_unlock(&stream_live.lock);
	list_for_each_entry_safe(l, tmp, &todo, node) {
		iov = (struct v4v_argo_iov){ .iov_hnd = (u64)(uintptr_t)l->msg,
					     .iov_len = l->len };
		ret = v4v_sendv_once(&l->addr, &iov, 1, V4V_MSG_STREAM, 0);
		if (v4v_send_full(ret) && time_before(jiffies, l->until))
			continue;
		list_del(&l->node);
		linger_free(l);
		gone++;
	}
	spin_lock(&stream_live.lock);
	list_splice(&todo, &stream_live.lingering);
	stream_live.nlinger -= gone;
	spin_unlock(&stream_live.lock);
}

void v4v_stream_live_add(struct sock *sk)
{
	spin_lock(&stream_live.lock);
	if (list_empty(&v4v_sk(sk)->st.live))
		list_add_tail(&v4v_sk(sk)->st.live, &stream_live.list);
	spin_unlock(&stream_live.lock);
	queue_delayed_work(system_wq, &stream_live.work, LIVE_PERIOD);
}

void v4v_stream_live_del(struct sock *sk)
{
	spin_lock(&stream_live.lock);
	list_del_init(&v4v_sk(sk)->st.live);
	spin_unlock(&stream_live.lock);
}

static unsigned int live_count(void)
{
	struct v4v_sock *vs;
	unsigned int total = 0;

	spin_lock(&stream_live.lock);
	list_for_each_entry(vs, &stream_live.list, st.live)
		total++;
	spin_unlock(&stream_live.lock);
	return total;
}

/* Up to max connections from the head, held, moved to the list's tail. */
static unsigned int live_take(struct sock **socks, unsigned int max)
{
	struct v4v_sock *vs;
	unsigned int n = 0;

	spin_lock(&stream_live.lock);
	while (n < max && !list_empty(&stream_live.list)) {
		vs = list_first_entry(&stream_live.list, struct v4v_sock, st.live);
		list_move_tail(&vs->st.live, &stream_live.list);
		sock_hold(&vs->sk);
		socks[n++] = &vs->sk;
	}
	spin_unlock(&stream_live.lock);
	return n;
}

/*
 * sk's peer ring is gone: its domain died, or it closed.  What it sent
 * before is in our ring, and a reset would throw away what is still there
 * (a reset connection reads nothing more from the ring): move it onto the
 * queue first, where it stays readable.  If that brings the peer's FIN,
 * the peer closed, and the step from close-wait ends the connection
 * without an error.  lock_sock held.
 */
static void peer_gone(struct sock *sk)
{
	sock_owned_by_me(sk);
	v4v_sport_queue_rest(sk);
	v4v_stream_apply(sk, v4v_st_step(sk->sk_state, V4V_EV_PEER_GONE), true);
}

/*
 * lock_sock(), unless a task owns sk: then false at once.  As
 * lock_sock_nested() does, with lockdep told of a trylock, so that
 * release_sock() pairs with it.
 */
static bool live_trylock(struct sock *sk)
{
	spin_lock_bh(&sk->sk_lock.slock);
	if (sock_owned_by_user_nocheck(sk)) {
		spin_unlock_bh(&sk->sk_lock.slock);
		return false;
	}
	sk->sk_lock.owned = 1;
	spin_unlock_bh(&sk->sk_lock.slock);
	mutex_acquire(&sk->sk_lock.dep_map, 0, 1, _RET_IP_);
	return true;
}

static void live_check(struct sock **socks, unsigned int n)
{
	struct v4v_argo_ring_data *rd;
	struct v4v_sock *vs;
	unsigned int i;
	bool known;

	rd = kzalloc(struct_size(rd, data, n), GFP_KERNEL);
	for (i = 0; rd && i < n; i++) {
		vs = v4v_sk(socks[i]);
		/* peer is fixed before a connection joins the list. */
		rd->data[i].ring = vs->peer;
		rd->data[i].space_required = U32_MAX;
	}
	if (rd)
		rd->nent = n;
	known = rd && !v4v_backend->notify(rd);
	for (i = 0; i < n; i++) {
		struct sock *sk = socks[i];

		if (!live_trylock(sk)) {
			v4v_stat_inc(stream_live_busy);
			sock_put(sk);
			continue;
		}
		if (known && !(rd->data[i].flags & V4V_ARGO_RING_EXISTS))
			peer_gone(sk);
		if (sk->sk_state == V4V_ST_SYN_SENT &&
		    time_after(jiffies, v4v_sk(sk)->st.syn_at + V4V_STREAM_SYN_TIMEOUT))
			v4v_stream_apply(sk, v4v_st_step(sk->sk_state, V4V_EV_SYN_TIMEOUT),
					 true);
		v4v_stream_retry_owed(sk);
		release_sock(sk);
		sock_put(sk);
	}
	kfree(rd);
}

/* Every connection once, a batch per notify call. */
static void live_tick(struct work_struct *work)
{
	unsigned int total = live_count(), done, n;
	struct sock *socks[LIVE_BATCH];
	bool more;

	for (done = 0; done < total; done += n) {
		n = live_take(socks, min_t(unsigned int, total - done, LIVE_BATCH));
		if (!n)
			break;
		live_check(socks, n);
	}
	linger_tick();
	spin_lock(&stream_live.lock);
	more = !list_empty(&stream_live.list) || !list_empty(&stream_live.lingering);
	spin_unlock(&stream_live.lock);
	if (more)
		queue_delayed_work(system_wq, &stream_live.work, LIVE_PERIOD);
}

void v4v_stream_live_init(void)
{
	spin_lock_init(&stream_live.lock);
	INIT_LIST_HEAD(&stream_live.list);
	INIT_LIST_HEAD(&stream_live.lingering);
	INIT_DELAYED_WORK(&stream_live.work, live_tick);
}

/* No connection is left: each pins the module. */
void v4v_stream_live_exit(void)
{
	struct v4v_linger *l, *tmp;

	cancel_delayed_work_sync(&stream_live.work);
	/* Unloading: whatever still lingers is given up. */
	list_for_each_entry_safe(l, tmp, &stream_live.lingering, node)
		linger_free(l);
	INIT_LIST_HEAD(&stream_live.lingering);
	stream_live.nlinger = 0;
}
