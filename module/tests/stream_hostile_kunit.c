// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: stream sockets under pressure and against a hypervisor or a peer
 * that does not play by the rules, on the loopback backend.  Each case
 * plays the attacker (or the crowd) and checks that nobody else pays.
 * Ports 0x5100 and up.
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/lockdep.h>
#include <linux/mutex.h>
#include <linux/sizes.h>
#include <linux/net.h>
#include <net/sock.h>
#include <uapi/linux/v4v.h>
#include <v4v/stream.h>

#include "../rcvmem.h"
#include "../rings.h"
#include "../sock.h"
#include "../stats.h"
#include "../stream.h"
#include "../stream_fsm.h"
#include "sock_test.h"
#include "stream_test.h"

/* The ring under a connection's port. */
static struct v4v_ring *conn_ring(struct socket *s)
{
	/* Acquire: pairs with the binder's release, as in the pump. */
	return smp_load_acquire(&v4v_sk(s->sk)->st.sport->ring);
}

/*
 * Wreck the header of the message at the head of ring: its length, one
 * the ring cannot hold, as a broken hypervisor might write it.  The next
 * peek finds it and empties the ring.  rx_lock held.
 */
static void wreck_head(struct v4v_ring *ring, u32 len)
{
	struct v4v_argo_msg_hdr *h;

	lockdep_assert_held(&ring->rx_lock);
	h = (struct v4v_argo_msg_hdr *)(ring->view.data + READ_ONCE(ring->view.hdr->rx_ptr));
	WRITE_ONCE(h->len, len);
}

/*
 * A reader took part of a message straight from the ring; then the ring's
 * indices stopped making sense (the hypervisor wrote garbage) and the ring
 * was emptied.  The offset into the lost message must not be applied to
 * the next one: that copied from past the next message's end, and recv()
 * returned a full buffer for a 10-byte message.  Bytes were lost, so the
 * connection is reset; the listener's port goes on serving.
 */
static void emptied_ring_forgets_a_partial_read(struct kunit *test)
{
	struct socket *l = listener(test, SOCK_STREAM, 0x5100, 8), *c, *a, *c2, *a2;
	const u32 total = 10000, part = 3000;
	struct v4v_ring *ring;
	bool caught = false;
	int try, ret, got;
	u8 *tx, *rx;

	pattern_bufs(test, total, &tx, &rx);
	/*
	 * The pump takes the rest of a partly read message 10 ms later: the
	 * ring is wrecked before that, and the few tries a slow machine may
	 * need each start over on a new connection.
	 */
	for (try = 0; try < 5 && !caught; try++) {
		pair(test, l, 0x5100, SOCK_STREAM, &c, &a);
		KUNIT_ASSERT_EQ(test, send_buf(a, tx, total, 0), (int)total);
		KUNIT_ASSERT_EQ(test, recv_buf(c, rx, part, MSG_DONTWAIT, NULL), (int)part);
		ring = conn_ring(c);
		mutex_lock(&ring->rx_lock);
		caught = v4v_sk(c->sk)->st.sport->head_off == part;
		if (caught)
			wreck_head(ring, ring->view.len + 16);
		mutex_unlock(&ring->rx_lock);
		if (!caught) {
			sock_release(c);
			sock_release(a);
		}
	}
	KUNIT_ASSERT_TRUE(test, caught);
	KUNIT_EXPECT_EQ(test, memcmp(tx, rx, part), 0);

	/* The next look at the ring (this read, or the pump's) empties it. */
	KUNIT_EXPECT_EQ(test, recv_buf(c, rx, 100, MSG_DONTWAIT, NULL), -ECONNRESET);
	KUNIT_EXPECT_GE(test, READ_ONCE(ring->discards), 1U);
	/*
	 * Whatever a says now, c never reads it as data; a learns of the
	 * reset from c's RST, in this send or in the read after it.
	 */
	ret = send_buf(a, "0123456789", 10, MSG_DONTWAIT);
	KUNIT_EXPECT_LE(test, recv_buf(c, rx, 100, 0, NULL), 0);
	got = recv_buf(a, rx, 100, 0, NULL);
	KUNIT_EXPECT_LE(test, got, 0);
	KUNIT_EXPECT_TRUE(test, ret == -ECONNRESET || got == -ECONNRESET);
	sock_release(c);
	sock_release(a);

	pair(test, l, 0x5100, SOCK_STREAM, &c2, &a2);
	KUNIT_EXPECT_EQ(test, send_buf(c2, "again", 5, 0), 5);
	KUNIT_EXPECT_EQ(test, recv_buf(a2, rx, 100, 0, NULL), 5);
	KUNIT_EXPECT_EQ(test, memcmp(rx, "again", 5), 0);
	sock_release(c2);
	sock_release(a2);
	sock_release(l);
}

/*
 * A ring emptied under a port with several connections: every one of them
 * may have lost bytes, so each is reset, not just the one being read.
 */
static void emptied_ring_resets_every_connection(struct kunit *test)
{
	struct socket *l = listener(test, SOCK_STREAM, 0x5101, 4), *c[2], *a[2];
	struct v4v_ring *ring;
	u8 buf[16];
	int i;

	for (i = 0; i < 2; i++)
		pair(test, l, 0x5101, SOCK_STREAM, &c[i], &a[i]);
	/* Both accepted ends share the listener's port and its ring. */
	ring = conn_ring(a[0]);
	KUNIT_ASSERT_PTR_EQ(test, ring, conn_ring(a[1]));

	/* Held by the test, the ring keeps the message where it can be wrecked. */
	mutex_lock(&ring->rx_lock);
	KUNIT_ASSERT_EQ(test, send_buf(c[0], "lost", 4, MSG_DONTWAIT), 4);
	wreck_head(ring, 0);
	mutex_unlock(&ring->rx_lock);

	for (i = 0; i < 2; i++) {
		KUNIT_EXPECT_EQ(test, recv_buf(a[i], buf, sizeof(buf), 0, NULL), -ECONNRESET);
		KUNIT_EXPECT_EQ(test, recv_buf(c[i], buf, sizeof(buf), 0, NULL), -ECONNRESET);
		sock_release(c[i]);
		sock_release(a[i]);
	}
	sock_release(l);
}

/* A blocking connect() in a thread of its own. */
struct bg_connect {
	struct socket *s;
	u32 port;
	int ret;
	struct completion done;
};

static int bg_connect_fn(void *arg)
{
	struct bg_connect *b = arg;

	b->ret = do_connect(b->s, b->port, 0);
	complete(&b->done);
	return 0;
}

/*
 * Fill the ring of the listener on port with junk nobody will take while
 * the test holds the ring's lock; true once a message no longer fits.
 */
static bool fill_ring(struct v4v_ring *ring, u32 port)
{
	static const u8 junk[4096];
	int i;

	lockdep_assert_held(&ring->rx_lock);
	/* Big pieces, then the last slots: no SYN fits after. */
	for (i = 0; i < 1024; i++)
		if (inject(port, 0x51ff, 0x1234, junk, sizeof(junk)) == -EAGAIN)
			break;
	for (i = 0; i < 1024; i++)
		if (inject(port, 0x51ff, 0x1234, junk, 1) == -EAGAIN)
			return true;
	return false;
}

/*
 * The listener's ring is full for a moment (a crowd of clients, or a peer
 * that fills it on purpose): a blocking connect() waits for room, up to
 * SO_SNDTIMEO, as an AF_UNIX one waits on a full backlog, instead of
 * failing at once with EAGAIN; a non-blocking one still fails at once.
 */
static void connect_waits_for_room(struct kunit *test)
{
	struct socket *l = new_sock(test, SOCK_STREAM), *a, *quick;
	struct __kernel_sock_timeval tv = { .tv_usec = 300000 };
	struct sockaddr_v4v la = v4v_test_addr(0, 0x5102);
	struct bg_connect b = { .port = 0x5102 };
	struct v4v_ring *ring;
	u64 t0;

	set_ring_size(test, l, SMALL_RING);
	KUNIT_ASSERT_EQ(test, kernel_bind(l, (struct sockaddr *)&la, sizeof(la)), 0);
	KUNIT_ASSERT_EQ(test, kernel_listen(l, 4), 0);
	ring = conn_ring(l);
	KUNIT_ASSERT_NOT_NULL(test, ring);
	mutex_lock(&ring->rx_lock);
	if (!fill_ring(ring, 0x5102)) {
		mutex_unlock(&ring->rx_lock);
		KUNIT_FAIL(test, "the listener's ring never filled");
		sock_release(l);
		return;
	}

	quick = new_sock(test, SOCK_STREAM);
	KUNIT_EXPECT_EQ(test, do_connect(quick, 0x5102, O_NONBLOCK), -EAGAIN);
	/* Blocking, with a short timeout that runs out: EAGAIN, not sooner. */
	KUNIT_EXPECT_EQ(test, sock_setsockopt(quick, SOL_SOCKET, SO_SNDTIMEO_NEW,
					      KERNEL_SOCKPTR(&tv), sizeof(tv)), 0);
	t0 = ktime_get_ns();
	KUNIT_EXPECT_EQ(test, do_connect(quick, 0x5102, 0), -EAGAIN);
	KUNIT_EXPECT_GE(test, ktime_get_ns() - t0, 250ULL * NSEC_PER_MSEC);
	sock_release(quick);

	/* Blocking, the default 5 s: still waiting when room comes. */
	b.s = new_sock(test, SOCK_STREAM);
	init_completion(&b.done);
	KUNIT_ASSERT_FALSE(test, IS_ERR(kthread_run(bg_connect_fn, &b, "v4v-kunit-conn")));
	msleep(200);
	KUNIT_EXPECT_FALSE(test, completion_done(&b.done));
	mutex_unlock(&ring->rx_lock);	/* the pump drains the junk */
	KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout(&b.done, 10 * HZ) > 0);
	KUNIT_EXPECT_EQ(test, b.ret, 0);
	KUNIT_ASSERT_EQ(test, kernel_accept(l, &a, 0), 0);
	KUNIT_EXPECT_EQ(test, send_buf(b.s, "room", 4, 0), 4);
	sock_release(a);
	sock_release(b.s);
	sock_release(l);
}

static void raw_ready(struct v4v_ring *ring)
{
}

/*
 * A task holds one socket's lock for seconds (a copy from memory that
 * userfaultfd or FUSE stalls, say) while another connection's peer
 * vanishes with its ring.  Liveness must not wait for the lock: the other
 * connection is reset within the usual bound, a second or so.
 */
static void stuck_socket_stops_no_liveness(struct kunit *test)
{
	struct socket *l = listener(test, SOCK_STREAM, 0x5103, 4), *a;
	struct socket *l2 = listener(test, SOCK_STREAM, 0x5104, 4), *c2, *a2;
	/* An OpenXT peer: a bare SYN, no hello. */
	struct v4v_stream_hdr syn = { .flags = V4V_STREAM_SYN, .conid = 0x5103 };
	struct v4v_ring *raw;
	u8 buf[8];
	int err, t;

	/* The stuck connection joins liveness's list first: it is met first. */
	pair(test, l2, 0x5104, SOCK_STREAM, &c2, &a2);
	raw = v4v_ring_create(0x6e10, V4V_ARGO_DOMID_ANY, 8192 - 64, raw_ready, NULL, &err);
	KUNIT_ASSERT_NOT_NULL(test, raw);
	KUNIT_ASSERT_GE(test, inject(0x5103, 0x6e10, V4V_MSG_STREAM, &syn, sizeof(syn)), 0);
	KUNIT_ASSERT_EQ(test, kernel_accept(l, &a, 0), 0);

	lock_sock(a2->sk);
	v4v_ring_put(raw);		/* the peer's domain is gone */
	for (t = 0; t < 100 && READ_ONCE(a->sk->sk_state) != V4V_ST_RESET; t++)
		msleep(20);
	KUNIT_EXPECT_EQ(test, READ_ONCE(a->sk->sk_state), V4V_ST_RESET);
	release_sock(a2->sk);

	KUNIT_EXPECT_EQ(test, recv_buf(a, buf, sizeof(buf), 0, NULL), -ECONNRESET);
	/* The stuck one was only skipped: it works once its lock is free. */
	KUNIT_EXPECT_EQ(test, send_buf(c2, "ok", 2, 0), 2);
	KUNIT_EXPECT_EQ(test, recv_buf(a2, buf, sizeof(buf), 0, NULL), 2);
	sock_release(a);
	sock_release(c2);
	sock_release(a2);
	sock_release(l2);
	sock_release(l);
}

/*
 * A reader parks on its port while it carries its connection alone, and
 * lets go when another comes.  Connections that come and go beside it,
 * over and over, as one byte at a time arrives for it: no wake-up may be
 * lost (a reader asleep with its byte in the ring would wait out its
 * 5 s timeout and return short).
 */
static void churn_loses_no_wakeup(struct kunit *test)
{
	struct socket *l = listener(test, SOCK_STREAM, 0x5105, 8), *c, *a, *c2, *a2;
	const int rounds = 300;
	struct blocked_read r;
	int i;

	pair(test, l, 0x5105, SOCK_STREAM, &c, &a);
	r = (struct blocked_read){ .s = a, .len = rounds };
	r.buf = kunit_kzalloc(test, rounds, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r.buf);
	init_completion(&r.done);
	KUNIT_ASSERT_FALSE(test, IS_ERR(kthread_run(blocked_read_fn, &r, "v4v-kunit-churn")));
	for (i = 0; i < rounds; i++) {
		pair(test, l, 0x5105, SOCK_STREAM, &c2, &a2);
		if (i & 1) {
			KUNIT_EXPECT_EQ(test, send_buf(c, "w", 1, 0), 1);
			sock_release(a2);
			sock_release(c2);
		} else {
			sock_release(a2);
			sock_release(c2);
			KUNIT_EXPECT_EQ(test, send_buf(c, "w", 1, 0), 1);
		}
		if (!(i % 16))
			usleep_range(500, 2000);	/* let the reader park */
	}
	if (!wait_for_completion_timeout(&r.done, 30 * HZ)) {
		kernel_sock_shutdown(a, SHUT_RDWR);	/* r lives on our stack */
		wait_for_completion(&r.done);
		KUNIT_FAIL(test, "the reader never finished");
	}
	KUNIT_EXPECT_EQ(test, r.ret, rounds);
	sock_release(c);
	sock_release(a);
	sock_release(l);
}

/*
 * A connection not yet accepted gets one small window: a peer that fills
 * the backlog with connections and data pins little.  accept() opens the
 * window to SO_RCVBUF, and the peer hears of it.
 */
static void unaccepted_child_gets_small_window(struct kunit *test)
{
	struct socket *l = listener(test, SOCK_STREAM, 0x5106, 4), *c, *a;
	const u32 total = 65536;
	u8 *tx, *rx;
	int first;

	pattern_bufs(test, total, &tx, &rx);
	c = new_sock(test, SOCK_STREAM);
	KUNIT_ASSERT_EQ(test, do_connect(c, 0x5106, 0), 0);
	first = send_buf(c, tx, total, MSG_DONTWAIT);
	KUNIT_EXPECT_GT(test, first, 0);
	KUNIT_EXPECT_LE(test, first, (int)V4V_STREAM_BUF_MIN);
	KUNIT_EXPECT_EQ(test, send_buf(c, tx + first, total - first, MSG_DONTWAIT), -EAGAIN);

	KUNIT_ASSERT_EQ(test, kernel_accept(l, &a, 0), 0);
	/* Blocking: it goes on once the credit that accept() sent arrives. */
	KUNIT_EXPECT_EQ(test, send_buf(c, tx + first, total - first, 0), (int)(total - first));
	KUNIT_EXPECT_EQ(test, recv_buf(a, rx, total, MSG_WAITALL, NULL), (int)total);
	KUNIT_EXPECT_EQ(test, memcmp(tx, rx, total), 0);
	sock_release(c);
	sock_release(a);
	sock_release(l);

	/* Seqpacket: room for one record of the largest size, and no more. */
	l = listener(test, SOCK_SEQPACKET, 0x5108, 4);
	c = new_sock(test, SOCK_SEQPACKET);
	KUNIT_ASSERT_EQ(test, do_connect(c, 0x5108, 0), 0);
	KUNIT_EXPECT_EQ(test, send_buf(c, tx, total, MSG_DONTWAIT), (int)total);
	KUNIT_EXPECT_EQ(test, send_buf(c, tx, 1, MSG_DONTWAIT), -EAGAIN);
	KUNIT_ASSERT_EQ(test, kernel_accept(l, &a, 0), 0);
	KUNIT_EXPECT_EQ(test, send_buf(c, tx, 1, 0), 1);
	KUNIT_EXPECT_EQ(test, recv_buf(a, rx, total, 0, NULL), (int)total);
	KUNIT_EXPECT_EQ(test, recv_buf(a, rx, total, 0, NULL), 1);
	sock_release(c);
	sock_release(a);
	sock_release(l);
}

/*
 * What the pump queues is charged to the receiving socket, and all v4v
 * sockets together stay within the receive memory limit (a peer that
 * fills many connections nobody reads pins no more); nothing is lost, the
 * rest waits in the ring, and every page comes back at close.
 */
static void receive_memory_is_charged_and_bounded(struct kunit *test)
{
	enum { N = 6, EACH = SZ_1M, CAP = 32 };
	struct socket *l = listener(test, SOCK_STREAM, 0x5107, N), *c[N], *a[N];
	struct __kernel_sock_timeval tv = { .tv_sec = 1 };
	/* The core settles charges per CPU in batches of up to 1 MiB. */
	const long slack = num_possible_cpus() * (SZ_1M / PAGE_SIZE) + N;
	long saved[3], base, peak = 0;
	int i, t, sent[N];
	u8 *tx, *rx;

	pattern_bufs(test, EACH, &tx, &rx);
	memcpy(saved, v4v_rcvmem_limits, sizeof(saved));
	msleep(100);
	rcu_barrier();
	base = v4v_rcvmem_pages();
	for (i = 0; i < N; i++) {
		pair(test, l, 0x5107, SOCK_STREAM, &c[i], &a[i]);
		KUNIT_ASSERT_EQ(test, sock_setsockopt(c[i], SOL_SOCKET, SO_SNDTIMEO_NEW,
						      KERNEL_SOCKPTR(&tv), sizeof(tv)), 0);
	}
	/*
	 * 128 KiB for everyone.  Unbounded, the pump would queue nearly all
	 * of N windows (N MiB) on a[], which share the listener's port and
	 * read nothing; bounded, the rest waits in the ring, which stays
	 * full, and each sender stops where its timeout ends.
	 */
	v4v_rcvmem_limits[0] = CAP / 2;
	v4v_rcvmem_limits[1] = CAP / 4 * 3;
	v4v_rcvmem_limits[2] = CAP;
	for (i = 0; i < N; i++) {
		sent[i] = send_buf(c[i], tx, EACH, 0);
		if (sent[i] < 0)
			sent[i] = 0;	/* EAGAIN: no room at all */
		peak = max(peak, v4v_rcvmem_pages() - base);
	}
	for (t = 0; t < 10; t++) {
		msleep(20);
		peak = max(peak, v4v_rcvmem_pages() - base);
	}
	KUNIT_EXPECT_GT(test, atomic_read(&a[0]->sk->sk_rmem_alloc), 0);
	KUNIT_EXPECT_GT(test, peak, 0L);
	KUNIT_EXPECT_LE(test, peak, CAP + slack);

	memcpy(v4v_rcvmem_limits, saved, sizeof(saved));
	for (i = 0; i < N; i++) {
		/* Nothing lost: what was sent arrives whole once there is room. */
		memset(rx, 0, EACH);
		if (sent[i])
			KUNIT_EXPECT_EQ(test, recv_buf(a[i], rx, sent[i], MSG_WAITALL, NULL),
					sent[i]);
		KUNIT_EXPECT_EQ(test, memcmp(tx, rx, sent[i]), 0);
		sock_release(c[i]);
		sock_release(a[i]);
	}
	sock_release(l);
	msleep(100);
	rcu_barrier();
	KUNIT_EXPECT_LE(test, v4v_rcvmem_pages(), base);
}

static struct kunit_case v4v_stream_hostile_cases[] = {
	KUNIT_CASE(emptied_ring_forgets_a_partial_read),
	KUNIT_CASE(emptied_ring_resets_every_connection),
	KUNIT_CASE(connect_waits_for_room),
	KUNIT_CASE(stuck_socket_stops_no_liveness),
	KUNIT_CASE(churn_loses_no_wakeup),
	KUNIT_CASE(unaccepted_child_gets_small_window),
	KUNIT_CASE(receive_memory_is_charged_and_bounded),
	KUNIT_CASE(v4v_stream_test_nothing_leaked),
	{}
};

static struct kunit_suite v4v_stream_hostile_suite = {
	.name = "v4v_stream_hostile",
	.test_cases = v4v_stream_hostile_cases,
};

kunit_test_suite(v4v_stream_hostile_suite);
