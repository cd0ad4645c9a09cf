// SPDX-License-Identifier: GPL-2.0
/*
 * v4v-randomd: dom0's entropy service ("Xen randomd").  Guests ask for
 * bytes over v4v datagrams (port RND_PORT) or over a vchan that this
 * daemon offers each guest at RND_VCHAN_DIR/<domid>; it answers from
 * getrandom().  Only dom0 serves: guests trust dom0 already, and their
 * clients accept answers from domain 0 alone.  Each guest domain has a
 * token bucket (--rate bytes/s, --burst bytes) shared by both transports;
 * a request over the bucket is refused with EAGAIN, never half served.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include <libv4v.h>

#include "../common/cli.h"
#include "../common/vchan_dl.h"
#include "proto.h"

#define MAX_GUESTS	512
#define SCAN_MS		2000	/* how often xenstore is read for new guests */
/*
 * Work per pass of the main loop, so that a guest that floods cannot keep
 * the daemon from the others and from the xenstore scan: v4v datagrams
 * read per pass, and requests of one guest answered per pass on each
 * transport.  A guest's v4v requests beyond its share are dropped unread
 * (they share one ring with everyone's); its vchan ones wait in its own.
 */
#define PASS_MAX	64
#define GUEST_PASS_MAX	4
#define WARN_EVERY_NS	10000000000ull

struct bucket {
	double tokens;
	uint64_t last_ns, warned_ns, flood_warned_ns;
	int used;
};

struct guest {
	unsigned int domid;
	struct libxenvchan *vc;
	int seen;			/* in the last xenstore scan */
	int more;			/* requests left for the next pass */
};

/* The v4v requests each domain had in this pass. */
struct pass {
	unsigned int n;
	struct {
		unsigned int dom, count;
	} seen[PASS_MAX];
};

static struct bucket buckets[65536];
static struct guest guests[MAX_GUESTS];
static unsigned int nguests;
static double rate = 64, burst = 1024;
static const struct vchan_api *api;
static void *xs;
static unsigned long served, refused, dropped;
/*
 * Say once in a while only that a domain misbehaves (it can do so as often
 * as it likes); *last is when this was last said of it.
 */
static int warn_now(uint64_t *last)
{
	uint64_t now = cli_now_ns();

	if (*last && now - *last < WARN_EVERY_NS)
		return 0;
	*last = now;
	return 1;
}

/* Whether domain dom may have n more bytes now; takes them if so. */
static int take(unsigned int dom, unsigned int n)
{
	struct bucket *b = &buckets[dom & 0xffff];
	uint64_t now = cli_now_ns();

	if (!b->used) {
		b->used = 1;
		b->tokens = burst;
	} else {
		b->tokens += rate * (double)(now - b->last_ns) / 1e9;
		if (b->tokens > burst)
			b->tokens = burst;
	}
	b->last_ns = now;
	if (b->tokens >= n) {
		b->tokens -= n;
		return 1;
	}
	if (warn_now(&b->warned_ns))
		fprintf(stderr, "v4v-randomd: domain %u is over its rate (%g bytes/s); refusing\n",
			dom, rate);
	return 0;
}

/* The answer to len bytes of request from domain dom; its size. */
static size_t answer(const void *req, size_t len, unsigned int dom, struct rnd_reply *rep)
{
	struct rnd_request rq;

	memset(rep, 0, RND_REPLY_HEADER);
	rep->magic = RND_MAGIC;
	memcpy(&rq, req, len < sizeof(rq) ? len : sizeof(rq));
	if (len != sizeof(rq) || rq.magic != RND_MAGIC || rq.version != RND_VERSION ||
	    !rq.bytes || rq.bytes > RND_MAX)
		rep->status = EINVAL;
	else if (!take(dom, rq.bytes))
		rep->status = EAGAIN;
	else if (getrandom(rep->data, rq.bytes, 0) != rq.bytes)
		rep->status = EIO;
	else
		rep->bytes = rq.bytes;
	if (rep->bytes)
		served += rep->bytes;
	else
		refused++;
	return RND_REPLY_HEADER + rep->bytes;
}

/* Whether dom may have one more request answered in pass p. */
static int pass_admit(struct pass *p, unsigned int dom)
{
	unsigned int i;

	for (i = 0; i < p->n && p->seen[i].dom != dom; i++)
		;
	if (i == p->n)
		p->seen[p->n++].dom = dom;	/* at most PASS_MAX domains a pass */
	return ++p->seen[i].count <= GUEST_PASS_MAX;
}

/* One pass over the v4v ring; 1 if requests may be left for the next. */
static int serve_v4v(int fd)
{
	struct pass p = { 0 };
	struct sockaddr_v4v from;
	struct rnd_reply rep;
	unsigned int k;
	char req[64];
	ssize_t n;
	size_t len;

	for (k = 0; k < PASS_MAX; k++) {
		n = v4v_recvfrom(fd, req, sizeof(req), MSG_DONTWAIT, &from);
		if (n < 0)
			return 0;
		if (!pass_admit(&p, from.sv4v_domain)) {
			dropped++;
			if (warn_now(&buckets[from.sv4v_domain & 0xffff].flood_warned_ns))
				fprintf(stderr, "v4v-randomd: domain %u floods (over %d requests a "
					"pass); dropping the rest\n", from.sv4v_domain, GUEST_PASS_MAX);
			continue;
		}
		len = answer(req, (size_t)n, from.sv4v_domain, &rep);
		/* A guest that cannot take the answer now loses it, not us our time. */
		v4v_sendto(fd, &rep, len, MSG_DONTWAIT, from.sv4v_domain, from.sv4v_port);
	}
	return 1;
}

static struct libxenvchan *offer(unsigned int domid)
{
	struct libxenvchan *vc;
	char path[64];

	snprintf(path, sizeof(path), RND_VCHAN_DIR "/%u", domid);
	vc = api->server_init(NULL, (int)domid, path, 64, 4096);
	if (!vc)
		fprintf(stderr, "v4v-randomd: cannot offer a vchan to domain %u: %s\n", domid,
			strerror(errno ? errno : EIO));
	else
		vchan_set_blocking(vc, 0);
	return vc;
}

/*
 * One pass over g's vchan (woken: its event came, and is taken now).
 * Returns 1 if requests are left for the next pass.
 */
static int serve_vchan(struct guest *g, int woken)
{
	struct rnd_request rq;
	struct rnd_reply rep;
	int k, bad = 0;
	size_t len;

	if (woken)
		api->wait(g->vc);
	for (k = 0; k < GUEST_PASS_MAX && !bad && api->is_open(g->vc) &&
	     api->data_ready(g->vc) >= (int)sizeof(rq); k++) {
		if (api->read(g->vc, &rq, sizeof(rq)) != sizeof(rq)) {
			bad = 1;
			break;
		}
		len = answer(&rq, sizeof(rq), g->domid, &rep);
		bad = rep.status == EINVAL || api->buffer_space(g->vc) < (int)len ||
		      api->write(g->vc, &rep, len) != (int)len;
	}
	if (bad || !api->is_open(g->vc)) {
		/* Closed by the guest, or garbage: a fresh vchan for its next visit. */
		api->close(g->vc);
		g->vc = offer(g->domid);
		return 0;
	}
	return api->data_ready(g->vc) >= (int)sizeof(rq);
}

/* Offer a vchan to every guest in xenstore; drop those that are gone. */
static void scan(void)
{
	unsigned int num = 0, i, k, domid;
	char **dirs, *end;

	dirs = api->xs_directory(xs, 0, "/local/domain", &num);
	for (k = 0; k < nguests; k++)
		guests[k].seen = 0;
	for (i = 0; dirs && i < num; i++) {
		domid = (unsigned int)strtoul(dirs[i], &end, 10);
		if (*end || !domid || domid >= 0x7ff0)
			continue;
		for (k = 0; k < nguests && guests[k].domid != domid; k++)
			;
		if (k == nguests && nguests < MAX_GUESTS)
			guests[nguests++] = (struct guest){ .domid = domid, .vc = offer(domid) };
		if (k < nguests)
			guests[k].seen = 1;
	}
	free(dirs);
	for (k = 0; k < nguests;) {
		if (guests[k].seen) {
			if (!guests[k].vc)
				guests[k].vc = offer(guests[k].domid);
			k++;
			continue;
		}
		if (guests[k].vc)
			api->close(guests[k].vc);
		guests[k] = guests[--nguests];
	}
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: v4v-randomd [--rate BYTES] [--burst BYTES] [--vchan] [--no-v4v] [-p PORT]\n\n"
		"Serve entropy from getrandom() to guest domains (dom0 only), over v4v\n"
		"datagrams and, with --vchan, over a libxenvchan per guest at\n"
		RND_VCHAN_DIR "/<domid>.\n\n"
		"  --rate BYTES   bytes per second each domain may have (default 64)\n"
		"  --burst BYTES  bytes a domain may have at once (default 1024)\n"
		"  --vchan        also serve over vchan (needs libxenvchan)\n"
		"  --no-v4v       not over v4v\n"
		"  -p PORT        the v4v port, below 1024 (default 0x%x)\n"
		"  -h, --help     this help\n\n"
		"Exit status: 0 after SIGTERM/SIGINT, 1 if it cannot serve, 2 for bad usage.\n",
		RND_PORT);
}

/* This domain's id: from v4v if loaded, else from xenstore; -1 if neither. */
static long own_domid(int fd)
{
	uint32_t id;
	char *s;
	long v = -1;

	if (fd >= 0 && !ioctl(fd, V4V_IOC_LOCAL_DOMID, &id))
		return id;
	if (xs && (s = api->xs_read(xs, 0, "domid", NULL))) {
		v = strtol(s, NULL, 10);
		free(s);
	}
	return v;
}

int main(int argc, char **argv)
{
	enum { O_RATE = 256, O_BURST, O_VCHAN, O_NO_V4V };
	static const struct option longopts[] = {
		{ "rate", required_argument, NULL, O_RATE },
		{ "burst", required_argument, NULL, O_BURST },
		{ "vchan", no_argument, NULL, O_VCHAN }, { "no-v4v", no_argument, NULL, O_NO_V4V },
		{ "port", required_argument, NULL, 'p' }, { "help", no_argument, NULL, 'h' }, { 0 }
	};
	struct pollfd p[MAX_GUESTS + 1];
	int use_vchan = 0, use_v4v = 1, fd = -1, c, v4v_more = 0, more, woken;
	uint32_t port = RND_PORT;
	uint64_t next_scan = 0;
	unsigned int n, k;
	const char *why;
	long self;

	while ((c = getopt_long(argc, argv, "p:h", longopts, NULL)) != -1) {
		switch (c) {
		case O_RATE: rate = cli_number("v4v-randomd", "--rate", optarg, 1, 1e9, 0); break;
		case O_BURST: burst = cli_number("v4v-randomd", "--burst", optarg, RND_MAX, 1e9, 0); break;
		case O_VCHAN: use_vchan = 1; break;
		case O_NO_V4V: use_v4v = 0; break;
		/* Clients credit only what a privileged port sends. */
		case 'p': port = (uint32_t)cli_number("v4v-randomd", "-p", optarg, 1,
						      V4V_PORT_PRIVILEGED - 1, 0); break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc || (!use_v4v && !use_vchan)) {
		usage(stderr);
		return 2;
	}
	if (use_vchan) {
		api = vchan_load(&why);
		xs = api ? api->xs_open(0) : NULL;
		if (!xs) {
			fprintf(stderr, "v4v-randomd: vchan: %s\n", api ? "cannot open xenstore" : why);
			return 1;
		}
	}
	if (use_v4v) {
		fd = v4v_socket(SOCK_DGRAM | SOCK_CLOEXEC);
		if (fd < 0 || v4v_bind(fd, V4V_DOMID_ANY, port)) {
			fprintf(stderr, "v4v-randomd: v4v port 0x%x: %s\n", port, strerror(errno));
			return 1;
		}
	}
	self = own_domid(fd);
	if (self != 0) {
		fprintf(stderr, "v4v-randomd: only dom0 serves entropy; this is domain %ld\n", self);
		return 1;
	}
	cli_catch_stop();
	fprintf(stderr, "v4v-randomd: serving%s%s; %g bytes/s, bursts of %g, per domain\n",
		use_v4v ? " on v4v" : "", use_vchan ? " on vchan" : "", rate, burst);
	while (!cli_stop) {
		if (use_vchan && cli_now_ns() >= next_scan) {
			scan();
			next_scan = cli_now_ns() + SCAN_MS * 1000000ull;
		}
		n = 0;
		if (fd >= 0)
			p[n++] = (struct pollfd){ .fd = fd, .events = POLLIN };
		for (k = 0; k < nguests; k++)
			p[n++] = (struct pollfd){ .events = POLLIN,
				.fd = guests[k].vc ? api->fd_for_select(guests[k].vc) : -1 };
		/* Work left from the last pass: look for news, but do not wait. */
		more = v4v_more;
		for (k = 0; k < nguests; k++)
			more |= guests[k].vc && guests[k].more;
		if (poll(p, n, more ? 0 : use_vchan ? SCAN_MS : -1) < 0)
			continue;
		if (fd >= 0 && (p[0].revents || v4v_more))
			v4v_more = serve_v4v(fd);
		for (k = 0; k < nguests; k++) {
			woken = p[k + (fd >= 0)].revents != 0;
			if (guests[k].vc && (woken || guests[k].more))
				guests[k].more = serve_vchan(&guests[k], woken);
		}
	}
	for (k = 0; k < nguests; k++)
		if (guests[k].vc)
			api->close(guests[k].vc);	/* removes its xenstore nodes */
	fprintf(stderr, "v4v-randomd: served %lu bytes, refused %lu requests, dropped %lu\n",
		served, refused, dropped);
	return 0;
}
