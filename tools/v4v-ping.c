// SPDX-License-Identifier: GPL-2.0
/*
 * v4v-ping: ping(8) between Xen domains over v4v datagrams.
 *
 *   v4v-ping [-c N] [-i S] [-s N] [-W S] [-w S] [-f] [-q] DOMAIN[:PORT]
 *   v4v-ping -l [-p PORT]            the echo responder
 *
 * A probe carries a magic, a sequence number and the send time; the
 * responder sends every datagram back as it came.  Exit status as ping's:
 * 0 if replies came, 1 if none did (or fewer than -c by the -w deadline),
 * 2 for any other error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <libv4v.h>

#include "common/cli.h"

#define DEFAULT_PORT	7u		/* as the IP echo service */
#define MAGIC		0x50763476u	/* "v4vP" */
#define MAX_SIZE	65000u

struct probe {
	uint32_t magic, seq;
	uint64_t sent_ns;
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: v4v-ping [-c COUNT] [-i SECONDS] [-s SIZE] [-W SECONDS] [-w SECONDS]\n"
		"                [-f] [-q] DOMAIN[:PORT]\n"
		"       v4v-ping -l [-p PORT]\n\n"
		"Send echo requests to a v4v echo responder in another Xen domain.\n"
		"DOMAIN is an id (0), domN, or a name from xenstore; PORT defaults to %u.\n\n"
		"  -c COUNT    stop after COUNT replies (or requests, with -w)\n"
		"  -i SECONDS  wait between requests (default 1)\n"
		"  -s SIZE     data bytes per request (default 56, at most %u)\n"
		"  -W SECONDS  how long to wait for each reply (default 10)\n"
		"  -w SECONDS  stop after this long, whatever came back\n"
		"  -f          flood: the next request as soon as a reply comes\n"
		"  -q          quiet: only the summary\n"
		"  -l          be the echo responder (with -p PORT)\n"
		"  -h, --help  this help\n\n"
		"Exit status: 0 if replies came, 1 if none did, 2 on errors.\n",
		DEFAULT_PORT, MAX_SIZE);
}

static int responder(uint32_t port)
{
	static char buf[MAX_SIZE + sizeof(struct probe)];
	struct sockaddr_v4v from;
	int fd = v4v_socket(SOCK_DGRAM);
	ssize_t n;

	if (fd < 0 || v4v_bind(fd, V4V_DOMID_ANY, port)) {
		fprintf(stderr, "v4v-ping: responder on port %u: %s\n", port, strerror(errno));
		return 2;
	}
	while (!cli_stop) {
		n = v4v_recvfrom(fd, buf, sizeof(buf), 0, &from);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "v4v-ping: receive: %s\n", strerror(errno));
			return 2;
		}
		/* A requester gone since is no reason to stop. */
		v4v_sendto(fd, buf, (size_t)n, MSG_DONTWAIT, from.sv4v_domain, from.sv4v_port);
	}
	return 0;
}

struct stats {
	unsigned long sent, received, errors;
	double min, max, sum, sum2;
};

static void add_rtt(struct stats *s, double ms)
{
	if (!s->received || ms < s->min)
		s->min = ms;
	if (ms > s->max)
		s->max = ms;
	s->sum += ms;
	s->sum2 += ms * ms;
	s->received++;
}

static void summary(const char *dest, const struct stats *s, double elapsed_ms)
{
	double avg = s->received ? s->sum / s->received : 0;
	double var = s->received ? s->sum2 / s->received - avg * avg : 0;

	printf("\n--- %s v4v-ping statistics ---\n", dest);
	printf("%lu packets transmitted, %lu received, ", s->sent, s->received);
	if (s->errors)
		printf("+%lu errors, ", s->errors);
	printf("%.0f%% packet loss, time %.0fms\n",
	       s->sent ? 100.0 * (double)(s->sent - s->received) / (double)s->sent : 0.0,
	       elapsed_ms);
	if (s->received)
		printf("rtt min/avg/max/mdev = %.3f/%.3f/%.3f/%.3f ms\n", s->min, avg, s->max,
		       sqrt(var > 0 ? var : 0));
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = { { "help", no_argument, NULL, 'h' }, { 0 } };
	static char buf[MAX_SIZE + sizeof(struct probe)];
	double interval = 1, wait_s = 10, deadline = 0;
	unsigned long count = 0;
	uint32_t size = 56, port = DEFAULT_PORT, seq = 0;
	int listen_mode = 0, flood = 0, quiet = 0, c, fd, ready;
	char dest[80], text[V4V_ADDRSTRLEN];
	struct sockaddr_v4v to, from;
	struct stats st = { 0 };
	uint64_t start, next, last_sent = 0;
	struct probe p;
	double rtt;
	ssize_t n;

	while ((c = getopt_long(argc, argv, "c:i:s:W:w:fqlp:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': count = (unsigned long)cli_number("v4v-ping", "-c", optarg, 1, 1e9, 0); break;
		case 'i': interval = cli_number("v4v-ping", "-i", optarg, 0, 3600, 0); break;
		case 's': size = (uint32_t)cli_number("v4v-ping", "-s", optarg, sizeof(struct probe), MAX_SIZE, 0); break;
		case 'W': wait_s = cli_number("v4v-ping", "-W", optarg, 0.001, 3600, 0); break;
		case 'w': deadline = cli_number("v4v-ping", "-w", optarg, 0.001, 1e6, 0); break;
		case 'f': flood = 1; break;
		case 'q': quiet = 1; break;
		case 'l': listen_mode = 1; break;
		case 'p': port = (uint32_t)cli_number("v4v-ping", "-p", optarg, 0, 4294967295.0, 0); break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	cli_catch_stop();
	if (listen_mode)
		return optind == argc ? responder(port) : (usage(stderr), 2);
	if (optind != argc - 1) {
		usage(stderr);
		return 2;
	}
	snprintf(dest, sizeof(dest), strchr(argv[optind], ':') ? "%s" : "%s:%u",
		 argv[optind], DEFAULT_PORT);
	if (v4v_addr_resolve(dest, &to) || to.sv4v_domain == V4V_DOMID_ANY ||
	    to.sv4v_port == V4V_PORT_ANY) {
		fprintf(stderr, "v4v-ping: %s: %s\n", argv[optind],
			errno == ENOENT ? "no domain of that name" : "bad destination");
		return 2;
	}
	fd = v4v_socket(SOCK_DGRAM | SOCK_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "v4v-ping: socket: %s\n", strerror(errno));
		return 2;
	}
	v4v_addr_format(&to, text, sizeof(text));
	if (flood)
		interval = 0;
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("V4V-PING %s (domain %u port %u) %u data bytes\n", text, to.sv4v_domain,
	       to.sv4v_port, size);
	memset(buf, 0, sizeof(buf));
	start = next = cli_now_ns();
	while (!cli_stop) {
		uint64_t t = cli_now_ns(), wake, wait_ns = (uint64_t)(wait_s * 1e9);
		int more = !count || st.sent < count;
		/* Flood: one request out at a time, or one per 10 ms, as ping -f. */
		int may = more && t >= next &&
			  (!flood || st.sent == st.received + st.errors || t - last_sent >= 10000000u);

		if ((deadline && t - start >= (uint64_t)(deadline * 1e9)) ||
		    (count && st.received >= count) ||
		    (!deadline && !more && t - last_sent >= wait_ns))
			break;
		if (may) {
			p = (struct probe){ .magic = MAGIC, .seq = ++seq, .sent_ns = t };
			memcpy(buf, &p, sizeof(p));
			if (v4v_sendto(fd, buf, size, 0, to.sv4v_domain, to.sv4v_port) < 0) {
				st.errors++;
				if (!quiet)
					printf("From %s: seq=%u %s\n", text, seq,
					       errno == ECONNREFUSED ? "port unreachable" : strerror(errno));
			}
			st.sent++;
			last_sent = t;
			next = t + (uint64_t)(interval * 1e9);
			continue;
		}
		wake = more ? (flood ? last_sent + 10000000u : next) : last_sent + wait_ns;
		if (deadline && start + (uint64_t)(deadline * 1e9) < wake)
			wake = start + (uint64_t)(deadline * 1e9);
		ready = poll(&(struct pollfd){ .fd = fd, .events = POLLIN }, 1,
			     wake > t ? (int)((wake - t + 999999) / 1000000) : 0);
		if (ready <= 0)
			continue;
		n = v4v_recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT, &from);
		memcpy(&p, buf, sizeof(p));
		if (n < (ssize_t)sizeof(p) || p.magic != MAGIC ||
		    from.sv4v_domain != to.sv4v_domain || from.sv4v_port != to.sv4v_port)
			continue;	/* not an answer of ours */
		rtt = (double)(cli_now_ns() - p.sent_ns) / 1e6;
		add_rtt(&st, rtt);
		if (!quiet)
			printf("%zd bytes from %s: seq=%u time=%.3f ms\n", n, text, p.seq, rtt);
	}
	summary(text, &st, (double)(cli_now_ns() - start) / 1e6);
	if (!st.received)
		return 1;
	return count && deadline && st.received < count ? 1 : 0;
}
