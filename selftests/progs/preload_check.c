// SPDX-License-Identifier: GPL-2.0
/*
 * preload-check: what the interposer promises beyond moving bytes,
 * checked by a plain IPv4 program (no v4v header) run under it:
 * descriptors above 1024, dup2/dup3, fork and exec, non-blocking connect
 * with SO_ERROR, epoll, shutdown, address translation both ways, and the
 * options that mean nothing on v4v.  Dynamically linked: LD_PRELOAD does
 * not reach static programs.
 *
 *   INET_IS_V4V=1 LD_PRELOAD=.../libv4v-preload.so preload-check run TAG
 *   preload-check list
 */
#define _GNU_SOURCE	/* dup3 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "tharness.h"

#define PORT	6100
#define HIGH_FD	1500

static const char *self_path;

static struct sockaddr_in ip4(const char *addr, uint16_t port)
{
	struct sockaddr_in s = { .sin_family = AF_INET, .sin_port = htons(port) };

	inet_pton(AF_INET, addr, &s.sin_addr);
	return s;
}

/* A listener on 0.0.0.0:port, moved to descriptor HIGH_FD. */
static int high_listener(uint16_t port)
{
	struct sockaddr_in a = ip4("0.0.0.0", port);
	struct rlimit r = { HIGH_FD + 200, HIGH_FD + 200 };
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	T_ASSERT(fd >= 0, "socket: %s", strerror(errno));
	T_EQ(setrlimit(RLIMIT_NOFILE, &r), 0);
	T_EQ(dup2(fd, HIGH_FD), HIGH_FD);
	close(fd);
	T_EQ(setsockopt(HIGH_FD, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)), 0);
	T_EQ(bind(HIGH_FD, (struct sockaddr *)&a, sizeof(a)), 0);
	T_EQ(listen(HIGH_FD, 4), 0);
	return HIGH_FD;
}

static uint16_t port_of(int fd, int peer)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);

	T_EQ((peer ? getpeername : getsockname)(fd, (struct sockaddr *)&a, &len), 0);
	T_EQ(len, sizeof(a));
	T_EQ(a.sin_family, AF_INET);
	return ntohs(a.sin_port);
}

/* Descriptors above FD_SETSIZE, dup3, and the names they give. */
static void high_fds_and_dup3(void)
{
	int l = high_listener(PORT), d, dom = 0;
	socklen_t len = sizeof(dom);

	T_EQ(port_of(l, 0), PORT);
	d = dup3(l, HIGH_FD + 100, O_CLOEXEC);
	T_EQ(d, HIGH_FD + 100);
	T_EQ(port_of(d, 0), PORT);
	T_EQ(getsockopt(d, SOL_SOCKET, SO_DOMAIN, &dom, &len), 0);
	T_EQ(dom, AF_INET);
	close(d);
	close(l);
}

/* Non-blocking connect: EINPROGRESS or done, POLLOUT, SO_ERROR 0; epoll
 * on a descriptor above 1024; names both ways; shutdown gives EOF. */
static void nonblocking_connect_epoll_shutdown(void)
{
	int l = high_listener(PORT + 1), c, a, ep, err = -1, one = 1, r;
	struct sockaddr_in to = ip4("127.0.0.1", PORT + 1), peer;
	struct epoll_event ev = { .events = EPOLLIN }, got;
	struct pollfd p;
	socklen_t len = sizeof(err);
	char buf[8];

	c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, IPPROTO_TCP);
	T_ASSERT(c >= 0, "socket: %s", strerror(errno));
	T_EQ(setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)), 0);
	r = connect(c, (struct sockaddr *)&to, sizeof(to));
	T_ASSERT(r == 0 || errno == EINPROGRESS, "connect: %s", strerror(errno));
	p = (struct pollfd){ .fd = c, .events = POLLOUT };
	T_EQ(poll(&p, 1, 5000), 1);
	T_EQ(getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &len), 0);
	T_EQ(err, 0);
	len = sizeof(peer);
	a = accept(l, (struct sockaddr *)&peer, &len);
	T_ASSERT(a >= 0, "accept: %s", strerror(errno));
	T_EQ(peer.sin_family, AF_INET);
	T_EQ(ntohs(peer.sin_port), port_of(c, 0));	/* a port IPv4 can name */
	T_ASSERT(ntohs(peer.sin_port) >= 49152, "client port %u", ntohs(peer.sin_port));
	T_EQ(ntohl(peer.sin_addr.s_addr) & 0xffff0000u, 0x01000000u);
	T_EQ(port_of(c, 1), PORT + 1);
	T_EQ(dup2(a, HIGH_FD + 1), HIGH_FD + 1);
	ep = epoll_create1(0);
	ev.data.fd = HIGH_FD + 1;
	T_EQ(epoll_ctl(ep, EPOLL_CTL_ADD, HIGH_FD + 1, &ev), 0);
	T_EQ(send(c, "hi", 2, 0), 2);
	T_EQ(epoll_wait(ep, &got, 1, 5000), 1);
	T_EQ(got.data.fd, HIGH_FD + 1);
	T_EQ(recv(HIGH_FD + 1, buf, sizeof(buf), 0), 2);
	T_EQ(shutdown(c, SHUT_WR), 0);
	T_EQ(recv(HIGH_FD + 1, buf, sizeof(buf), 0), 0);	/* end of file */
	close(ep);
	close(a);
	close(HIGH_FD + 1);
	close(c);
	close(l);
}

/* A connection handed to a child that execs: still v4v, still mapped. */
static void fork_and_exec_inherit(void)
{
	int l = high_listener(PORT + 2), c, status;
	struct sockaddr_in to = ip4("127.0.0.1", PORT + 2);
	char fdtext[16], buf[16] = "";
	pid_t pid;

	c = socket(AF_INET, SOCK_STREAM, 0);
	T_EQ(connect(c, (struct sockaddr *)&to, sizeof(to)), 0);
	pid = fork();
	if (pid == 0) {
		int a = accept(l, NULL, NULL);

		snprintf(fdtext, sizeof(fdtext), "%d", a);
		execl(self_path, self_path, "child", fdtext, (char *)NULL);
		_exit(127);
	}
	T_EQ(read(c, buf, 7), 7);
	T_ASSERT(!memcmp(buf, "ok 6102", 7), "child said '%s'", buf);
	T_EQ(waitpid(pid, &status, 0), pid);
	T_EQ(status, 0);
	close(c);
	close(l);
}

/* Datagrams: the sender's address comes back as one that can answer. */
static void udp_addresses_answerable(void)
{
	struct sockaddr_in srv = ip4("0.0.0.0", PORT + 3), to = ip4("127.0.0.1", PORT + 3), from;
	int s = socket(AF_INET, SOCK_DGRAM, 0), c = socket(AF_INET, SOCK_DGRAM, 0);
	socklen_t len = sizeof(from);
	char buf[8];

	T_EQ(bind(s, (struct sockaddr *)&srv, sizeof(srv)), 0);
	T_EQ(sendto(c, "ping", 4, 0, (struct sockaddr *)&to, sizeof(to)), 4);
	T_EQ(recvfrom(s, buf, sizeof(buf), 0, (struct sockaddr *)&from, &len), 4);
	T_EQ(len, sizeof(from));
	T_EQ(ntohs(from.sin_port), port_of(c, 0));
	T_EQ(sendto(s, "pong", 4, 0, (struct sockaddr *)&from, len), 4);
	T_EQ(recv(c, buf, sizeof(buf), 0), 4);
	T_ASSERT(!memcmp(buf, "pong", 4), "got '%.4s'", buf);
	/* An address that is no domain's is refused, clearly. */
	to = ip4("10.1.2.3", PORT + 3);
	errno = 0;
	T_EQ(sendto(c, "x", 1, 0, (struct sockaddr *)&to, sizeof(to)), -1);
	T_EQ(errno, EINVAL);
	close(s);
	close(c);
}

/*
 * A read that names no sender (a datagram socket shut for reading returns
 * 0 with no address) gives the program no address either: its buffer as it
 * was and a length of 0, through recvfrom and recvmsg alike.
 */
static void no_sender_no_address(void)
{
	struct sockaddr_in srv = ip4("0.0.0.0", PORT + 4), from;
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	socklen_t len = sizeof(from);
	struct msghdr m = { 0 };
	struct iovec iov;
	char buf[8];

	T_EQ(bind(s, (struct sockaddr *)&srv, sizeof(srv)), 0);
	T_EQ(shutdown(s, SHUT_RD), 0);
	memset(&from, 0xa5, sizeof(from));
	T_EQ(recvfrom(s, buf, sizeof(buf), 0, (struct sockaddr *)&from, &len), 0);
	T_EQ(len, 0);
	T_EQ(from.sin_family, 0xa5a5);
	iov.iov_base = buf;
	iov.iov_len = sizeof(buf);
	m.msg_name = &from;
	m.msg_namelen = sizeof(from);
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	T_EQ(recvmsg(s, &m, 0), 0);
	T_EQ(m.msg_namelen, 0);
	T_EQ(from.sin_family, 0xa5a5);
	close(s);
}

/* v4v's partner option, by number: this program includes no v4v header. */
#define SOL_V4V_NUMBER		0x5634
#define V4V_PARTNER_NUMBER	2
#define V4V_DOMID_ANY_NUMBER	0x7ff4u

static uint32_t partner_of(int fd)
{
	uint32_t partner = 0;
	socklen_t len = sizeof(partner);

	T_EQ(getsockopt(fd, SOL_V4V_NUMBER, V4V_PARTNER_NUMBER, &partner, &len), 0);
	return partner;
}

/*
 * A service bound to 127.0.0.1 is this domain's alone: its ring takes no
 * other domain's messages (one bound to 0.0.0.0 takes any domain's), and
 * this domain still reaches it.
 */
static void loopback_bind_stays_local(void)
{
	struct sockaddr_in lo = ip4("127.0.0.1", PORT + 5), any = ip4("0.0.0.0", PORT + 6);
	int l = socket(AF_INET, SOCK_STREAM, 0), w = socket(AF_INET, SOCK_STREAM, 0);
	int c = socket(AF_INET, SOCK_STREAM, 0), a;

	T_EQ(bind(l, (struct sockaddr *)&lo, sizeof(lo)), 0);
	T_EQ(listen(l, 1), 0);
	T_ASSERT(partner_of(l) != V4V_DOMID_ANY_NUMBER,
		 "a service bound to 127.0.0.1 takes every domain's traffic");
	T_EQ(bind(w, (struct sockaddr *)&any, sizeof(any)), 0);
	T_EQ(partner_of(w), V4V_DOMID_ANY_NUMBER);
	T_EQ(connect(c, (struct sockaddr *)&lo, sizeof(lo)), 0);
	a = accept(l, NULL, NULL);
	T_ASSERT(a >= 0, "accept: %s", strerror(errno));
	T_EQ(write(c, "x", 1), 1);
	close(a);
	close(c);
	close(w);
	close(l);
}

static const struct t_case cases[] = {
	{ "high_fds_and_dup3", T_ANY, 0, high_fds_and_dup3 },
	{ "nonblocking_connect_epoll_shutdown", T_ANY, 0, nonblocking_connect_epoll_shutdown },
	{ "fork_and_exec_inherit", T_ANY, 0, fork_and_exec_inherit },
	{ "udp_addresses_answerable", T_ANY, 0, udp_addresses_answerable },
	{ "no_sender_no_address", T_ANY, 0, no_sender_no_address },
	{ "loopback_bind_stays_local", T_ANY, 0, loopback_bind_stays_local },
};

int main(int argc, char **argv)
{
	self_path = argv[0];
	if (argc == 3 && !strcmp(argv[1], "child")) {
		/* Inherited across exec: the interposer must still map it. */
		int fd = atoi(argv[2]);
		char msg[16];

		t_current = "child";
		snprintf(msg, sizeof(msg), "ok %u", port_of(fd, 0));
		return write(fd, msg, strlen(msg)) == (ssize_t)strlen(msg) ? 0 : 1;
	}
	if (argc == 3 && !strcmp(argv[1], "run"))
		return t_run(argv[2], T_ANY, cases, sizeof(cases) / sizeof(cases[0])) ? 1 : 0;
	if (argc == 2 && !strcmp(argv[1], "list")) {
		t_list(T_ANY, cases, sizeof(cases) / sizeof(cases[0]));
		return 0;
	}
	fprintf(stderr, "usage: preload-check run TAG | list\n");
	return 2;
}
