/* SPDX-License-Identifier: GPL-2.0 */
/* v4v-perf: what the client's options ask for. */
#ifndef V4V_PERF_CLIENT_H
#define V4V_PERF_CLIENT_H

#include <libv4v.h>

#include "report.h"

struct perf_client {
	struct sockaddr_v4v server;	/* the control connection's address */
	const char *host;		/* as given, for the report */
	const char *tcp_host;		/* the server's IPv4 address, for tcp */
	enum perf_transport transport;
	unsigned int streams;		/* per direction */
	uint32_t flags, length, ring, duration_ms;
	uint64_t bytes;
	double interval;		/* 0: no interval reports */
	int text;			/* print intervals as they come */
};

/* One test; 0, or -1 with o->error saying why.  o is always filled. */
int perf_client_run(const struct perf_client *opt, struct perf_outcome *o);

#endif
