// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: how AF_V4V stream connections end (half-close, close, a FIN that
 * meets a full ring, a peer whose ring goes), on the loopback backend.
 * Cases use their own ports, shared with no other suite.
 */
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/mutex.h>
#include <linux/net.h>
#include <linux/slab.h>
#include <net/sock.h>
#include <uapi/linux/v4v.h>
#include <v4v/stream.h>

#include "../rings.h"
#include "../sock.h"
#include "../stats.h"
#include "../stream.h"
#include "../stream_fsm.h"
#include "stream_test.h"

static void half_close(struct kunit *test)
{
	struct socket *l = listener(test, SOCK_STREAM, 0x5005, 4), *c, *a;
	char buf[16];

	pair(test, l, 0x5005, SOCK_STREAM, &c, &a);
	KUNIT_EXPECT_EQ(test, send_buf(c, "last words", 10, 0), 10);
	KUNIT_EXPECT_EQ(test, kernel_sock_shutdown(c, SHUT_WR), 0);
	KUNIT_EXPECT_EQ(test, send_buf(c, "x", 1, MSG_NOSIGNAL), -EPIPE);
	/* The data first, then end of file, again and again. */
	KUNIT_EXPECT_EQ(test, recv_buf(a, buf, sizeof(buf), MSG_WAITALL, NULL), 10);
	KUNIT_EXPECT_EQ(test, recv_buf(a, buf, sizeof(buf), 0, NULL), 0);
	KUNIT_EXPECT_EQ(test, recv_buf(a, buf, sizeof(buf), 0, NULL), 0);
	/* The other direction still works. */
	KUNIT_EXPECT_EQ(test, send_buf(a, "reply", 5, 0), 5);
	KUNIT_EXPECT_EQ(test, recv_buf(c, buf, sizeof(buf), 0, NULL), 5);
	KUNIT_EXPECT_EQ(test, kernel_sock_shutdown(a, SHUT_WR), 0);
	KUNIT_EXPECT_EQ(test, recv_buf(c, buf, sizeof(buf), 0, NULL), 0);
	KUNIT_EXPECT_EQ(test, a->sk->sk_state, V4V_ST_DONE);
	sock_release(c);
	sock_release(a);
	sock_release(l);
}

static void close_eof_or_reset(struct kunit *test)
{
	struct socket *l = listener(test, SOCK_STREAM, 0x5006, 4), *c, *a;
	char buf[16];

	/* Closing with everything read: the peer reads the data, then EOF. */
	pair(test, l, 0x5006, SOCK_STREAM, &c, &a);
	KUNIT_EXPECT_EQ(test, send_buf(a, "bye", 3, 0), 3);
	sock_release(a);
	KUNIT_EXPECT_EQ(test, recv_buf(c, buf, sizeof(buf), MSG_WAITALL, NULL), 3);
	KUNIT_EXPECT_EQ(test, recv_buf(c, buf, sizeof(buf), 0, NULL), 0);
	sock_release(c);

	/* Closing with data unread resets: ECONNRESET, then EOF; EPIPE. */
	pair(test, l, 0x5006, SOCK_STREAM, &c, &a);
	KUNIT_EXPECT_EQ(test, send_buf(c, "unread", 6, 0), 6);
	msleep(50);		/* the pump queues it on a */
	sock_release(a);
	KUNIT_EXPECT_EQ(test, recv_buf(c, buf, sizeof(buf), 0, NULL), -ECONNRESET);
	KUNIT_EXPECT_EQ(test, recv_buf(c, buf, sizeof(buf), 0, NULL), 0);
	KUNIT_EXPECT_EQ(test, send_buf(c, "x", 1, MSG_NOSIGNAL), -EPIPE);
	sock_release(c);
	sock_release(l);
}

/* After SHUT_RD, data is thrown away but credited: the sender never stalls. */
static void shut_rd_keeps_sender_going(struct kunit *test)
{
	struct socket *l = listener(test, SOCK_STREAM, 0x5014, 4), *c, *a;
	u8 *buf = kzalloc(65536, GFP_KERNEL);
	int i;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	pair(test, l, 0x5014, SOCK_STREAM, &c, &a);
	KUNIT_EXPECT_EQ(test, kernel_sock_shutdown(a, SHUT_RD), 0);
	for (i = 0; i < 64; i++)	/* 4 MiB: four windows */
		KUNIT_ASSERT_EQ(test, send_buf(c, buf, 65536, 0), 65536);
	KUNIT_EXPECT_EQ(test, recv_buf(a, buf, 16, MSG_DONTWAIT, NULL), 0);
	kfree(buf);
	sock_release(c);
	sock_release(a);
	sock_release(l);
}

/*
 * A FIN that meets a full ring at close is not lost: it is sent once the
 * reader makes room, and the reader gets end of file after the data.
 */
static void fin_waits_for_a_full_ring(struct kunit *test)
{
	struct socket *l = listener(test, SOCK_STREAM, 0x5018, 4), *c, *a;
	struct __kernel_sock_timeval tv = { .tv_sec = 5 };
	int n, sent = 0, got = 0, size;
	struct v4v_ring *ring;
	u8 *buf = kunit_kzalloc(test, 65536, GFP_KERNEL);
	s64 lingered = atomic64_read(&v4v_stats.stream_lingered);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	/* More credit than the ring holds, so the sender can fill the ring. */
	c = new_sock(test, SOCK_STREAM);
	set_ring_size(test, c, SMALL_RING);
	KUNIT_ASSERT_EQ(test, sock_setsockopt(c, SOL_SOCKET, SO_RCVTIMEO_NEW,
					      KERNEL_SOCKPTR(&tv), sizeof(tv)), 0);
	KUNIT_ASSERT_EQ(test, do_connect(c, 0x5018, 0), 0);
	KUNIT_ASSERT_EQ(test, kernel_accept(l, &a, 0), 0);
	/* Nobody drains c's ring meanwhile (its consumers take this lock). */
	ring = v4v_sk(c->sk)->ring;
	mutex_lock(&ring->rx_lock);
	for (size = 65536; size; size /= 4)
		while ((n = send_buf(a, buf, size, MSG_DONTWAIT)) > 0)
			sent += n;
	KUNIT_EXPECT_EQ(test, n, -EAGAIN);
	KUNIT_EXPECT_GT(test, sent, 0);
	/* The smallest slot a FIN could still take: junk (dropped later). */
	while (inject(v4v_sk(c->sk)->port, 0x5099, V4V_MSG_STREAM, "x", 1) > 0)
		;
	sock_release(a);	/* its FIN does not fit now */
	mutex_unlock(&ring->rx_lock);
	KUNIT_EXPECT_EQ(test, atomic64_read(&v4v_stats.stream_lingered) - lingered, 1);
	while ((n = recv_buf(c, buf, 65536, 0, NULL)) > 0)
		got += n;
	KUNIT_EXPECT_EQ(test, n, 0);	/* end of file, not a timeout */
	KUNIT_EXPECT_EQ(test, got, sent);
	sock_release(c);
	sock_release(l);
}

/*
 * A peer that wrote, closed and took its ring with it: once liveness finds
 * the ring gone, the reader still gets every byte, then end of file (the
 * FIN came first), not ECONNRESET.  Nobody reads meanwhile.
 */
static void closed_peer_gone_reads_to_eof(struct kunit *test)
{
	struct socket *l = listener(test, SOCK_STREAM, 0x501e, 4), *c, *a;
	const u32 len = 3 * 65536 + 100;
	u8 *tx, *rx;

	pattern_bufs(test, len, &tx, &rx);
	pair(test, l, 0x501e, SOCK_STREAM, &c, &a);
	KUNIT_ASSERT_EQ(test, send_buf(c, tx, len, 0), len);
	sock_release(c);
	msleep(1200);		/* two liveness passes */
	KUNIT_EXPECT_EQ(test, a->sk->sk_state, V4V_ST_DONE);
	KUNIT_EXPECT_EQ(test, recv_buf(a, rx, len, MSG_WAITALL, NULL), len);
	KUNIT_EXPECT_EQ(test, memcmp(tx, rx, len), 0);
	KUNIT_EXPECT_EQ(test, recv_buf(a, rx, len, 0, NULL), 0);
	KUNIT_EXPECT_EQ(test, send_buf(a, "x", 1, MSG_NOSIGNAL), -EPIPE);
	sock_release(a);
	sock_release(l);
}

/*
 * sender fills the ring of the port at (0, port), which the caller keeps
 * from being drained, to its last slot.  Returns the bytes sent.
 */
static int fill_ring(struct socket *sender, u32 port, u8 *buf)
{
	int n, sent = 0, size;

	for (size = 65536; size; size /= 4)
		while ((n = send_buf(sender, buf, size, MSG_DONTWAIT)) > 0)
			sent += n;
	while (inject(port, 0x5099, V4V_MSG_STREAM, "x", 1) > 0)
		;	/* the last slots: junk the pump drops */
	return sent;
}

/*
 * Read s to the end its peer's lingering FIN brings: end of file, not
 * ECONNRESET.  A byte sent after the first read must not be answered with
 * an RST that would overtake the FIN.  Returns the bytes read.
 */
static int read_to_fin(struct kunit *test, struct socket *s, u8 *buf)
{
	int n, got = 0;

	while ((n = recv_buf(s, buf, 65536, 0, NULL)) > 0) {
		if (!got)
			KUNIT_EXPECT_EQ(test, send_buf(s, "x", 1, MSG_NOSIGNAL), 1);
		got += n;
	}
	KUNIT_EXPECT_EQ(test, n, 0);
	return got;
}

/*
 * A client whose FIN met a full ring at close keeps its port and ring
 * until the FIN is in: the reader's liveness check must not find the ring
 * gone first, nor may what the reader sends meanwhile be answered with an
 * RST, or the reader gets ECONNRESET where the FIN says end of file.
 */
static void lingering_fin_keeps_its_ring(struct kunit *test)
{
	struct socket *l = new_sock(test, SOCK_STREAM), *c, *a;
	struct sockaddr_v4v la = v4v_test_addr(0, 0x501f);
	u8 *buf = kunit_kzalloc(test, 65536, GFP_KERNEL);
	s64 lingered = atomic64_read(&v4v_stats.stream_lingered);
	struct v4v_ring *ring;
	int sent;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	set_ring_size(test, l, SMALL_RING);
	KUNIT_ASSERT_EQ(test, kernel_bind(l, (struct sockaddr *)&la, sizeof(la)), 0);
	KUNIT_ASSERT_EQ(test, kernel_listen(l, 4), 0);
	pair(test, l, 0x501f, SOCK_STREAM, &c, &a);
	/* The listener's ring stays full (nobody drains it) over liveness. */
	ring = v4v_sk(l->sk)->ring;
	mutex_lock_nested(&ring->rx_lock, SINGLE_DEPTH_NESTING);
	sent = fill_ring(c, 0x501f, buf);
	sock_release(c);	/* its FIN does not fit */
	KUNIT_EXPECT_EQ(test, atomic64_read(&v4v_stats.stream_lingered) - lingered, 1);
	msleep(1200);		/* liveness checks a's peer, and finds its ring */
	mutex_unlock(&ring->rx_lock);
	KUNIT_EXPECT_EQ(test, read_to_fin(test, a, buf), sent);
	sock_release(a);
	sock_release(l);
}

/*
 * A server that closes a connection whose FIN meets a full ring, and then
 * its listener, keeps the port until the FIN is in, so the client reads
 * end of file, not ECONNRESET.  Meanwhile the port refuses connections,
 * and a server that binds it again (with the same ring size) adopts it.
 */
static void server_fin_keeps_the_port(struct kunit *test)
{
	struct socket *l = listener(test, SOCK_STREAM, 0x5020, 4), *c, *a, *again, *d, *e;
	struct sockaddr_v4v la = v4v_test_addr(0, 0x5020);
	u8 *buf = kunit_kzalloc(test, 65536, GFP_KERNEL);
	s64 lingered = atomic64_read(&v4v_stats.stream_lingered);
	struct v4v_ring *ring;
	int sent;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	c = new_sock(test, SOCK_STREAM);
	set_ring_size(test, c, SMALL_RING);
	KUNIT_ASSERT_EQ(test, do_connect(c, 0x5020, 0), 0);
	KUNIT_ASSERT_EQ(test, kernel_accept(l, &a, 0), 0);
	/*
	 * The client's ring stays full (nobody drains it) until the end.  The
	 * sockets used meanwhile take their own rings' locks: a subclass.
	 */
	ring = v4v_sk(c->sk)->ring;
	mutex_lock_nested(&ring->rx_lock, SINGLE_DEPTH_NESTING);
	sent = fill_ring(a, v4v_sk(c->sk)->port, buf);
	sock_release(a);	/* its FIN does not fit */
	sock_release(l);
	KUNIT_EXPECT_EQ(test, atomic64_read(&v4v_stats.stream_lingered) - lingered, 1);
	msleep(1200);		/* liveness checks c's peer, and finds its ring */
	d = new_sock(test, SOCK_STREAM);
	KUNIT_EXPECT_EQ(test, do_connect(d, 0x5020, 0), -ECONNREFUSED);
	sock_release(d);

	again = new_sock(test, SOCK_STREAM);
	set_ring_size(test, again, SMALL_RING);
	KUNIT_EXPECT_EQ(test, kernel_bind(again, (struct sockaddr *)&la, sizeof(la)),
			-EADDRINUSE);	/* kept, and another size cannot adopt it */
	sock_release(again);
	again = new_sock(test, SOCK_STREAM);
	KUNIT_EXPECT_EQ(test, kernel_bind(again, (struct sockaddr *)&la, sizeof(la)), 0);
	KUNIT_EXPECT_EQ(test, kernel_listen(again, 4), 0);
	pair(test, again, 0x5020, SOCK_STREAM, &d, &e);
	KUNIT_EXPECT_EQ(test, send_buf(d, "hi", 2, 0), 2);
	KUNIT_EXPECT_EQ(test, recv_buf(e, buf, 2, MSG_WAITALL, NULL), 2);
	sock_release(d);
	sock_release(e);
	mutex_unlock(&ring->rx_lock);

	KUNIT_EXPECT_EQ(test, read_to_fin(test, c, buf), sent);
	sock_release(c);
	sock_release(again);
}

/*
 * A listener closed while its accepted connections live on: a new
 * listener binds the port at once, and old and new connections share it.
 */
static void rebind_while_children_live(struct kunit *test)
{
	struct socket *l = listener(test, SOCK_STREAM, 0x5021, 4), *c, *a, *c2, *a2;
	struct sockaddr_v4v la = v4v_test_addr(0, 0x5021);
	char buf[4];

	pair(test, l, 0x5021, SOCK_STREAM, &c, &a);
	sock_release(l);
	l = new_sock(test, SOCK_SEQPACKET);
	/* Another socket type cannot take a stream port. */
	KUNIT_EXPECT_EQ(test, kernel_bind(l, (struct sockaddr *)&la, sizeof(la)), -EADDRINUSE);
	sock_release(l);
	l = listener(test, SOCK_STREAM, 0x5021, 4);
	pair(test, l, 0x5021, SOCK_STREAM, &c2, &a2);
	KUNIT_EXPECT_EQ(test, send_buf(c, "old", 3, 0), 3);
	KUNIT_EXPECT_EQ(test, send_buf(c2, "new", 3, 0), 3);
	KUNIT_EXPECT_EQ(test, recv_buf(a2, buf, 3, MSG_WAITALL, NULL), 3);
	KUNIT_EXPECT_EQ(test, memcmp(buf, "new", 3), 0);
	KUNIT_EXPECT_EQ(test, recv_buf(a, buf, 3, MSG_WAITALL, NULL), 3);
	KUNIT_EXPECT_EQ(test, memcmp(buf, "old", 3), 0);
	sock_release(a);
	KUNIT_EXPECT_EQ(test, recv_buf(c, buf, 3, 0, NULL), 0);
	sock_release(c);
	sock_release(a2);
	sock_release(c2);
	sock_release(l);
}

static struct kunit_case v4v_stream_end_cases[] = {
	KUNIT_CASE(half_close),
	KUNIT_CASE(close_eof_or_reset),
	KUNIT_CASE(shut_rd_keeps_sender_going),
	KUNIT_CASE(fin_waits_for_a_full_ring),
	KUNIT_CASE(closed_peer_gone_reads_to_eof),
	KUNIT_CASE(lingering_fin_keeps_its_ring),
	KUNIT_CASE(server_fin_keeps_the_port),
	KUNIT_CASE(rebind_while_children_live),
	KUNIT_CASE(v4v_stream_test_nothing_leaked),
	{}
};

static struct kunit_suite v4v_stream_end_suite = {
	.name = "v4v_stream_end",
	.test_cases = v4v_stream_end_cases,
};

kunit_test_suite(v4v_stream_end_suite);
