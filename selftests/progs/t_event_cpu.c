// SPDX-License-Identifier: GPL-2.0
/*
 * Which CPU takes Argo's event (module/event_cpu.c): the one where a
 * reader waits.  dom0 only, on Xen: it needs two vCPUs (the domU has one)
 * and the xen backend (the loopback backend's events have no CPU).
 *
 * Each test moves 4 MiB at a time from a writer pinned to one CPU to a
 * reader pinned to the other, and counts the v4v interrupt per CPU in
 * /proc/interrupts.  The writer pauses after each 16 KiB, so that the
 * reader drains the ring and waits for the next message every time: at
 * full speed, when the host happened to slow the reader's CPU, the reader
 * found data waiting and hardly ever slept, so nothing was steered (6.1,
 * once in CI).
 */
#define _GNU_SOURCE	/* accept4 */
#include <errno.h>
#include <sys/wait.h>
#include <unistd.h>

#include "stream_util.h"
#include "v4v_test.h"

#define PORT		0x7200u
#define WRITE_SIZE	(16u * 1024u)
#define TRANSFER	(4u << 20)
#define PAUSE_US	300	/* after each write: the reader waits */
#define MAX_CPUS	8
#define STEER_PARAM	"/sys/module/v4v/parameters/steer_events"

static void run_on(int cpu)
{
	int err = run_on_cpu(cpu);

	T_ASSERT(!err, "cpu%d: %s", cpu, strerror(-err));
}

/* The v4v interrupt's count on each CPU; returns the number of CPUs. */
static int v4v_irqs(unsigned long long *count)
{
	FILE *f = fopen("/proc/interrupts", "r");
	char line[512], *p, *end;
	int ncpus = 0, i;

	T_ASSERT(f, "/proc/interrupts: %s", strerror(errno));
	T_ASSERT(fgets(line, sizeof(line), f), "/proc/interrupts is empty");
	for (p = line; (p = strstr(p, "CPU")); p += 3)
		ncpus++;
	T_ASSERT(ncpus >= 2 && ncpus <= MAX_CPUS, "%d CPUs: this test wants 2 to %d",
		 ncpus, MAX_CPUS);
	while (fgets(line, sizeof(line), f)) {
		if (!strstr(line, " v4v\n"))
			continue;
		p = strchr(line, ':');
		T_ASSERT(p, "odd line '%s'", line);
		for (i = 0, p++; i < ncpus; i++, p = end) {
			count[i] = strtoull(p, &end, 10);
			T_ASSERT(end != p, "odd line '%s'", line);
		}
		fclose(f);
		return ncpus;
	}
	t_fail("no v4v interrupt in /proc/interrupts");
}

/* 64 MiB from a writer on cpu w to a reader on cpu r, over a fresh connection. */
static void transfer(int w, int r)
{
	static uint8_t buf[WRITE_SIZE];
	int l = sk_stream(SOCK_STREAM), a, b = sk_stream(SOCK_STREAM), st;
	uint32_t done;
	ssize_t n;
	pid_t child;

	T_EQ(sk_bind(l, V4V_DOMID_ANY, PORT), 0);
	T_EQ(listen(l, 1), 0);
	T_EQ(sk_connect(b, sk_domid(l), PORT), 0);
	a = accept4(l, NULL, NULL, SOCK_CLOEXEC);
	T_ASSERT(a >= 0, "accept: %s", strerror(errno));
	close(l);
	child = fork();
	T_ASSERT(child >= 0, "fork: %s", strerror(errno));
	if (child == 0) {
		run_on(w);
		for (done = 0; done < TRANSFER; done += WRITE_SIZE) {
			if (write_full(b, buf, WRITE_SIZE) != WRITE_SIZE)
				_exit(1);
			usleep(PAUSE_US);
		}
		_exit(0);
	}
	close(b);
	run_on(r);
	for (done = 0; done < TRANSFER; done += n) {
		n = read(a, buf, sizeof(buf));
		T_ASSERT(n > 0, "read after %u bytes: %zd (%s)", done, n, strerror(errno));
	}
	close(a);
	T_EQ(waitpid(child, &st, 0), child);
	T_ASSERT(WIFEXITED(st) && !WEXITSTATUS(st), "writer status %#x", st);
}

/* Share of the events of one transfer (w to r) that cpu took, in percent. */
static long share_on(int cpu, int w, int r)
{
	unsigned long long before[MAX_CPUS], after[MAX_CPUS], all = 0;
	int i, n = v4v_irqs(before);

	transfer(w, r);
	T_EQ(v4v_irqs(after), n);
	for (i = 0; i < n; i++)
		all += after[i] - before[i];
	T_ASSERT(all > 100, "only %llu events for %u writes", all, TRANSFER / WRITE_SIZE);
	return (long)((after[cpu] - before[cpu]) * 100 / all);
}

static void set_steering(const char *on)
{
	FILE *f = fopen(STEER_PARAM, "w");

	T_ASSERT(f && fputs(on, f) >= 0 && !fclose(f), STEER_PARAM ": %s", strerror(errno));
}

/* Both ways: the event settles on the reader's CPU and stays there. */
static void event_follows_reader(void)
{
	static const int way[][2] = { { 0, 1 }, { 1, 0 }, { 0, 1 } };
	long long moves;
	unsigned int i;
	int tries;

	set_steering("1");
	for (i = 0; i < sizeof(way) / sizeof(way[0]); i++) {
		int w = way[i][0], r = way[i][1];

		/* It moves within 50 ms of reading; give TCG a few transfers. */
		for (tries = 0; tries < 5 && module_status("event_cpu") != r; tries++)
			transfer(w, r);
		T_EQ(module_status("event_cpu"), r);
		moves = module_status("event_moves");
		T_ASSERT(share_on(r, w, r) >= 90, "the reader's cpu%d took less than 90%%", r);
		T_EQ(module_status("event_moves"), moves);
	}
}

/* steer_events=0: the event stays where it is, wherever the reader waits. */
static void steering_off_leaves_event(void)
{
	long long cpu, moves, after_cpu, after_moves;
	long share;

	set_steering("1");
	transfer(1, 0);
	cpu = module_status("event_cpu");
	T_ASSERT(cpu == 0 || cpu == 1, "event_cpu %lld", cpu);
	set_steering("0");
	moves = module_status("event_moves");
	transfer((int)cpu, 1 - (int)cpu);
	share = share_on((int)cpu, (int)cpu, 1 - (int)cpu);
	after_cpu = module_status("event_cpu");
	after_moves = module_status("event_moves");
	set_steering("1");
	T_EQ(after_moves, moves);
	T_EQ(after_cpu, cpu);
	T_ASSERT(share >= 90, "cpu%lld took %ld%% of the events", cpu, share);
}

const struct t_case t_event_cpu_cases[] = {
	{ "event_follows_reader", T_DOM0, 120, event_follows_reader },
	{ "steering_off_leaves_event", T_DOM0, 120, steering_off_leaves_event },
};
const size_t t_event_cpu_count = sizeof(t_event_cpu_cases) / sizeof(t_event_cpu_cases[0]);
