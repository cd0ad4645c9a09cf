// SPDX-License-Identifier: GPL-2.0
/*
 * The stream and seqpacket suite, against a stream server: dom0's from the
 * domU (real Argo between domains), this domain's own in dom0 and in UML.
 * V4VT_BULK_MB sets the bulk transfer size (default 1024).
 */
#define _GNU_SOURCE	/* POLLRDHUP, accept4 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>

#include "stream_util.h"
#include "v4v_test.h"

#define CHUNK (64 * 1024)

static uint8_t buf[CHUNK], want[CHUNK];

static uint16_t server_domain(void)
{
	return g_where == T_DOMU ? 0 : g_domid;
}

/* A connection to the server that asked for cmd. */
static int open_req(uint32_t cmd, uint32_t arg, uint64_t len, uint64_t seed)
{
	struct stream_req rq = { .cmd = cmd, .arg = arg, .len = len, .seed = seed };
	int fd = sk_stream(SOCK_STREAM);

	T_EQ(sk_connect(fd, server_domain(), STREAM_PORT), 0);
	T_EQ(write_full(fd, &rq, sizeof(rq)), sizeof(rq));
	return fd;
}

static uint64_t bulk_bytes(void)
{
	const char *mb = getenv("V4VT_BULK_MB");

	return (uint64_t)(mb ? strtoul(mb, NULL, 0) : 1024) << 20;
}

static void stream_bulk_to_server(void)
{
	uint64_t len = bulk_bytes(), sent = 0;
	struct stream_res res;
	struct pat_stream p;
	double t0 = now_s();
	int fd = open_req(S_SINK, 0, len, 0x1234);
	size_t n;

	pat_stream_init(&p, 0x1234);
	while (sent < len) {
		n = len - sent < CHUNK ? len - sent : CHUNK;
		pat_stream_fill(&p, buf, n);
		T_EQ(write_full(fd, buf, n), n);
		sent += n;
	}
	T_EQ(read_full(fd, &res, sizeof(res)), sizeof(res));
	t_info("%llu MiB in %.2f s, checked by the server",
	       (unsigned long long)(len >> 20), now_s() - t0);
	T_EQ(res.err, 0);
	T_EQ(res.bytes, len);
	T_ASSERT(res.ok, "first wrong byte at %llu", (unsigned long long)res.bad_at);
	close(fd);
}

static void stream_bulk_from_server(void)
{
	uint64_t len = bulk_bytes(), got = 0;
	struct pat_stream p;
	double t0 = now_s();
	int fd = open_req(S_SOURCE, 0, len, 0x5678);
	ssize_t r;
	size_t i;

	pat_stream_init(&p, 0x5678);
	while ((r = read(fd, buf, sizeof(buf))) > 0) {
		pat_stream_fill(&p, want, r);
		if (memcmp(buf, want, r)) {
			for (i = 0; buf[i] == want[i]; i++)
				;
			t_fail("byte %llu differs", (unsigned long long)(got + i));
		}
		got += r;
	}
	T_EQ(r, 0);		/* the server closed: end of file */
	T_EQ(got, len);
	t_info("%llu MiB in %.2f s, checked here", (unsigned long long)(len >> 20),
	       now_s() - t0);
	close(fd);
}

/* 100 connections open at once, each echoing its own message. */
static void stream_100_connections(void)
{
	enum { N = 100 };
	int fd[N], i;
	char msg[32], got[32];

	for (i = 0; i < N; i++)
		fd[i] = open_req(S_ECHO, 0, 0, 0);
	for (i = 0; i < N; i++) {
		snprintf(msg, sizeof(msg), "connection %03d", i);
		T_EQ(write_full(fd[i], msg, 14), 14);
	}
	for (i = 0; i < N; i++) {
		snprintf(msg, sizeof(msg), "connection %03d", i);
		T_EQ(read_full(fd[i], got, 14), 14);
		T_ASSERT(!memcmp(got, msg, 14), "connection %d got someone else's bytes", i);
	}
	for (i = 0; i < N; i++)
		close(fd[i]);
}

/* shutdown(SHUT_WR): the server reads EOF after our data, we still read. */
static void stream_half_close(void)
{
	int fd = open_req(S_ECHO, 0, 0, 0);
	char got[16];

	T_EQ(write_full(fd, "half-closed", 11), 11);
	T_EQ(shutdown(fd, SHUT_WR), 0);
	T_EQ(send(fd, "x", 1, MSG_NOSIGNAL), -1);
	T_EQ(errno, EPIPE);
	T_EQ(read_full(fd, got, sizeof(got)), 11);	/* echo, then EOF */
	T_ASSERT(!memcmp(got, "half-closed", 11), "echo differs");
	T_EQ(read(fd, got, sizeof(got)), 0);
	close(fd);
}

static void stream_peek(void)
{
	int fd = open_req(S_ECHO, 0, 0, 0);
	char got[16] = "";

	T_EQ(write_full(fd, "peekaboo", 8), 8);
	T_EQ(recv(fd, got, 4, MSG_PEEK | MSG_WAITALL), 4);
	T_ASSERT(!memcmp(got, "peek", 4), "peeked '%.4s'", got);
	T_EQ(recv(fd, got, 8, MSG_WAITALL), 8);
	T_ASSERT(!memcmp(got, "peekaboo", 8), "read '%.8s'", got);
	T_EQ(recv(fd, got, 8, MSG_DONTWAIT), -1);
	T_EQ(errno, EAGAIN);
	close(fd);
}

static void stream_nonblocking_connect(void)
{
	int fd = socket(v4v_af(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), err = -1;
	struct stream_req rq = { .cmd = S_ECHO };
	struct pollfd p = { .fd = fd, .events = POLLOUT };
	socklen_t len = sizeof(err);
	char got[2];
	int r;

	r = sk_connect(fd, server_domain(), STREAM_PORT);
	T_ASSERT(r == -EINPROGRESS || r == 0, "connect: %s", strerror(-r));
	T_EQ(poll(&p, 1, 10000), 1);
	T_ASSERT(p.revents & POLLOUT, "revents %#x", p.revents);
	T_EQ(getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len), 0);
	T_EQ(err, 0);
	T_EQ(write_full(fd, &rq, sizeof(rq)), sizeof(rq));
	T_EQ(write_full(fd, "ok", 2), 2);
	p.events = POLLIN;
	T_EQ(poll(&p, 1, 10000), 1);
	T_EQ(recv(fd, got, 2, MSG_WAITALL), 2);
	close(fd);

	/* Nothing listens there: refused, at once or through SO_ERROR. */
	fd = socket(v4v_af(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	r = sk_connect(fd, server_domain(), STREAM_PORT + 0x10);
	if (r == -EINPROGRESS) {
		p = (struct pollfd){ .fd = fd, .events = POLLOUT };
		T_EQ(poll(&p, 1, 10000), 1);
		T_EQ(getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len), 0);
		r = -err;
	}
	T_EQ(r, -ECONNREFUSED);
	close(fd);
}

/* Send on a non-blocking fd until it stays unwritable for a second. */
static long fill_until_blocked(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLOUT };
	long total = 0;
	ssize_t r;

	for (;;) {
		r = send(fd, buf, sizeof(buf), MSG_NOSIGNAL);
		if (r > 0) {
			total += r;
			continue;
		}
		T_EQ(errno, EAGAIN);
		if (poll(&p, 1, 1000) == 0)
			return total;
	}
}

/*
 * One connection whose server end reads nothing holds a full window; many
 * others, through the same listener ring, still get through meanwhile.
 */
static void stream_slow_reader_blocks_nobody(void)
{
	int slow = open_req(S_HOLD, 10000, 0, 0), fd, i;
	struct pollfd p = { .fd = slow, .events = POLLOUT };
	char got[8];

	fcntl(slow, F_SETFL, O_NONBLOCK);
	t_info("the slow connection took %ld bytes, then blocked", fill_until_blocked(slow));
	for (i = 0; i < 20; i++) {
		fd = open_req(S_ECHO, 0, 0, 0);
		T_EQ(write_full(fd, "fast", 4), 4);
		T_EQ(read_full(fd, got, 4), 4);
		close(fd);
	}
	/* Still held: the fast ones did not wait for it. */
	T_EQ(poll(&p, 1, 0), 0);
	T_EQ(send(slow, buf, sizeof(buf), MSG_NOSIGNAL), -1);
	T_EQ(errno, EAGAIN);
	close(slow);
}

/*
 * A read into memory that is not there: EFAULT, or the bytes before the
 * hole; either way nothing is lost and the next read goes on in order.
 * Once straight away (the reader takes the data from the ring itself) and
 * once after the data waited (it was queued meanwhile).
 */
static void bad_buffer_round(int fd, uint8_t *map, size_t page, useconds_t wait)
{
	const size_t total = 12000;
	size_t i, first, got = 0;
	ssize_t r;

	for (i = 0; i < total; i++)
		want[i] = (uint8_t)(i * 7 + wait);
	T_EQ(write_full(fd, want, total), total);
	usleep(wait);
	errno = 0;
	T_EQ(recv(fd, map + page, 100, 0), -1);
	T_EQ(errno, EFAULT);
	r = recv(fd, map + page - 100, 1000, 0);
	T_ASSERT(r == 100 || (r == -1 && errno == EFAULT), "read across the hole: %zd (%s)",
		 r, strerror(errno));
	if (r == 100) {
		T_ASSERT(!memcmp(map + page - 100, want, 100), "bytes before the hole differ");
		got = 100;
	}
	first = got;
	while (got < total) {
		r = recv(fd, buf + got, total - got, 0);
		T_ASSERT(r > 0, "read at %zu: %zd (%s)", got, r, strerror(errno));
		got += r;
	}
	T_ASSERT(!memcmp(buf + first, want + first, total - first), "bytes after the hole differ");
}

static void stream_bad_buffer_loses_nothing(void)
{
	const size_t page = (size_t)sysconf(_SC_PAGESIZE);
	int fd = open_req(S_ECHO, 0, 0, 0);
	uint8_t *map;

	map = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	T_ASSERT(map != MAP_FAILED, "mmap: %s", strerror(errno));
	T_EQ(mprotect(map + page, page, PROT_NONE), 0);
	bad_buffer_round(fd, map, page, 0);
	bad_buffer_round(fd, map, page, 200 * 1000);
	close(fd);
	munmap(map, 2 * page);
}

static void stream_poll_and_epoll(void)
{
	int fd = open_req(S_ECHO, 0, 0, 0), ep = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT | EPOLLRDHUP };
	struct pollfd p = { .fd = fd, .events = POLLIN | POLLOUT | POLLRDHUP };
	char got[8];

	T_EQ(poll(&p, 1, 0), 1);
	T_EQ(p.revents, POLLOUT);		/* nothing to read yet */
	T_EQ(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev), 0);
	T_EQ(write_full(fd, "poll", 4), 4);
	do
		T_EQ(epoll_wait(ep, &ev, 1, 10000), 1);
	while (!(ev.events & EPOLLIN));
	T_EQ(read_full(fd, got, 4), 4);
	/* Our FIN makes the server close: EOF and RDHUP, then HUP. */
	T_EQ(shutdown(fd, SHUT_WR), 0);
	do
		T_EQ(epoll_wait(ep, &ev, 1, 10000), 1);
	while (!(ev.events & EPOLLRDHUP));
	T_EQ(read(fd, got, sizeof(got)), 0);
	T_EQ(poll(&p, 1, 0), 1);
	T_ASSERT(p.revents & POLLHUP, "revents %#x", p.revents);
	T_ASSERT(p.revents & POLLIN, "revents %#x", p.revents);
	T_ASSERT(!(p.revents & POLLOUT), "revents %#x", p.revents);
	close(ep);
	close(fd);
}

static void stream_epipe_and_sigpipe(void)
{
	int fd = open_req(S_SOURCE, 0, 0, 1), st;
	char got[4];
	pid_t pid;

	/* The server sends nothing and closes: EOF, then writes fail. */
	T_EQ(read(fd, got, sizeof(got)), 0);
	while (send(fd, "x", 1, MSG_NOSIGNAL) > 0)
		usleep(10000);
	T_ASSERT(errno == EPIPE || errno == ECONNRESET, "send: %s", strerror(errno));
	T_EQ(send(fd, "x", 1, MSG_NOSIGNAL), -1);
	T_EQ(errno, EPIPE);
	pid = fork();
	if (!pid) {
		signal(SIGPIPE, SIG_DFL);
		(void)!write(fd, "x", 1);
		_exit(0);
	}
	T_EQ(waitpid(pid, &st, 0), pid);
	T_ASSERT(WIFSIGNALED(st) && WTERMSIG(st) == SIGPIPE, "status %#x", st);
	close(fd);
}

static void seqpacket_keeps_boundaries(void)
{
	/* No empty record: recv() returning 0 reads as end of file. */
	static const uint32_t sizes[] = { 1, 2, 7, 4096, 333, 60000, 16 };
	int fd = sk_stream(SOCK_SEQPACKET), flags;
	struct msghdr m = { 0 };
	struct iovec iov;
	unsigned int i;
	ssize_t r;

	T_EQ(sk_connect(fd, server_domain(), SEQ_PORT), 0);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		pat_fill(buf, i, sizes[i]);
		T_EQ(send(fd, buf, sizes[i], 0), sizes[i]);
	}
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		iov = (struct iovec){ .iov_base = want, .iov_len = i == 3 ? 100 : CHUNK };
		m = (struct msghdr){ .msg_iov = &iov, .msg_iovlen = 1 };
		r = recvmsg(fd, &m, 0);
		flags = m.msg_flags;
		T_EQ(r, i == 3 ? 100 : sizes[i]);
		T_ASSERT(flags & MSG_EOR, "record %u: flags %#x", i, flags);
		T_EQ(!!(flags & MSG_TRUNC), i == 3);
		T_EQ(pat_check(want, i, r), -1);
	}
	close(fd);
}

/* Write one raw message through the module's test hook. */
static void inject(uint16_t domain, uint32_t port, uint32_t src_port, uint32_t type,
		   const void *p, uint32_t len)
{
	struct {
		uint16_t domain, pad;
		uint32_t port, src_port, type;
		uint8_t payload[64];
	} m = { .domain = domain, .port = port, .src_port = src_port, .type = type };
	int fd = open("/sys/kernel/debug/v4v/inject", O_WRONLY | O_CLOEXEC);
	size_t n = 16 + len;

	T_ASSERT(fd >= 0, "inject: %s", strerror(errno));
	memcpy(m.payload, p, len);
	T_EQ(write(fd, &m, n), n);
	close(fd);
}

/*
 * A hostile peer domain: malformed messages at the listener, and messages
 * that claim to belong to a live connection (right port, wrong conid; wrong
 * port).  Nothing crashes, and the connection carries on byte-exact.
 */
static void stream_malformed_and_spoofed(void)
{
	int fd = open_req(S_ECHO, 0, 0, 0), i;
	uint32_t me = sk_port(fd), conid = 0x12345678;
	struct { uint32_t flags, conid, fwd, alloc; char data[8]; } m = { 0, 0, 0, 0, "spoofed" };
	char got[16];

	inject(server_domain(), STREAM_PORT, me, 0x3574526d, &m, 4);	/* short */
	m.flags = 0x8000;						/* unknown */
	inject(server_domain(), STREAM_PORT, me, 0x3574526d, &m, sizeof(m));
	m.flags = 0;
	inject(server_domain(), STREAM_PORT, me, 0x6447724d, &m, sizeof(m)); /* dgram */
	for (i = 0; i < 16; i++) {
		m.conid = conid + i;					/* not ours */
		inject(server_domain(), STREAM_PORT, me, 0x3574526d, &m, sizeof(m));
		m.flags = 4;						/* RST */
		inject(server_domain(), STREAM_PORT, me + 1, 0x3574526d, &m, 8);
		m.flags = 0;
	}
	T_EQ(write_full(fd, "still fine", 10), 10);
	T_EQ(read_full(fd, got, 10), 10);
	T_ASSERT(!memcmp(got, "still fine", 10), "echo differs");
	close(fd);
}

/* A listener of this domain's own on port; exits the test if it cannot. */
static int listen_here(uint32_t port)
{
	int fd = sk_stream(SOCK_STREAM);

	T_EQ(sk_bind(fd, V4V_DOMID_ANY, port), 0);
	T_EQ(listen(fd, 4), 0);
	return fd;
}

/* A connection from here to here, both ends: *c connects, *a accepted. */
static void pair_here(int l, uint32_t port, int *c, int *a)
{
	*c = sk_stream(SOCK_STREAM);
	T_EQ(sk_connect(*c, g_domid, port), 0);
	*a = accept(l, NULL, NULL);
	T_ASSERT(*a >= 0, "accept: %s", strerror(errno));
}

/*
 * A server that closes its listener and starts again binds its port at
 * once (no EADDRINUSE while its old connection lives), and the old
 * connection goes on beside the new one.
 */
static void stream_restarted_server_keeps_its_port(void)
{
	const uint32_t port = 0x5110;
	int l = listen_here(port), c, a, c2, a2;
	char got[4];

	pair_here(l, port, &c, &a);
	close(l);
	l = listen_here(port);
	pair_here(l, port, &c2, &a2);
	T_EQ(write_full(c, "old", 3), 3);
	T_EQ(write_full(c2, "new", 3), 3);
	T_EQ(read_full(a2, got, 3), 3);
	T_ASSERT(!memcmp(got, "new", 3), "the new connection read %.3s", got);
	T_EQ(read_full(a, got, 3), 3);
	T_ASSERT(!memcmp(got, "old", 3), "the old connection read %.3s", got);
	close(a);
	T_EQ(read(c, got, sizeof(got)), 0);	/* end of file */
	close(c);
	close(a2);
	close(c2);
	close(l);
}

const struct t_case t_stream_cases[] = {
	{ "stream_bulk_to_server", T_ANY, 600, stream_bulk_to_server },
	{ "stream_bulk_from_server", T_ANY, 600, stream_bulk_from_server },
	{ "stream_100_connections", T_ANY, 120, stream_100_connections },
	{ "stream_half_close", T_ANY, 0, stream_half_close },
	{ "stream_peek", T_ANY, 0, stream_peek },
	{ "stream_bad_buffer_loses_nothing", T_ANY, 0, stream_bad_buffer_loses_nothing },
	{ "stream_nonblocking_connect", T_ANY, 0, stream_nonblocking_connect },
	{ "stream_slow_reader_blocks_nobody", T_ANY, 120, stream_slow_reader_blocks_nobody },
	{ "stream_poll_and_epoll", T_ANY, 0, stream_poll_and_epoll },
	{ "stream_epipe_and_sigpipe", T_ANY, 0, stream_epipe_and_sigpipe },
	{ "seqpacket_keeps_boundaries", T_ANY, 0, seqpacket_keeps_boundaries },
	{ "stream_malformed_and_spoofed", T_ANY, 0, stream_malformed_and_spoofed },
	{ "stream_restarted_server_keeps_its_port", T_ANY, 0,
	  stream_restarted_server_keeps_its_port },
	{ "stream_peer_fuzz", T_ANY, 300, stream_peer_fuzz },
};
const size_t t_stream_count = sizeof(t_stream_cases) / sizeof(t_stream_cases[0]);
