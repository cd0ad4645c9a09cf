// SPDX-License-Identifier: GPL-2.0
/*
 * v4v-perf -c: one test against a server.  Connects the control stream,
 * asks for the test, opens the data streams where the server said, runs
 * them (run.c) and gathers both sides' results into a perf_outcome.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include <unistd.h>

#include <libv4v.h>

#include "../common/vchan_dl.h"
#include "client.h"
#include "perf.h"

static void fail(struct perf_outcome *o, const char *fmt, ...)
{
	va_list ap;

	if (o->error[0])
		return;
	va_start(ap, fmt);
	vsnprintf(o->error, sizeof(o->error), fmt, ap);
	va_end(ap);
}

static uint64_t random_cookie(void)
{
	uint64_t c = 0;
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);

	if (fd < 0 || read(fd, &c, sizeof(c)) != sizeof(c))
		c = perf_now_ns() ^ ((uint64_t)getpid() << 32);
	if (fd >= 0)
		close(fd);
	return c;
}

/* A socket connected to where the server put stream i's other end. */
static int dial(const struct perf_client *opt, const struct perf_reply *rep, int dgram)
{
	int type = (dgram ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC, fd = -1, ok = 0;
	struct sockaddr_in in = { .sin_family = AF_INET, .sin_port = htons((uint16_t)rep->port) };
	struct sockaddr_un un = { .sun_family = AF_UNIX };
	socklen_t len;

	switch (opt->transport) {
	case T_V4V:
		fd = v4v_socket(type);
		ok = fd >= 0 && !perf_chan_ring(fd, T_V4V, opt->ring) &&
		     !v4v_connect(fd, opt->server.sv4v_domain, rep->port);
		break;
	case T_UNIX:
		fd = socket(AF_UNIX, type, 0);
		strncpy(un.sun_path + 1, rep->where, sizeof(un.sun_path) - 2);
		len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 +
				  strnlen(rep->where, sizeof(rep->where)));
		/* A datagram socket needs a name for the server's replies: autobind. */
		ok = fd >= 0 && !perf_chan_ring(fd, T_UNIX, opt->ring) &&
		     !(dgram && bind(fd, (struct sockaddr *)&(struct sockaddr_un){ .sun_family = AF_UNIX },
				     sizeof(sa_family_t))) &&
		     !connect(fd, (struct sockaddr *)&un, len);
		break;
	case T_TCP:
		fd = socket(AF_INET, type, 0);
		ok = fd >= 0 && inet_pton(AF_INET, opt->tcp_host, &in.sin_addr) == 1 &&
		     !perf_chan_ring(fd, T_TCP, opt->ring) &&
		     !connect(fd, (struct sockaddr *)&in, sizeof(in));
		break;
	default:
		errno = EINVAL;
	}
	if (!ok && fd >= 0) {
		int e = errno;

		close(fd);
		errno = e;
		fd = -1;
	}
	return fd;
}

static int open_streams(const struct perf_client *opt, struct perf_test *t,
			const struct perf_reply *rep, struct perf_outcome *o)
{
	struct perf_hello h = { .cookie = t->req.cookie };
	const struct vchan_api *api = NULL;
	const char *why = NULL;
	char path[64];
	unsigned int i;

	if (opt->transport == T_VCHAN && !(api = vchan_load(&why))) {
		fail(o, "vchan: %s", why);
		return -1;
	}
	for (i = 0; i < t->nstreams; i++) {
		struct perf_chan *c = &t->s[i].ch;

		if (api) {
			snprintf(path, sizeof(path), "%.50s/%u", rep->where, i);
			c->vchan = api->client_init(NULL, opt->server.sv4v_domain, path);
			if (!c->vchan) {
				fail(o, "vchan %s: cannot map the server's rings: %s", path,
				     strerror(errno ? errno : EIO));
				return -1;
			}
			vchan_set_blocking(c->vchan, 1);
			continue;
		}
		c->fd = dial(opt, rep, c->dgram);
		h.index = i;
		if (c->fd < 0 || perf_write_full(c->fd, &h, sizeof(h))) {
			fail(o, "%s data stream %u: %s", perf_transport_name(opt->transport), i + 1,
			     strerror(errno));
			return -1;
		}
	}
	return 0;
}

static int setup(const struct perf_client *opt, struct perf_test *t, struct perf_outcome *o)
{
	struct sockaddr_v4v self;
	struct perf_reply rep;
	socklen_t len = sizeof(self);
	char to[V4V_ADDRSTRLEN];

	v4v_addr_format(&opt->server, to, sizeof(to));
	t->ctl = v4v_socket(SOCK_STREAM | SOCK_CLOEXEC);
	if (t->ctl < 0 || v4v_connect(t->ctl, opt->server.sv4v_domain, opt->server.sv4v_port)) {
		fail(o, "cannot reach a server at %s: %s", to, strerror(errno));
		return -1;
	}
	getsockname(t->ctl, (struct sockaddr *)&self, &len);
	if (opt->transport == T_UNIX && self.sv4v_domain != opt->server.sv4v_domain) {
		fail(o, "unix: AF_UNIX needs the server in this domain (%u), not in %u",
		     self.sv4v_domain, opt->server.sv4v_domain);
		return -1;
	}
	if (opt->transport == T_TCP && !opt->tcp_host) {
		fail(o, "tcp: the server's IPv4 address is needed (--tcp-host)");
		return -1;
	}
	setsockopt(t->ctl, SOL_SOCKET, SO_RCVTIMEO, &(struct timeval){ 30, 0 },
		   sizeof(struct timeval));
	if (perf_write_full(t->ctl, &t->req, sizeof(t->req)) ||
	    perf_read_full(t->ctl, &rep, sizeof(rep))) {
		fail(o, "server at %s did not answer: %s", to, strerror(errno));
		return -1;
	}
	if (rep.status) {
		fail(o, "server refused the %s test: %s", perf_transport_name(opt->transport),
		     strerror(rep.status));
		return -1;
	}
	rep.where[sizeof(rep.where) - 1] = 0;
	if (open_streams(opt, t, &rep, o))
		return -1;
	if (perf_send_ctl(t->ctl, CTL_START, t)) {
		fail(o, "server at %s: %s", to, strerror(errno));
		return -1;
	}
	setsockopt(t->ctl, SOL_SOCKET, SO_RCVTIMEO, &(struct timeval){ 0, 0 },
		   sizeof(struct timeval));
	return 0;
}

int perf_client_run(const struct perf_client *opt, struct perf_outcome *o)
{
	struct perf_test t = { .client = 1, .ctl = -1, .dgram_fd = -1 };
	unsigned int i;
	int ret = -1;

	memset(o, 0, sizeof(*o));
	t.req = (struct perf_request){
		.magic = PERF_MAGIC, .version = PERF_VERSION, .transport = (uint8_t)opt->transport,
		.streams = (uint8_t)opt->streams, .flags = opt->flags, .length = opt->length,
		.ring = opt->ring, .duration_ms = opt->bytes ? 0 : opt->duration_ms,
		.bytes = opt->bytes, .cookie = random_cookie(),
	};
	t.nstreams = opt->streams * (opt->flags & F_BIDIR ? 2u : 1u);
	o->req = t.req;
	snprintf(o->host, sizeof(o->host), "%s", opt->host);
	o->port = opt->server.sv4v_port;
	o->nstreams = t.nstreams;
	o->every = opt->interval;
	o->text = opt->text;
	o->started = time(NULL);
	t.s = calloc(t.nstreams, sizeof(*t.s));
	o->local = calloc(t.nstreams, sizeof(*o->local));
	o->remote = calloc(t.nstreams, sizeof(*o->remote));
	o->seen = calloc(t.nstreams, sizeof(*o->seen));
	if (!t.s || !o->local || !o->remote || !o->seen) {
		fail(o, "out of memory");
		goto out;
	}
	for (i = 0; i < t.nstreams; i++) {
		t.s[i] = (struct perf_stream){ .test = &t, .index = i };
		t.s[i].ch = (struct perf_chan){ .transport = opt->transport, .fd = -1,
						.dgram = !!(opt->flags & F_DGRAM) };
		t.s[i].sender = !(opt->flags & F_REVERSE) && i < opt->streams;
	}
	if (setup(opt, &t, o))
		goto out;
	if (perf_run(&t, perf_report_tick, o)) {
		fail(o, "%s test failed: %s", perf_transport_name(opt->transport), strerror(errno));
		goto out;
	}
	perf_report_finish(o, &t);
	if (perf_send_ctl(t.ctl, CTL_RESULTS, &t) ||
	    perf_recv_ctl(t.ctl, CTL_RESULTS, &o->remote_cpu, o->remote, t.nstreams)) {
		fail(o, "the server's results did not arrive: %s", strerror(errno));
		goto out;
	}
	perf_results(&t, o->local);
	perf_cpu(&t, &o->local_cpu);
	ret = 0;
out:
	for (i = 0; t.s && i < t.nstreams; i++)
		perf_chan_close(&t.s[i].ch);
	if (t.ctl >= 0)
		close(t.ctl);
	free(t.s);
	return ret;
}
