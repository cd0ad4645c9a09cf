// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: AF_V4V datagram sockets, through kernel sockets, on the loopback
 * backend (this kernel has no Xen).  Each case uses its own ports.
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/cred.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/net.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <net/sock.h>
#include <uapi/linux/v4v.h>

#include "../stats.h"
#include "sock_test.h"

#define RING2 (2 * 4096U - 64U)		/* two frames */
#define DGRAM_MAX (RING2 - 32U)

static struct socket *new_sock(struct kunit *test)
{
	return v4v_test_sock(test, SOCK_DGRAM);
}

static int do_bind(struct socket *s, u16 domain, u32 port)
{
	struct sockaddr_v4v a = v4v_test_addr(domain, port);

	return kernel_bind(s, (struct sockaddr *)&a, sizeof(a));
}

static int send_to(struct socket *s, u32 port, const void *buf, size_t len, int flags)
{
	struct sockaddr_v4v a = v4v_test_addr(0, port);
	struct kvec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr msg = { .msg_name = &a, .msg_namelen = sizeof(a), .msg_flags = flags };

	return kernel_sendmsg(s, &msg, &iov, 1, len);
}

static int recv_from(struct socket *s, void *buf, size_t len, int flags,
		     struct sockaddr_v4v *from, int *msg_flags)
{
	struct sockaddr_v4v a = { };
	struct kvec iov = { .iov_base = buf, .iov_len = len };
	struct msghdr msg = { .msg_name = &a, .msg_namelen = sizeof(a) };
	int ret = kernel_recvmsg(s, &msg, &iov, 1, len, flags);

	if (from)
		*from = a;
	if (msg_flags)
		*msg_flags = msg.msg_flags;
	return ret;
}

static int local_port(struct socket *s)
{
	struct sockaddr_v4v a;

	if (kernel_getsockname(s, (struct sockaddr *)&a) < 0)
		return -1;
	return a.sv4v_port;
}

static void bind_rules(struct kunit *test)
{
	struct socket *a = new_sock(test), *b = new_sock(test);
	struct sockaddr_v4v addr = v4v_test_addr(0, 0x3001);

	KUNIT_EXPECT_EQ(test, do_bind(a, 0, 0x3001), 0);
	KUNIT_EXPECT_EQ(test, local_port(a), 0x3001);
	KUNIT_EXPECT_EQ(test, do_bind(a, 0, 0x3002), -EINVAL);	/* bound once */
	KUNIT_EXPECT_EQ(test, do_bind(b, V4V_DOMID_ANY, 0x3001), -EADDRINUSE);
	KUNIT_EXPECT_EQ(test, do_bind(b, 7, 0x3003), -EADDRNOTAVAIL);
	addr.sv4v_zero[3] = 1;
	KUNIT_EXPECT_EQ(test, kernel_bind(b, (struct sockaddr *)&addr, sizeof(addr)), -EINVAL);
	addr.sv4v_zero[3] = 0;
	KUNIT_EXPECT_EQ(test, kernel_bind(b, (struct sockaddr *)&addr, sizeof(addr) - 1),
			-EINVAL);
	addr.sv4v_family = AF_UNIX;
	KUNIT_EXPECT_EQ(test, kernel_bind(b, (struct sockaddr *)&addr, sizeof(addr)),
			-EAFNOSUPPORT);
	/* Port 0 picks one from the ephemeral range. */
	KUNIT_EXPECT_EQ(test, do_bind(b, 0, 0), 0);
	KUNIT_EXPECT_GE(test, (u32)local_port(b), V4V_PORT_EPHEMERAL);
	sock_release(a);
	sock_release(b);
}

/*
 * A port is one socket's, whoever binds it for whichever partner: Argo
 * prefers a ring for one named partner to a ring for any domain on the same
 * port, so a partner binding beside a wildcard one would take that
 * partner's datagrams from the socket that holds the port.
 */
static void wildcard_and_partner_bindings_conflict(struct kunit *test)
{
	struct socket *a = new_sock(test), *b = new_sock(test), *c = new_sock(test);
	struct socket *d = new_sock(test);
	char buf[8];

	KUNIT_ASSERT_EQ(test, do_bind(a, 0, 0x3080), 0);
	KUNIT_ASSERT_EQ(test, v4v_test_set_u32(b, V4V_PARTNER, 0), 0);
	KUNIT_EXPECT_EQ(test, do_bind(b, 0, 0x3080), -EADDRINUSE);
	KUNIT_EXPECT_EQ(test, send_to(c, 0x3080, "c", 1, 0), 1);
	KUNIT_EXPECT_EQ(test, recv_from(a, buf, sizeof(buf), MSG_DONTWAIT, NULL, NULL), 1);
	KUNIT_EXPECT_EQ(test, buf[0], 'c');
	/* The other way round: the partner binding came first and keeps it. */
	KUNIT_EXPECT_EQ(test, do_bind(b, 0, 0x3081), 0);
	KUNIT_EXPECT_EQ(test, do_bind(d, 0, 0x3081), -EADDRINUSE);
	KUNIT_EXPECT_EQ(test, send_to(c, 0x3081, "b", 1, 0), 1);
	KUNIT_EXPECT_EQ(test, recv_from(b, buf, sizeof(buf), MSG_DONTWAIT, NULL, NULL), 1);
	sock_release(b);
	KUNIT_EXPECT_EQ(test, do_bind(d, 0, 0x3081), 0);
	sock_release(a);
	sock_release(c);
	sock_release(d);
}

static void send_recv_roundtrip(struct kunit *test)
{
	struct socket *rx = new_sock(test), *tx = new_sock(test);
	static const char msg[] = "over the loopback";
	struct sockaddr_v4v from;
	char buf[64];
	int flags;

	KUNIT_ASSERT_EQ(test, do_bind(rx, 0, 0x3010), 0);
	KUNIT_EXPECT_EQ(test, send_to(tx, 0x3010, msg, sizeof(msg), 0), (int)sizeof(msg));
	/* The sender was bound by its first send. */
	KUNIT_EXPECT_GE(test, (u32)local_port(tx), V4V_PORT_EPHEMERAL);
	KUNIT_EXPECT_EQ(test, recv_from(rx, buf, sizeof(buf), 0, &from, &flags),
			(int)sizeof(msg));
	KUNIT_EXPECT_STREQ(test, buf, msg);
	KUNIT_EXPECT_EQ(test, from.sv4v_domain, 0);
	KUNIT_EXPECT_EQ(test, from.sv4v_port, (u32)local_port(tx));
	KUNIT_EXPECT_EQ(test, flags & MSG_TRUNC, 0);
	KUNIT_EXPECT_EQ(test, recv_from(rx, buf, sizeof(buf), MSG_DONTWAIT, NULL, NULL),
			-EAGAIN);
	sock_release(rx);
	sock_release(tx);
}

static void truncation_and_peek(struct kunit *test)
{
	struct socket *s = new_sock(test);
	char buf[100], small[10];
	int i, flags;

	for (i = 0; i < 100; i++)
		buf[i] = i;
	KUNIT_ASSERT_EQ(test, do_bind(s, 0, 0x3020), 0);
	KUNIT_ASSERT_EQ(test, send_to(s, 0x3020, buf, 100, 0), 100);
	KUNIT_ASSERT_EQ(test, send_to(s, 0x3020, buf, 5, 0), 5);
	KUNIT_EXPECT_EQ(test, recv_from(s, small, 10, MSG_PEEK, NULL, &flags), 10);
	KUNIT_EXPECT_TRUE(test, flags & MSG_TRUNC);
	/* MSG_TRUNC asks for the real length. */
	KUNIT_EXPECT_EQ(test, recv_from(s, small, 10, MSG_TRUNC, NULL, &flags), 100);
	KUNIT_EXPECT_EQ(test, memcmp(small, buf, 10), 0);
	KUNIT_EXPECT_EQ(test, recv_from(s, small, 10, 0, NULL, &flags), 5);
	KUNIT_EXPECT_EQ(test, flags & MSG_TRUNC, 0);
	sock_release(s);
}

struct blocked_send {
	struct socket *s;
	u32 port;
	char *buf;
	int ret;
	struct completion done;
};

static int blocked_send_fn(void *arg)
{
	struct blocked_send *b = arg;

	b->ret = send_to(b->s, b->port, b->buf, 1000, 0);
	complete(&b->done);
	return 0;
}

static void full_ring_blocks_then_wakes(struct kunit *test)
{
	struct socket *rx = new_sock(test), *tx = new_sock(test);
	struct blocked_send b = { .s = tx, .port = 0x3030 };
	char *buf = kunit_kzalloc(test, 1000, GFP_KERNEL);
	int n = 0, ret;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	b.buf = buf;
	init_completion(&b.done);
	KUNIT_ASSERT_EQ(test, v4v_test_set_u32(rx, V4V_RING_SIZE, RING2), 0);
	KUNIT_ASSERT_EQ(test, do_bind(rx, 0, 0x3030), 0);
	while ((ret = send_to(tx, 0x3030, buf, 1000, MSG_DONTWAIT)) == 1000)
		n++;
	KUNIT_EXPECT_EQ(test, ret, -EAGAIN);
	KUNIT_EXPECT_EQ(test, n, (int)((RING2 - 1) / 1024));
	KUNIT_ASSERT_FALSE(test, IS_ERR(kthread_run(blocked_send_fn, &b, "v4v-kunit-tx")));
	KUNIT_EXPECT_FALSE(test, wait_for_completion_timeout(&b.done, HZ / 5));
	KUNIT_EXPECT_EQ(test, recv_from(rx, buf, 1000, 0, NULL, NULL), 1000);
	KUNIT_EXPECT_TRUE(test, wait_for_completion_timeout(&b.done, 5 * HZ));
	KUNIT_EXPECT_EQ(test, b.ret, 1000);
	sock_release(rx);
	sock_release(tx);
}

static void send_errors(struct kunit *test)
{
	struct socket *s = new_sock(test), *r = new_sock(test);
	struct sockaddr_v4v a = v4v_test_addr(5, 0x3040);
	struct kvec iov = { .iov_base = "x", .iov_len = 1 };
	struct msghdr msg = { };
	char *big;

	KUNIT_EXPECT_EQ(test, kernel_sendmsg(s, &msg, &iov, 1, 1), -EDESTADDRREQ);
	KUNIT_EXPECT_EQ(test, send_to(s, 0x3fff0, "x", 1, 0), -ECONNREFUSED);
	msg.msg_name = &a;
	msg.msg_namelen = sizeof(a);
	KUNIT_EXPECT_EQ(test, kernel_sendmsg(s, &msg, &iov, 1, 1), -EHOSTUNREACH);
	a.sv4v_domain = V4V_DOMID_ANY;
	KUNIT_EXPECT_EQ(test, kernel_sendmsg(s, &msg, &iov, 1, 1), -EINVAL);
	a.sv4v_domain = 0x7ff1;
	KUNIT_EXPECT_EQ(test, kernel_sendmsg(s, &msg, &iov, 1, 1), -EINVAL);
	/* Larger than the destination's ring can ever hold. */
	big = kunit_kzalloc(test, V4V_RING_SIZE_DEFAULT, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, big);
	KUNIT_ASSERT_EQ(test, do_bind(r, 0, 0x3041), 0);
	KUNIT_EXPECT_EQ(test, send_to(s, 0x3041, big, V4V_RING_SIZE_DEFAULT - 31, 0), -EMSGSIZE);
	KUNIT_EXPECT_EQ(test, send_to(s, 0x3041, big, V4V_RING_SIZE_DEFAULT - 32, 0),
			(int)(V4V_RING_SIZE_DEFAULT - 32));
	KUNIT_EXPECT_EQ(test, recv_from(r, big, V4V_RING_SIZE_DEFAULT, MSG_DONTWAIT, NULL, NULL),
			(int)(V4V_RING_SIZE_DEFAULT - 32));
	sock_release(s);
	sock_release(r);
}

static void recv_errors_and_timeout(struct kunit *test)
{
	struct socket *s = new_sock(test);
	struct __kernel_sock_timeval tv = { .tv_usec = 100000 };
	unsigned long t0;
	char buf[8];

	KUNIT_EXPECT_EQ(test, recv_from(s, buf, sizeof(buf), 0, NULL, NULL), -ENOTCONN);
	KUNIT_EXPECT_EQ(test, recv_from(s, buf, sizeof(buf), MSG_OOB, NULL, NULL), -EOPNOTSUPP);
	KUNIT_ASSERT_EQ(test, do_bind(s, 0, 0x3050), 0);
	KUNIT_ASSERT_EQ(test, sock_setsockopt(s, SOL_SOCKET, SO_RCVTIMEO_NEW,
					      KERNEL_SOCKPTR(&tv), sizeof(tv)), 0);
	t0 = jiffies;
	KUNIT_EXPECT_EQ(test, recv_from(s, buf, sizeof(buf), 0, NULL, NULL), -EAGAIN);
	KUNIT_EXPECT_GE(test, jiffies - t0, msecs_to_jiffies(90));
	/* After SHUT_RD an empty socket reads end-of-file. */
	KUNIT_EXPECT_EQ(test, kernel_sock_shutdown(s, SHUT_RD), 0);
	KUNIT_EXPECT_EQ(test, recv_from(s, buf, sizeof(buf), 0, NULL, NULL), 0);
	sock_release(s);
}

static void options_before_bind_only(struct kunit *test)
{
	struct socket *s = new_sock(test);

	KUNIT_EXPECT_EQ(test, v4v_test_set_u32(s, V4V_RING_SIZE, 100), -EINVAL);
	KUNIT_EXPECT_EQ(test, v4v_test_set_u32(s, V4V_RING_SIZE, 32), -EINVAL);
	KUNIT_EXPECT_EQ(test, v4v_test_set_u32(s, V4V_RING_SIZE, V4V_RING_SIZE_MAX + 16), -EINVAL);
	KUNIT_EXPECT_EQ(test, v4v_test_set_u32(s, V4V_PARTNER, 0x7ff0), -EINVAL);
	KUNIT_EXPECT_EQ(test, v4v_test_set_u32(s, 99, 1), -ENOPROTOOPT);
	KUNIT_EXPECT_EQ(test, v4v_test_set_u32(s, V4V_RING_SIZE, 4096 - 64), 0);
	KUNIT_EXPECT_EQ(test, do_bind(s, 0, 0x3060), 0);
	KUNIT_EXPECT_EQ(test, v4v_test_set_u32(s, V4V_RING_SIZE, RING2), -EISCONN);
	sock_release(s);
}

static void connected_socket_filters_senders(struct kunit *test)
{
	struct socket *a = new_sock(test), *b = new_sock(test), *c = new_sock(test);
	struct sockaddr_v4v peer = v4v_test_addr(0, 0x3071);
	u64 dropped = v4v_stat_read(rx_dropped);
	char buf[8];

	KUNIT_ASSERT_EQ(test, do_bind(a, 0, 0x3070), 0);
	KUNIT_ASSERT_EQ(test, do_bind(b, 0, 0x3071), 0);
	KUNIT_ASSERT_EQ(test, kernel_connect(a, (struct sockaddr *)&peer, sizeof(peer), 0), 0);
	KUNIT_EXPECT_EQ(test, send_to(c, 0x3070, "c", 1, 0), 1);
	KUNIT_EXPECT_EQ(test, send_to(b, 0x3070, "b", 1, 0), 1);
	KUNIT_EXPECT_EQ(test, recv_from(a, buf, sizeof(buf), 0, NULL, NULL), 1);
	KUNIT_EXPECT_EQ(test, buf[0], 'b');
	KUNIT_EXPECT_EQ(test, v4v_stat_read(rx_dropped), dropped + 1);
	sock_release(a);
	sock_release(b);
	sock_release(c);
}

static void ring_limit_is_enobufs(struct kunit *test)
{
	struct socket **s = kunit_kcalloc(test, 130, sizeof(*s), GFP_KERNEL);
	int i, err = 0;

	KUNIT_ASSERT_NOT_NULL(test, s);
	for (i = 0; i < 130; i++) {
		s[i] = new_sock(test);
		v4v_test_set_u32(s[i], V4V_RING_SIZE, 48);
		err = do_bind(s[i], 0, 0x4000 + i);
		if (err)
			break;
	}
	KUNIT_EXPECT_EQ(test, err, -ENOBUFS);
	KUNIT_EXPECT_LE(test, i, 128);
	for (; i >= 0; i--)
		sock_release(s[i]);
}

/* Act as uid, without capabilities, until the returned creds are put back. */
static const struct cred *become_user(struct kunit *test, uid_t uid)
{
	struct cred *c = prepare_creds();
	const struct cred *old;

	KUNIT_ASSERT_NOT_NULL(test, c);
	c->uid = KUIDT_INIT(uid);
	c->euid = c->uid;
	c->suid = c->uid;
	c->fsuid = c->uid;
	cap_clear(c->cap_effective);
	cap_clear(c->cap_permitted);
	old = override_creds(c);
	put_cred(c);		/* override_creds() took its own reference */
	return old;
}

/*
 * One user cannot take the domain's rings: past its share (32 rings by
 * default) its binds get ENOBUFS, while another user, and root, still
 * bind; a ring it lets go of is its to use again.
 */
static void one_user_cannot_take_every_ring(struct kunit *test)
{
	struct socket **s = kunit_kcalloc(test, 40, sizeof(*s), GFP_KERNEL);
	struct socket *other, *root;
	const struct cred *old;
	int i, err = 0;

	KUNIT_ASSERT_NOT_NULL(test, s);
	old = become_user(test, 1000);
	for (i = 0; i < 40; i++) {
		s[i] = new_sock(test);
		err = do_bind(s[i], 0, 0x3100 + i);
		if (err)
			break;
	}
	KUNIT_EXPECT_EQ(test, err, -ENOBUFS);
	KUNIT_EXPECT_EQ(test, i, 32);
	revert_creds(old);

	old = become_user(test, 1001);
	other = new_sock(test);
	KUNIT_EXPECT_EQ(test, do_bind(other, 0, 0x3140), 0);
	revert_creds(old);
	root = new_sock(test);
	KUNIT_EXPECT_EQ(test, do_bind(root, 0, 0x3141), 0);

	old = become_user(test, 1000);
	sock_release(s[0]);
	s[0] = new_sock(test);
	KUNIT_EXPECT_EQ(test, do_bind(s[0], 0, 0x3100), 0);
	revert_creds(old);
	/* s[i] is the socket that failed, if one did. */
	for (i = min(i, 39); i >= 0; i--)
		sock_release(s[i]);
	sock_release(other);
	sock_release(root);
}

/* Every ring and page of the suite came back. */
static void nothing_leaked(struct kunit *test)
{
	v4v_test_wait_rings_freed();
	KUNIT_EXPECT_EQ(test, v4v_stat_read(rings_live), 0);
	KUNIT_EXPECT_EQ(test, v4v_stat_read(ring_pages_live), 0);
}

static struct kunit_case v4v_dgram_cases[] = {
	KUNIT_CASE(bind_rules),
	KUNIT_CASE(wildcard_and_partner_bindings_conflict),
	KUNIT_CASE(send_recv_roundtrip),
	KUNIT_CASE(truncation_and_peek),
	KUNIT_CASE(full_ring_blocks_then_wakes),
	KUNIT_CASE(send_errors),
	KUNIT_CASE(recv_errors_and_timeout),
	KUNIT_CASE(options_before_bind_only),
	KUNIT_CASE(connected_socket_filters_senders),
	KUNIT_CASE(ring_limit_is_enobufs),
	KUNIT_CASE(one_user_cannot_take_every_ring),
	KUNIT_CASE(nothing_leaked),
	{}
};

static struct kunit_suite v4v_dgram_suite = {
	.name = "v4v_dgram",
	.test_cases = v4v_dgram_cases,
};

kunit_test_suite(v4v_dgram_suite);
