// SPDX-License-Identifier: GPL-2.0
/*
 * domU <-> dom0 over real Argo, against the test server in dom0.  Replies
 * come to a socket whose ring only dom0 may send to.
 */
#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "v4v_test.h"

#define REPLY_RING	(16u * 4096u - 64u)

static uint8_t buf[REPLY_RING];

/* A socket for the server's replies: partner dom0 only. */
static int reply_socket(uint32_t port)
{
	int fd = sk_dgram();

	T_EQ(sk_set(fd, V4V_PARTNER, 0), 0);
	T_EQ(sk_set(fd, V4V_RING_SIZE, REPLY_RING), 0);
	T_EQ(sk_bind(fd, V4V_DOMID_ANY, port), 0);
	return fd;
}

static void command(int fd, uint32_t cmd, uint32_t arg, uint64_t seed)
{
	struct ctl_msg c = { .cmd = cmd, .arg = arg, .seed = seed };

	T_EQ(sk_sendto(fd, 0, CTL_PORT, &c, sizeof(c), 0), sizeof(c));
}

/* Stop the server reading for ms milliseconds; returns once it has. */
static void hold(int fd, uint32_t ms)
{
	struct sockaddr_v4v from;
	struct ctl_msg c;

	command(fd, CTL_HOLD, ms, 0);
	T_EQ(sk_recvfrom(fd, &c, sizeof(c), 0, &from, NULL), sizeof(c));
	T_EQ(from.sv4v_domain, 0);
	T_EQ(from.sv4v_port, CTL_PORT);
	T_EQ(c.cmd, CTL_HOLD);
}

static struct server_stats server_stats(int fd)
{
	struct sockaddr_v4v from;
	struct server_stats st;

	command(fd, CTL_STATS, 0, 0);
	T_EQ(sk_recvfrom(fd, &st, sizeof(st), 0, &from, NULL), sizeof(st));
	T_EQ(from.sv4v_domain, 0);
	T_EQ(from.sv4v_port, CTL_PORT);
	return st;
}

/* Thousands of random-size datagrams domU -> dom0, every byte checked there. */
static void client_bulk_to_dom0(void)
{
	const uint32_t n = 3000;
	uint64_t seed = 7, bytes = 0;
	struct server_stats st;
	int fd = reply_socket(0x6001);
	uint32_t i, len;

	st = server_stats(fd);		/* resets the server's counters */
	for (i = 0; i < n; i++) {
		len = rnd_size(&seed, SERVER_MAX);
		pat_fill(buf, i, len);
		T_EQ(sk_sendto(fd, 0, DATA_PORT, buf, len, 0), len);
		bytes += len;
	}
	st = server_stats(fd);
	t_info("%u datagrams, %llu bytes checked by dom0", st.msgs,
	       (unsigned long long)st.bytes);
	T_EQ(st.msgs, n);
	T_EQ(st.bad, 0);
	T_EQ(st.bytes, bytes);
}

/* Thousands of random-size datagrams dom0 -> domU, every byte checked here. */
static void client_flood_from_dom0(void)
{
	const uint32_t n = 3000;
	uint64_t seed = 11, bytes = 0;
	struct sockaddr_v4v from;
	int fd = reply_socket(0x6002);
	uint32_t i, len;
	long bad;

	command(fd, CTL_FLOOD, n, seed);
	for (i = 0; i < n; i++) {
		len = rnd_size(&seed, SERVER_MAX);
		T_EQ(sk_recvfrom(fd, buf, sizeof(buf), 0, &from, NULL), len);
		T_EQ(from.sv4v_domain, 0);
		bad = pat_check(buf, i, len);
		T_ASSERT(bad < 0, "datagram %u: byte %ld differs", i, bad);
		bytes += len;
	}
	t_info("%u datagrams, %llu bytes from dom0", n, (unsigned long long)bytes);
	T_EQ(sk_recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT, NULL, NULL), -EAGAIN);
}

static void client_echo_from_dom0(void)
{
	const uint32_t n = 300;
	struct ctl_msg c = { .cmd = CTL_ECHO };
	struct sockaddr_v4v from;
	static uint8_t out[SERVER_MAX];
	uint64_t seed = 9;
	int fd = reply_socket(0x6003);
	uint32_t i, len;
	long bad;

	for (i = 0; i < n; i++) {
		len = rnd_size(&seed, SERVER_MAX - sizeof(c));
		memcpy(out, &c, sizeof(c));
		pat_fill(out + sizeof(c), i, len);
		T_EQ(sk_sendto(fd, 0, CTL_PORT, out, sizeof(c) + len, 0), sizeof(c) + len);
		T_EQ(sk_recvfrom(fd, buf, sizeof(buf), 0, &from, NULL), len);
		T_EQ(from.sv4v_domain, 0);
		T_EQ(from.sv4v_port, CTL_PORT);
		bad = pat_check(buf, i, len);
		T_ASSERT(bad < 0, "echo %u: byte %ld differs", i, bad);
	}
}

/*
 * The server stops reading; the client fills its ring until -EAGAIN, then a
 * blocking send must wait and complete once the server drains (dom0's
 * notify raises our event), with nothing lost.
 */
static void client_sender_woken_after_full(void)
{
	const uint32_t len = 4000;
	struct timespec t0, t1;
	struct server_stats st;
	int fd = reply_socket(0x6004);
	uint32_t n = 0;
	long ret;

	st = server_stats(fd);
	hold(fd, 3000);
	for (;;) {
		pat_fill(buf, n, len);
		ret = sk_sendto(fd, 0, DATA_PORT, buf, len, MSG_DONTWAIT);
		if (ret == -EAGAIN)
			break;
		T_EQ(ret, len);
		n++;
		T_ASSERT(n < 64, "%u datagrams of %u fit a %u-byte ring", n, len, SERVER_RING);
	}
	T_ASSERT(n > 0, "the ring was full before the first datagram");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pat_fill(buf, n, len);
	T_EQ(sk_sendto(fd, 0, DATA_PORT, buf, len, 0), len);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	t_info("%u datagrams filled the ring; the blocked send waited %.2f s", n,
	       (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	st = server_stats(fd);
	T_EQ(st.msgs, n + 1);
	T_EQ(st.bad, 0);
}

const struct t_case t_client_cases[] = {
	{ "client_bulk_to_dom0", T_DOMU, 900, client_bulk_to_dom0 },
	{ "client_flood_from_dom0", T_DOMU, 900, client_flood_from_dom0 },
	{ "client_echo_from_dom0", T_DOMU, 600, client_echo_from_dom0 },
	{ "client_sender_woken_after_full", T_DOMU, 0, client_sender_woken_after_full },
};
const size_t t_client_count = sizeof(t_client_cases) / sizeof(t_client_cases[0]);
