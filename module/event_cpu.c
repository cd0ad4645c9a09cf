// SPDX-License-Identifier: GPL-2.0
/*
 * Argo's event goes to the CPU where readers wait.
 *
 * Xen raises one event (VIRQ_ARGO) for every message a domain receives,
 * and Linux binds it to whichever CPU had the fewest event channels when
 * the module loaded.  A reader that sleeps for data on another CPU is then
 * woken second hand: the event interrupts that CPU (in a bulk transfer,
 * usually the writer, in the middle of its next send), whose handler sends
 * an IPI to the reader's.  With the event on the reader's CPU the wakeup is
 * local and the writer runs on undisturbed: 64 KiB stream writes between
 * two tasks in dom0 ran at 0.87x AF_UNIX one way and 1.10x the other in one
 * boot, and whether a boot landed on the good side was chance.
 *
 * So every reader about to sleep for data counts a wait on its CPU, and at
 * most every V4V_EVCPU_PERIOD the CPU with the most waits takes the event,
 * if it had at least V4V_EVCPU_MIN_WAITS and twice the waits of the CPU
 * that has it now: readers spread over CPUs (a ping-pong) leave it where
 * it is, and a quiet system never moves it.  Moving costs the backend one
 * hypercall.  module parameter steer_events=0 leaves the event where Linux
 * (or the administrator, through /proc/irq) put it.
 *
 * Locking: the counters are atomics; one decision at a time, under
 * e->decide, taken with trylock so that no reader ever waits for another.
 */
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/smp.h>

#include "backend.h"
#include "event_cpu.h"
#include "stats.h"

static bool steer_events = true;
module_param(steer_events, bool, 0644);
MODULE_PARM_DESC(steer_events,
		 "move Argo's event to the CPU where readers wait (default: yes)");

int v4v_evcpu_init(struct v4v_evcpu *e, unsigned int ncpus, unsigned long now)
{
	e->waits = kcalloc(ncpus, sizeof(*e->waits), GFP_KERNEL);
	if (!e->waits)
		return -ENOMEM;
	e->ncpus = ncpus;
	spin_lock_init(&e->decide);
	e->next = now;
	e->cur = -1;
	return 0;
}

void v4v_evcpu_destroy(struct v4v_evcpu *e)
{
	kfree(e->waits);
	e->waits = NULL;
}

/* Under e->decide: the CPU that should take the event, or -1 for no move. */
static int pick(struct v4v_evcpu *e)
{
	unsigned int cpu, n, most = 0, here = 0;
	int best = -1;

	lockdep_assert_held(&e->decide);
	for (cpu = 0; cpu < e->ncpus; cpu++) {
		n = atomic_xchg(&e->waits[cpu], 0);
		if ((int)cpu == e->cur)
			here = n;
		if (n > most) {
			most = n;
			best = cpu;
		}
	}
	if (best == e->cur || most < V4V_EVCPU_MIN_WAITS || most < 2 * here)
		return -1;
	return best;
}

/*
 * A reader on cpu is about to wait for data.  Returns the CPU the event
 * should move to now (the caller moves it), or -1.
 */
int v4v_evcpu_note(struct v4v_evcpu *e, unsigned int cpu, unsigned long now)
{
	int to;

	if (cpu < e->ncpus)
		atomic_inc(&e->waits[cpu]);
	if (time_before(now, READ_ONCE(e->next)) || !spin_trylock(&e->decide))
		return -1;
	to = -1;
	if (!time_before(now, e->next)) {
		to = pick(e);
		if (to >= 0)
			WRITE_ONCE(e->cur, to);
		WRITE_ONCE(e->next, now + V4V_EVCPU_PERIOD);
	}
	spin_unlock(&e->decide);
	return to;
}

static struct v4v_evcpu evcpu;
static bool evcpu_on;		/* set at start, before any socket exists */

/* After the backend is chosen; without the counters, nothing is steered. */
void v4v_event_cpu_start(void)
{
	if (!v4v_backend->steer_events)
		return;
	if (v4v_evcpu_init(&evcpu, nr_cpu_ids, jiffies)) {
		pr_warn("no memory to count readers' waits: Argo's event stays on its CPU\n");
		return;
	}
	evcpu_on = true;
}

void v4v_event_cpu_stop(void)
{
	if (evcpu_on)
		v4v_evcpu_destroy(&evcpu);
	evcpu_on = false;
}

void v4v_event_cpu_waiting(void)
{
	int to;

	if (!evcpu_on || !READ_ONCE(steer_events))
		return;
	to = v4v_evcpu_note(&evcpu, raw_smp_processor_id(), jiffies);
	if (to < 0)
		return;
	if (v4v_backend->steer_events(to)) {
		WRITE_ONCE(evcpu.cur, -1);	/* went offline?  Decide afresh. */
		return;
	}
	v4v_stat_inc(event_moves);
}

void v4v_event_cpu_show(struct seq_file *m)
{
	if (evcpu_on)
		seq_printf(m, "event_cpu: %d (steering %s)\n", READ_ONCE(evcpu.cur),
			   READ_ONCE(steer_events) ? "on" : "off");
}
