// SPDX-License-Identifier: GPL-2.0
/*
 * The connection state machine (see stream_fsm.h).  "Closed" also stands
 * for "no connection matches this message": such a message is answered
 * with RST, unless it is an RST or a credit update itself.
 */
#include <linux/errno.h>

#include "stream_fsm.h"

#define STEP(s, a, e) ((struct v4v_st_step){ .next = (s), .actions = (a), .err = (e) })

static bool connected(enum v4v_st_state s)
{
	return s == V4V_ST_ESTABLISHED || s == V4V_ST_FIN_WAIT ||
	       s == V4V_ST_CLOSE_WAIT || s == V4V_ST_DONE;
}

static struct v4v_st_step app_step(enum v4v_st_state s, enum v4v_st_event ev)
{
	switch (ev) {
	case V4V_EV_CONNECT:
		if (s == V4V_ST_CLOSED)
			return STEP(V4V_ST_SYN_SENT, V4V_ACT_SEND_SYN, 0);
		if (s == V4V_ST_SYN_SENT)
			return STEP(s, 0, -EALREADY);
		return STEP(s, 0, s == V4V_ST_LISTEN ? -EINVAL : -EISCONN);
	case V4V_EV_LISTEN:
		if (s == V4V_ST_CLOSED || s == V4V_ST_LISTEN)
			return STEP(V4V_ST_LISTEN, 0, 0);
		return STEP(s, 0, -EINVAL);
	case V4V_EV_SHUT_WR:
		if (s == V4V_ST_ESTABLISHED)
			return STEP(V4V_ST_FIN_WAIT, V4V_ACT_SEND_FIN | V4V_ACT_WAKE, 0);
		if (s == V4V_ST_CLOSE_WAIT)
			return STEP(V4V_ST_DONE, V4V_ACT_SEND_FIN | V4V_ACT_WAKE, 0);
		if (s == V4V_ST_FIN_WAIT || s == V4V_ST_DONE)
			return STEP(s, 0, 0);
		return STEP(s, 0, -ENOTCONN);
	case V4V_EV_CLOSE:
		if (s == V4V_ST_ESTABLISHED || s == V4V_ST_CLOSE_WAIT)
			return STEP(V4V_ST_CLOSED, V4V_ACT_SEND_FIN, 0);
		if (s == V4V_ST_SYN_SENT)
			return STEP(V4V_ST_CLOSED, V4V_ACT_SEND_RST, 0);
		return STEP(V4V_ST_CLOSED, 0, 0);
	case V4V_EV_ABORT:
		if (connected(s) || s == V4V_ST_SYN_SENT)
			return STEP(V4V_ST_CLOSED, V4V_ACT_SEND_RST, 0);
		return STEP(V4V_ST_CLOSED, 0, 0);
	default:
		return STEP(s, V4V_ACT_DROP, -EINVAL);
	}
}

static struct v4v_st_step wire_step(enum v4v_st_state s, enum v4v_st_event ev)
{
	/* Nothing matches: refuse, but never answer an RST or a credit. */
	if (s == V4V_ST_CLOSED && ev != V4V_EV_RX_RST && ev != V4V_EV_RX_CREDIT &&
	    ev != V4V_EV_PEER_GONE && ev != V4V_EV_SYN_TIMEOUT)
		return STEP(s, V4V_ACT_SEND_RST | V4V_ACT_DROP, 0);

	switch (ev) {
	case V4V_EV_RX_SYN:
		if (s == V4V_ST_LISTEN)
			return STEP(s, V4V_ACT_NEW_CHILD, 0);
		break;
	case V4V_EV_RX_ACK:
		if (s == V4V_ST_SYN_SENT)
			return STEP(V4V_ST_ESTABLISHED, V4V_ACT_CREDIT | V4V_ACT_WAKE, 0);
		break;
	case V4V_EV_RX_RST:
		if (s == V4V_ST_SYN_SENT)
			return STEP(V4V_ST_RESET, V4V_ACT_WAKE, -ECONNREFUSED);
		if (s == V4V_ST_DONE)
			return STEP(s, 0, 0);	/* both ends were done anyway */
		if (connected(s))
			return STEP(V4V_ST_RESET, V4V_ACT_WAKE, -ECONNRESET);
		break;
	case V4V_EV_RX_FIN:
		if (s == V4V_ST_ESTABLISHED)
			return STEP(V4V_ST_CLOSE_WAIT, V4V_ACT_CREDIT | V4V_ACT_WAKE, 0);
		if (s == V4V_ST_FIN_WAIT)
			return STEP(V4V_ST_DONE, V4V_ACT_CREDIT | V4V_ACT_WAKE, 0);
		break;
	case V4V_EV_RX_DATA:
		if (v4v_st_can_receive(s))
			return STEP(s, V4V_ACT_DELIVER | V4V_ACT_CREDIT, 0);
		break;
	case V4V_EV_RX_CREDIT:
		if (connected(s))
			return STEP(s, V4V_ACT_CREDIT, 0);
		break;
	case V4V_EV_PEER_GONE:
		if (s == V4V_ST_SYN_SENT)
			return STEP(V4V_ST_RESET, V4V_ACT_WAKE, -ECONNREFUSED);
		/* Its FIN came first: a peer that closed, not one that died. */
		if (s == V4V_ST_CLOSE_WAIT)
			return STEP(V4V_ST_DONE, V4V_ACT_WAKE, 0);
		if (connected(s) && s != V4V_ST_DONE)
			return STEP(V4V_ST_RESET, V4V_ACT_WAKE, -ECONNRESET);
		return STEP(s, 0, 0);
	case V4V_EV_SYN_TIMEOUT:
		/* RST: a listener that answers late drops the child. */
		if (s == V4V_ST_SYN_SENT)
			return STEP(V4V_ST_RESET, V4V_ACT_SEND_RST | V4V_ACT_WAKE, -ETIMEDOUT);
		return STEP(s, 0, 0);
	default:
		break;
	}
	return STEP(s, V4V_ACT_DROP, 0);
}

/**
 * v4v_st_step - what an event does in a state
 * @s: the connection's state (V4V_ST_CLOSED when no connection matched)
 * @ev: what happened
 *
 * Return: the next state, the actions to take and an error: for an
 * application event the call's result, for a wire event the error the
 * socket reports from now on.
 */
struct v4v_st_step v4v_st_step(enum v4v_st_state s, enum v4v_st_event ev)
{
	if (s >= V4V_ST_COUNT || ev >= V4V_EV_COUNT)
		return STEP(V4V_ST_RESET, V4V_ACT_WAKE, -EINVAL);
	if (ev <= V4V_EV_ABORT)
		return app_step(s, ev);
	return wire_step(s, ev);
}

const char *v4v_st_state_name(enum v4v_st_state s)
{
	static const char * const names[V4V_ST_COUNT] = {
		[V4V_ST_CLOSED] = "closed",
		[V4V_ST_LISTEN] = "listen",
		[V4V_ST_SYN_SENT] = "syn-sent",
		[V4V_ST_ESTABLISHED] = "established",
		[V4V_ST_FIN_WAIT] = "fin-wait",
		[V4V_ST_CLOSE_WAIT] = "close-wait",
		[V4V_ST_DONE] = "done",
		[V4V_ST_RESET] = "reset",
	};

	return s < V4V_ST_COUNT ? names[s] : "invalid";
}
