// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the connection state machine, every state against every event.
 * The expected table is written out here from the protocol document, not
 * derived from the code, so a change to either shows up.
 */
#include <kunit/test.h>

#include "../stream_fsm.h"

#define C V4V_ST_CLOSED
#define L V4V_ST_LISTEN
#define S V4V_ST_SYN_SENT
#define E V4V_ST_ESTABLISHED
#define F V4V_ST_FIN_WAIT
#define W V4V_ST_CLOSE_WAIT
#define D V4V_ST_DONE
#define R V4V_ST_RESET

#define SYN V4V_ACT_SEND_SYN
#define FIN V4V_ACT_SEND_FIN
#define RST V4V_ACT_SEND_RST
#define NEW V4V_ACT_NEW_CHILD
#define DLV V4V_ACT_DELIVER
#define CRD V4V_ACT_CREDIT
#define WK V4V_ACT_WAKE
#define DRP V4V_ACT_DROP

/* "Same state" in the table. */
#define SAME 0xff

struct cell {
	u8 next;
	u16 actions;
	int err;
};

#define X(n, a, e) { .next = (n), .actions = (a), .err = (e) }

/* [event][state], states in the order C L S E F W D R. */
static const struct cell expected[V4V_EV_COUNT][V4V_ST_COUNT] = {
	[V4V_EV_CONNECT] = {
		X(S, SYN, 0), X(SAME, 0, -EINVAL), X(SAME, 0, -EALREADY),
		X(SAME, 0, -EISCONN), X(SAME, 0, -EISCONN), X(SAME, 0, -EISCONN),
		X(SAME, 0, -EISCONN), X(SAME, 0, -EISCONN) },
	[V4V_EV_LISTEN] = {
		X(L, 0, 0), X(L, 0, 0), X(SAME, 0, -EINVAL), X(SAME, 0, -EINVAL),
		X(SAME, 0, -EINVAL), X(SAME, 0, -EINVAL), X(SAME, 0, -EINVAL),
		X(SAME, 0, -EINVAL) },
	[V4V_EV_SHUT_WR] = {
		X(SAME, 0, -ENOTCONN), X(SAME, 0, -ENOTCONN), X(SAME, 0, -ENOTCONN),
		X(F, FIN | WK, 0), X(F, 0, 0), X(D, FIN | WK, 0), X(D, 0, 0),
		X(SAME, 0, -ENOTCONN) },
	[V4V_EV_CLOSE] = {
		X(C, 0, 0), X(C, 0, 0), X(C, RST, 0), X(C, FIN, 0), X(C, 0, 0),
		X(C, FIN, 0), X(C, 0, 0), X(C, 0, 0) },
	[V4V_EV_ABORT] = {
		X(C, 0, 0), X(C, 0, 0), X(C, RST, 0), X(C, RST, 0), X(C, RST, 0),
		X(C, RST, 0), X(C, RST, 0), X(C, 0, 0) },
	[V4V_EV_RX_SYN] = {
		X(SAME, RST | DRP, 0), X(L, NEW, 0), X(SAME, DRP, 0), X(SAME, DRP, 0),
		X(SAME, DRP, 0), X(SAME, DRP, 0), X(SAME, DRP, 0), X(SAME, DRP, 0) },
	[V4V_EV_RX_ACK] = {
		X(SAME, RST | DRP, 0), X(SAME, DRP, 0), X(E, CRD | WK, 0),
		X(SAME, DRP, 0), X(SAME, DRP, 0), X(SAME, DRP, 0), X(SAME, DRP, 0),
		X(SAME, DRP, 0) },
	[V4V_EV_RX_RST] = {
		X(SAME, DRP, 0), X(SAME, DRP, 0), X(R, WK, -ECONNREFUSED),
		X(R, WK, -ECONNRESET), X(R, WK, -ECONNRESET), X(R, WK, -ECONNRESET),
		X(D, 0, 0), X(SAME, DRP, 0) },
	[V4V_EV_RX_FIN] = {
		X(SAME, RST | DRP, 0), X(SAME, DRP, 0), X(SAME, DRP, 0),
		X(W, CRD | WK, 0), X(D, CRD | WK, 0), X(SAME, DRP, 0),
		X(SAME, DRP, 0), X(SAME, DRP, 0) },
	[V4V_EV_RX_DATA] = {
		X(SAME, RST | DRP, 0), X(SAME, DRP, 0), X(SAME, DRP, 0),
		X(E, DLV | CRD, 0), X(F, DLV | CRD, 0), X(SAME, DRP, 0),
		X(SAME, DRP, 0), X(SAME, DRP, 0) },
	[V4V_EV_RX_CREDIT] = {
		X(SAME, DRP, 0), X(SAME, DRP, 0), X(SAME, DRP, 0), X(E, CRD, 0),
		X(F, CRD, 0), X(W, CRD, 0), X(D, CRD, 0), X(SAME, DRP, 0) },
	[V4V_EV_PEER_GONE] = {
		X(C, 0, 0), X(L, 0, 0), X(R, WK, -ECONNREFUSED),
		X(R, WK, -ECONNRESET), X(R, WK, -ECONNRESET), X(D, WK, 0),
		X(D, 0, 0), X(R, 0, 0) },
	[V4V_EV_SYN_TIMEOUT] = {
		X(C, 0, 0), X(L, 0, 0), X(R, RST | WK, -ETIMEDOUT), X(E, 0, 0),
		X(F, 0, 0), X(W, 0, 0), X(D, 0, 0), X(R, 0, 0) },
};

static void every_state_every_event(struct kunit *test)
{
	unsigned int s, ev;

	for (ev = 0; ev < V4V_EV_COUNT; ev++) {
		for (s = 0; s < V4V_ST_COUNT; s++) {
			const struct cell *want = &expected[ev][s];
			struct v4v_st_step got = v4v_st_step(s, ev);
			u8 next = want->next == SAME ? s : want->next;

			KUNIT_EXPECT_EQ_MSG(test, got.next, next, "state %s event %u",
					    v4v_st_state_name(s), ev);
			KUNIT_EXPECT_EQ_MSG(test, got.actions, want->actions,
					    "state %s event %u", v4v_st_state_name(s), ev);
			KUNIT_EXPECT_EQ_MSG(test, got.err, want->err, "state %s event %u",
					    v4v_st_state_name(s), ev);
		}
	}
}

/* Out-of-range input (a corrupted state) resets rather than indexing. */
static void out_of_range_resets(struct kunit *test)
{
	struct v4v_st_step got = v4v_st_step(V4V_ST_COUNT, V4V_EV_RX_DATA);

	KUNIT_EXPECT_EQ(test, got.next, V4V_ST_RESET);
	KUNIT_EXPECT_EQ(test, got.err, -EINVAL);
	got = v4v_st_step(V4V_ST_ESTABLISHED, V4V_EV_COUNT);
	KUNIT_EXPECT_EQ(test, got.next, V4V_ST_RESET);
	KUNIT_EXPECT_STREQ(test, v4v_st_state_name(V4V_ST_COUNT), "invalid");
	KUNIT_EXPECT_STREQ(test, v4v_st_state_name(V4V_ST_FIN_WAIT), "fin-wait");
}

/* Sending and receiving are allowed exactly where the protocol says. */
static void can_send_and_receive(struct kunit *test)
{
	static const bool send[V4V_ST_COUNT] = { [E] = true, [W] = true };
	static const bool recv[V4V_ST_COUNT] = { [E] = true, [F] = true };
	unsigned int s;

	for (s = 0; s < V4V_ST_COUNT; s++) {
		KUNIT_EXPECT_EQ(test, v4v_st_can_send(s), send[s]);
		KUNIT_EXPECT_EQ(test, v4v_st_can_receive(s), recv[s]);
	}
}

static struct kunit_case v4v_stream_fsm_cases[] = {
	KUNIT_CASE(every_state_every_event),
	KUNIT_CASE(out_of_range_resets),
	KUNIT_CASE(can_send_and_receive),
	{}
};

static struct kunit_suite v4v_stream_fsm_suite = {
	.name = "v4v_stream_fsm",
	.test_cases = v4v_stream_fsm_cases,
};

kunit_test_suite(v4v_stream_fsm_suite);
