// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: ring geometry and the producer's space rules (Argo semantics).
 */
#include <linux/slab.h>

#include "ring_test.h"

static void npages_counts_the_header(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, v4v_ring_npages(48), 1u);
	KUNIT_EXPECT_EQ(test, v4v_ring_npages(4096 - 64), 1u);
	KUNIT_EXPECT_EQ(test, v4v_ring_npages(4096 - 48), 2u);
	/* The predecessor's bug: a 4096-byte ring needs two frames, not one. */
	KUNIT_EXPECT_EQ(test, v4v_ring_npages(4096), 2u);
	KUNIT_EXPECT_EQ(test, v4v_ring_npages(8192 - 64), 2u);
	KUNIT_EXPECT_EQ(test, v4v_ring_npages(V4V_ARGO_MAX_RING_LEN), 4096u);
	KUNIT_EXPECT_EQ(test, v4v_ring_npages(V4V_ARGO_MAX_RING_SIZE), 4097u);
	/* No overflow for absurd lengths. */
	KUNIT_EXPECT_EQ(test, v4v_ring_npages(0xfffffff0u), 1048577u);
}

static void len_validity(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, v4v_ring_len_valid(48));
	KUNIT_EXPECT_TRUE(test, v4v_ring_len_valid(8128));
	KUNIT_EXPECT_TRUE(test, v4v_ring_len_valid(V4V_ARGO_MAX_RING_LEN));
	KUNIT_EXPECT_FALSE(test, v4v_ring_len_valid(0));
	KUNIT_EXPECT_FALSE(test, v4v_ring_len_valid(32));
	KUNIT_EXPECT_FALSE(test, v4v_ring_len_valid(47));
	KUNIT_EXPECT_FALSE(test, v4v_ring_len_valid(50));
	KUNIT_EXPECT_FALSE(test, v4v_ring_len_valid(V4V_ARGO_MAX_RING_LEN + 16));
	KUNIT_EXPECT_FALSE(test, v4v_ring_len_valid(0xfffffff0u));
}

static void slots_and_limits(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, v4v_ring_msg_slot(0), 16u);
	KUNIT_EXPECT_EQ(test, v4v_ring_msg_slot(1), 32u);
	KUNIT_EXPECT_EQ(test, v4v_ring_msg_slot(16), 32u);
	KUNIT_EXPECT_EQ(test, v4v_ring_msg_slot(17), 48u);
	KUNIT_EXPECT_EQ(test, v4v_ring_max_payload(8128), 8096u);
	KUNIT_EXPECT_EQ(test, v4v_ring_max_payload(48), 16u);
	KUNIT_EXPECT_EQ(test, v4v_ring_max_payload(16), 0u);
}

static void used_bytes(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, v4v_ring_used(0, 0, 4032), 0u);
	KUNIT_EXPECT_EQ(test, v4v_ring_used(0, 16, 4032), 16u);
	KUNIT_EXPECT_EQ(test, v4v_ring_used(16, 0, 4032), 4016u);
	KUNIT_EXPECT_EQ(test, v4v_ring_used(4016, 32, 4032), 48u);
}

static void reserve_refuses_what_never_fits(struct kunit *test)
{
	struct v4v_ring_view *v = v4v_test_ring(test, 256);
	struct v4v_ring_resv r;

	/* slot 256 == len: can never fit; 224 (max payload) fits. */
	KUNIT_EXPECT_EQ(test, v4v_ring_reserve(v, 0, 240, &r), -EMSGSIZE);
	KUNIT_EXPECT_EQ(test, v4v_ring_reserve(v, 0, 225, &r), -EMSGSIZE);
	KUNIT_EXPECT_EQ(test, v4v_ring_reserve(v, 0, V4V_ARGO_MAX_SENDV_LEN + 1, &r),
			-EMSGSIZE);
	KUNIT_EXPECT_EQ(test, v4v_ring_reserve(v, 0, 224, &r), 0);
	KUNIT_EXPECT_EQ(test, r.off, 0u);
	KUNIT_EXPECT_EQ(test, r.next_tx, 240u);
}

static void last_slot_is_never_handed_out(struct kunit *test)
{
	struct v4v_ring_view *v = v4v_test_ring(test, 256);
	struct v4v_argo_addr src = { .aport = 1 };
	struct v4v_ring_resv r;
	u32 tx = 0, n = 0;

	/* Header-only messages take one slot each: 16 slots, 15 usable. */
	while (!v4v_ring_reserve(v, tx, 0, &r)) {
		v4v_ring_write_hdr(v, &r, &src, 0);
		v4v_ring_commit(v, &r);
		tx = r.next_tx;
		n++;
		KUNIT_ASSERT_LE(test, n, 16u);
	}
	KUNIT_EXPECT_EQ(test, n, 15u);
	KUNIT_EXPECT_EQ(test, v4v_ring_reserve(v, tx, 0, &r), -EAGAIN);
	KUNIT_EXPECT_EQ(test, v4v_ring_free(v, tx), 16u);
	KUNIT_EXPECT_TRUE(test, v4v_ring_has_msg(v));
}

static void free_sanitises_consumer_rx(struct kunit *test)
{
	struct v4v_ring_view *v = v4v_test_ring(test, 256);

	v->hdr->rx_ptr = 0;
	KUNIT_EXPECT_EQ(test, v4v_ring_free(v, 0), 256u);
	KUNIT_EXPECT_EQ(test, v4v_ring_free(v, 64), 192u);
	/* Unaligned rx rounds up; rx beyond the ring counts as 0. */
	v->hdr->rx_ptr = 100;
	KUNIT_EXPECT_EQ(test, v4v_ring_free(v, 0), 112u);
	v->hdr->rx_ptr = 4096;
	KUNIT_EXPECT_EQ(test, v4v_ring_free(v, 64), 192u);
	v->hdr->rx_ptr = 0xfffffff9u;
	KUNIT_EXPECT_EQ(test, v4v_ring_free(v, 64), 192u);
	v->hdr->rx_ptr = 250;	/* rounds to 256 == len, so 0 */
	KUNIT_EXPECT_EQ(test, v4v_ring_free(v, 64), 192u);
}

static struct kunit_case v4v_ring_cases[] = {
	KUNIT_CASE(npages_counts_the_header),
	KUNIT_CASE(len_validity),
	KUNIT_CASE(slots_and_limits),
	KUNIT_CASE(used_bytes),
	KUNIT_CASE(reserve_refuses_what_never_fits),
	KUNIT_CASE(last_slot_is_never_handed_out),
	KUNIT_CASE(free_sanitises_consumer_rx),
	{}
};

static struct kunit_suite v4v_ring_suite = {
	.name = "v4v_ring",
	.test_cases = v4v_ring_cases,
};

kunit_test_suite(v4v_ring_suite);

MODULE_LICENSE("GPL");
