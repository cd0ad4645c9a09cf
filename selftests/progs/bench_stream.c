// SPDX-License-Identifier: GPL-2.0
/*
 * v4v-test bench-stream: AF_V4V streams against AF_UNIX streams in the same
 * domain, in the same run: throughput with 64 KiB writes, and the round
 * trip of one byte.  The families alternate, nine runs each; the medians
 * are compared.  Only the ratios mean anything under QEMU TCG.  Prints
 * "BENCH ..." lines and a JSON summary line.
 */
#define _GNU_SOURCE	/* accept4 */
#include <errno.h>
#include <stdlib.h>
#include <sys/wait.h>

#include "stream_util.h"
#include "v4v_test.h"

#define REPS		9	/* the host is a VM too: single runs vary by 2x */
#define PORT		0x7100u
#define WRITE_SIZE	(64u * 1024u)
#define BULK_BYTES	(64ull << 20)
#define ROUND_TRIPS	2000u

/* A connected pair: a for the parent, b for the child. */
static int open_pair(int v4v, int *a, int *b)
{
	int sv[2], l;

	if (!v4v) {
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
			return -errno;
		*a = sv[0];
		*b = sv[1];
		return 0;
	}
	l = socket(v4v_af(), SOCK_STREAM | SOCK_CLOEXEC, 0);
	*b = socket(v4v_af(), SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (l < 0 || *b < 0 || sk_bind(l, V4V_DOMID_ANY, PORT) || listen(l, 1))
		return -errno;
	if (sk_connect(*b, sk_domid(l), PORT))
		return -errno;
	*a = accept4(l, NULL, NULL, SOCK_CLOEXEC);
	close(l);
	return *a < 0 ? -errno : 0;
}

/* A counter from the module's debugfs status, or -1. */
static long long module_counter(const char *name)
{
	FILE *f = fopen("/sys/kernel/debug/v4v/status", "r");
	size_t n = strlen(name);
	long long v = -1;
	char line[96];

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, name, n) && line[n] == ':')
			v = atoll(line + n + 1);
	fclose(f);
	return v;
}

/*
 * What each v4v bulk run cost the module: messages sent (a slow run that
 * sends more is cut into slivers somewhere, as before the silly-window
 * fix), notify hypercalls after consuming, and Argo events.
 */
static const char *const counters[] = { "tx_msgs", "notifies", "virqs" };
#define NCOUNTERS (sizeof(counters) / sizeof(counters[0]))
static long long bulk_cost[REPS][NCOUNTERS];
static unsigned int run_index;

/* Seconds for the whole exchange, or a negative errno. */
static double run(int v4v, int rtt)
{
	static uint8_t buf[WRITE_SIZE];
	int a = -1, b = -1, err, status;
	uint64_t got = 0;
	double t0, t1;
	uint32_t i;
	ssize_t r;
	pid_t child;

	long long before[NCOUNTERS];

	for (i = 0; i < NCOUNTERS; i++)
		before[i] = module_counter(counters[i]);
	err = open_pair(v4v, &a, &b);
	if (err)
		return err;
	child = fork();
	if (child == 0) {
		close(a);
		if (rtt) {
			while (read(b, buf, 1) == 1)
				if (write(b, buf, 1) != 1)
					_exit(1);
		} else {
			for (got = 0; got < BULK_BYTES; got += WRITE_SIZE)
				if (write_full(b, buf, WRITE_SIZE) != WRITE_SIZE)
					_exit(1);
		}
		_exit(0);
	}
	close(b);
	t0 = now_s();
	if (rtt) {
		for (i = 0; i < ROUND_TRIPS; i++)
			if (write(a, buf, 1) != 1 || read(a, buf, 1) != 1)
				break;
		got = i == ROUND_TRIPS;
		shutdown(a, SHUT_WR);
	} else {
		while (got < BULK_BYTES && (r = read(a, buf, sizeof(buf))) > 0)
			got += r;
		got = got == BULK_BYTES;
	}
	t1 = now_s();
	close(a);
	waitpid(child, &status, 0);
	if (!got || !WIFEXITED(status) || WEXITSTATUS(status))
		return -EIO;
	for (i = 0; v4v && !rtt && i < NCOUNTERS; i++)
		bulk_cost[run_index][i] = before[i] < 0 ? -1 :
					  module_counter(counters[i]) - before[i];
	return t1 - t0;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Median seconds of REPS alternating runs, for [unix, v4v]. */
static int measure(int rtt, double med[2])
{
	double t[2][REPS];
	unsigned int r, k;

	for (r = 0; r < REPS; r++) {
		run_index = r;
		for (k = 0; k < 2; k++) {
			t[k][r] = run(k, rtt);
			if (t[k][r] < 0) {
				printf("BENCH error: %s %s: %s\n", k ? "v4v" : "unix",
				       rtt ? "round trips" : "bulk", strerror((int)-t[k][r]));
				return -1;
			}
		}
	}
	if (!rtt) {
		/* Each v4v run's time and cost, before the sort loses the pairing. */
		printf("BENCH stream bulk runs, v4v s/msgs/notifies/events | unix s:");
		for (r = 0; r < REPS; r++)
			printf(" %.3f/%lld/%lld/%lld|%.3f", t[1][r], bulk_cost[r][0],
			       bulk_cost[r][1], bulk_cost[r][2], t[0][r]);
		printf("\n");
	}
	for (k = 0; k < 2; k++) {
		qsort(t[k], REPS, sizeof(double), cmp);
		med[k] = t[k][REPS / 2];
	}
	return 0;
}

int bench_stream(void)
{
	double bulk[2], rtt[2], mbs[2], us[2];
	unsigned int k;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (measure(0, bulk) || measure(1, rtt))
		return 1;
	for (k = 0; k < 2; k++) {
		mbs[k] = BULK_BYTES / bulk[k] / 1e6;
		us[k] = rtt[k] / ROUND_TRIPS * 1e6;
	}
	printf("BENCH stream 64 KiB writes: v4v %8.1f MB/s | AF_UNIX %8.1f MB/s | v4v/unix %.2f\n",
	       mbs[1], mbs[0], mbs[1] / mbs[0]);
	printf("BENCH stream 1 B round trip: v4v %8.1f us | AF_UNIX %8.1f us | v4v/unix %.2f\n",
	       us[1], us[0], us[1] / us[0]);
	printf("BENCH json {\"stream\": {\"mb_per_s\": {\"v4v\": %.1f, \"unix\": %.1f, \"ratio\": %.3f}, "
	       "\"rtt_us\": {\"v4v\": %.1f, \"unix\": %.1f, \"ratio\": %.3f}}}\n",
	       mbs[1], mbs[0], mbs[1] / mbs[0], us[1], us[0], us[1] / us[0]);
	return 0;
}
