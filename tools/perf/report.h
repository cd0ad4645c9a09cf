/* SPDX-License-Identifier: GPL-2.0 */
/*
 * v4v-perf: one test's outcome as the client saw it (its streams, the
 * server's account of them, the interval snapshots), printed as text or as
 * iperf3-shaped JSON (Documentation/v4v-perf.schema.json).
 */
#ifndef V4V_PERF_REPORT_H
#define V4V_PERF_REPORT_H

#include <time.h>

#include "json.h"
#include "perf.h"

struct perf_interval {
	double start, end;		/* seconds since the test began */
	uint64_t *bytes;		/* per stream, in this interval */
};

struct perf_outcome {
	struct perf_request req;
	char host[32];			/* as the user wrote it */
	uint32_t port;
	unsigned int nstreams;
	struct perf_stream_result *local, *remote;
	struct perf_ctl local_cpu, remote_cpu;
	struct perf_interval *iv;
	unsigned int niv, cap;
	uint64_t *seen;			/* bytes at the last snapshot */
	double every, last;		/* interval length, end of the last */
	int text;			/* print interval lines as they happen */
	time_t started;
	char error[160];		/* empty if it worked */
};

/* Interval bookkeeping, called from perf_run's tick. */
void perf_report_tick(struct perf_test *t, void *outcome);
/* The end of a test: last partial interval, then the two sides' results. */
void perf_report_finish(struct perf_outcome *o, const struct perf_test *t);

/* What ratios compare: received bits/s, or the mean round trip in us. */
double perf_throughput(const struct perf_outcome *o);
double perf_mean_rtt_us(const struct perf_outcome *o);

void perf_report_text(const struct perf_outcome *o);
void perf_report_json(struct json *j, const struct perf_outcome *o);
void perf_report_free(struct perf_outcome *o);

#endif
