// SPDX-License-Identifier: GPL-2.0
/*
 * domU <-> dom0 over real Argo, against the test server in dom0.  Replies
 * come back to a ring of ours that only dom0 may send to.
 */
#include <errno.h>
#include <time.h>

#include "argo_test.h"

#define REPLY_LEN	(16 * 4096u - V4V_ARGO_RING_HDR_SIZE)
#define SERVER_MAX	(SERVER_RING_LEN - 32)

static uint8_t buf[REPLY_LEN];

/* A ring for the server's replies: partner dom0 only. */
static int reply_ring(uint32_t port)
{
	int fd = tif_open();

	T_EQ(tif_bind(fd, port, 0, REPLY_LEN, 0), 0);
	return fd;
}

static struct server_stats server_stats(int fd)
{
	struct server_stats st;
	struct v4v_test_recv r;

	T_EQ(tif_send(fd, 0, SERVER_PORT, "", 0, T_STATS, 0), 0);
	T_EQ(tif_recv(fd, &st, sizeof(st), 0, &r), sizeof(st));
	T_EQ(r.message_type, T_STATS_REPLY);
	T_EQ(r.src_domain, 0);
	return st;
}

static void client_bulk_to_dom0(void)
{
	const uint32_t n = 3000;
	uint64_t seed = 7, bytes = 0;
	struct server_stats st;
	int fd = reply_ring(0x6001);
	uint32_t i, len;

	st = server_stats(fd);		/* resets the server's counters */
	for (i = 0; i < n; i++) {
		len = rnd_size(&seed, SERVER_MAX);
		pat_fill(buf, i, len);
		T_EQ(tif_send(fd, 0, SERVER_PORT, buf, len, T_DATA, 0), len);
		bytes += len;
	}
	st = server_stats(fd);
	t_info("%u messages, %llu bytes checked by dom0", st.msgs,
	       (unsigned long long)st.bytes);
	T_EQ(st.msgs, n);
	T_EQ(st.bad, 0);
	T_EQ(st.bytes, bytes);
}

static void client_echo_from_dom0(void)
{
	const uint32_t n = 300;
	struct v4v_test_recv r;
	uint64_t seed = 9;
	int fd = reply_ring(0x6002);
	uint32_t i, len;
	long bad;

	for (i = 0; i < n; i++) {
		len = rnd_size(&seed, SERVER_MAX);
		pat_fill(buf, i, len);
		T_EQ(tif_send(fd, 0, SERVER_PORT, buf, len, T_ECHO, 0), len);
		memset(buf, 0, len);
		T_EQ(tif_recv(fd, buf, sizeof(buf), 0, &r), len);
		T_EQ(r.message_type, T_ECHO_REPLY);
		T_EQ(r.src_domain, 0);
		T_EQ(r.src_port, SERVER_PORT);
		bad = pat_check(buf, i, len);
		T_ASSERT(bad < 0, "echo %u: byte %ld differs", i, bad);
	}
}

/*
 * The server stops reading for a while; the client fills its ring until
 * Argo says -EAGAIN, then a blocking send must wait and complete once the
 * server drains (dom0's notify raises our VIRQ), with nothing lost.
 */
static void client_sender_woken_after_full(void)
{
	const uint32_t hold_ms = 3000, len = 4000;
	struct timespec t0, t1;
	struct server_stats st;
	int fd = reply_ring(0x6003);
	uint32_t n = 0;
	long ret;

	st = server_stats(fd);
	T_EQ(tif_send(fd, 0, SERVER_PORT, &hold_ms, sizeof(hold_ms), T_HOLD, 0),
	     sizeof(hold_ms));
	for (;;) {
		pat_fill(buf, n, len);
		ret = tif_send(fd, 0, SERVER_PORT, buf, len, T_DATA, V4V_TEST_NONBLOCK);
		if (ret == -EAGAIN)
			break;
		T_EQ(ret, len);
		n++;
		T_ASSERT(n < 64, "%u messages of %u fit a %u-byte ring", n, len,
			 SERVER_RING_LEN);
	}
	T_ASSERT(n > 0, "the ring was full before the first message");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	T_EQ(tif_send(fd, 0, SERVER_PORT, buf, len, T_DATA, 0), len);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	t_info("%u messages filled the ring; the blocked send waited %.2f s", n,
	       (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	st = server_stats(fd);
	T_EQ(st.msgs, n + 1);
	T_EQ(st.bad, 0);
}

const struct t_case t_client_cases[] = {
	{ "client_bulk_to_dom0", T_DOMU, 900, client_bulk_to_dom0 },
	{ "client_echo_from_dom0", T_DOMU, 600, client_echo_from_dom0 },
	{ "client_sender_woken_after_full", T_DOMU, 0, client_sender_woken_after_full },
};
const size_t t_client_count = sizeof(t_client_cases) / sizeof(t_client_cases[0]);
