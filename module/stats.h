/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Module-wide event counters, shown in debugfs (status).  Lock free: each is
 * an independent atomic; a reader may see them at slightly different times.
 */
#ifndef _V4V_STATS_H
#define _V4V_STATS_H

#include <linux/atomic.h>

struct v4v_stats {
	atomic64_t virqs;		/* Argo events from the backend */
	atomic64_t event_moves;		/* events sent to another CPU (event_cpu.c) */
	atomic64_t notifies;		/* notify calls after consuming */
	atomic64_t tx_msgs;
	atomic64_t tx_bytes;
	atomic64_t tx_eagain;		/* sends that found the ring full */
	atomic64_t tx_errors;		/* sends failed for another reason */
	atomic64_t tx_direct;		/* datagrams sent from user memory as is */
	atomic64_t tx_bounced;		/* datagrams sent through a kernel copy */
	atomic64_t rx_msgs;
	atomic64_t rx_bytes;
	atomic64_t rx_bad;		/* inconsistent rings reset */
	atomic64_t rx_dropped;		/* messages no socket wanted */
	atomic64_t stream_bad;		/* malformed or lying stream messages */
	atomic64_t stream_dropped;	/* stream messages no connection wanted */
	atomic64_t stream_refused;	/* connection requests refused */
	atomic64_t stream_pumped;	/* stream payload bytes queued by a pump */
	atomic64_t stream_direct;	/* stream payload bytes copied from the ring */
	atomic64_t stream_parked;	/* events taken by a parked task */
	atomic64_t stream_lingered;	/* FIN/RST retried after close */
	atomic64_t stream_live_busy;	/* liveness found a socket locked: next pass */
	atomic64_t rings_live;		/* ring memory allocated now */
	atomic64_t ring_pages_live;
};

extern struct v4v_stats v4v_stats;

#define v4v_stat_inc(field)	atomic64_inc(&v4v_stats.field)
#define v4v_stat_add(field, n)	atomic64_add((n), &v4v_stats.field)
#define v4v_stat_sub(field, n)	atomic64_sub((n), &v4v_stats.field)
#define v4v_stat_read(field)	atomic64_read(&v4v_stats.field)

#endif /* _V4V_STATS_H */
