// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: a structure-aware fuzzer playing a hostile peer against stream and
 * seqpacket listeners, on the loopback backend.  From a fixed seed it sends
 * messages built the way the protocol builds them, then bent: every flag
 * combination, a few connection ids reused so the state machine is driven
 * through SYN, ACK, data, CREDIT, FIN and RST in any order, hellos with odd
 * types and windows, credits that lie, lengths from nothing to more than
 * any window, truncated headers, other message types.  Meanwhile it
 * accepts, reads and closes what it opened.
 *
 * What must hold, besides no splat (KASAN, lockdep, kmemleak watch the
 * whole run): a real connection on the same port keeps working throughout,
 * receive memory stays within what the children's windows allow, and at
 * the end every ring, page and charge has come back.  Ports 0x5200 and up.
 */
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/moduleparam.h>
#include <linux/net.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <net/sock.h>
#include <uapi/linux/v4v.h>
#include <v4v/stream.h>

#include "../rcvmem.h"
#include "../rings.h"
#include "../stats.h"
#include "sock_test.h"
#include "stream_test.h"

#define FUZZ_SEED	0x5eed0f4f4a55ULL
#define FUZZ_ROUNDS	4000
#define FUZZ_CONIDS	8		/* ids reused, so state builds up */
#define FUZZ_PAYLOAD	(70U * 1024U)	/* more than a message may carry */

/*
 * CI runs FUZZ_ROUNDS from FUZZ_SEED; a long run sets others on the UML
 * command line (v4v_kunit.fuzz_seed=, v4v_kunit.fuzz_rounds=; see
 * Documentation/harness.rst, "Fuzzing").  Each case must end within
 * KUnit's timeout of 300 s.
 */
static unsigned long long fuzz_seed = FUZZ_SEED;
module_param(fuzz_seed, ullong, 0444);
MODULE_PARM_DESC(fuzz_seed, "v4v_stream_fuzz: seed (each port's is this xor the port)");
static unsigned int fuzz_rounds = FUZZ_ROUNDS;
module_param(fuzz_rounds, uint, 0444);
MODULE_PARM_DESC(fuzz_rounds, "v4v_stream_fuzz: messages per listener");

/* xorshift64*: the same sequence for the same seed, everywhere. */
static u64 fuzz_next(u64 *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dULL;
}

static u32 fuzz_below(u64 *s, u32 n)
{
	return (u32)(fuzz_next(s) % n);
}

/* Mostly plausible values, sometimes the edges, sometimes anything. */
static u32 fuzz_u32(u64 *s, u32 plausible)
{
	static const u32 edges[] = { 0, 1, 4095, 4096, 65535, 65536, 0x7fffffff,
				     0x80000000, 0xffffffff };

	switch (fuzz_below(s, 4)) {
	case 0:
		return edges[fuzz_below(s, ARRAY_SIZE(edges))];
	case 1:
		return (u32)fuzz_next(s);
	default:
		return fuzz_below(s, plausible + 1);
	}
}

/* One message, as a peer would build it and then bend it; its length. */
static u32 fuzz_msg(u64 *s, u8 *buf, u32 conid, u16 type)
{
	static const u32 flag_sets[] = {
		V4V_STREAM_SYN, V4V_STREAM_ACK, V4V_STREAM_RST, V4V_STREAM_FIN,
		V4V_STREAM_CREDIT, 0, 0, 0, V4V_STREAM_SYN | V4V_STREAM_ACK,
		V4V_STREAM_FIN | V4V_STREAM_RST, V4V_STREAM_KNOWN,
	};
	struct v4v_stream_hdr h = { .conid = conid };
	struct v4v_stream_hello hello = {
		.magic = V4V_STREAM_HELLO_MAGIC, .version = V4V_STREAM_VERSION,
		.type = type, .buf_alloc = 1U << 20,
	};
	struct v4v_stream_credit cr;
	u32 len = sizeof(h), n;

	h.flags = fuzz_below(s, 16) ? flag_sets[fuzz_below(s, ARRAY_SIZE(flag_sets))] :
				      (u32)fuzz_next(s);
	memcpy(buf, &h, sizeof(h));
	if (h.flags & (V4V_STREAM_SYN | V4V_STREAM_ACK)) {
		/* Sometimes no hello (OpenXT's way), sometimes a bent one. */
		if (fuzz_below(s, 4)) {
			if (!fuzz_below(s, 4))
				hello.type = (u16)fuzz_u32(s, 6);
			if (!fuzz_below(s, 4))
				hello.magic ^= 1U << fuzz_below(s, 32);
			hello.buf_alloc = fuzz_u32(s, 16U << 20);
			memcpy(buf + len, &hello, sizeof(hello));
			len += sizeof(hello);
		}
	} else if (fuzz_below(s, 5)) {
		cr.fwd_cnt = fuzz_u32(s, 1U << 20);
		cr.buf_alloc = fuzz_u32(s, 16U << 20);
		memcpy(buf + len, &cr, sizeof(cr));
		len += sizeof(cr);
	}
	/* Payload: mostly small, sometimes near or past every limit. */
	n = fuzz_below(s, 3) ? fuzz_below(s, 512) : fuzz_u32(s, FUZZ_PAYLOAD - len) %
		(FUZZ_PAYLOAD - len);
	memset(buf + len, (u8)n, n);
	len += n;
	/* Truncated headers. */
	if (!fuzz_below(s, 20))
		len = fuzz_below(s, sizeof(h) + sizeof(hello));
	return len;
}

/* The real connection still carries a word each way. */
static void real_pair_works(struct kunit *test, struct socket *c, struct socket *a, u32 round)
{
	char buf[16], word[16];
	int n = snprintf(word, sizeof(word), "r%u", round);

	KUNIT_ASSERT_EQ_MSG(test, send_buf(c, word, n, 0), n, "round %u", round);
	KUNIT_ASSERT_EQ_MSG(test, recv_buf(a, buf, n, MSG_WAITALL, NULL), n, "round %u", round);
	KUNIT_ASSERT_EQ(test, memcmp(buf, word, n), 0);
	KUNIT_ASSERT_EQ(test, send_buf(a, word, n, 0), n);
	KUNIT_ASSERT_EQ(test, recv_buf(c, buf, n, MSG_WAITALL, NULL), n);
}

static void raw_ready(struct v4v_ring *ring)
{
}

/* Empty a raw ring the fuzzer's answers land in, so they keep landing. */
static void raw_drain(struct v4v_ring *ring)
{
	struct v4v_ring_msg m;

	mutex_lock(&ring->rx_lock);
	while (!v4v_ring_peek_locked(ring, &m))
		v4v_ring_consumed(ring, &m);
	mutex_unlock(&ring->rx_lock);
}

static void fuzz_listener(struct kunit *test, int type, u32 port, u32 peer_port)
{
	struct socket *l = listener(test, type, port, 16), *c, *a, *child;
	u16 wire = type == SOCK_SEQPACKET ? V4V_STREAM_TYPE_SEQPACKET :
					    V4V_STREAM_TYPE_STREAM;
	u8 *buf = kunit_kmalloc(test, FUZZ_PAYLOAD, GFP_KERNEL);
	s64 bad = atomic64_read(&v4v_stats.stream_bad);
	long peak = 0, base;
	struct v4v_ring *raw;
	u64 seed = fuzz_seed ^ port;
	u32 round, len, conid;
	unsigned long start;
	int err, sport;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	base = v4v_rcvmem_pages();
	pair(test, l, port, type, &c, &a);
	/* The fuzzer's port has a ring (answers land) and a twin that has none. */
	raw = v4v_ring_create(peer_port, V4V_ARGO_DOMID_ANY, 64 * 1024 - 64, raw_ready,
			      NULL, &err);
	KUNIT_ASSERT_NOT_NULL(test, raw);
	kunit_info(test, "seed %#llx, %u rounds", seed, fuzz_rounds);
	start = jiffies;
	for (round = 0; round < fuzz_rounds; round++) {
		conid = 0xf0000000 + fuzz_below(&seed, FUZZ_CONIDS);
		sport = fuzz_below(&seed, 8) ? peer_port : peer_port + 1;
		len = fuzz_msg(&seed, buf, conid, wire);
		inject(port, sport, fuzz_below(&seed, 32) ? V4V_MSG_STREAM : (u32)fuzz_next(&seed),
		       buf, len);
		switch (fuzz_below(&seed, 16)) {
		case 0:	/* take a connection the fuzzer opened, read a little, close */
			if (!kernel_accept(l, &child, O_NONBLOCK)) {
				recv_buf(child, buf, 256, MSG_DONTWAIT, NULL);
				if (fuzz_below(&seed, 2))
					send_buf(child, "x", 1, MSG_DONTWAIT | MSG_NOSIGNAL);
				sock_release(child);
			}
			break;
		case 1:
			raw_drain(raw);
			break;
		}
		if (!(round % 250)) {
			raw_drain(raw);
			real_pair_works(test, c, a, round);
		}
		peak = max(peak, v4v_rcvmem_pages() - base);
	}
	real_pair_works(test, c, a, round);
	kunit_info(test, "%u rounds in %u ms", round, jiffies_to_msecs(jiffies - start));
	/* Within the receive memory limit, and its per-CPU batching. */
	KUNIT_EXPECT_LE(test, peak, READ_ONCE(v4v_rcvmem_limits[2]) +
			(long)num_possible_cpus() * (SZ_1M / PAGE_SIZE));
	KUNIT_EXPECT_GT(test, atomic64_read(&v4v_stats.stream_bad), bad);
	sock_release(c);
	sock_release(a);
	sock_release(l);
	v4v_ring_put(raw);
}

static void fuzz_stream_listener(struct kunit *test)
{
	fuzz_listener(test, SOCK_STREAM, 0x5200, 0x6f00);
}

static void fuzz_seqpacket_listener(struct kunit *test)
{
	fuzz_listener(test, SOCK_SEQPACKET, 0x5201, 0x6f02);
}

static struct kunit_case v4v_stream_fuzz_cases[] = {
	KUNIT_CASE(fuzz_stream_listener),
	KUNIT_CASE(fuzz_seqpacket_listener),
	KUNIT_CASE(v4v_stream_test_nothing_leaked),
	{}
};

static struct kunit_suite v4v_stream_fuzz_suite = {
	.name = "v4v_stream_fuzz",
	.test_cases = v4v_stream_fuzz_cases,
};

kunit_test_suite(v4v_stream_fuzz_suite);
