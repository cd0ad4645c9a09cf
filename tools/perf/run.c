// SPDX-License-Identifier: GPL-2.0
/*
 * v4v-perf: the data phase, run alike by client and server once the
 * streams are set up.  One thread per stream: a sender writes for the
 * test's time (or its share of the bytes), then ends its side; a receiver
 * reads to the end.  With F_RTT the client's threads ping and the server's
 * echo.  The control connection says when each side has sent everything
 * (datagram receivers drain then stop) and carries the results.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include "perf.h"

static uint64_t share_of_bytes(const struct perf_test *t, const struct perf_stream *s)
{
	uint64_t senders = t->req.streams, each = t->req.bytes / senders;

	/* The first stream of a direction carries the remainder. */
	return s->index % t->req.streams ? each : each + t->req.bytes % senders;
}

static void count(struct perf_stream *s, size_t n, uint64_t now)
{
	if (!s->t_first)
		s->t_first = now;
	s->t_last = now;
	atomic_fetch_add_explicit(&s->bytes, n, memory_order_relaxed);
	atomic_fetch_add_explicit(&s->msgs, 1, memory_order_relaxed);
}

static void send_loop(struct perf_stream *s, char *buf)
{
	struct perf_test *t = s->test;
	uint64_t left = t->req.bytes ? share_of_bytes(t, s) : UINT64_MAX;
	size_t n;

	s->t_first = perf_now_ns();
	while (left && !atomic_load(&t->stop)) {
		n = left < t->req.length ? (size_t)left : t->req.length;
		if (perf_chan_send(&s->ch, buf, n)) {
			s->error = errno;
			break;
		}
		count(s, n, perf_now_ns());
		if (t->req.bytes)
			left -= n;
	}
	perf_chan_finish(&s->ch);
}

/* One round trip: length bytes out, as many back (one datagram, or all). */
static int ping(struct perf_stream *s, char *buf, size_t len)
{
	size_t got = 0;
	ssize_t n;

	if (perf_chan_send(&s->ch, buf, len))
		return -1;
	while (got < len) {
		n = perf_chan_recv(&s->ch, buf + got, len - got, NULL);
		if (n <= 0) {
			if (n == 0)
				errno = EPIPE;
			return -1;
		}
		got += (size_t)n;
		if (s->ch.dgram)
			break;
	}
	return 0;
}

static void ping_loop(struct perf_stream *s, char *buf)
{
	struct perf_test *t = s->test;
	uint64_t t0, rtt, left = t->req.bytes ? share_of_bytes(t, s) : UINT64_MAX;

	s->rtt_min = UINT64_MAX;
	while (left && !atomic_load(&t->stop)) {
		t0 = perf_now_ns();
		if (ping(s, buf, t->req.length)) {
			s->error = errno;
			break;
		}
		rtt = perf_now_ns() - t0;
		if (!s->t_first)
			s->t_first = t0;
		count(s, t->req.length, t0 + rtt);
		s->rtt_sum += rtt;
		if (rtt < s->rtt_min)
			s->rtt_min = rtt;
		if (rtt > s->rtt_max)
			s->rtt_max = rtt;
		if (t->req.bytes)
			left = left > t->req.length ? left - t->req.length : 0;
	}
	if (s->rtt_min == UINT64_MAX)
		s->rtt_min = 0;
	perf_chan_finish(&s->ch);
}

/* Reads to the end; with F_RTT sends each piece back. */
static void receive_loop(struct perf_stream *s, char *buf, size_t size)
{
	struct perf_test *t = s->test;
	int echo = t->req.flags & F_RTT;
	ssize_t n;

	while ((n = perf_chan_recv(&s->ch, buf, size, &t->drain)) > 0) {
		if (echo && perf_chan_send(&s->ch, buf, (size_t)n)) {
			s->error = errno;
			return;
		}
		count(s, (size_t)n, perf_now_ns());
	}
	if (n < 0)
		s->error = errno;
	if (echo)
		perf_chan_finish(&s->ch);
}

/*
 * The server's datagram socket is shared by its streams: one thread reads
 * it, tells the streams apart by sender address, and echoes with F_RTT.
 */
static void shared_receive_loop(struct perf_test *t, char *buf, size_t size)
{
	struct pollfd p = { .fd = t->dgram_fd, .events = POLLIN };
	struct sockaddr_storage from;
	struct perf_stream *s;
	socklen_t fromlen;
	unsigned int i;
	ssize_t n;
	int last;

	for (;;) {
		last = atomic_load(&t->drain);
		if (poll(&p, 1, last ? 0 : 100) <= 0) {
			if (last)
				return;
			continue;
		}
		fromlen = sizeof(from);
		n = recvfrom(t->dgram_fd, buf, size, 0, (struct sockaddr *)&from, &fromlen);
		if (n < 0)
			continue;
		for (i = 0, s = NULL; i < t->nstreams && !s; i++)
			if (t->s[i].ch.tolen == fromlen && !memcmp(&t->s[i].ch.to, &from, fromlen))
				s = &t->s[i];
		if (!s || s->sender)
			continue;	/* not one of this test's streams: ignored */
		if ((t->req.flags & F_RTT) && perf_chan_send(&s->ch, buf, (size_t)n))
			s->error = errno;
		count(s, (size_t)n, perf_now_ns());
	}
}

static uint64_t us(const struct timeval *tv)
{
	return (uint64_t)tv->tv_sec * 1000000u + (uint64_t)tv->tv_usec;
}

/*
 * A thread's buffer: a whole write to send, a whole datagram or echo to
 * receive; a byte stream is read in pieces of at most 1 MiB, so that the
 * memory a test costs (the server's, chosen by the client) stays bounded:
 * 64 streams of 1 MiB, or what bad_request() lets --rtt ask for.
 */
static size_t buffer_size(const struct perf_test *t, const struct perf_stream *s)
{
	size_t len = t->req.length;

	if (s && !s->sender && !(t->req.flags & (F_DGRAM | F_RTT)) && len > (1u << 20))
		len = 1u << 20;
	return len > 65536 ? len : 65536;
}

struct worker {
	struct perf_test *t;
	struct perf_stream *s;		/* NULL: the shared datagram reader */
	atomic_int *running;
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct perf_test *t = w->t;
	size_t size = buffer_size(t, w->s);
	char *buf = calloc(1, size);

	if (!buf) {
		if (w->s)
			w->s->error = ENOMEM;
	} else if (!w->s) {
		shared_receive_loop(t, buf, size);
	} else if (w->s->sender) {
		if (t->req.flags & F_RTT)
			ping_loop(w->s, buf);
		else
			send_loop(w->s, buf);
	} else {
		/* An echo answers with what it read: read no more than was sent. */
		receive_loop(w->s, buf, t->req.flags & F_RTT ? t->req.length : size);
	}
	free(buf);
	if (w->s)
		w->s->done = 1;
	atomic_fetch_sub(w->running, 1);
	return NULL;
}

/* This process's CPU time during the test, and the test's wall time. */
void perf_cpu(const struct perf_test *t, struct perf_ctl *c)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	c->cpu_user_us = us(&ru.ru_utime) - us(&t->ru_start.ru_utime);
	c->cpu_system_us = us(&ru.ru_stime) - us(&t->ru_start.ru_stime);
	c->wall_us = (perf_now_ns() - t->t_start) / 1000u;
}

int perf_send_ctl(int fd, uint32_t type, const struct perf_test *t)
{
	struct perf_ctl c = { .type = type };
	struct perf_stream_result *res = NULL;
	int ret;

	if (type == CTL_RESULTS) {
		res = calloc(t->nstreams, sizeof(*res));
		if (!res)
			return -1;
		perf_results(t, res);
		c.count = t->nstreams;
		perf_cpu(t, &c);
	}
	ret = perf_write_full(fd, &c, sizeof(c));
	if (!ret && res)
		ret = perf_write_full(fd, res, c.count * sizeof(*res));
	free(res);
	return ret;
}

/* The next control message, which must be of type want; its results in res. */
int perf_recv_ctl(int fd, uint32_t want, struct perf_ctl *c, struct perf_stream_result *res,
		  unsigned int max)
{
	if (perf_read_full(fd, c, sizeof(*c)))
		return -1;
	if (c->type != want || (want == CTL_RESULTS && c->count != max) ||
	    (want != CTL_RESULTS && c->count)) {
		errno = c->type == CTL_ABORT ? ECONNABORTED : EPROTO;
		return -1;
	}
	return c->count ? perf_read_full(fd, res, c->count * sizeof(*res)) : 0;
}

void perf_results(const struct perf_test *t, struct perf_stream_result *res)
{
	const struct perf_stream *s;
	unsigned int i;

	for (i = 0; i < t->nstreams; i++) {
		s = &t->s[i];
		res[i] = (struct perf_stream_result){
			.bytes = atomic_load(&s->bytes), .msgs = atomic_load(&s->msgs),
			.ns = s->t_last > s->t_first ? s->t_last - s->t_first : 0,
			.rtt_sum_ns = s->rtt_sum, .rtt_min_ns = s->rtt_min,
			.rtt_max_ns = s->rtt_max, .index = s->index, .sender = (uint32_t)s->sender,
		};
	}
}

/*
 * Runs every stream to its end.  tick (may be NULL) is called about every
 * 50 ms for interval reports.  0, or -1 with errno: a stream failed, or
 * the control connection did.
 */
int perf_run(struct perf_test *t, void (*tick)(struct perf_test *t, void *arg), void *arg)
{
	unsigned int i, nw = 0, shared = !t->client && (t->req.flags & F_DGRAM);
	struct worker *w = calloc(t->nstreams + 1, sizeof(*w));
	atomic_int senders = 0, receivers = 0;
	uint64_t deadline = 0;
	int sent = 0, peer_sent = 0, err = 0;
	struct pollfd p = { .fd = t->ctl, .events = POLLIN };
	struct perf_ctl c;
	pthread_t th;

	if (!w)
		return -1;
	getrusage(RUSAGE_SELF, &t->ru_start);
	t->t_start = perf_now_ns();
	if (t->req.duration_ms)
		deadline = t->t_start + (uint64_t)t->req.duration_ms * 1000000u;
	for (i = 0; i < t->nstreams; i++) {
		struct perf_stream *s = &t->s[i];

		if (shared && !s->sender) {
			s->done = 1;	/* the shared reader counts for it */
			continue;
		}
		w[nw] = (struct worker){ t, s, s->sender ? &senders : &receivers };
		atomic_fetch_add(w[nw].running, 1);
		if (pthread_create(&s->thread, NULL, worker_main, &w[nw])) {
			atomic_fetch_sub(w[nw].running, 1);
			s->error = errno = EAGAIN;
			err = -1;
			atomic_store(&t->stop, 1);
			break;
		}
		nw++;
	}
	if (shared && !err) {
		w[nw] = (struct worker){ t, NULL, &receivers };
		atomic_fetch_add(&receivers, 1);
		if (pthread_create(&th, NULL, worker_main, &w[nw])) {
			atomic_fetch_sub(&receivers, 1);
			errno = EAGAIN;
			err = -1;
			atomic_store(&t->stop, 1);
		} else {
			nw++;
		}
	}

	while (!sent || !peer_sent || atomic_load(&receivers)) {
		if (tick)
			tick(t, arg);
		if (deadline && perf_now_ns() >= deadline)
			atomic_store(&t->stop, 1);
		if (!sent && !atomic_load(&senders)) {
			if (perf_send_ctl(t->ctl, CTL_SENT, t))
				break;
			sent = 1;
		}
		if (!peer_sent && poll(&p, 1, 50) > 0) {
			if (perf_recv_ctl(t->ctl, CTL_SENT, &c, NULL, 0))
				break;
			peer_sent = 1;
			atomic_store(&t->drain, 1);
		} else if (peer_sent) {
			struct timespec ms = { 0, 20000000 };

			nanosleep(&ms, NULL);
		}
	}
	if (!sent || !peer_sent || atomic_load(&receivers)) {
		/* The control connection failed: unblock every stream and stop. */
		err = -1;
		atomic_store(&t->stop, 1);
		atomic_store(&t->drain, 1);
		for (i = 0; i < t->nstreams; i++)
			if (t->s[i].ch.fd >= 0 && !t->s[i].done)
				shutdown(t->s[i].ch.fd, SHUT_RDWR);
	}
	for (i = 0; i < nw; i++) {
		if (w[i].s)
			pthread_join(w[i].s->thread, NULL);
		else
			pthread_join(th, NULL);
	}
	for (i = 0; i < t->nstreams && !err; i++)
		if (t->s[i].error) {
			errno = t->s[i].error;
			err = -1;
		}
	free(w);
	return err;
}
