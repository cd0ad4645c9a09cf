/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where Argo's event goes: to the CPU where readers wait (event_cpu.c).
 */
#ifndef _V4V_EVENT_CPU_H
#define _V4V_EVENT_CPU_H

#include <linux/atomic.h>
#include <linux/spinlock.h>
#include <linux/types.h>

struct seq_file;

/* How often the event may move, and what it takes to move it. */
#define V4V_EVCPU_PERIOD	(HZ / 20 ? HZ / 20 : 1)
#define V4V_EVCPU_MIN_WAITS	8U	/* waits in a period on the new CPU */

/* The waits readers made on each CPU since the event last had a chance to move. */
struct v4v_evcpu {
	atomic_t *waits;		/* ncpus counters */
	unsigned int ncpus;
	spinlock_t decide;		/* one decision at a time (trylock) */
	unsigned long next;		/* jiffies of the next decision */
	int cur;			/* where we last sent the event, or -1 */
};

int v4v_evcpu_init(struct v4v_evcpu *e, unsigned int ncpus, unsigned long now);
void v4v_evcpu_destroy(struct v4v_evcpu *e);
int v4v_evcpu_note(struct v4v_evcpu *e, unsigned int cpu, unsigned long now);

/* The module's own, steering the backend's event. */
void v4v_event_cpu_start(void);
void v4v_event_cpu_stop(void);
void v4v_event_cpu_waiting(void);
void v4v_event_cpu_show(struct seq_file *m);

#endif /* _V4V_EVENT_CPU_H */
