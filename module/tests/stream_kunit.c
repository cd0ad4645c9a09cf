// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: AF_V4V stream and seqpacket sockets through kernel sockets, on the
 * loopback backend.  Each case uses its own ports (0x5000 and up).
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/net.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <net/sock.h>
#include <uapi/linux/v4v.h>
#include <v4v/stream.h>

#include "../backend.h"
#include "../rings.h"
#include "../sock.h"
#include "../stats.h"
#include "../stream.h"
#include "../stream_fsm.h"
#include "sock_test.h"
#include "stream_test.h"

static void connect_accept_roundtrip(struct kunit *test)
{
	struct socket *l = listener(test, SOCK_STREAM, 0x5001, 4), *c, *a;
	struct sockaddr_v4v name;
	char buf[32];

	pair(test, l, 0x5001, SOCK_STREAM, &c, &a);
	KUNIT_EXPECT_EQ(test, send_buf(c, "ping", 4, 0), 4);
	KUNIT_EXPECT_EQ(test, recv_buf(a, buf, sizeof(buf), 0, NULL), 4);
	KUNIT_EXPECT_EQ(test, memcmp(buf, "ping", 4), 0);
	KUNIT_EXPECT_EQ(test, send_buf(a, "pong!", 5, 0), 5);
	KUNIT_EXPECT_EQ(test, recv_buf(c, buf, sizeof(buf), 0, NULL), 5);
	KUNIT_EXPECT_EQ(test, memcmp(buf, "pong!", 5), 0);

	/* The accepted end is named by the listener's port, its peer by c's. */
	KUNIT_EXPECT_EQ(test, kernel_getsockname(a, (struct sockaddr *)&name), (int)sizeof(name));
	KUNIT_EXPECT_EQ(test, name.sv4v_port, 0x5001);
	KUNIT_EXPECT_EQ(test, kernel_getpeername(c, (struct sockaddr *)&name), (int)sizeof(name));
	KUNIT_EXPECT_EQ(test, name.sv4v_port, 0x5001);
	KUNIT_EXPECT_EQ(test, kernel_getpeername(a, (struct sockaddr *)&name), (int)sizeof(name));
	KUNIT_EXPECT_GE(test, name.sv4v_port, V4V_PORT_EPHEMERAL);
	sock_release(c);
	sock_release(a);
	sock_release(l);
}

/*
 * A stream socket binds once: the listener, both ends of a connection and
 * a client whose connect is under way all say EINVAL, as TCP does.  An
 * accepted end has its listener's port but no ring of its own; a bind
 * that went through there would leave the listener's port unowned.
 */
static void bind_on_connection_is_einval(struct kunit *test)
{
	static const int types[] = { SOCK_STREAM, SOCK_SEQPACKET };
	struct sockaddr_v4v name, to;
	struct socket *l, *c, *a, *n;
	char buf[8];
	int i;

	for (i = 0; i < ARRAY_SIZE(types); i++) {
		u32 port = 0x5022 + 2 * i;

		l = listener(test, types[i], port, 4);
		pair(test, l, port, types[i], &c, &a);
		to = v4v_test_addr(0, port + 1);
		KUNIT_EXPECT_EQ(test, kernel_bind(l, (struct sockaddr *)&to, sizeof(to)), -EINVAL);
		KUNIT_EXPECT_EQ(test, kernel_bind(a, (struct sockaddr *)&to, sizeof(to)), -EINVAL);
		to.sv4v_port = 0;
		KUNIT_EXPECT_EQ(test, kernel_bind(a, (struct sockaddr *)&to, sizeof(to)), -EINVAL);
		KUNIT_EXPECT_EQ(test, kernel_bind(c, (struct sockaddr *)&to, sizeof(to)), -EINVAL);
		KUNIT_EXPECT_EQ(test, kernel_getsockname(a, (struct sockaddr *)&name),
				(int)sizeof(name));
		KUNIT_EXPECT_EQ(test, name.sv4v_port, port);
		/* Connecting, whether it has finished yet or not. */
		n = new_sock(test, types[i]);
		KUNIT_EXPECT_EQ(test, do_connect(n, port, O_NONBLOCK), -EINPROGRESS);
		KUNIT_EXPECT_EQ(test, kernel_bind(n, (struct sockaddr *)&to, sizeof(to)), -EINVAL);
		/* The connection still works, and ends from the right port. */
		KUNIT_EXPECT_EQ(test, send_buf(c, "x", 1, 0), 1);
		KUNIT_EXPECT_EQ(test, recv_buf(a, buf, sizeof(buf), 0, NULL), 1);
		sock_release(a);
		KUNIT_EXPECT_EQ(test, recv_buf(c, buf, sizeof(buf), 0, NULL), 0);
		sock_release(n);
		sock_release(c);
		sock_release(l);
	}
}

/* A partner binding cannot take a listener's port, nor the other way round. */
static void partner_bind_cannot_take_a_live_port(struct kunit *test)
{
	struct socket *l = listener(test, SOCK_STREAM, 0x5026, 4), *p, *c, *a;
	struct sockaddr_v4v to = v4v_test_addr(0, 0x5026);
	char buf[8];

	p = new_sock(test, SOCK_STREAM);
	KUNIT_ASSERT_EQ(test, v4v_test_set_u32(p, V4V_PARTNER, 0), 0);
	KUNIT_EXPECT_EQ(test, kernel_bind(p, (struct sockaddr *)&to, sizeof(to)), -EADDRINUSE);
	/* The real listener still gets this domain's connections. */
	pair(test, l, 0x5026, SOCK_STREAM, &c, &a);
	KUNIT_EXPECT_EQ(test, send_buf(c, "y", 1, 0), 1);
	KUNIT_EXPECT_EQ(test, recv_buf(a, buf, sizeof(buf), 0, NULL), 1);
	/* Partner first: the wildcard binding is the one refused. */
	to.sv4v_port = 0x5027;
	KUNIT_EXPECT_EQ(test, kernel_bind(p, (struct sockaddr *)&to, sizeof(to)), 0);
	sock_release(c);
	c = new_sock(test, SOCK_DGRAM);
	KUNIT_EXPECT_EQ(test, kernel_bind(c, (struct sockaddr *)&to, sizeof(to)), -EADDRINUSE);
	sock_release(c);
	sock_release(a);
	sock_release(p);
	sock_release(l);
}

/*
 * A peer picks all three words of a connection's key; with one seed for
 * every port it could pick connection ids that share a bucket everywhere.
 * Each port has a secret seed: the same 64 keys fall into other buckets on
 * another port (with one shared seed all 64 would match; at random, about
 * one does).
 */
static void ports_hash_connections_apart(struct kunit *test)
{
	struct socket *l1 = listener(test, SOCK_STREAM, 0x5028, 4);
	struct socket *l2 = listener(test, SOCK_STREAM, 0x5029, 4);
	struct v4v_sport *s1 = v4v_sk(l1->sk)->st.sport, *s2 = v4v_sk(l2->sk)->st.sport;
	u32 i, same = 0;

	KUNIT_ASSERT_NOT_NULL(test, s1);
	KUNIT_ASSERT_NOT_NULL(test, s2);
	for (i = 0; i < 64; i++)
		same += hash_min(v4v_sport_conn_key(s1, 0, 0x80000000 + i, i), 6) ==
			hash_min(v4v_sport_conn_key(s2, 0, 0x80000000 + i, i), 6);
	KUNIT_EXPECT_LT(test, same, 16U);
	sock_release(l1);
	sock_release(l2);
}

/* Large transfer, both ways at once would need threads: one way, big. */
static void bulk_transfer_is_exact(struct kunit *test)
{
	struct socket *l = listener(test, SOCK_STREAM, 0x5002, 4), *c, *a;
	const u32 total = 3 * 1024 * 1024 + 77;
	u8 *tx = kvmalloc(total, GFP_KERNEL), *rx = kvzalloc(total, GFP_KERNEL);
	u32 i, sent = 0, got = 0;
	int n;

	KUNIT_ASSERT_NOT_NULL(test, tx);
	KUNIT_ASSERT_NOT_NULL(test, rx);
	for (i = 0; i < total; i++)
		tx[i] = pattern(i);
	pair(test, l, 0x5002, SOCK_STREAM, &c, &a);
	/* Interleave non-blocking sends and reads: one thread does both. */
	while (got < total) {
		if (sent < total) {
			n = send_buf(c, tx + sent, min(total - sent, 100000U), MSG_DONTWAIT);
			if (n > 0)
				sent += n;
			else
				KUNIT_ASSERT_EQ(test, n, -EAGAIN);
		}
		n = recv_buf(a, rx + got, total - got, sent < total ? MSG_DONTWAIT : 0, NULL);
		if (n == -EAGAIN) {
			usleep_range(1000, 2000);	/* let the pump run: no preemption */
			continue;
		}
		KUNIT_ASSERT_GT(test, n, 0);
		got += n;
	}
	KUNIT_EXPECT_EQ(test, memcmp(tx, rx, total), 0);
	kvfree(tx);
	kvfree(rx);
	sock_release(c);
	sock_release(a);
	sock_release(l);
}

static void connect_errors(struct kunit *test)
{
	struct socket *c = new_sock(test, SOCK_STREAM), *b = new_sock(test, SOCK_STREAM);
	struct socket *l = listener(test, SOCK_STREAM, 0x5004, 1), *s, *a;
	struct sockaddr_v4v addr = v4v_test_addr(0, 0x5003);

	/* No ring at all, then a bound stream socket that does not listen. */
	KUNIT_EXPECT_EQ(test, do_connect(c, 0x5003, 0), -ECONNREFUSED);
	KUNIT_ASSERT_EQ(test, kernel_bind(b, (struct sockaddr *)&addr, sizeof(addr)), 0);
	sock_release(c);
	c = new_sock(test, SOCK_STREAM);
	KUNIT_EXPECT_EQ(test, do_connect(c, 0x5003, 0), -ECONNREFUSED);
	sock_release(c);

	/* A seqpacket client to a stream listener is refused. */
	c = new_sock(test, SOCK_SEQPACKET);
	KUNIT_EXPECT_EQ(test, do_connect(c, 0x5004, 0), -ECONNREFUSED);
	sock_release(c);

	/* Backlog 1: the second pending connection is refused. */
	pair(test, l, 0x5004, SOCK_STREAM, &s, &a);
	c = new_sock(test, SOCK_STREAM);
	KUNIT_EXPECT_EQ(test, do_connect(c, 0x5004, 0), 0);
	sock_release(b);
	b = new_sock(test, SOCK_STREAM);
	KUNIT_EXPECT_EQ(test, do_connect(b, 0x5004, 0), -ECONNREFUSED);
	KUNIT_EXPECT_GT(test, v4v_stat_read(stream_refused), 0);
	KUNIT_EXPECT_EQ(test, do_connect(s, 0x5004, 0), -EISCONN);
	addr.sv4v_port = V4V_PORT_ANY;
	KUNIT_EXPECT_EQ(test, kernel_connect(b, (struct sockaddr *)&addr, sizeof(addr), 0),
			-EINVAL);
	/* Listening sockets do not connect, connected ones do not listen. */
	KUNIT_EXPECT_EQ(test, do_connect(l, 0x5004, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, kernel_listen(s, 1), -EINVAL);
	sock_release(a);
	sock_release(s);
	sock_release(c);
	sock_release(b);
	sock_release(l);
}

/* A refused connect leaves the socket ready to connect elsewhere. */
static void reconnect_after_refusal(struct kunit *test)
{
	struct socket *l = listener(test, SOCK_STREAM, 0x5010, 4), *b, *c, *a;
	struct sockaddr_v4v addr = v4v_test_addr(0, 0x5011);
	char buf[4];

	b = new_sock(test, SOCK_STREAM);	/* bound, not listening */
	KUNIT_ASSERT_EQ(test, kernel_bind(b, (struct sockaddr *)&addr, sizeof(addr)), 0);
	c = new_sock(test, SOCK_STREAM);
	KUNIT_EXPECT_EQ(test, do_connect(c, 0x5011, 0), -ECONNREFUSED);
	KUNIT_EXPECT_EQ(test, do_connect(c, 0x5010, 0), 0);
	KUNIT_ASSERT_EQ(test, kernel_accept(l, &a, 0), 0);
	KUNIT_EXPECT_EQ(test, send_buf(c, "ok", 2, 0), 2);
	KUNIT_EXPECT_EQ(test, recv_buf(a, buf, sizeof(buf), 0, NULL), 2);
	sock_release(a);
	sock_release(c);
	sock_release(b);
	sock_release(l);
}

static void unconnected_calls(struct kunit *test)
{
	struct socket *s = new_sock(test, SOCK_STREAM), *a;
	struct sockaddr_v4v name;
	char buf[4];

	KUNIT_EXPECT_EQ(test, send_buf(s, "x", 1, MSG_NOSIGNAL), -ENOTCONN);
	KUNIT_EXPECT_EQ(test, recv_buf(s, buf, 1, 0, NULL), -ENOTCONN);
	KUNIT_EXPECT_EQ(test, kernel_sock_shutdown(s, SHUT_WR), -ENOTCONN);
	KUNIT_EXPECT_EQ(test, kernel_getpeername(s, (struct sockaddr *)&name), -ENOTCONN);
	KUNIT_EXPECT_EQ(test, kernel_accept(s, &a, O_NONBLOCK), -EINVAL);
	KUNIT_EXPECT_EQ(test, kernel_listen(s, 1), 0);	/* binds on its own */
	KUNIT_EXPECT_EQ(test, kernel_accept(s, &a, O_NONBLOCK), -EAGAIN);
	sock_release(s);
}

/* A window's worth goes out without the reader; then the sender waits. */
static void credit_bounds_the_sender(struct kunit *test)
{
	/* An 8 KiB window for the children. */
	struct socket *l = small_listener(test, SOCK_STREAM, 0x5007, 4096), *c, *a;
	int sent = 0, n, got = 0;
	u8 *buf = kzalloc(65536, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	pair(test, l, 0x5007, SOCK_STREAM, &c, &a);
	while ((n = send_buf(c, buf, 65536, MSG_DONTWAIT)) > 0)
		sent += n;
	KUNIT_EXPECT_EQ(test, n, -EAGAIN);
	KUNIT_EXPECT_EQ(test, sent, 8192);
	/* Reading a quarter of the window gives credit back. */
	msleep(50);
	while (got < 4096) {
		n = recv_buf(a, buf, 4096 - got, 0, NULL);
		KUNIT_ASSERT_GT(test, n, 0);
		got += n;
	}
	msleep(50);
	KUNIT_EXPECT_EQ(test, send_buf(c, buf, 65536, MSG_DONTWAIT), 4096);
	kfree(buf);
	sock_release(c);
	sock_release(a);
	sock_release(l);
}

/*
 * A sender waits for a quarter of the window rather than send a sliver of
 * it; poll() agrees, so a non-blocking writer does not spin on EAGAIN.
 */
static void no_silly_window(struct kunit *test)
{
	/* A 32 KiB window, so 8 KiB is worth sending. */
	struct socket *l = small_listener(test, SOCK_STREAM, 0x5019, 16384), *c, *a;
	int got = 0, n, i;
	u8 *buf = kzalloc(10240, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	pair(test, l, 0x5019, SOCK_STREAM, &c, &a);
	for (i = 0; i < 3; i++)
		KUNIT_ASSERT_EQ(test, send_buf(c, buf, 10240, MSG_DONTWAIT), 10240);
	/* 2 KiB of window left: not worth a message. */
	KUNIT_EXPECT_EQ(test, send_buf(c, buf, 10240, MSG_DONTWAIT), -EAGAIN);
	KUNIT_EXPECT_FALSE(test, c->ops->poll(NULL, c, NULL) & EPOLLOUT);
	/* Reading less than a quarter sends no credit: still nothing worth it. */
	msleep(50);
	KUNIT_ASSERT_EQ(test, recv_buf(a, buf, 2048, 0, NULL), 2048);
	msleep(50);
	KUNIT_EXPECT_EQ(test, send_buf(c, buf, 10240, MSG_DONTWAIT), -EAGAIN);
	while (got < 6144) {
		n = recv_buf(a, buf, 6144 - got, 0, NULL);
		KUNIT_ASSERT_GT(test, n, 0);
		got += n;
	}
	msleep(50);
	/* 10 KiB granted back: the whole write goes, as one message. */
	KUNIT_EXPECT_TRUE(test, c->ops->poll(NULL, c, NULL) & EPOLLOUT);
	KUNIT_EXPECT_EQ(test, send_buf(c, buf, 10240, MSG_DONTWAIT), 10240);
	kfree(buf);
	sock_release(c);
	sock_release(a);
	sock_release(l);
}

/* One connection's unread window does not hold up another's data. */
static void slow_reader_blocks_nobody(struct kunit *test)
{
	struct socket *l = new_sock(test, SOCK_STREAM), *c1, *a1, *c2, *a2;
	struct sockaddr_v4v la = v4v_test_addr(0, 0x5008);
	u8 *buf = kzalloc(65536, GFP_KERNEL);
	int i, n;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	set_ring_size(test, l, SMALL_RING);
	KUNIT_ASSERT_EQ(test, kernel_bind(l, (struct sockaddr *)&la, sizeof(la)), 0);
	KUNIT_ASSERT_EQ(test, kernel_listen(l, 4), 0);
	pair(test, l, 0x5008, SOCK_STREAM, &c1, &a1);
	pair(test, l, 0x5008, SOCK_STREAM, &c2, &a2);
	/* c1 fills its window (more than the shared ring holds) and waits. */
	while (send_buf(c1, buf, 65536, MSG_DONTWAIT) > 0)
		;
	for (i = 0; i < 50; i++) {
		KUNIT_ASSERT_EQ(test, send_buf(c2, "fast", 4, 0), 4);
		n = recv_buf(a2, buf, 4, MSG_WAITALL, NULL);
		KUNIT_ASSERT_EQ(test, n, 4);
	}
	KUNIT_EXPECT_EQ(test, memcmp(buf, "fast", 4), 0);
	kfree(buf);
	sock_release(c1);
	sock_release(a1);
	sock_release(c2);
	sock_release(a2);
	sock_release(l);
}

static void peek_waitall_lowat(struct kunit *test)
{
	struct socket *l = listener(test, SOCK_STREAM, 0x5009, 4), *c, *a;
	int lowat = 6;
	char buf[16];

	pair(test, l, 0x5009, SOCK_STREAM, &c, &a);
	KUNIT_EXPECT_EQ(test, send_buf(c, "abc", 3, 0), 3);
	KUNIT_EXPECT_EQ(test, send_buf(c, "def", 3, 0), 3);
	msleep(50);
	KUNIT_EXPECT_EQ(test, recv_buf(a, buf, 4, MSG_PEEK, NULL), 4);
	KUNIT_EXPECT_EQ(test, memcmp(buf, "abcd", 4), 0);
	KUNIT_EXPECT_EQ(test, recv_buf(a, buf, 2, 0, NULL), 2);
	KUNIT_EXPECT_EQ(test, recv_buf(a, buf, 16, MSG_PEEK, NULL), 4);
	KUNIT_EXPECT_EQ(test, memcmp(buf, "cdef", 4), 0);
	KUNIT_EXPECT_EQ(test, recv_buf(a, buf, 16, 0, NULL), 4);
	/* Nothing left: a non-blocking read says so. */
	KUNIT_EXPECT_EQ(test, recv_buf(a, buf, 16, MSG_DONTWAIT, NULL), -EAGAIN);
	/* SO_RCVLOWAT: the read waits for six bytes sent in two pieces. */
	KUNIT_ASSERT_EQ(test, sock_setsockopt(a, SOL_SOCKET, SO_RCVLOWAT,
					      KERNEL_SOCKPTR(&lowat), sizeof(lowat)), 0);
	KUNIT_EXPECT_EQ(test, send_buf(c, "ghi", 3, 0), 3);
	KUNIT_EXPECT_EQ(test, send_buf(c, "jkl", 3, 0), 3);
	KUNIT_EXPECT_EQ(test, recv_buf(a, buf, 16, 0, NULL), 6);
	KUNIT_EXPECT_EQ(test, memcmp(buf, "ghijkl", 6), 0);
	sock_release(c);
	sock_release(a);
	sock_release(l);
}

static void nonblocking_connect(struct kunit *test)
{
	struct socket *l = listener(test, SOCK_STREAM, 0x500a, 4), *c, *a;
	int i;

	c = new_sock(test, SOCK_STREAM);
	KUNIT_EXPECT_EQ(test, do_connect(c, 0x500a, O_NONBLOCK), -EINPROGRESS);
	for (i = 0; i < 200 && c->sk->sk_state == V4V_ST_SYN_SENT; i++)
		usleep_range(10000, 20000);
	KUNIT_EXPECT_EQ(test, c->sk->sk_state, V4V_ST_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, sock_error(c->sk), 0);
	/* As TCP: connect again says it worked, once; then EISCONN. */
	KUNIT_EXPECT_EQ(test, do_connect(c, 0x500a, O_NONBLOCK), 0);
	KUNIT_EXPECT_EQ(test, do_connect(c, 0x500a, O_NONBLOCK), -EISCONN);
	KUNIT_EXPECT_EQ(test, kernel_accept(l, &a, 0), 0);
	KUNIT_EXPECT_EQ(test, send_buf(c, "ok", 2, 0), 2);
	sock_release(c);
	sock_release(a);

	/* A refused non-blocking connect reports through SO_ERROR. */
	sock_release(l);
	c = new_sock(test, SOCK_STREAM);
	KUNIT_EXPECT_EQ(test, do_connect(c, 0x500a, O_NONBLOCK), -ECONNREFUSED);
	sock_release(c);
}

static void seqpacket_keeps_records(struct kunit *test)
{
	struct socket *l = listener(test, SOCK_SEQPACKET, 0x500b, 4), *c, *a;
	u8 *big = kzalloc(256 * 1024, GFP_KERNEL);
	int mflags;
	char buf[64];

	KUNIT_ASSERT_NOT_NULL(test, big);
	pair(test, l, 0x500b, SOCK_SEQPACKET, &c, &a);
	KUNIT_EXPECT_EQ(test, send_buf(c, "one", 3, 0), 3);
	KUNIT_EXPECT_EQ(test, send_buf(c, "", 0, 0), 0);
	KUNIT_EXPECT_EQ(test, send_buf(c, "three33", 7, 0), 7);
	KUNIT_EXPECT_EQ(test, recv_buf(a, buf, sizeof(buf), 0, &mflags), 3);
	KUNIT_EXPECT_TRUE(test, mflags & MSG_EOR);
	KUNIT_EXPECT_EQ(test, recv_buf(a, buf, sizeof(buf), 0, &mflags), 0);
	KUNIT_EXPECT_TRUE(test, mflags & MSG_EOR);
	/* A short buffer truncates the record; the rest is gone. */
	KUNIT_EXPECT_EQ(test, recv_buf(a, buf, 5, MSG_PEEK | MSG_TRUNC, &mflags), 7);
	KUNIT_EXPECT_EQ(test, recv_buf(a, buf, 5, 0, &mflags), 5);
	KUNIT_EXPECT_TRUE(test, mflags & MSG_TRUNC);
	KUNIT_EXPECT_EQ(test, recv_buf(a, buf, sizeof(buf), MSG_DONTWAIT, NULL), -EAGAIN);
	/* A record bigger than the peer could ever take. */
	KUNIT_EXPECT_EQ(test, send_buf(c, big, 256 * 1024, 0), -EMSGSIZE);
	kfree(big);
	sock_release(c);
	sock_release(a);
	sock_release(l);
}

static void malformed_and_spoofed_dropped(struct kunit *test)
{
	struct socket *l = listener(test, SOCK_STREAM, 0x500c, 4), *c, *a;
	struct sockaddr_v4v cname;
	struct {
		struct v4v_stream_hdr h;
		struct v4v_stream_credit c;
		char data[8];
	} m = { .data = "spoofed" };
	s64 bad, dropped;
	char buf[16];

	pair(test, l, 0x500c, SOCK_STREAM, &c, &a);
	KUNIT_ASSERT_EQ(test, kernel_getsockname(c, (struct sockaddr *)&cname),
			(int)sizeof(cname));
	bad = v4v_stat_read(stream_bad);
	dropped = v4v_stat_read(stream_dropped);
	/* Short, unknown flags, wrong type: malformed. */
	KUNIT_EXPECT_GE(test, inject(0x500c, cname.sv4v_port, V4V_MSG_STREAM, &m, 4), 0);
	m.h.flags = 0x8000;
	KUNIT_EXPECT_GE(test, inject(0x500c, cname.sv4v_port, V4V_MSG_STREAM, &m, sizeof(m)), 0);
	m.h.flags = 0;
	KUNIT_EXPECT_GE(test, inject(0x500c, cname.sv4v_port, 0x1234, &m, sizeof(m)), 0);
	/* Right port, wrong conid; right conid, wrong port: no connection. */
	m.h.conid = 0xdeadbeef;
	KUNIT_EXPECT_GE(test, inject(0x500c, cname.sv4v_port, V4V_MSG_STREAM, &m, sizeof(m)), 0);
	m.h.conid = v4v_sk(c->sk)->st.conid;
	KUNIT_EXPECT_GE(test, inject(0x500c, cname.sv4v_port + 1, V4V_MSG_STREAM, &m,
				     sizeof(m)), 0);
	/* A credit claiming more was read than was ever sent: a violation. */
	msleep(50);
	KUNIT_EXPECT_EQ(test, v4v_stat_read(stream_bad) - bad, 3);
	/* Two, and the RST answering the wrong conid, which c drops. */
	KUNIT_EXPECT_EQ(test, v4v_stat_read(stream_dropped) - dropped, 3);
	/* None of it reached the connection, which still works. */
	KUNIT_EXPECT_EQ(test, recv_buf(a, buf, sizeof(buf), MSG_DONTWAIT, NULL), -EAGAIN);
	KUNIT_EXPECT_EQ(test, send_buf(c, "real", 4, 0), 4);
	KUNIT_EXPECT_EQ(test, recv_buf(a, buf, sizeof(buf), 0, NULL), 4);
	KUNIT_EXPECT_EQ(test, memcmp(buf, "real", 4), 0);

	/* The same domain lying about credit resets the connection. */
	m.h.flags = V4V_STREAM_CREDIT;
	m.c.fwd_cnt = 1000000;
	m.c.buf_alloc = 65536;
	KUNIT_EXPECT_GE(test, inject(0x500c, cname.sv4v_port, V4V_MSG_STREAM, &m,
				     sizeof(m.h) + sizeof(m.c)), 0);
	msleep(50);
	KUNIT_EXPECT_EQ(test, a->sk->sk_state, V4V_ST_RESET);
	KUNIT_EXPECT_EQ(test, recv_buf(a, buf, sizeof(buf), 0, NULL), -ECONNRESET);
	sock_release(c);
	sock_release(a);
	sock_release(l);
}

/* Closing a listener refuses what it had not accepted; accepted ones live. */
static void listener_close(struct kunit *test)
{
	struct socket *l = listener(test, SOCK_STREAM, 0x500d, 4), *c1, *a1, *c2;
	char buf[8];

	pair(test, l, 0x500d, SOCK_STREAM, &c1, &a1);
	c2 = new_sock(test, SOCK_STREAM);
	KUNIT_ASSERT_EQ(test, do_connect(c2, 0x500d, 0), 0);
	sock_release(l);
	KUNIT_EXPECT_EQ(test, recv_buf(c2, buf, sizeof(buf), 0, NULL), -ECONNRESET);
	KUNIT_EXPECT_EQ(test, send_buf(c1, "alive", 5, 0), 5);
	KUNIT_EXPECT_EQ(test, recv_buf(a1, buf, sizeof(buf), 0, NULL), 5);
	/* The port is free again only when the last child is gone. */
	sock_release(a1);
	sock_release(c1);
	sock_release(c2);
	l = listener(test, SOCK_STREAM, 0x500d, 4);
	sock_release(l);
}

static void raw_ready(struct v4v_ring *ring)
{
}

/* The next message in a raw ring, waiting up to a second: payload length. */
static int raw_recv(struct kunit *test, struct v4v_ring *ring, void *buf, u32 size,
		    u32 *type)
{
	struct v4v_ring_chunk c[2];
	struct v4v_ring_msg m;
	unsigned int i, k;
	int err = -EAGAIN, tries;
	u32 done = 0;

	for (tries = 0; tries < 50 && err == -EAGAIN; tries++) {
		mutex_lock(&ring->rx_lock);
		err = v4v_ring_peek_locked(ring, &m);
		if (!err) {
			k = v4v_ring_msg_chunks(&ring->view, &m, 0, min(size, m.payload_len), c);
			for (i = 0; i < k; done += c[i].n, i++)
				memcpy(buf + done, c[i].p, c[i].n);
			*type = m.type;
			v4v_ring_consumed(ring, &m);
		}
		mutex_unlock(&ring->rx_lock);
		if (err == -EAGAIN)
			msleep(20);
	}
	KUNIT_ASSERT_EQ(test, err, 0);
	return m.payload_len;
}

/*
 * An OpenXT peer: its SYN has no hello, so the listener answers a bare ACK
 * and speaks OpenXT's protocol: 8-byte headers, no credit, RST on close.
 */
static void openxt_client_gets_openxt_protocol(struct kunit *test)
{
	struct socket *l = listener(test, SOCK_STREAM, 0x500e, 4), *a;
	struct {
		struct v4v_stream_hdr h;
		char data[16];
	} m = { .h = { .flags = V4V_STREAM_SYN, .conid = 0xc0ffee } };
	struct v4v_ring *raw;
	u32 type;
	int err;
	char buf[32];

	raw = v4v_ring_create(0x6e00, V4V_ARGO_DOMID_ANY, 8192 - 64, raw_ready, NULL, &err);
	KUNIT_ASSERT_NOT_NULL(test, raw);
	KUNIT_EXPECT_GE(test, inject(0x500e, 0x6e00, V4V_MSG_STREAM, &m, sizeof(m.h)), 0);
	KUNIT_EXPECT_EQ(test, raw_recv(test, raw, &m, sizeof(m), &type), 8);
	KUNIT_EXPECT_EQ(test, type, V4V_MSG_STREAM);
	KUNIT_EXPECT_EQ(test, m.h.flags, V4V_STREAM_ACK);
	KUNIT_EXPECT_EQ(test, m.h.conid, 0xc0ffee);
	KUNIT_ASSERT_EQ(test, kernel_accept(l, &a, 0), 0);
	KUNIT_EXPECT_FALSE(test, v4v_sk(a->sk)->st.ext);

	/* Data: the bare header, then the bytes, both ways. */
	m.h.flags = 0;
	memcpy(m.data, "openxt data", 11);
	KUNIT_EXPECT_GE(test, inject(0x500e, 0x6e00, V4V_MSG_STREAM, &m, sizeof(m.h) + 11), 0);
	KUNIT_EXPECT_EQ(test, recv_buf(a, buf, sizeof(buf), 0, NULL), 11);
	KUNIT_EXPECT_EQ(test, memcmp(buf, "openxt data", 11), 0);
	KUNIT_EXPECT_EQ(test, send_buf(a, "to openxt", 9, 0), 9);
	KUNIT_EXPECT_EQ(test, raw_recv(test, raw, &m, sizeof(m), &type), 8 + 9);
	KUNIT_EXPECT_EQ(test, m.h.flags, 0);
	KUNIT_EXPECT_EQ(test, memcmp(m.data, "to openxt", 9), 0);

	/* No half-close on the wire; close is RST, as OpenXT's is. */
	KUNIT_EXPECT_EQ(test, kernel_sock_shutdown(a, SHUT_WR), 0);
	sock_release(a);
	KUNIT_EXPECT_EQ(test, raw_recv(test, raw, &m, sizeof(m), &type), 8);
	KUNIT_EXPECT_EQ(test, m.h.flags, V4V_STREAM_RST);
	v4v_ring_put(raw);
	sock_release(l);
}

/* A v4v client of an OpenXT listener: a bare ACK means OpenXT's rules. */
static void openxt_listener_gets_openxt_protocol(struct kunit *test)
{
	struct socket *c = new_sock(test, SOCK_STREAM);
	struct {
		struct v4v_stream_hdr h;
		struct v4v_stream_hello hello;
	} m;
	struct sockaddr_v4v name;
	struct v4v_ring *raw;
	u32 type;
	int err;

	raw = v4v_ring_create(0x6e01, V4V_ARGO_DOMID_ANY, 8192 - 64, raw_ready, NULL, &err);
	KUNIT_ASSERT_NOT_NULL(test, raw);
	KUNIT_EXPECT_EQ(test, do_connect(c, 0x6e01, O_NONBLOCK), -EINPROGRESS);
	/* Our SYN carries a hello, which an OpenXT listener ignores. */
	KUNIT_EXPECT_EQ(test, raw_recv(test, raw, &m, sizeof(m), &type), (int)sizeof(m));
	KUNIT_EXPECT_EQ(test, m.h.flags, V4V_STREAM_SYN);
	KUNIT_EXPECT_EQ(test, m.hello.magic, V4V_STREAM_HELLO_MAGIC);
	KUNIT_ASSERT_EQ(test, kernel_getsockname(c, (struct sockaddr *)&name), (int)sizeof(name));
	m.h.flags = V4V_STREAM_ACK;
	KUNIT_EXPECT_GE(test, inject(name.sv4v_port, 0x6e01, V4V_MSG_STREAM, &m, sizeof(m.h)), 0);
	msleep(50);
	KUNIT_EXPECT_EQ(test, c->sk->sk_state, V4V_ST_ESTABLISHED);
	KUNIT_EXPECT_FALSE(test, v4v_sk(c->sk)->st.ext);
	KUNIT_EXPECT_EQ(test, send_buf(c, "hi", 2, 0), 2);
	KUNIT_EXPECT_EQ(test, raw_recv(test, raw, &m, sizeof(m), &type), 8 + 2);
	KUNIT_EXPECT_EQ(test, m.h.flags, 0);
	sock_release(c);
	KUNIT_EXPECT_EQ(test, raw_recv(test, raw, &m, sizeof(m), &type), 8);
	KUNIT_EXPECT_EQ(test, m.h.flags, V4V_STREAM_RST);
	v4v_ring_put(raw);
}

/* Thousands of SYNs: the backlog bounds what is kept; the rest is refused. */
static void syn_flood_is_bounded(struct kunit *test)
{
	struct socket *l = listener(test, SOCK_STREAM, 0x500f, 4), *c, *a;
	struct v4v_stream_hdr h = { .flags = V4V_STREAM_SYN };
	s64 refused = v4v_stat_read(stream_refused);
	struct v4v_ring *raw;
	int i, err;

	/* The flooder's own ring, so the listener's answers have somewhere to go. */
	raw = v4v_ring_create(0x6e02, V4V_ARGO_DOMID_ANY, 64 * 4096 - 64, raw_ready, NULL,
			      &err);
	KUNIT_ASSERT_NOT_NULL(test, raw);
	for (i = 0; i < 2000; i++) {
		h.conid = i;
		while (inject(0x500f, 0x6e02, V4V_MSG_STREAM, &h, sizeof(h)) == -EAGAIN)
			usleep_range(1000, 2000);	/* the pump drains */
	}
	for (i = 0; i < 100 && v4v_stat_read(stream_refused) - refused < 1996; i++)
		msleep(20);
	KUNIT_EXPECT_EQ(test, READ_ONCE(l->sk->sk_ack_backlog), 4);
	KUNIT_EXPECT_GE(test, v4v_stat_read(stream_refused) - refused, 1996);
	v4v_ring_put(raw);
	/* Accepting one makes room for a real client. */
	KUNIT_ASSERT_EQ(test, kernel_accept(l, &a, 0), 0);
	sock_release(a);
	c = new_sock(test, SOCK_STREAM);
	KUNIT_EXPECT_EQ(test, do_connect(c, 0x500f, 0), 0);
	sock_release(c);
	sock_release(l);
}

/* Memory follows the bytes credited, not the number of messages. */
static void tiny_messages_stay_small(struct kunit *test)
{
	struct socket *l, *c, *a, *sl, *sc, *sa;
	int i, n = 0;

	/* Stream: 2000 one-byte writes share skbs. */
	sl = listener(test, SOCK_STREAM, 0x5013, 4);
	pair(test, sl, 0x5013, SOCK_STREAM, &sc, &sa);
	for (i = 0; i < 2000; i++)
		KUNIT_ASSERT_EQ(test, send_buf(sc, "x", 1, 0), 1);
	msleep(100);
	KUNIT_EXPECT_EQ(test, v4v_sk(sa->sk)->st.rx_queued, 2000);
	KUNIT_EXPECT_LT(test, atomic_read(&sa->sk->sk_rmem_alloc), 16384);

	/* Seqpacket: each record costs 256 bytes of credit besides its own. */
	l = small_listener(test, SOCK_SEQPACKET, 0x5012, 4096);
	pair(test, l, 0x5012, SOCK_SEQPACKET, &c, &a);
	while (send_buf(c, "r", 1, MSG_DONTWAIT) == 1)
		n++;
	KUNIT_EXPECT_EQ(test, n, 8192 / 257);
	sock_release(c);
	sock_release(a);
	sock_release(l);
	sock_release(sc);
	sock_release(sa);
	sock_release(sl);
}

/* An OpenXT peer (no credit) that overruns our buffer is reset. */
static void openxt_overrun_is_reset(struct kunit *test)
{
	/* A 128 KiB buffer. */
	struct socket *l = small_listener(test, SOCK_STREAM, 0x5015, 65536), *a;
	struct v4v_stream_hdr *h = kzalloc(sizeof(*h) + 60000, GFP_KERNEL);
	struct v4v_ring *raw;
	int i, err;
	u32 type;

	KUNIT_ASSERT_NOT_NULL(test, h);
	raw = v4v_ring_create(0x6e03, V4V_ARGO_DOMID_ANY, 8192 - 64, raw_ready, NULL, &err);
	KUNIT_ASSERT_NOT_NULL(test, raw);
	h->flags = V4V_STREAM_SYN;
	h->conid = 77;
	KUNIT_EXPECT_GE(test, inject(0x5015, 0x6e03, V4V_MSG_STREAM, h, sizeof(*h)), 0);
	KUNIT_EXPECT_EQ(test, raw_recv(test, raw, h, sizeof(*h), &type), 8);
	KUNIT_ASSERT_EQ(test, kernel_accept(l, &a, 0), 0);
	h->flags = 0;
	for (i = 0; i < 4; i++)		/* 240000 bytes, nobody reading */
		while (inject(0x5015, 0x6e03, V4V_MSG_STREAM, h, sizeof(*h) + 60000) == -EAGAIN)
			msleep(20);
	msleep(100);
	KUNIT_EXPECT_EQ(test, a->sk->sk_state, V4V_ST_RESET);
	KUNIT_EXPECT_EQ(test, raw_recv(test, raw, h, sizeof(*h), &type), 8);
	KUNIT_EXPECT_EQ(test, h->flags, V4V_STREAM_RST);
	v4v_ring_put(raw);
	kfree(h);
	sock_release(a);
	sock_release(l);
}

/*
 * A SYN nobody answers (here a datagram socket holds the port) fails the
 * connect with ETIMEDOUT once V4V_STREAM_SYN_TIMEOUT has passed; the clock
 * is wound forward rather than waited for.
 */
static void unanswered_connect_times_out(struct kunit *test)
{
	struct socket *d = new_sock(test, SOCK_DGRAM), *c;
	struct sockaddr_v4v a = v4v_test_addr(0, 0x5017);
	int i;

	KUNIT_ASSERT_EQ(test, kernel_bind(d, (struct sockaddr *)&a, sizeof(a)), 0);
	c = new_sock(test, SOCK_STREAM);
	KUNIT_EXPECT_EQ(test, do_connect(c, 0x5017, O_NONBLOCK), -EINPROGRESS);
	/* As TCP: calls during the connect wait for it, or EAGAIN. */
	KUNIT_EXPECT_EQ(test, send_buf(c, "x", 1, MSG_DONTWAIT), -EAGAIN);
	KUNIT_EXPECT_EQ(test, recv_buf(c, &i, 1, MSG_DONTWAIT, NULL), -EAGAIN);
	msleep(1200);		/* two liveness passes: nothing happens yet */
	KUNIT_EXPECT_EQ(test, c->sk->sk_state, V4V_ST_SYN_SENT);
	lock_sock(c->sk);
	v4v_sk(c->sk)->st.syn_at = jiffies - V4V_STREAM_SYN_TIMEOUT - 1;
	release_sock(c->sk);
	for (i = 0; i < 200 && c->sk->sk_state == V4V_ST_SYN_SENT; i++)
		usleep_range(10000, 20000);
	KUNIT_EXPECT_EQ(test, c->sk->sk_state, V4V_ST_RESET);
	KUNIT_EXPECT_EQ(test, do_connect(c, 0x5017, O_NONBLOCK), -ETIMEDOUT);
	sock_release(c);
	sock_release(d);
}

/* A blocking send or recv during a non-blocking connect waits for it. */
static void calls_wait_for_connect(struct kunit *test)
{
	struct socket *l = listener(test, SOCK_STREAM, 0x501a, 4), *c, *a;
	char buf[4] = "";

	c = new_sock(test, SOCK_STREAM);
	KUNIT_EXPECT_EQ(test, do_connect(c, 0x501a, O_NONBLOCK), -EINPROGRESS);
	KUNIT_EXPECT_EQ(test, send_buf(c, "ok", 2, 0), 2);
	KUNIT_ASSERT_EQ(test, kernel_accept(l, &a, 0), 0);
	KUNIT_EXPECT_EQ(test, recv_buf(a, buf, 2, MSG_WAITALL, NULL), 2);
	KUNIT_EXPECT_EQ(test, memcmp(buf, "ok", 2), 0);
	sock_release(c);
	sock_release(a);

	c = new_sock(test, SOCK_STREAM);
	KUNIT_EXPECT_EQ(test, do_connect(c, 0x501a, O_NONBLOCK), -EINPROGRESS);
	KUNIT_ASSERT_EQ(test, kernel_accept(l, &a, 0), 0);
	KUNIT_EXPECT_EQ(test, send_buf(a, "yes", 3, 0), 3);
	KUNIT_EXPECT_EQ(test, recv_buf(c, buf, 3, MSG_WAITALL, NULL), 3);
	KUNIT_EXPECT_EQ(test, memcmp(buf, "yes", 3), 0);
	sock_release(c);
	sock_release(a);
	sock_release(l);

	/* Refused: the socket is unconnected again, as before connect. */
	c = new_sock(test, SOCK_STREAM);
	KUNIT_EXPECT_EQ(test, do_connect(c, 0x501a, O_NONBLOCK), -ECONNREFUSED);
	KUNIT_EXPECT_EQ(test, send_buf(c, "x", 1, MSG_NOSIGNAL), -ENOTCONN);
	sock_release(c);
}

/*
 * A reader on a port that carries only its connection copies data straight
 * from the ring, even a message it has room for only part of; what it
 * leaves reaches its queue for poll() and the next read, in order.
 */
static void reader_takes_from_ring(struct kunit *test)
{
	struct socket *l = listener(test, SOCK_STREAM, 0x5016, 4), *c, *a;
	const u32 total = 10000, part = 3000;
	s64 direct, pumped;
	__poll_t mask = 0;
	u8 *tx, *rx;
	int t;

	pattern_bufs(test, total, &tx, &rx);
	/* The client's port is its own; the listener shares a's with it. */
	pair(test, l, 0x5016, SOCK_STREAM, &c, &a);
	KUNIT_EXPECT_EQ(test, recv_buf(c, rx, 1, MSG_DONTWAIT, NULL), -EAGAIN);

	direct = atomic64_read(&v4v_stats.stream_direct);
	pumped = atomic64_read(&v4v_stats.stream_pumped);
	KUNIT_ASSERT_EQ(test, send_buf(a, tx, total, 0), (int)total);
	KUNIT_EXPECT_EQ(test, recv_buf(c, rx, part, MSG_DONTWAIT, NULL), (int)part);
	KUNIT_EXPECT_EQ(test, recv_buf(c, rx + part, total, MSG_DONTWAIT, NULL),
			(int)(total - part));
	KUNIT_EXPECT_EQ(test, memcmp(tx, rx, total), 0);
	KUNIT_EXPECT_EQ(test, atomic64_read(&v4v_stats.stream_direct) - direct, (s64)total);
	KUNIT_EXPECT_EQ(test, atomic64_read(&v4v_stats.stream_pumped) - pumped, 0);

	/* Part of a message read, nobody reading on: poll() sees the rest. */
	memset(rx, 0, total);
	KUNIT_ASSERT_EQ(test, send_buf(a, tx, total, 0), (int)total);
	KUNIT_EXPECT_EQ(test, recv_buf(c, rx, part, MSG_DONTWAIT, NULL), (int)part);
	for (t = 0; t < 100 && !(mask & EPOLLIN); t++) {
		mask = c->ops->poll(NULL, c, NULL);
		if (!(mask & EPOLLIN))
			msleep(20);
	}
	KUNIT_EXPECT_TRUE(test, mask & EPOLLIN);
	KUNIT_EXPECT_EQ(test, v4v_stream_inq(c->sk), (int)(total - part));
	KUNIT_EXPECT_EQ(test, recv_buf(c, rx + part, total, 0, NULL), (int)(total - part));
	KUNIT_EXPECT_EQ(test, memcmp(tx, rx, total), 0);
	sock_release(c);
	sock_release(a);
	sock_release(l);
}

/* Start r reading on s, and wait until it sleeps there. */
static void start_blocked_read(struct kunit *test, struct blocked_read *r,
			       struct socket *s, u8 *buf, size_t len)
{
	int t;

	*r = (struct blocked_read){ .s = s, .buf = buf, .len = len };
	init_completion(&r->done);
	KUNIT_ASSERT_FALSE(test, IS_ERR(kthread_run(blocked_read_fn, r, "v4v-kunit-rx")));
	for (t = 0; t < 250 && !skwq_has_sleeper(s->sk->sk_wq); t++)
		msleep(20);
	KUNIT_ASSERT_TRUE(test, skwq_has_sleeper(s->sk->sk_wq));
}

/* r's result; a read that never ends is ended (shut down) first. */
static int finish_blocked_read(struct blocked_read *r)
{
	if (!wait_for_completion_timeout(&r->done, 5 * HZ)) {
		kernel_sock_shutdown(r->s, SHUT_RDWR);
		wait_for_completion(&r->done);
		return -ETIMEDOUT;
	}
	return r->ret;
}

/*
 * A server that goes on listening: its one connection shares the
 * listener's port, and a blocked reader still takes its data straight from
 * the ring.  A connection that comes meanwhile is accepted, and once the
 * port carries two, the reader lets go: the newcomer's data is not held up.
 */
static void listening_server_reads_from_ring(struct kunit *test)
{
	struct socket *l = listener(test, SOCK_STREAM, 0x501d, 4), *c, *a, *c2, *a2;
	const u32 total = 10000;
	struct blocked_read r, r2;
	s64 direct, pumped;
	u8 fast[4], *tx, *rx;
	int i;

	pattern_bufs(test, total, &tx, &rx);
	pair(test, l, 0x501d, SOCK_STREAM, &c, &a);

	start_blocked_read(test, &r, a, rx, total);
	direct = atomic64_read(&v4v_stats.stream_direct);
	pumped = atomic64_read(&v4v_stats.stream_pumped);
	KUNIT_ASSERT_EQ(test, send_buf(c, tx, total, 0), (int)total);
	KUNIT_EXPECT_EQ(test, finish_blocked_read(&r), (int)total);
	KUNIT_EXPECT_EQ(test, memcmp(tx, rx, total), 0);
	KUNIT_EXPECT_EQ(test, atomic64_read(&v4v_stats.stream_direct) - direct, (s64)total);
	KUNIT_EXPECT_EQ(test, atomic64_read(&v4v_stats.stream_pumped) - pumped, 0);

	/* The reader owns the port while a second client connects and sends. */
	start_blocked_read(test, &r, a, rx, 4);
	pair(test, l, 0x501d, SOCK_STREAM, &c2, &a2);
	for (i = 0; i < 3; i++) {
		memset(fast, 0, sizeof(fast));
		start_blocked_read(test, &r2, a2, fast, 4);
		KUNIT_ASSERT_EQ(test, send_buf(c2, "fast", 4, 0), 4);
		KUNIT_EXPECT_EQ(test, finish_blocked_read(&r2), 4);
		KUNIT_EXPECT_EQ(test, memcmp(fast, "fast", 4), 0);
	}
	KUNIT_ASSERT_EQ(test, send_buf(c, "slow", 4, 0), 4);
	KUNIT_EXPECT_EQ(test, finish_blocked_read(&r), 4);
	KUNIT_EXPECT_EQ(test, memcmp(rx, "slow", 4), 0);
	sock_release(c2);
	sock_release(a2);
	sock_release(c);
	sock_release(a);
	sock_release(l);
}

/* Credits s sent while it read everything queued or in its ring. */
static s64 credits_in_one_read(struct kunit *test, struct socket *s, u8 *buf, int want)
{
	s64 before = atomic64_read(&v4v_stats.tx_msgs);

	KUNIT_EXPECT_EQ(test, recv_buf(s, buf, 65536, MSG_DONTWAIT, NULL), want);
	return atomic64_read(&v4v_stats.tx_msgs) - before;
}

/*
 * One read that drains a whole window grants credit for each quarter as it
 * copies, not once when it returns: the sender can refill while the reader
 * copies.  Both ways: to a's queue (its listener still shares its port)
 * and straight from c's own ring.
 */
static void big_read_credits_as_it_goes(struct kunit *test)
{
	/* 32 KiB windows both ways: 8 KiB worth a credit, 3 x 10 KiB fit. */
	struct socket *l = small_listener(test, SOCK_STREAM, 0x501b, 16384), *c, *a;
	u8 *buf = kunit_kzalloc(test, 65536, GFP_KERNEL);
	int rcvbuf = 16384, i, t;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	c = new_sock(test, SOCK_STREAM);
	KUNIT_ASSERT_EQ(test, sock_setsockopt(c, SOL_SOCKET, SO_RCVBUF,
					      KERNEL_SOCKPTR(&rcvbuf), sizeof(rcvbuf)), 0);
	KUNIT_ASSERT_EQ(test, do_connect(c, 0x501b, 0), 0);
	KUNIT_ASSERT_EQ(test, kernel_accept(l, &a, 0), 0);

	for (i = 0; i < 3; i++)
		KUNIT_ASSERT_EQ(test, send_buf(c, buf, 10240, MSG_DONTWAIT), 10240);
	for (t = 0; t < 100 && v4v_stream_inq(a->sk) < 30720; t++)
		msleep(20);
	KUNIT_EXPECT_EQ(test, credits_in_one_read(test, a, buf, 30720), 3);

	for (i = 0; i < 3; i++)
		KUNIT_ASSERT_EQ(test, send_buf(a, buf, 10240, MSG_DONTWAIT), 10240);
	KUNIT_EXPECT_EQ(test, credits_in_one_read(test, c, buf, 30720), 3);
	sock_release(c);
	sock_release(a);
	sock_release(l);
}

/* Notify hypercalls while s read len bytes, all it has, in one call. */
static s64 notifies_in_one_read(struct kunit *test, struct socket *s, u8 *buf, int len)
{
	s64 before = atomic64_read(&v4v_stats.notifies);

	KUNIT_EXPECT_EQ(test, recv_buf(s, buf, len, MSG_DONTWAIT, NULL), len);
	return atomic64_read(&v4v_stats.notifies) - before;
}

/*
 * Argo wakes a sender it refused for room only when the reader notifies.
 * With the default window and ring, a window of 64 KiB messages in flight
 * never makes a v4v sender refused: reading them costs no notify.  A ring
 * smaller than the window does get a sender refused: then the read
 * notifies.
 */
static void notify_only_when_a_sender_can_wait(struct kunit *test)
{
	struct socket *l = listener(test, SOCK_STREAM, 0x501c, 4), *c, *a;
	u8 *buf = kunit_kzalloc(test, 1 << 20, GFP_KERNEL);
	const int window = V4V_STREAM_RCVBUF_DEFAULT / 65536;
	struct v4v_ring *ring;
	int n, sent = 0, i;
	s64 before;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	pair(test, l, 0x501c, SOCK_STREAM, &c, &a);
	KUNIT_EXPECT_EQ(test, c->sk->sk_rcvbuf, V4V_STREAM_RCVBUF_DEFAULT);
	/* To c, whose port is its own: its reader takes from the ring. */
	for (i = 0; i < window; i++)
		KUNIT_ASSERT_EQ(test, send_buf(a, buf, 65536, MSG_DONTWAIT), 65536);
	KUNIT_EXPECT_EQ(test, send_buf(a, buf, 65536, MSG_DONTWAIT), -EAGAIN);
	KUNIT_EXPECT_EQ(test, notifies_in_one_read(test, c, buf, window * 65536), 0);
	sock_release(c);
	sock_release(a);

	c = new_sock(test, SOCK_STREAM);
	set_ring_size(test, c, SMALL_RING);
	KUNIT_ASSERT_EQ(test, do_connect(c, 0x501c, 0), 0);
	KUNIT_ASSERT_EQ(test, kernel_accept(l, &a, 0), 0);
	/* The ring, not credit, stops the sender (nobody drains it meanwhile). */
	ring = v4v_sk(c->sk)->ring;
	mutex_lock(&ring->rx_lock);
	while ((n = send_buf(a, buf, 65536, MSG_DONTWAIT)) > 0)
		sent += n;
	before = atomic64_read(&v4v_stats.notifies);
	mutex_unlock(&ring->rx_lock);
	KUNIT_EXPECT_EQ(test, n, -EAGAIN);
	KUNIT_EXPECT_LT(test, sent, SMALL_RING);
	/* Whoever consumes first, the pump or this read, notifies. */
	KUNIT_EXPECT_EQ(test, recv_buf(c, buf, sent, MSG_WAITALL, NULL), sent);
	KUNIT_EXPECT_GT(test, atomic64_read(&v4v_stats.notifies) - before, 0);
	sock_release(c);
	sock_release(a);
	sock_release(l);
}

static struct kunit_case v4v_stream_cases[] = {
	KUNIT_CASE(connect_accept_roundtrip),
	KUNIT_CASE(bind_on_connection_is_einval),
	KUNIT_CASE(partner_bind_cannot_take_a_live_port),
	KUNIT_CASE(ports_hash_connections_apart),
	KUNIT_CASE(bulk_transfer_is_exact),
	KUNIT_CASE(connect_errors),
	KUNIT_CASE(reconnect_after_refusal),
	KUNIT_CASE(unconnected_calls),
	KUNIT_CASE(credit_bounds_the_sender),
	KUNIT_CASE(no_silly_window),
	KUNIT_CASE(slow_reader_blocks_nobody),
	KUNIT_CASE(peek_waitall_lowat),
	KUNIT_CASE(nonblocking_connect),
	KUNIT_CASE(seqpacket_keeps_records),
	KUNIT_CASE(malformed_and_spoofed_dropped),
	KUNIT_CASE(listener_close),
	KUNIT_CASE(openxt_client_gets_openxt_protocol),
	KUNIT_CASE(openxt_listener_gets_openxt_protocol),
	KUNIT_CASE(syn_flood_is_bounded),
	KUNIT_CASE(tiny_messages_stay_small),
	KUNIT_CASE(openxt_overrun_is_reset),
	KUNIT_CASE(reader_takes_from_ring),
	KUNIT_CASE(listening_server_reads_from_ring),
	KUNIT_CASE(big_read_credits_as_it_goes),
	KUNIT_CASE(notify_only_when_a_sender_can_wait),
	KUNIT_CASE(unanswered_connect_times_out),
	KUNIT_CASE(calls_wait_for_connect),
	KUNIT_CASE(v4v_stream_test_nothing_leaked),
	{}
};

static struct kunit_suite v4v_stream_suite = {
	.name = "v4v_stream",
	.test_cases = v4v_stream_cases,
};

kunit_test_suite(v4v_stream_suite);
