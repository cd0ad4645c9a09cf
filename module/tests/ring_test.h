/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers shared by the ring KUnit suites. */
#ifndef _V4V_RING_TEST_H
#define _V4V_RING_TEST_H

#include <kunit/test.h>

#include "../ring.h"

/* A zeroed ring of len data bytes, freed with the test. */
static inline struct v4v_ring_view *v4v_test_ring(struct kunit *test, u32 len)
{
	struct v4v_ring_view *v = kunit_kzalloc(test, sizeof(*v), GFP_KERNEL);
	void *mem = kunit_kzalloc(test, V4V_ARGO_RING_HDR_SIZE + len, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, v);
	KUNIT_ASSERT_NOT_NULL(test, mem);
	v4v_ring_view_init(v, mem, len);
	return v;
}

#endif /* _V4V_RING_TEST_H */
