// SPDX-License-Identifier: GPL-2.0
/*
 * v4v-perf: iperf3 for v4v.  Options, then either the server loop or one
 * client test followed by the same test over each baseline transport,
 * reported as text or as one JSON object.  Exit status: 0 if every test
 * ran, 1 if one failed (no server, refused, a stream broke), 2 for bad
 * usage.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "../common/cli.h"
#include "client.h"
#include "perf.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: v4v-perf -s [-p PORT] [-1]\n"
		"       v4v-perf -c DOMAIN[:PORT] [options]\n\n"
		"Measure throughput or round trips between Xen domains over v4v, and the\n"
		"same test over other transports (baselines) in the same run.\n"
		"DOMAIN is an id (0), domN or a name from xenstore; PORT defaults to %u.\n\n"
		"Server:\n"
		"  -s, --server          serve tests until SIGINT/SIGTERM\n"
		"  -1, --one-off         serve one test, then exit with its status\n"
		"  -p, --port PORT       control port (default %u)\n"
		"Client:\n"
		"  -c, --client DOMAIN   run a test against DOMAIN's server\n"
		"  -t, --time SECONDS    how long to send (default 10)\n"
		"  -n, --bytes N[KMG]    send N bytes instead (split over the streams)\n"
		"  -l, --length N[KMG]   bytes per write or datagram (default 64K stream,\n"
		"                        8K datagram, 1 with --rtt)\n"
		"  -P, --parallel N      streams per direction (1-%u, default 1)\n"
		"  -R, --reverse         the server sends\n"
		"      --bidir           both send, on separate streams\n"
		"  -u, --dgram           datagrams instead of a stream\n"
		"      --rtt             round trips of -l bytes instead of bulk\n"
		"      --ring N[KMG]     receive ring (v4v) or buffer (others) size\n"
		"      --transport T     the test's transport: v4v (default), unix, tcp, vchan\n"
		"  -B, --baseline LIST   then the same test over each of LIST (comma-\n"
		"                        separated transports), with the ratios\n"
		"      --tcp-host ADDR   the server's IPv4 address, for tcp\n"
		"  -i, --interval S      report every S seconds (default 1, 0 for none)\n"
		"  -J, --json            one JSON object (iperf3's shape) on stdout\n"
		"  -V, --version         the version\n"
		"  -h, --help            this help\n\n"
		"Exit status: 0 if every test ran, 1 if one failed, 2 for bad usage.\n",
		PERF_PORT, PERF_PORT, PERF_MAX_STREAMS);
}

static void bad(const char *what, const char *s)
{
	fprintf(stderr, "v4v-perf: %s: bad value '%s' (see --help)\n", what, s);
	exit(2);
}

static unsigned int baselines(const char *list, enum perf_transport *out)
{
	char *copy = strdup(list), *tok, *save = NULL;
	unsigned int n = 0;

	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (n == T_COUNT || perf_transport_parse(tok, &out[n]))
			bad("--baseline", tok);
		n++;
	}
	free(copy);
	if (!n)
		bad("--baseline", list);
	return n;
}

static void describe(const struct perf_client *c)
{
	printf("Connecting to host %s, port %u\n", c->host, c->server.sv4v_port);
	printf("%s %s, %u stream%s%s, %u-byte %s, ", perf_transport_name(c->transport),
	       c->flags & F_DGRAM ? "dgram" : "stream", c->streams, c->streams > 1 ? "s" : "",
	       c->flags & F_BIDIR ? " each way" : c->flags & F_REVERSE ? " (reverse)" : "",
	       c->length, c->flags & F_RTT ? "round trips" : c->flags & F_DGRAM ? "datagrams" :
	       "writes");
	if (c->bytes)
		printf("%llu bytes\n", (unsigned long long)c->bytes);
	else
		printf("%.1f s\n", c->duration_ms / 1000.0);
	fflush(stdout);
}

/* v4v's figure over the baseline's: > 1 is faster (throughput) or slower (rtt). */
static double ratio(const struct perf_outcome *v4v, const struct perf_outcome *base, int rtt)
{
	double a = rtt ? perf_mean_rtt_us(v4v) : perf_throughput(v4v);
	double b = rtt ? perf_mean_rtt_us(base) : perf_throughput(base);

	return b > 0 ? a / b : 0;
}

static void text_baseline(const struct perf_outcome *main, const struct perf_outcome *o,
			  enum perf_transport t, int rtt)
{
	char r[32];

	if (o->error[0]) {
		printf("baseline %s: %s\n", perf_transport_name(t), o->error);
		return;
	}
	if (rtt) {
		printf("baseline %s: mean round trip %.1f us; %s/%s %.2f\n", perf_transport_name(t),
		       perf_mean_rtt_us(o), perf_transport_name(main->req.transport),
		       perf_transport_name(t), ratio(main, o, 1));
	} else {
		perf_fmt_rate(r, sizeof(r), perf_throughput(o));
		printf("baseline %s: %s received; %s/%s %.2f\n", perf_transport_name(t), r,
		       perf_transport_name(main->req.transport), perf_transport_name(t),
		       ratio(main, o, 0));
	}
}

int main(int argc, char **argv)
{
	enum { O_BIDIR = 256, O_RTT, O_RING, O_TRANSPORT, O_TCP_HOST };
	static const struct option longopts[] = {
		{ "server", no_argument, NULL, 's' }, { "one-off", no_argument, NULL, '1' },
		{ "port", required_argument, NULL, 'p' }, { "client", required_argument, NULL, 'c' },
		{ "time", required_argument, NULL, 't' }, { "bytes", required_argument, NULL, 'n' },
		{ "length", required_argument, NULL, 'l' },
		{ "parallel", required_argument, NULL, 'P' },
		{ "reverse", no_argument, NULL, 'R' }, { "bidir", no_argument, NULL, O_BIDIR },
		{ "dgram", no_argument, NULL, 'u' }, { "rtt", no_argument, NULL, O_RTT },
		{ "ring", required_argument, NULL, O_RING },
		{ "transport", required_argument, NULL, O_TRANSPORT },
		{ "baseline", required_argument, NULL, 'B' },
		{ "tcp-host", required_argument, NULL, O_TCP_HOST },
		{ "interval", required_argument, NULL, 'i' }, { "json", no_argument, NULL, 'J' },
		{ "version", no_argument, NULL, 'V' }, { "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct perf_client c = { .transport = T_V4V, .streams = 1, .duration_ms = 10000,
				 .interval = 1 };
	enum perf_transport base[T_COUNT];
	struct perf_outcome o, *bo = NULL;
	unsigned int nbase = 0, k;
	int server = 0, once = 0, json = 0, opt, status;
	uint32_t port = PERF_PORT;
	char dest[96];
	struct json j;

	while ((opt = getopt_long(argc, argv, "s1p:c:t:n:l:P:RuB:i:JVh", longopts, NULL)) != -1) {
		switch (opt) {
		case 's': server = 1; break;
		case '1': once = 1; break;
		case 'p': port = (uint32_t)cli_number("v4v-perf", "-p", optarg, 0, 4294967295.0, 0); break;
		case 'c': c.host = optarg; break;
		case 't': c.duration_ms = (uint32_t)(cli_number("v4v-perf", "-t", optarg, 0.1, 86400, 0) * 1000); break;
		case 'n': c.bytes = (uint64_t)cli_number("v4v-perf", "-n", optarg, 1, 1e15, 1); break;
		case 'l': c.length = (uint32_t)cli_number("v4v-perf", "-l", optarg, 1, PERF_MAX_LENGTH, 1); break;
		case 'P': c.streams = (unsigned int)cli_number("v4v-perf", "-P", optarg, 1, PERF_MAX_STREAMS, 0); break;
		case 'R': c.flags |= F_REVERSE; break;
		case O_BIDIR: c.flags |= F_BIDIR; break;
		case 'u': c.flags |= F_DGRAM; break;
		case O_RTT: c.flags |= F_RTT; break;
		case O_RING: c.ring = (uint32_t)cli_number("v4v-perf", "--ring", optarg, 48, V4V_RING_SIZE_MAX, 1); break;
		case O_TRANSPORT:
			if (perf_transport_parse(optarg, &c.transport))
				bad("--transport", optarg);
			break;
		case 'B': nbase = baselines(optarg, base); break;
		case O_TCP_HOST: c.tcp_host = optarg; break;
		case 'i': c.interval = cli_number("v4v-perf", "-i", optarg, 0, 3600, 0); break;
		case 'J': json = 1; break;
		case 'V': printf("v4v-perf %s (libv4v %s)\n", V4V_PERF_VERSION, v4v_version()); return 0;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc || server == !!c.host) {
		fprintf(stderr, "v4v-perf: give one of -s or -c DOMAIN (see --help)\n");
		return 2;
	}
	if ((c.flags & F_RTT) && (c.flags & (F_REVERSE | F_BIDIR))) {
		fprintf(stderr, "v4v-perf: --rtt goes both ways already: no -R or --bidir\n");
		return 2;
	}
	if ((c.flags & F_REVERSE) && (c.flags & F_BIDIR)) {
		fprintf(stderr, "v4v-perf: -R and --bidir together mean nothing\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (server)
		return perf_server(port, once);

	if (!c.length)
		c.length = c.flags & F_RTT ? 1 : c.flags & F_DGRAM ? 8192 : 65536;
	snprintf(dest, sizeof(dest), strchr(c.host, ':') ? "%s" : "%s:%u", c.host, port);
	if (v4v_addr_resolve(dest, &c.server) || c.server.sv4v_domain == V4V_DOMID_ANY ||
	    c.server.sv4v_port == V4V_PORT_ANY) {
		fprintf(stderr, "v4v-perf: %s: %s\n", c.host,
			errno == ENOENT ? "no domain of that name" : "bad destination");
		return 2;
	}
	c.text = !json;
	if (c.text)
		describe(&c);
	status = perf_client_run(&c, &o) ? 1 : 0;
	if (c.text)
		perf_report_text(&o);
	if (nbase)
		bo = calloc(nbase, sizeof(*bo));
	for (k = 0; bo && k < nbase; k++) {
		struct perf_client b = c;

		b.transport = base[k];
		b.text = 0;
		if (perf_client_run(&b, &bo[k]))
			status = 1;
		if (c.text && !o.error[0])
			text_baseline(&o, &bo[k], base[k], !!(c.flags & F_RTT));
	}
	if (json) {
		json_start(&j, stdout);
		json_open(&j, NULL, '{');
		perf_report_json(&j, &o);
		if (nbase) {
			json_open(&j, "baselines", '[');
			for (k = 0; bo && k < nbase; k++) {
				json_open(&j, NULL, '{');
				perf_report_json(&j, &bo[k]);
				json_open(&j, "ratio", '{');
				if (!o.error[0] && !bo[k].error[0])
					json_num(&j, c.flags & F_RTT ? "rtt" : "throughput",
						 ratio(&o, &bo[k], !!(c.flags & F_RTT)));
				json_close(&j, '}');
				json_close(&j, '}');
			}
			json_close(&j, ']');
		}
		json_close(&j, '}');
	} else if (status) {
		fprintf(stderr, "v4v-perf: %s\n", o.error[0] ? o.error : "a baseline failed");
	}
	for (k = 0; bo && k < nbase; k++)
		perf_report_free(&bo[k]);
	free(bo);
	perf_report_free(&o);
	return status;
}
