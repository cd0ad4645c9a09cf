/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers shared by the socket KUnit suites (dgram, stream). */
#ifndef _V4V_SOCK_TEST_H
#define _V4V_SOCK_TEST_H

#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/net.h>
#include <linux/rcupdate.h>
#include <net/sock.h>
#include <uapi/linux/v4v.h>

#include "../stats.h"

/* A kernel socket whose blocking calls give up after 5 s, not hang. */
static inline struct socket *v4v_test_sock(struct kunit *test, int type)
{
	struct __kernel_sock_timeval tv = { .tv_sec = 5 };
	struct socket *s;

	KUNIT_ASSERT_EQ(test, sock_create_kern(&init_net, AF_V4V, type, 0, &s), 0);
	KUNIT_ASSERT_EQ(test, sock_setsockopt(s, SOL_SOCKET, SO_RCVTIMEO_NEW,
					      KERNEL_SOCKPTR(&tv), sizeof(tv)), 0);
	KUNIT_ASSERT_EQ(test, sock_setsockopt(s, SOL_SOCKET, SO_SNDTIMEO_NEW,
					      KERNEL_SOCKPTR(&tv), sizeof(tv)), 0);
	return s;
}

/* A SOL_V4V option (sock_setsockopt() would take it for a SOL_SOCKET one). */
static inline int v4v_test_set_u32(struct socket *s, int opt, u32 val)
{
	return s->ops->setsockopt(s, SOL_V4V, opt, KERNEL_SOCKPTR(&val), sizeof(val));
}

static inline struct sockaddr_v4v v4v_test_addr(u16 domain, u32 port)
{
	return (struct sockaddr_v4v){
		.sv4v_family = AF_V4V, .sv4v_domain = domain, .sv4v_port = port };
}

/*
 * Wait (2 s at most) for the rings of released sockets to be freed: a
 * socket goes after an RCU grace period, and its ring after another,
 * queued by the first, so one rcu_barrier() is not always enough.  The
 * suites' nothing_leaked cases call it before they count.
 */
static inline void v4v_test_wait_rings_freed(void)
{
	int i;

	for (i = 0; i < 100; i++) {
		rcu_barrier();
		if (!v4v_stat_read(rings_live))
			break;
		msleep(20);
	}
}

#endif /* _V4V_SOCK_TEST_H */
