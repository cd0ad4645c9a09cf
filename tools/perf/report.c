// SPDX-License-Identifier: GPL-2.0
/*
 * v4v-perf: intervals, sums and the two output formats.  A stream's
 * sender side is whichever end wrote on it; its receiver side the other.
 * Directions: "forward" is client to server (the only one unless -R or
 * --bidir), "reverse" server to client.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "report.h"

#define DIVIDER "- - - - - - - - - - - - - - - - - - - - - - - - -\n"

static double secs(uint64_t ns)
{
	return (double)ns / 1e9;
}

static double rate(uint64_t bytes, double s)
{
	return s > 0 ? (double)bytes * 8 / s : 0;
}

static const char *tag(const struct perf_outcome *o, unsigned int i)
{
	if (!(o->req.flags & F_BIDIR))
		return "";
	return o->local[i].sender ? "[TX-C]" : "[RX-C]";
}

static void line(const char *id, const char *tag, double a, double b, uint64_t bytes,
		 const char *what)
{
	char amount[32], r[32];

	perf_fmt_bytes(amount, sizeof(amount), (double)bytes);
	perf_fmt_rate(r, sizeof(r), rate(bytes, b - a));
	printf("[%s]%s %6.2f-%-6.2f sec  %10s  %14s%s%s\n", id, tag, a, b, amount, r,
	       *what ? "  " : "", what);
}

static void snapshot(struct perf_outcome *o, const struct perf_test *t, double now)
{
	struct perf_interval *iv;
	uint64_t sum = 0, cur;
	unsigned int i;
	char id[12];

	if (o->niv == o->cap) {
		void *p = realloc(o->iv, (o->cap * 2 + 16) * sizeof(*o->iv));

		if (!p)
			return;
		o->iv = p;
		o->cap = o->cap * 2 + 16;
	}
	iv = &o->iv[o->niv];
	iv->bytes = calloc(o->nstreams, sizeof(uint64_t));
	if (!iv->bytes)
		return;
	iv->start = o->last;
	iv->end = now;
	for (i = 0; i < o->nstreams; i++) {
		cur = atomic_load(&t->s[i].bytes);
		iv->bytes[i] = cur - o->seen[i];
		o->seen[i] = cur;
		sum += iv->bytes[i];
	}
	o->niv++;
	o->last = now;
	if (!o->text)
		return;
	if (o->niv == 1)
		printf("[ ID] Interval           Transfer     Bitrate\n");
	for (i = 0; i < o->nstreams; i++) {
		snprintf(id, sizeof(id), "%3u", i + 1);
		line(id, tag(o, i), iv->start, iv->end, iv->bytes[i], "");
	}
	if (o->nstreams > 1)
		line("SUM", "", iv->start, iv->end, sum, "");
	fflush(stdout);
}

void perf_report_tick(struct perf_test *t, void *arg)
{
	struct perf_outcome *o = arg;
	double now = secs(perf_now_ns() - t->t_start);

	if (o->every > 0 && now >= o->last + o->every)
		snapshot(o, t, now);
}

void perf_report_finish(struct perf_outcome *o, const struct perf_test *t)
{
	double now = secs(perf_now_ns() - t->t_start);

	/* The tail after the last whole interval, unless it is a sliver
	 * (the end of the test's handshake, not of its data). */
	if (o->every > 0 && now - o->last >= o->every / 4)
		snapshot(o, t, now);
	perf_results(t, o->local);
}

/* The side that sent, or that received, on stream i. */
static const struct perf_stream_result *side(const struct perf_outcome *o, unsigned int i,
					     int sender)
{
	return o->local[i].sender == (uint32_t)sender ? &o->local[i] : &o->remote[i];
}

struct sum {
	uint64_t bytes, msgs, sent_msgs, rtt_sum, rtt_min, rtt_max;
	double seconds;
	unsigned int n;
};

/* Over the streams of one direction (0 forward, 1 reverse), one side. */
static struct sum sum(const struct perf_outcome *o, int reverse, int sender)
{
	const struct perf_stream_result *r;
	struct sum s = { .rtt_min = UINT64_MAX };
	unsigned int i;

	for (i = 0; i < o->nstreams; i++) {
		if ((int)!o->local[i].sender != reverse)
			continue;
		r = side(o, i, sender);
		s.bytes += r->bytes;
		s.msgs += r->msgs;
		s.sent_msgs += side(o, i, 1)->msgs;
		if (secs(r->ns) > s.seconds)
			s.seconds = secs(r->ns);
		s.rtt_sum += r->rtt_sum_ns;
		if (r->msgs && r->rtt_min_ns < s.rtt_min)
			s.rtt_min = r->rtt_min_ns;
		if (r->rtt_max_ns > s.rtt_max)
			s.rtt_max = r->rtt_max_ns;
		s.n++;
	}
	if (s.rtt_min == UINT64_MAX)
		s.rtt_min = 0;
	return s;
}

double perf_throughput(const struct perf_outcome *o)
{
	struct sum f = sum(o, 0, 0), r = sum(o, 1, 0);

	return rate(f.bytes, f.seconds) + rate(r.bytes, r.seconds);
}

double perf_mean_rtt_us(const struct perf_outcome *o)
{
	struct sum f = sum(o, 0, 1);

	return f.msgs ? (double)f.rtt_sum / (double)f.msgs / 1e3 : 0;
}

static int dgram(const struct perf_outcome *o)
{
	return !!(o->req.flags & F_DGRAM);
}

void perf_report_text(const struct perf_outcome *o)
{
	unsigned int i;
	int d, sender;
	char id[12], what[96];

	if (o->error[0])
		return;		/* main() says it on stderr */
	printf(DIVIDER "[ ID] Interval           Transfer     Bitrate\n");
	for (i = 0; i < o->nstreams; i++) {
		snprintf(id, sizeof(id), "%3u", i + 1);
		for (sender = 1; sender >= 0; sender--) {
			const struct perf_stream_result *r = side(o, i, sender);

			if (o->req.flags & F_RTT && sender)
				snprintf(what, sizeof(what),
					 "%" PRIu64 " round trips, rtt min/avg/max %.1f/%.1f/%.1f us",
					 r->msgs, (double)r->rtt_min_ns / 1e3,
					 r->msgs ? (double)r->rtt_sum_ns / (double)r->msgs / 1e3 : 0,
					 (double)r->rtt_max_ns / 1e3);
			else if (dgram(o) && !sender)
				snprintf(what, sizeof(what), "receiver  %" PRIu64 "/%" PRIu64 " lost",
					 side(o, i, 1)->msgs - r->msgs, side(o, i, 1)->msgs);
			else
				snprintf(what, sizeof(what), "%s",
					 sender ? "sender" : o->req.flags & F_RTT ? "echo" : "receiver");
			line(id, tag(o, i), 0, secs(r->ns), r->bytes, what);
		}
	}
	for (d = 0; d < 2 && o->nstreams > 1; d++) {
		for (sender = 1; sender >= 0; sender--) {
			struct sum s = sum(o, d, sender);

			if (s.n)
				line("SUM", o->req.flags & F_BIDIR ? d ? "[RX-C]" : "[TX-C]" : "", 0,
				     s.seconds, s.bytes, sender ? "sender" : "receiver");
		}
	}
	if (o->req.flags & F_RTT)
		printf("mean round trip %.1f us\n", perf_mean_rtt_us(o));
}

static void json_sum(struct json *j, const char *key, const struct perf_outcome *o,
		     const struct sum *s, int sender)
{
	json_open(j, key, '{');
	json_num(j, "start", 0);
	json_num(j, "end", s->seconds);
	json_num(j, "seconds", s->seconds);
	json_int(j, "bytes", (int64_t)s->bytes);
	json_num(j, "bits_per_second", rate(s->bytes, s->seconds));
	if (dgram(o)) {
		json_int(j, "packets", (int64_t)s->msgs);
		if (!sender) {
			json_int(j, "lost_packets", (int64_t)(s->sent_msgs - s->msgs));
			json_num(j, "lost_percent", s->sent_msgs ?
				 100.0 * (double)(s->sent_msgs - s->msgs) / (double)s->sent_msgs : 0);
		}
	}
	json_bool(j, "sender", sender);
	json_close(j, '}');
}

static void json_stream_side(struct json *j, const char *key, const struct perf_outcome *o,
			     unsigned int i, int sender)
{
	const struct perf_stream_result *r = side(o, i, sender);

	json_open(j, key, '{');
	json_int(j, "socket", i + 1);
	json_num(j, "start", 0);
	json_num(j, "end", secs(r->ns));
	json_num(j, "seconds", secs(r->ns));
	json_int(j, "bytes", (int64_t)r->bytes);
	json_num(j, "bits_per_second", rate(r->bytes, secs(r->ns)));
	if (dgram(o))
		json_int(j, "packets", (int64_t)r->msgs);
	if ((o->req.flags & F_RTT) && sender) {
		/* iperf3's TCP fields, in its unit (microseconds). */
		json_num(j, "max_rtt", (double)r->rtt_max_ns / 1e3);
		json_num(j, "min_rtt", (double)r->rtt_min_ns / 1e3);
		json_num(j, "mean_rtt", r->msgs ? (double)r->rtt_sum_ns / (double)r->msgs / 1e3 : 0);
	}
	json_bool(j, "sender", sender);
	json_close(j, '}');
}

static void json_cpu(struct json *j, const struct perf_ctl *c, const char *prefix)
{
	double wall = c->wall_us ? (double)c->wall_us : 1;
	char key[32];

	snprintf(key, sizeof(key), "%s_total", prefix);
	json_num(j, key, 100.0 * (double)(c->cpu_user_us + c->cpu_system_us) / wall);
	snprintf(key, sizeof(key), "%s_user", prefix);
	json_num(j, key, 100.0 * (double)c->cpu_user_us / wall);
	snprintf(key, sizeof(key), "%s_system", prefix);
	json_num(j, key, 100.0 * (double)c->cpu_system_us / wall);
}

static void json_start_section(struct json *j, const struct perf_outcome *o)
{
	struct utsname u;
	char buf[400], when[64];

	json_open(j, "start", '{');
	json_open(j, "connecting_to", '{');
	json_str(j, "host", o->host);
	json_int(j, "port", o->port);
	json_close(j, '}');
	json_str(j, "version", "v4v-perf " V4V_PERF_VERSION);
	uname(&u);
	snprintf(buf, sizeof(buf), "%s %s %s %s %s", u.sysname, u.nodename, u.release, u.version,
		 u.machine);
	json_str(j, "system_info", buf);
	json_open(j, "timestamp", '{');
	strftime(when, sizeof(when), "%a, %d %b %Y %H:%M:%S GMT", gmtime(&o->started));
	json_str(j, "time", when);
	json_int(j, "timesecs", (int64_t)o->started);
	json_close(j, '}');
	snprintf(buf, sizeof(buf), "%016" PRIx64, o->req.cookie);
	json_str(j, "cookie", buf);
	json_str(j, "transport", perf_transport_name(o->req.transport));
	json_open(j, "test_start", '{');
	snprintf(buf, sizeof(buf), "%s-%s", perf_transport_name(o->req.transport),
		 dgram(o) ? "dgram" : "stream");
	json_str(j, "protocol", buf);
	json_int(j, "num_streams", o->req.streams);
	json_int(j, "blksize", o->req.length);
	json_int(j, "omit", 0);
	json_int(j, "duration", o->req.duration_ms / 1000);
	json_int(j, "bytes", (int64_t)o->req.bytes);
	json_int(j, "blocks", 0);
	json_int(j, "reverse", !!(o->req.flags & F_REVERSE));
	json_int(j, "bidir", !!(o->req.flags & F_BIDIR));
	json_int(j, "rtt", !!(o->req.flags & F_RTT));
	json_int(j, "ring_size", o->req.ring);
	json_close(j, '}');
	json_close(j, '}');
}

static void json_intervals(struct json *j, const struct perf_outcome *o)
{
	unsigned int k, i;
	uint64_t total;

	json_open(j, "intervals", '[');
	for (k = 0; k < o->niv; k++) {
		const struct perf_interval *iv = &o->iv[k];
		double len = iv->end - iv->start;

		json_open(j, NULL, '{');
		json_open(j, "streams", '[');
		for (i = 0, total = 0; i < o->nstreams; i++) {
			total += iv->bytes[i];
			json_open(j, NULL, '{');
			json_int(j, "socket", i + 1);
			json_num(j, "start", iv->start);
			json_num(j, "end", iv->end);
			json_num(j, "seconds", len);
			json_int(j, "bytes", (int64_t)iv->bytes[i]);
			json_num(j, "bits_per_second", rate(iv->bytes[i], len));
			json_bool(j, "omitted", 0);
			json_bool(j, "sender", !!o->local[i].sender);
			json_close(j, '}');
		}
		json_close(j, ']');
		json_open(j, "sum", '{');
		json_num(j, "start", iv->start);
		json_num(j, "end", iv->end);
		json_num(j, "seconds", len);
		json_int(j, "bytes", (int64_t)total);
		json_num(j, "bits_per_second", rate(total, len));
		json_bool(j, "omitted", 0);
		json_close(j, '}');
		json_close(j, '}');
	}
	json_close(j, ']');
}

/* The members of one test's object: start, intervals, end (or error). */
void perf_report_json(struct json *j, const struct perf_outcome *o)
{
	unsigned int i;
	struct sum s;

	json_start_section(j, o);
	json_intervals(j, o);
	json_open(j, "end", '{');
	if (!o->error[0]) {
		json_open(j, "streams", '[');
		for (i = 0; i < o->nstreams; i++) {
			json_open(j, NULL, '{');
			json_stream_side(j, "sender", o, i, 1);
			json_stream_side(j, "receiver", o, i, 0);
			json_close(j, '}');
		}
		json_close(j, ']');
		s = sum(o, !!(o->req.flags & F_REVERSE), 1);
		json_sum(j, "sum_sent", o, &s, 1);
		s = sum(o, !!(o->req.flags & F_REVERSE), 0);
		json_sum(j, "sum_received", o, &s, 0);
		if (o->req.flags & F_BIDIR) {
			s = sum(o, 1, 1);
			json_sum(j, "sum_sent_bidir_reverse", o, &s, 1);
			s = sum(o, 1, 0);
			json_sum(j, "sum_received_bidir_reverse", o, &s, 0);
		}
		if (o->req.flags & F_RTT) {
			s = sum(o, 0, 1);
			json_open(j, "rtt", '{');
			json_int(j, "round_trips", (int64_t)s.msgs);
			json_num(j, "mean_us", perf_mean_rtt_us(o));
			json_num(j, "min_us", (double)s.rtt_min / 1e3);
			json_num(j, "max_us", (double)s.rtt_max / 1e3);
			json_close(j, '}');
		}
		json_open(j, "cpu_utilization_percent", '{');
		json_cpu(j, &o->local_cpu, "host");
		json_cpu(j, &o->remote_cpu, "remote");
		json_close(j, '}');
	}
	json_close(j, '}');
	if (o->error[0])
		json_str(j, "error", o->error);
}

void perf_report_free(struct perf_outcome *o)
{
	unsigned int k;

	for (k = 0; k < o->niv; k++)
		free(o->iv[k].bytes);
	free(o->iv);
	free(o->local);
	free(o->remote);
	free(o->seen);
	memset(o, 0, sizeof(*o));
}
