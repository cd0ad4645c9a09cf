// SPDX-License-Identifier: GPL-2.0
/*
 * v4v-test stream-server: the far end of the stream suite.  It listens on
 * STREAM_PORT (stream) and SEQ_PORT (seqpacket) and serves each accepted
 * connection in a child process according to the struct stream_req the
 * client sends first.  In dom0 the domU's suite uses it; in dom0 alone and
 * in UML the local suite does.  The victim commands write their outcome to
 * /tmp/victim-tx and /tmp/victim-rx for the VM tier's peer-death test.
 */
#define _GNU_SOURCE	/* POLLRDHUP, accept4 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "stream_util.h"
#include "v4v_test.h"

#define CHUNK (64 * 1024)

static uint8_t buf[CHUNK], want[CHUNK];

void pat_stream_init(struct pat_stream *p, uint64_t seed)
{
	p->s = seed | 1;
	p->left = 0;
}

static uint64_t pat_word(struct pat_stream *p)
{
	p->s ^= p->s >> 12;
	p->s ^= p->s << 25;
	p->s ^= p->s >> 27;
	return p->s * 2685821657736338717ull;
}

/* Little-endian words of xorshift64*, cut anywhere: fast in whole words. */
void pat_stream_fill(struct pat_stream *p, void *out, size_t n)
{
	uint8_t *o = out;
	uint64_t w;

	while (n && p->left) {
		*o++ = (uint8_t)(p->word >> (8 * (8 - p->left)));
		p->left--;
		n--;
	}
	for (; n >= 8; n -= 8, o += 8) {
		w = pat_word(p);
		memcpy(o, &w, 8);
	}
	if (n) {
		p->word = pat_word(p);
		p->left = 8;
		pat_stream_fill(p, o, n);
	}
}

int sk_stream(int type)
{
	int fd = socket(v4v_af(), type | SOCK_CLOEXEC, 0);

	if (fd < 0)
		t_fail("socket(AF_V4V, %d): %s", type, strerror(errno));
	return fd;
}

long read_full(int fd, void *b, size_t n)
{
	size_t got = 0;
	ssize_t r;

	while (got < n) {
		r = read(fd, (uint8_t *)b + got, n - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (!r)
			break;
		got += r;
	}
	return got;
}

long write_full(int fd, const void *b, size_t n)
{
	size_t done = 0;
	ssize_t r;

	while (done < n) {
		r = send(fd, (const uint8_t *)b + done, n - done, MSG_NOSIGNAL);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		done += r;
	}
	return done;
}

double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void sink(int fd, const struct stream_req *rq)
{
	struct stream_res res = { .ok = 1 };
	struct pat_stream p;
	ssize_t r;
	size_t i;

	pat_stream_init(&p, rq->seed);
	while (res.bytes < rq->len) {
		r = read(fd, buf, rq->len - res.bytes < CHUNK ? rq->len - res.bytes : CHUNK);
		if (r <= 0) {
			res.ok = 0;
			res.err = r < 0 ? errno : 0;
			break;
		}
		pat_stream_fill(&p, want, r);
		if (res.ok && memcmp(buf, want, r)) {
			for (i = 0; buf[i] == want[i]; i++)
				;
			res.ok = 0;
			res.bad_at = res.bytes + i;
		}
		res.bytes += r;
	}
	write_full(fd, &res, sizeof(res));
}

static void source(int fd, const struct stream_req *rq)
{
	struct pat_stream p;
	uint64_t sent = 0;
	size_t n;

	pat_stream_init(&p, rq->seed);
	while (sent < rq->len) {
		n = rq->len - sent < CHUNK ? rq->len - sent : CHUNK;
		pat_stream_fill(&p, buf, n);
		if (write_full(fd, buf, n) != (long)n)
			return;
		sent += n;
	}
}

static void echo(int fd, int type)
{
	ssize_t r;

	while ((r = recv(fd, buf, sizeof(buf), 0)) > 0)
		if (type == SOCK_SEQPACKET ? send(fd, buf, r, MSG_NOSIGNAL) != r :
		    write_full(fd, buf, r) != r)
			return;
}

/* Write "<errno> <seconds>" when the call failed, for the VM tier. */
static void victim(int fd, const char *path, int tx)
{
	char line[64];
	int n, out;
	ssize_t r;

	memset(buf, 0x5a, sizeof(buf));
	snprintf(line, sizeof(line), "%s.ready", path);
	out = open(line, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (out >= 0)
		close(out);
	do
		r = tx ? send(fd, buf, sizeof(buf), MSG_NOSIGNAL) : recv(fd, buf, sizeof(buf), 0);
	while (r > 0 || (r < 0 && errno == EINTR));
	n = snprintf(line, sizeof(line), "%d %.3f\n", r < 0 ? errno : 0, now_s());
	out = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (out >= 0) {
		if (write(out, line, n) != n)
			perror(path);
		close(out);
	}
}

static void serve(int fd, int type)
{
	struct stream_req rq;

	if (type == SOCK_SEQPACKET) {
		echo(fd, type);
		return;
	}
	if (read_full(fd, &rq, sizeof(rq)) != sizeof(rq))
		return;
	switch (rq.cmd) {
	case S_SINK:
		sink(fd, &rq);
		break;
	case S_SOURCE:
		source(fd, &rq);
		break;
	case S_ECHO:
		echo(fd, type);
		break;
	case S_HOLD:
		usleep(rq.arg * 1000u);
		while (read(fd, buf, sizeof(buf)) > 0)
			;
		break;
	case S_VICTIM_TX:
		victim(fd, "/tmp/victim-tx", 1);
		break;
	case S_VICTIM_RX:
		victim(fd, "/tmp/victim-rx", 0);
		break;
	case S_QUIT:
		/* The server and every connection it still serves. */
		kill(-getpgrp(), SIGTERM);
		break;
	}
}

static int listen_on(int type, uint32_t port)
{
	int fd = socket(v4v_af(), type | SOCK_CLOEXEC, 0);

	if (fd < 0 || sk_bind(fd, V4V_DOMID_ANY, port) || listen(fd, 128)) {
		fprintf(stderr, "stream-server: port %#x: %s\n", port, strerror(errno));
		exit(1);
	}
	return fd;
}

/* v4v-test stream-server: serve until S_QUIT. */
int stream_server_main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = SIG_IGN, .sa_flags = SA_NOCLDWAIT };
	struct pollfd p[2];
	int i, c;

	(void)argc;
	(void)argv;
	setpgid(0, 0);		/* a group of its own, for S_QUIT */
	sigaction(SIGCHLD, &sa, NULL);
	p[0] = (struct pollfd){ .fd = listen_on(SOCK_STREAM, STREAM_PORT), .events = POLLIN };
	p[1] = (struct pollfd){ .fd = listen_on(SOCK_SEQPACKET, SEQ_PORT), .events = POLLIN };
	printf("# stream-server: listening on %#x and %#x\n", STREAM_PORT, SEQ_PORT);
	fflush(stdout);
	for (;;) {
		if (poll(p, 2, -1) < 0 && errno != EINTR)
			return 1;
		for (i = 0; i < 2; i++) {
			if (!(p[i].revents & POLLIN))
				continue;
			c = accept4(p[i].fd, NULL, NULL, SOCK_CLOEXEC);
			if (c < 0)
				continue;
			if (!fork()) {
				close(p[0].fd);
				close(p[1].fd);
				serve(c, i ? SOCK_SEQPACKET : SOCK_STREAM);
				_exit(0);
			}
			close(c);
		}
	}
}

static int self_domid(void)
{
	int fd = socket(v4v_af(), SOCK_DGRAM | SOCK_CLOEXEC, 0), id;

	if (fd < 0)
		return -1;
	id = sk_domid(fd);
	close(fd);
	return id;
}

static int request(uint16_t domain, uint32_t cmd, uint32_t arg)
{
	struct stream_req rq = { .cmd = cmd, .arg = arg };
	int fd = socket(v4v_af(), SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || sk_connect(fd, domain, STREAM_PORT) ||
	    write_full(fd, &rq, sizeof(rq)) != sizeof(rq)) {
		perror("stream request");
		return -1;
	}
	return fd;
}

/* v4v-test stream-quit: stop this domain's stream server. */
int stream_server_quit(void)
{
	int id = self_domid(), fd = id < 0 ? -1 : request(id, S_QUIT, 0);

	if (fd < 0)
		return 1;
	close(fd);
	return 0;
}

/*
 * v4v-test victim (domU): two connections to dom0's server that will never
 * be served again, then wait to be destroyed.
 */
int stream_victim(void)
{
	int tx = request(0, S_VICTIM_TX, 0), rx = request(0, S_VICTIM_RX, 0);

	if (tx < 0 || rx < 0)
		return 1;
	printf("# victim: connected, waiting to be destroyed\n");
	fflush(stdout);
	for (;;)
		pause();
}
