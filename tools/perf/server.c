// SPDX-License-Identifier: GPL-2.0
/*
 * v4v-perf -s: one test at a time, each in a child process (so that a
 * client that vanishes mid-test costs nothing: the child's watchdog ends
 * it and takes every stream with it).  The control connection is a v4v
 * stream on the server's port; the data goes wherever the client asked:
 * a fresh v4v listener or datagram socket, an abstract AF_UNIX name, a TCP
 * port, or vchans at /local/domain/<self>/data/v4v-perf/<pid>/<stream>.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libv4v.h>

#include "../common/vchan_dl.h"
#include "perf.h"

#define SETUP_TIMEOUT_MS 10000

static struct sockaddr_v4v ctl_peer, ctl_self;

static int bad_request(const struct perf_request *r)
{
	if (r->magic != PERF_MAGIC || r->version != PERF_VERSION)
		return EPROTO;
	if (r->transport >= T_COUNT || !r->streams || r->streams > PERF_MAX_STREAMS ||
	    !r->length || r->length > PERF_MAX_LENGTH ||
	    (r->flags & ~(uint32_t)(F_DGRAM | F_REVERSE | F_BIDIR | F_RTT)) ||
	    (!r->duration_ms && !r->bytes) || r->duration_ms > 86400000u)
		return EINVAL;
	if ((r->flags & F_RTT) && (r->flags & (F_REVERSE | F_BIDIR)))
		return EINVAL;
	/* An echo holds a whole -l in memory per stream (run.c: buffer_size). */
	if ((r->flags & F_RTT) && (uint64_t)r->streams * r->length > PERF_MAX_ECHO_BYTES)
		return ENOMEM;
	if ((r->flags & F_DGRAM) && (r->transport == T_VCHAN || r->transport == T_TCP))
		return EPROTONOSUPPORT;	/* a vchan is a byte stream; no UDP baseline */
	return 0;
}

static void unix_name(struct sockaddr_un *a, socklen_t *len, const char *name)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	/* Abstract (leading NUL): nothing to clean up in the file system. */
	strncpy(a->sun_path + 1, name, sizeof(a->sun_path) - 2);
	*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(name));
}

/* The socket the data streams come to; its port or name in the reply. */
static int data_socket(const struct perf_test *t, struct perf_reply *rep)
{
	int type = t->req.flags & F_DGRAM ? SOCK_DGRAM : SOCK_STREAM, fd = -1;
	uint32_t partner = ctl_peer.sv4v_domain;
	struct sockaddr_v4v va;
	struct sockaddr_in in = { .sin_family = AF_INET };
	struct sockaddr_un un;
	socklen_t len;

	switch (t->req.transport) {
	case T_V4V:
		fd = v4v_socket(type | SOCK_CLOEXEC);
		/* Only the client's domain may send to it. */
		if (fd < 0 || perf_chan_ring(fd, T_V4V, t->req.ring) ||
		    setsockopt(fd, SOL_V4V, V4V_PARTNER, &partner, sizeof(partner)) ||
		    v4v_bind(fd, V4V_DOMID_ANY, V4V_PORT_ANY))
			break;
		len = sizeof(va);
		if (getsockname(fd, (struct sockaddr *)&va, &len))
			break;
		rep->port = va.sv4v_port;
		return fd;
	case T_UNIX:
		fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
		snprintf(rep->where, sizeof(rep->where), "v4v-perf.%d", (int)getpid());
		unix_name(&un, &len, rep->where);
		if (fd < 0 || perf_chan_ring(fd, T_UNIX, t->req.ring) ||
		    bind(fd, (struct sockaddr *)&un, len))
			break;
		return fd;
	case T_TCP:
		fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);
		len = sizeof(in);
		if (fd < 0 || perf_chan_ring(fd, T_TCP, t->req.ring) ||
		    bind(fd, (struct sockaddr *)&in, len) ||
		    getsockname(fd, (struct sockaddr *)&in, &len))
			break;
		rep->port = ntohs(in.sin_port);
		return fd;
	default:
		errno = EINVAL;
		return -1;
	}
	if (fd >= 0) {
		int e = errno;

		close(fd);
		errno = e;
	}
	return -1;
}

/* One vchan per stream, this side granting, the client's domain mapping. */
static int vchan_streams(struct perf_test *t, struct perf_reply *rep)
{
	/* By default as much as a v4v stream's window, and libxenvchan's most. */
	uint32_t ring = t->req.ring ? t->req.ring : V4V_STREAM_RCVBUF_DEFAULT;
	const struct vchan_api *api;
	const char *why;
	char path[64];
	unsigned int i;

	api = vchan_load(&why);
	if (!api)
		return -1;
	snprintf(rep->where, sizeof(rep->where), "/local/domain/%u/data/v4v-perf/%d",
		 ctl_self.sv4v_domain, (int)getpid());
	for (i = 0; i < t->nstreams; i++) {
		snprintf(path, sizeof(path), "%s/%u", rep->where, i);
		t->s[i].ch.vchan = api->server_init(NULL, ctl_peer.sv4v_domain, path, ring, ring);
		if (!t->s[i].ch.vchan) {
			errno = errno ? errno : EIO;
			return -1;
		}
		vchan_set_blocking(t->s[i].ch.vchan, 1);
	}
	return 0;
}

/* The hello that names a stream: this test's cookie, an unused index. */
static struct perf_stream *hello_stream(struct perf_test *t, const struct perf_hello *h)
{
	struct perf_stream *s;

	if (h->cookie != t->req.cookie || h->index >= t->nstreams || h->zero)
		return NULL;
	s = &t->s[h->index];
	return s->ch.fd >= 0 || s->ch.tolen ? NULL : s;
}

/* Accept the streams (connections), or read their hellos (datagrams). */
static int gather_streams(struct perf_test *t, int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	unsigned int have = 0;
	struct perf_stream *s;
	struct perf_hello h;
	int c;

	while (have < t->nstreams) {
		if (poll(&p, 1, SETUP_TIMEOUT_MS) <= 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		if (t->req.flags & F_DGRAM) {
			struct sockaddr_storage from;
			socklen_t len = sizeof(from);

			if (recvfrom(fd, &h, sizeof(h), 0, (struct sockaddr *)&from, &len) != sizeof(h))
				continue;
			s = hello_stream(t, &h);
			if (!s)
				continue;
			s->ch.to = from;
			s->ch.tolen = len;
			s->ch.fd = fd;
		} else {
			c = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
			if (c < 0)
				continue;
			setsockopt(c, SOL_SOCKET, SO_RCVTIMEO,
				   &(struct timeval){ SETUP_TIMEOUT_MS / 1000, 0 },
				   sizeof(struct timeval));
			s = perf_read_full(c, &h, sizeof(h)) ? NULL : hello_stream(t, &h);
			setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &(struct timeval){ 0, 0 },
				   sizeof(struct timeval));
			if (!s) {
				close(c);
				continue;
			}
			s->ch.fd = c;
		}
		have++;
	}
	return 0;
}

/*
 * Read the client's results, though the client reports them: closing with
 * them unread would reset the connection, and a reset may discard the
 * server's own results before the client reads them (as with TCP).
 */
static int take_results(const struct perf_test *t)
{
	struct perf_stream_result *res = calloc(t->nstreams, sizeof(*res));
	struct perf_ctl c;
	int ret;

	if (!res)
		return -1;
	ret = perf_recv_ctl(t->ctl, CTL_RESULTS, &c, res, t->nstreams);
	free(res);
	return ret;
}

static void summary(const struct perf_test *t)
{
	char amount[32], rate[32];
	unsigned int i;

	for (i = 0; i < t->nstreams; i++) {
		const struct perf_stream *s = &t->s[i];
		double secs = (double)(s->t_last - s->t_first) / 1e9;
		uint64_t b = atomic_load(&s->bytes);

		perf_fmt_bytes(amount, sizeof(amount), (double)b);
		perf_fmt_rate(rate, sizeof(rate), secs > 0 ? (double)b * 8 / secs : 0);
		printf("[%3u]   %6.2f sec  %10s  %14s  %s%s%s\n", i + 1, secs, amount, rate,
		       s->sender ? "sender" : t->req.flags & F_RTT ? "echo" : "receiver",
		       s->error ? ": " : "", s->error ? strerror(s->error) : "");
	}
}

/* The child's whole life: one test on the control connection ctl. */
static int serve_test(int ctl)
{
	struct perf_test t = { .client = 0, .ctl = ctl, .dgram_fd = -1 };
	struct perf_reply rep = { 0 };
	struct perf_ctl c;
	unsigned int i;
	int fd = -1, err;
	char from[V4V_ADDRSTRLEN];

	setsockopt(ctl, SOL_SOCKET, SO_RCVTIMEO, &(struct timeval){ SETUP_TIMEOUT_MS / 1000, 0 },
		   sizeof(struct timeval));
	if (perf_read_full(ctl, &t.req, sizeof(t.req)))
		return 2;
	v4v_addr_format(&ctl_peer, from, sizeof(from));
	err = bad_request(&t.req);
	t.nstreams = t.req.streams * (t.req.flags & F_BIDIR ? 2u : 1u);
	t.s = err ? NULL : calloc(t.nstreams, sizeof(*t.s));
	if (!err && !t.s)
		err = ENOMEM;
	for (i = 0; t.s && i < t.nstreams; i++) {
		t.s[i] = (struct perf_stream){ .test = &t, .index = i };
		t.s[i].ch = (struct perf_chan){ .transport = t.req.transport, .fd = -1,
						.dgram = !!(t.req.flags & F_DGRAM) };
		/* Client streams come first; the server sends on the rest. */
		t.s[i].sender = (t.req.flags & F_REVERSE) || i >= t.req.streams;
	}
	if (!err) {
		/* -n has no time limit of its own: a day is the bound then. */
		alarm(t.req.duration_ms ? t.req.duration_ms / 1000u + 60u : 86400u);
		if (t.req.transport == T_VCHAN)
			err = vchan_streams(&t, &rep) ? errno : 0;
		else
			err = (fd = data_socket(&t, &rep)) < 0 ? errno : 0;
	}
	if (!err && t.req.transport != T_VCHAN && !(t.req.flags & F_DGRAM) &&
	    listen(fd, (int)t.nstreams))
		err = errno;
	printf("Accepted test from %s: %s %s, %u stream%s\n", from,
	       perf_transport_name(t.req.transport), t.req.flags & F_DGRAM ? "dgram" : "stream",
	       t.nstreams, t.nstreams > 1 ? "s" : "");
	if (err)
		printf("  refused: %s\n", strerror(err));
	rep.status = err;
	if (perf_write_full(ctl, &rep, sizeof(rep)) || err)
		return 2;
	if (t.req.transport != T_VCHAN && gather_streams(&t, fd)) {
		printf("  streams did not arrive: %s\n", strerror(errno));
		return 2;
	}
	if (t.req.flags & F_DGRAM)
		t.dgram_fd = fd;
	else if (fd >= 0)
		close(fd);
	if (perf_recv_ctl(ctl, CTL_START, &c, NULL, 0))
		return 2;
	setsockopt(ctl, SOL_SOCKET, SO_RCVTIMEO, &(struct timeval){ 0, 0 }, sizeof(struct timeval));
	err = perf_run(&t, NULL, NULL);
	if (err)
		printf("  test failed: %s\n", strerror(errno));
	else
		err = perf_send_ctl(ctl, CTL_RESULTS, &t) || take_results(&t);
	summary(&t);
	for (i = 0; i < t.nstreams; i++)
		perf_chan_close(&t.s[i].ch);
	return err ? 2 : 0;
}

static volatile sig_atomic_t stopping;

static void on_signal(int sig)
{
	(void)sig;
	stopping = 1;
}

/* Serves until SIGINT/SIGTERM (or after one test with once). */
int perf_server(uint32_t port, int once)
{
	int l = v4v_socket(SOCK_STREAM | SOCK_CLOEXEC), ctl, status = 0;
	socklen_t len;
	pid_t child;

	if (l < 0 || v4v_bind(l, V4V_DOMID_ANY, port) || v4v_listen(l, 4)) {
		fprintf(stderr, "v4v-perf: server on port %u: %s\n", port, strerror(errno));
		return 2;
	}
	/* No SA_RESTART: accept must return to see stopping. */
	sigaction(SIGINT, &(struct sigaction){ .sa_handler = on_signal }, NULL);
	sigaction(SIGTERM, &(struct sigaction){ .sa_handler = on_signal }, NULL);
	printf("-----------------------------------------------------------\n"
	       "Server listening on v4v port %u\n"
	       "-----------------------------------------------------------\n", port);
	fflush(stdout);
	while (!stopping) {
		len = sizeof(ctl_peer);
		ctl = accept4(l, (struct sockaddr *)&ctl_peer, &len, SOCK_CLOEXEC);
		if (ctl < 0)
			continue;
		len = sizeof(ctl_self);
		getsockname(ctl, (struct sockaddr *)&ctl_self, &len);
		child = fork();
		if (child == 0) {
			close(l);
			signal(SIGINT, SIG_DFL);
			signal(SIGTERM, SIG_DFL);
			status = serve_test(ctl);
			fflush(stdout);
			_exit(status);
		}
		close(ctl);
		while (child > 0 && waitpid(child, &status, 0) < 0 && errno == EINTR)
			if (stopping)
				kill(child, SIGTERM);
		fflush(stdout);
		if (once)
			break;
	}
	close(l);
	return once && !(WIFEXITED(status) && WEXITSTATUS(status) == 0) ? 1 : 0;
}
