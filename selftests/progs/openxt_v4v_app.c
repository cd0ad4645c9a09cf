// SPDX-License-Identifier: GPL-2.0
/*
 * A program as OpenXT's legacy libv4v users write them: <libv4v.h> (OpenXT's,
 * include/openxt first on the include path) and its v4v_* calls.  It
 * covers what openxt_argo_app.c does not: a partner-only ring, connected
 * datagrams, recvmsg without a name, accept without one.
 */
#include <errno.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <libv4v.h>

#include "openxt_apps.h"
#include "tharness.h"

static void v4v_partner_dgram(int domid, unsigned int port)
{
	v4v_addr_t srv_addr = { .port = port, .domain = V4V_DOMID_ANY };
	v4v_addr_t to = { .port = port, .domain = (domid_t)domid }, name, from;
	int srv = v4v_socket(SOCK_DGRAM), cli = v4v_socket(SOCK_DGRAM);
	domid_t partner = 0;
	char buf[8] = "";

	T_ASSERT(srv >= 0 && cli >= 0, "v4v_socket: %s", strerror(errno));
	/* Only this domain may send to the server's ring. */
	T_EQ(v4v_bind(srv, &srv_addr, (domid_t)domid), 0);
	T_EQ(v4v_getsockname(srv, &name, &partner), 0);
	T_EQ(name.port, port);
	T_EQ(partner, domid);
	/* A connected datagram socket: plain send and recv. */
	T_EQ(v4v_connect(cli, &to), 0);
	T_EQ(v4v_getpeername(cli, &name), 0);
	T_EQ(name.port, port);
	T_EQ(name.domain, domid);
	T_EQ(v4v_send(cli, "legacy", 6, 0), 6);
	T_EQ(v4v_recvfrom(srv, buf, sizeof(buf), 0, &from), 6);
	T_ASSERT(!memcmp(buf, "legacy", 6), "got '%.6s'", buf);
	T_EQ(from.domain, domid);
	T_EQ(v4v_sendto(srv, "back", 4, 0, &from), 4);
	T_EQ(v4v_recv(cli, buf, sizeof(buf), 0), 4);
	T_ASSERT(!memcmp(buf, "back", 4), "got '%.4s'", buf);
	errno = 0;
	T_EQ(v4v_viptables_add(srv, NULL, 0), -1);
	T_EQ(errno, EOPNOTSUPP);
	v4v_close(cli);
	v4v_close(srv);
}

static void v4v_stream_no_names(int domid, unsigned int port)
{
	v4v_addr_t any = { .port = port, .domain = V4V_DOMID_ANY };
	v4v_addr_t to = { .port = port, .domain = (domid_t)domid };
	int l = v4v_socket(SOCK_STREAM), c = v4v_socket(SOCK_STREAM), a;
	char x[4] = "abc", y[4] = "def", rx[4] = "", ry[4] = "";
	struct iovec out[2] = { { x, 3 }, { y, 3 } }, in[2] = { { rx, 3 }, { ry, 3 } };
	struct msghdr mo = { .msg_iov = out, .msg_iovlen = 2 };
	struct msghdr mi = { .msg_iov = in, .msg_iovlen = 2, .msg_namelen = 99 };

	T_ASSERT(l >= 0 && c >= 0, "v4v_socket: %s", strerror(errno));
	T_EQ(v4v_bind(l, &any, V4V_DOMID_ANY), 0);
	T_EQ(v4v_listen(l, 1), 0);
	T_EQ(v4v_connect(c, &to), 0);
	a = v4v_accept(l, NULL);
	T_ASSERT(a >= 0, "v4v_accept: %s", strerror(errno));
	T_EQ(v4v_sendmsg(c, &mo, 0), 6);
	T_EQ(v4v_recvmsg(a, &mi, MSG_WAITALL), 6);
	T_ASSERT(!memcmp(rx, "abc", 3) && !memcmp(ry, "def", 3), "got '%.3s' '%.3s'", rx, ry);
	T_EQ(mi.msg_namelen, 0);
	T_ASSERT(!strncmp(libv4v_get_version(), "libv4v Version ", 15), "version '%s'",
		 libv4v_get_version());
	v4v_close(c);
	v4v_close(a);
	v4v_close(l);
}

void openxt_v4v_app(int domid, unsigned int port)
{
	v4v_partner_dgram(domid, port);
	v4v_stream_no_names(domid, port + 1);
}
