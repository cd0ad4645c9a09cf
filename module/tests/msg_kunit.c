// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the consumer's view of messages — wrap-around, alignment, partial
 * reads, and rings whose indices or headers cannot be right.
 */
#include <linux/slab.h>
#include <linux/string.h>

#include "ring_test.h"

static u8 pattern(u32 seq, u32 i)
{
	return (u8)(seq * 31 + i * 7 + (i >> 8));
}

/* Produce one message the way Xen would; returns the new tx. */
static u32 produce(struct kunit *test, struct v4v_ring_view *v, u32 tx,
		   u32 seq, u32 len)
{
	struct v4v_argo_addr src = { .aport = 0x100 + seq, .domain_id = 3 };
	struct v4v_ring_chunk c[2];
	struct v4v_ring_resv r;
	unsigned int i, n;
	u32 done = 0, j;

	KUNIT_ASSERT_EQ(test, v4v_ring_reserve(v, tx, len, &r), 0);
	v4v_ring_write_hdr(v, &r, &src, 0xabc0 + seq);
	n = v4v_ring_resv_chunks(v, &r, 0, len, c);
	for (i = 0; i < n; i++)
		for (j = 0; j < c[i].n; j++, done++)
			c[i].p[j] = pattern(seq, done);
	KUNIT_ASSERT_EQ(test, done, len);
	v4v_ring_commit(v, &r);
	return r.next_tx;
}

/* Consume one message and check every field and byte. */
static void consume_check(struct kunit *test, struct v4v_ring_view *v, u32 seq,
			  u32 len)
{
	struct v4v_ring_chunk c[2];
	struct v4v_ring_msg m;
	unsigned int i, n;
	u32 done = 0, j;

	KUNIT_ASSERT_EQ(test, v4v_ring_peek(v, &m), 0);
	KUNIT_EXPECT_EQ(test, m.payload_len, len);
	KUNIT_EXPECT_EQ(test, m.src_port, 0x100 + seq);
	KUNIT_EXPECT_EQ(test, m.src_domain, 3);
	KUNIT_EXPECT_EQ(test, m.type, 0xabc0 + seq);
	n = v4v_ring_msg_chunks(v, &m, 0, len, c);
	for (i = 0; i < n; i++)
		for (j = 0; j < c[i].n; j++, done++)
			KUNIT_ASSERT_EQ(test, c[i].p[j], pattern(seq, done));
	KUNIT_EXPECT_EQ(test, done, len);
	v4v_ring_consume(v, &m);
}

static void empty_ring_has_nothing(struct kunit *test)
{
	struct v4v_ring_view *v = v4v_test_ring(test, 256);
	struct v4v_ring_msg m;

	KUNIT_EXPECT_FALSE(test, v4v_ring_has_msg(v));
	KUNIT_EXPECT_EQ(test, v4v_ring_peek(v, &m), -EAGAIN);
}

static void payload_wraps_in_two_chunks(struct kunit *test)
{
	struct v4v_ring_view *v = v4v_test_ring(test, 256);
	struct v4v_ring_chunk c[2];
	struct v4v_ring_msg m;
	u32 tx;

	/* Start 48 bytes before the end: header fits, payload wraps. */
	v->hdr->rx_ptr = 208;
	v->hdr->tx_ptr = 208;
	tx = produce(test, v, 208, 1, 100);
	KUNIT_EXPECT_EQ(test, tx, (208u + 16 + 112) - 256);
	KUNIT_ASSERT_EQ(test, v4v_ring_peek(v, &m), 0);
	KUNIT_ASSERT_EQ(test, v4v_ring_msg_chunks(v, &m, 0, 100, c), 2u);
	KUNIT_EXPECT_EQ(test, c[0].n, 32u);
	KUNIT_EXPECT_PTR_EQ(test, c[0].p, v->data + 224);
	KUNIT_EXPECT_EQ(test, c[1].n, 68u);
	KUNIT_EXPECT_PTR_EQ(test, c[1].p, v->data);
	/* A partial read past the wrap is one chunk at the right place. */
	KUNIT_ASSERT_EQ(test, v4v_ring_msg_chunks(v, &m, 40, 10, c), 1u);
	KUNIT_EXPECT_PTR_EQ(test, c[0].p, v->data + 8);
	consume_check(test, v, 1, 100);
	KUNIT_EXPECT_EQ(test, v->hdr->rx_ptr, tx);
	KUNIT_EXPECT_FALSE(test, v4v_ring_has_msg(v));
}

static void header_in_last_slot(struct kunit *test)
{
	struct v4v_ring_view *v = v4v_test_ring(test, 256);
	struct v4v_ring_chunk c[2];
	struct v4v_ring_msg m;

	/* The header takes the last slot; the payload starts at offset 0. */
	v->hdr->rx_ptr = 240;
	v->hdr->tx_ptr = 240;
	produce(test, v, 240, 2, 20);
	KUNIT_ASSERT_EQ(test, v4v_ring_peek(v, &m), 0);
	KUNIT_ASSERT_EQ(test, v4v_ring_msg_chunks(v, &m, 0, 20, c), 1u);
	KUNIT_EXPECT_PTR_EQ(test, c[0].p, v->data);
	consume_check(test, v, 2, 20);
	KUNIT_EXPECT_EQ(test, v->hdr->rx_ptr, 32u);
}

static void many_sizes_wrap_repeatedly(struct kunit *test)
{
	struct v4v_ring_view *v = v4v_test_ring(test, 1024);
	u32 tx = 0, seq, len, total = 0;

	for (seq = 0; seq < 2000; seq++) {
		len = (seq * 37) % (v4v_ring_max_payload(1024) + 1);
		tx = produce(test, v, tx, seq, len);
		consume_check(test, v, seq, len);
		total += v4v_ring_msg_slot(len);
	}
	KUNIT_EXPECT_GT(test, total, 500u * 1024);
	KUNIT_EXPECT_EQ(test, v->hdr->rx_ptr, v->hdr->tx_ptr);
}

static void zero_length_message(struct kunit *test)
{
	struct v4v_ring_view *v = v4v_test_ring(test, 256);
	struct v4v_ring_chunk c[2];
	struct v4v_ring_msg m;

	produce(test, v, 0, 4, 0);
	KUNIT_ASSERT_EQ(test, v4v_ring_peek(v, &m), 0);
	KUNIT_EXPECT_EQ(test, m.payload_len, 0u);
	KUNIT_EXPECT_EQ(test, v4v_ring_msg_chunks(v, &m, 0, 0, c), 0u);
	v4v_ring_consume(v, &m);
	KUNIT_EXPECT_EQ(test, v->hdr->rx_ptr, 16u);
}

/* Write a raw header at off, as a broken or hostile producer might. */
static void raw_header(struct v4v_ring_view *v, u32 off, u32 len)
{
	struct v4v_argo_msg_hdr h = { .len = len };

	memcpy(v->data + off, &h, sizeof(h));
}

static void bogus_rings_are_rejected(struct kunit *test)
{
	struct v4v_ring_view *v = v4v_test_ring(test, 256);
	struct v4v_ring_msg m;

	/* Header length below its own size. */
	raw_header(v, 0, 8);
	v->hdr->tx_ptr = 32;
	KUNIT_EXPECT_EQ(test, v4v_ring_peek(v, &m), -EBADMSG);
	/* Header claims more than tx covers. */
	raw_header(v, 0, 48);
	KUNIT_EXPECT_EQ(test, v4v_ring_peek(v, &m), -EBADMSG);
	raw_header(v, 0, 0xfffffff0u);
	KUNIT_EXPECT_EQ(test, v4v_ring_peek(v, &m), -EBADMSG);
	/* Exactly what tx covers is fine. */
	raw_header(v, 0, 32);
	KUNIT_EXPECT_EQ(test, v4v_ring_peek(v, &m), 0);
	/* Misaligned or out-of-ring indices. */
	v->hdr->tx_ptr = 40;
	KUNIT_EXPECT_EQ(test, v4v_ring_peek(v, &m), -EBADMSG);
	v->hdr->tx_ptr = 256;
	KUNIT_EXPECT_EQ(test, v4v_ring_peek(v, &m), -EBADMSG);
	v->hdr->tx_ptr = 32;
	v->hdr->rx_ptr = 8;
	KUNIT_EXPECT_EQ(test, v4v_ring_peek(v, &m), -EBADMSG);
	v->hdr->rx_ptr = 512;
	KUNIT_EXPECT_EQ(test, v4v_ring_peek(v, &m), -EBADMSG);
}

static void discard_all_empties_the_ring(struct kunit *test)
{
	struct v4v_ring_view *v = v4v_test_ring(test, 256);
	struct v4v_ring_msg m;
	u32 tx;

	tx = produce(test, v, 0, 5, 10);
	tx = produce(test, v, tx, 6, 70);
	KUNIT_EXPECT_EQ(test, v4v_ring_discard_all(v), 0);
	KUNIT_EXPECT_EQ(test, v->hdr->rx_ptr, tx);
	KUNIT_EXPECT_EQ(test, v4v_ring_peek(v, &m), -EAGAIN);
	/* A producer index outside the ring or off a slot cannot be trusted. */
	v->hdr->tx_ptr = 1000;
	KUNIT_EXPECT_EQ(test, v4v_ring_discard_all(v), -EIO);
	KUNIT_EXPECT_EQ(test, v->hdr->rx_ptr, tx);
	v->hdr->tx_ptr = 40;
	KUNIT_EXPECT_EQ(test, v4v_ring_discard_all(v), -EIO);
	KUNIT_EXPECT_EQ(test, v->hdr->rx_ptr, tx);
}

static struct kunit_case v4v_msg_cases[] = {
	KUNIT_CASE(empty_ring_has_nothing),
	KUNIT_CASE(payload_wraps_in_two_chunks),
	KUNIT_CASE(header_in_last_slot),
	KUNIT_CASE(many_sizes_wrap_repeatedly),
	KUNIT_CASE(zero_length_message),
	KUNIT_CASE(bogus_rings_are_rejected),
	KUNIT_CASE(discard_all_empties_the_ring),
	{}
};

static struct kunit_suite v4v_msg_suite = {
	.name = "v4v_ring_msg",
	.test_cases = v4v_msg_cases,
};

kunit_test_suite(v4v_msg_suite);
