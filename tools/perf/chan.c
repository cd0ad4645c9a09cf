// SPDX-License-Identifier: GPL-2.0
/*
 * v4v-perf: moving bytes on one data stream, whatever its transport.
 * Sockets (v4v, AF_UNIX, TCP) are used as any program would; a vchan is
 * libxenvchan in blocking mode.  Datagram receivers poll so that they can
 * stop once the peer has said it sent everything.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libv4v.h>

#include "../common/vchan_dl.h"
#include "perf.h"

static const struct vchan_api *vchan(void)
{
	const char *why;

	return vchan_load(&why);
}

/* The whole buffer as one write stream's bytes or one datagram. */
int perf_chan_send(struct perf_chan *c, const void *buf, size_t len)
{
	ssize_t n;

	if (c->vchan) {
		if (vchan()->write(c->vchan, buf, len) == (int)len)
			return 0;
		errno = EPIPE;
		return -1;
	}
	if (!c->dgram)
		return perf_write_full(c->fd, buf, len);
	do {
		if (c->tolen)
			n = sendto(c->fd, buf, len, MSG_NOSIGNAL, (struct sockaddr *)&c->to, c->tolen);
		else
			n = send(c->fd, buf, len, MSG_NOSIGNAL);
	} while (n < 0 && errno == EINTR);
	if (n >= 0 && (size_t)n != len)
		errno = EMSGSIZE;
	return n == (ssize_t)len ? 0 : -1;
}

/*
 * Bytes read (a datagram, or what a stream had), 0 at the end, or -1 with
 * errno.  A datagram socket ends when *drain is set and nothing is queued.
 */
ssize_t perf_chan_recv(struct perf_chan *c, void *buf, size_t len, const atomic_int *drain)
{
	struct pollfd p = { .fd = c->fd, .events = POLLIN };
	ssize_t n;
	int r;

	if (c->vchan) {
		r = vchan()->read(c->vchan, buf, len);
		if (r > 0)
			return r;
		if (!vchan()->is_open(c->vchan))
			return 0;
		errno = EIO;
		return -1;
	}
	for (;;) {
		if (c->dgram) {
			int last = drain && atomic_load(drain);

			r = poll(&p, 1, last ? 0 : 100);
			if (r == 0 && last)
				return 0;
			if (r <= 0)
				continue;
		}
		n = recv(c->fd, buf, len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		return n;
	}
}

/* This side sends no more: the peer's reader sees the end. */
void perf_chan_finish(struct perf_chan *c)
{
	if (c->vchan) {
		/* A vchan cannot be half-closed; the reader drains, then sees it closed. */
		vchan()->close(c->vchan);
		c->vchan = NULL;
	} else if (!c->dgram) {
		shutdown(c->fd, SHUT_WR);
	}
}

void perf_chan_close(struct perf_chan *c)
{
	if (c->vchan)
		vchan()->close(c->vchan);
	c->vchan = NULL;
	if (c->fd >= 0 && !(c->dgram && c->tolen))	/* the server's dgram socket is shared */
		close(c->fd);
	c->fd = -1;
}

/* The receive ring (v4v) or buffer (the others) of a socket, before bind. */
int perf_chan_ring(int fd, enum perf_transport t, uint32_t ring)
{
	int v = (int)ring;

	if (!ring)
		return 0;
	if (t == T_V4V)
		return setsockopt(fd, SOL_V4V, V4V_RING_SIZE, &ring, sizeof(ring));
	return setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v));
}
