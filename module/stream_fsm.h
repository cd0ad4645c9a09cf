/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The connection state machine of stream and seqpacket sockets, as a pure
 * table: (state, event) -> (next state, actions, error).  No locking, no
 * kernel objects, so KUnit walks every cell.  stream.c performs the actions.
 * Documentation/stream-protocol.rst draws the same machine.
 */
#ifndef _V4V_STREAM_FSM_H
#define _V4V_STREAM_FSM_H

#include <linux/types.h>

enum v4v_st_state {
	V4V_ST_CLOSED,		/* new, or closed without a connection */
	V4V_ST_LISTEN,
	V4V_ST_SYN_SENT,	/* connect() waits for ACK or RST */
	V4V_ST_ESTABLISHED,
	V4V_ST_FIN_WAIT,	/* we sent FIN; the peer may still send */
	V4V_ST_CLOSE_WAIT,	/* the peer sent FIN; we may still send */
	V4V_ST_DONE,		/* both sent FIN */
	V4V_ST_RESET,		/* aborted: RST, or the peer went away */
	V4V_ST_COUNT
};

enum v4v_st_event {
	V4V_EV_CONNECT,		/* connect() */
	V4V_EV_LISTEN,		/* listen() */
	V4V_EV_SHUT_WR,		/* shutdown(SHUT_WR) */
	V4V_EV_CLOSE,		/* close() with nothing unread */
	V4V_EV_ABORT,		/* close() with data unread */
	V4V_EV_RX_SYN,
	V4V_EV_RX_ACK,
	V4V_EV_RX_RST,
	V4V_EV_RX_FIN,
	V4V_EV_RX_DATA,
	V4V_EV_RX_CREDIT,
	V4V_EV_PEER_GONE,	/* the peer's ring or domain vanished */
	V4V_EV_SYN_TIMEOUT,	/* no answer to our SYN in time */
	V4V_EV_COUNT
};

/* Actions, in the order stream.c performs them. */
#define V4V_ACT_SEND_SYN	0x001U
#define V4V_ACT_SEND_FIN	0x002U	/* only to a v4v peer: OpenXT has none */
#define V4V_ACT_SEND_RST	0x004U	/* to the message's sender */
#define V4V_ACT_NEW_CHILD	0x008U	/* a listener queues a connection */
#define V4V_ACT_DELIVER		0x010U	/* queue the payload for reading */
#define V4V_ACT_CREDIT		0x020U	/* writers may have room */
#define V4V_ACT_WAKE		0x040U	/* the state changed: wake everyone */
#define V4V_ACT_DROP		0x080U	/* unexpected here: drop, count */

struct v4v_st_step {
	u8 next;		/* enum v4v_st_state */
	u16 actions;		/* V4V_ACT_* */
	int err;		/* 0, the call's errno, or the socket error */
};

struct v4v_st_step v4v_st_step(enum v4v_st_state s, enum v4v_st_event ev);
const char *v4v_st_state_name(enum v4v_st_state s);

/* May the application still send, and is there a connection to read from? */
static inline bool v4v_st_can_send(u8 s)
{
	return s == V4V_ST_ESTABLISHED || s == V4V_ST_CLOSE_WAIT;
}

static inline bool v4v_st_can_receive(u8 s)
{
	return s == V4V_ST_ESTABLISHED || s == V4V_ST_FIN_WAIT;
}

#endif /* _V4V_STREAM_FSM_H */
