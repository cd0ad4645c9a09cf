// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: where Argo's event goes (event_cpu.c).  A fake clock and four
 * CPUs, whatever the test kernel has: each step counts some readers' waits
 * on some CPUs, lets time pass or not, and says where the event must move.
 */
#include <kunit/test.h>

#include "../event_cpu.h"

#define NCPUS	4
#define T0	1000UL
#define P	V4V_EVCPU_PERIOD
#define NONE	(-1)

struct step {
	const char *what;
	unsigned int waits[NCPUS];	/* counted before the deciding wait */
	unsigned long at;		/* when the deciding wait comes */
	unsigned int on;		/* its CPU */
	int move;			/* what it must return */
};

/* Each step's waits are counted at T0 (before any decision is due). */
static const struct step steps[] = {
	{ "a quiet system leaves the event where it is",
	  { 1, 2, 0, 3 }, T0 + P, 0, NONE },
	{ "a busy reader takes it",
	  { 0, 0, 20, 0 }, T0 + 2 * P, 2, 2 },
	{ "waits are counted afresh each period: a past lead is gone",
	  { 0, 0, 0, 5 }, T0 + 3 * P, 3, NONE },
	{ "not before the period is over, however busy",
	  { 50, 0, 0, 0 }, T0 + 3 * P + P - 1, 0, NONE },
	{ "then the busier CPU takes it",
	  { 0, 0, 0, 0 }, T0 + 4 * P, 0, 0 },
	{ "readers on two CPUs alike (a ping-pong) leave it",
	  { 30, 30, 0, 0 }, T0 + 5 * P, 1, NONE },
	{ "less than twice the waits of its CPU leave it",
	  { 20, 38, 0, 0 }, T0 + 6 * P, 1, NONE },
	{ "twice as many move it",
	  { 20, 39, 0, 0 }, T0 + 7 * P, 1, 1 },
	{ "more waits on the CPU that has it keep it",
	  { 10, 60, 0, 0 }, T0 + 8 * P, 1, NONE },
	{ "a CPU the counters do not cover counts nothing",
	  { 0, 0, 0, 0 }, T0 + 9 * P, NCPUS + 3, NONE },
};

static void moves_where_readers_wait(struct kunit *test)
{
	struct v4v_evcpu e;
	unsigned int i, cpu, n;
	int got;

	KUNIT_ASSERT_EQ(test, v4v_evcpu_init(&e, NCPUS, T0), 0);
	/* The first wait may decide at once; with one wait it moves nothing. */
	KUNIT_EXPECT_EQ(test, v4v_evcpu_note(&e, 1, T0), NONE);
	for (i = 0; i < ARRAY_SIZE(steps); i++) {
		const struct step *s = &steps[i];

		for (cpu = 0; cpu < NCPUS; cpu++)
			for (n = 0; n < s->waits[cpu]; n++)
				KUNIT_EXPECT_EQ_MSG(test, v4v_evcpu_note(&e, cpu, T0), NONE,
						    "%s: a wait before the period ended", s->what);
		got = v4v_evcpu_note(&e, s->on, s->at);
		KUNIT_EXPECT_EQ_MSG(test, got, s->move, "%s", s->what);
	}
	v4v_evcpu_destroy(&e);
}

/* Once a period, on the jiffies clock, which wraps. */
static void decides_once_a_period(struct kunit *test)
{
	struct v4v_evcpu e;
	unsigned int n;

	KUNIT_ASSERT_EQ(test, v4v_evcpu_init(&e, NCPUS, T0), 0);
	KUNIT_EXPECT_EQ(test, v4v_evcpu_note(&e, 3, T0), NONE);
	for (n = 0; n < 100; n++)
		KUNIT_EXPECT_EQ(test, v4v_evcpu_note(&e, 3, T0 + P - 1), NONE);
	KUNIT_EXPECT_EQ(test, v4v_evcpu_note(&e, 3, T0 + P), 3);
	KUNIT_EXPECT_EQ(test, v4v_evcpu_note(&e, 2, T0 + P + 1), NONE);
	v4v_evcpu_destroy(&e);

	/* Across the wrap: jiffies comparisons, not plain ones. */
	KUNIT_ASSERT_EQ(test, v4v_evcpu_init(&e, NCPUS, ULONG_MAX - 1), 0);
	KUNIT_EXPECT_EQ(test, v4v_evcpu_note(&e, 0, ULONG_MAX - 1), NONE);
	for (n = 0; n < 20; n++)
		KUNIT_EXPECT_EQ(test, v4v_evcpu_note(&e, 2, ULONG_MAX), NONE);
	KUNIT_EXPECT_EQ(test, v4v_evcpu_note(&e, 2, ULONG_MAX - 1 + P), 2);
	v4v_evcpu_destroy(&e);
}

static struct kunit_case v4v_event_cpu_cases[] = {
	KUNIT_CASE(moves_where_readers_wait),
	KUNIT_CASE(decides_once_a_period),
	{}
};

static struct kunit_suite v4v_event_cpu_suite = {
	.name = "v4v_event_cpu",
	.test_cases = v4v_event_cpu_cases,
};

kunit_test_suite(v4v_event_cpu_suite);
