/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the stream socket KUnit suites (stream_kunit.c, the
 * sockets at work; stream_end_kunit.c, how connections end).
 */
#ifndef _V4V_STREAM_TEST_H
#define _V4V_STREAM_TEST_H

#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/net.h>
#include <linux/rcupdate.h>
#include <net/sock.h>
#include <uapi/linux/v4v.h>

#include "../backend.h"
#include "../rcvmem.h"
#include "../stats.h"
#include "sock_test.h"

static inline struct socket *new_sock(struct kunit *test, int type)
{
	return v4v_test_sock(test, type);
}

static inline struct socket *listener(struct kunit *test, int type, u32 port, int backlog)
{
	struct socket *s = new_sock(test, type);
	struct sockaddr_v4v a = v4v_test_addr(0, port);

	KUNIT_ASSERT_EQ(test, kernel_bind(s, (struct sockaddr *)&a, sizeof(a)), 0);
	KUNIT_ASSERT_EQ(test, kernel_listen(s, backlog), 0);
	return s;
}

/* A ring smaller than the default window: credit no longer stops a sender first. */
#define SMALL_RING	(32 * 4096 - 64)

static inline void set_ring_size(struct kunit *test, struct socket *s, u32 len)
{
	KUNIT_ASSERT_EQ(test, v4v_test_set_u32(s, V4V_RING_SIZE, len), 0);
}

/* A listener whose children get a window of twice rcvbuf (the kernel doubles it). */
static inline struct socket *small_listener(struct kunit *test, int type, u32 port, int rcvbuf)
{
	struct socket *s = new_sock(test, type);
	struct sockaddr_v4v a = v4v_test_addr(0, port);

	KUNIT_ASSERT_EQ(test, sock_setsockopt(s, SOL_SOCKET, SO_RCVBUF,
					      KERNEL_SOCKPTR(&rcvbuf), sizeof(rcvbuf)), 0);
	KUNIT_ASSERT_EQ(test, kernel_bind(s, (struct sockaddr *)&a, sizeof(a)), 0);
	KUNIT_ASSERT_EQ(test, kernel_listen(s, 4), 0);
	return s;
}

static inline int do_connect(struct socket *s, u32 port, int flags)
{
	struct sockaddr_v4v a = v4v_test_addr(0, port);

	return kernel_connect(s, (struct sockaddr *)&a, sizeof(a), flags);
}

static inline int send_buf(struct socket *s, const void *buf, size_t len, int flags)
{
	struct kvec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr msg = { .msg_flags = flags };

	return kernel_sendmsg(s, &msg, &iov, 1, len);
}

static inline int recv_buf(struct socket *s, void *buf, size_t len, int flags, int *msg_flags)
{
	struct kvec iov = { .iov_base = buf, .iov_len = len };
	struct msghdr msg = { };
	int ret = kernel_recvmsg(s, &msg, &iov, 1, len, flags);

	if (msg_flags)
		*msg_flags = msg.msg_flags;
	return ret;
}

/* A connected pair: client c and the server's accepted end a. */
static inline void pair(struct kunit *test, struct socket *l, u32 port, int type,
			struct socket **c, struct socket **a)
{
	*c = new_sock(test, type);
	KUNIT_ASSERT_EQ(test, do_connect(*c, port, 0), 0);
	KUNIT_ASSERT_EQ(test, kernel_accept(l, a, 0), 0);
}

static inline u8 pattern(u32 i)
{
	return (u8)(i * 131 + (i >> 9));
}

/* A patterned source and a zeroed sink of len bytes, freed with the test. */
static inline void pattern_bufs(struct kunit *test, u32 len, u8 **tx, u8 **rx)
{
	u32 i;

	*tx = kunit_kmalloc(test, len, GFP_KERNEL);
	*rx = kunit_kzalloc(test, len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, *tx);
	KUNIT_ASSERT_NOT_NULL(test, *rx);
	for (i = 0; i < len; i++)
		(*tx)[i] = pattern(i);
}

/* Raw messages to the port at (0, port) from source port sport. */
static inline long inject(u32 port, u32 sport, u32 type, const void *p, u32 len)
{
	struct v4v_argo_send_addr addr = {
		.src = { .aport = sport, .domain_id = V4V_ARGO_DOMID_ANY },
		.dst = { .aport = port, .domain_id = 0 },
	};
	struct v4v_argo_iov iov = { .iov_hnd = (u64)(uintptr_t)p, .iov_len = len };

	return v4v_backend->sendv(&addr, &iov, 1, type, 0);
}

/* A read of len bytes (MSG_WAITALL) that blocks in a thread of its own. */
struct blocked_read {
	struct socket *s;
	u8 *buf;
	size_t len;
	int ret;
	struct completion done;
};

static inline int blocked_read_fn(void *arg)
{
	struct blocked_read *r = arg;

	r->ret = recv_buf(r->s, r->buf, r->len, MSG_WAITALL, NULL);
	complete(&r->done);
	return 0;
}

/* Every ring, page and charge came back. */
static inline void v4v_stream_test_nothing_leaked(struct kunit *test)
{
	v4v_test_wait_rings_freed();
	KUNIT_EXPECT_EQ(test, v4v_stat_read(rings_live), 0);
	KUNIT_EXPECT_EQ(test, v4v_stat_read(ring_pages_live), 0);
	KUNIT_EXPECT_EQ(test, v4v_rcvmem_pages(), 0L);
}

#endif /* _V4V_STREAM_TEST_H */
