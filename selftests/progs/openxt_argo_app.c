// SPDX-License-Identifier: GPL-2.0
/*
 * A program as OpenXT's libargo users write them: <libargo.h> and the
 * argo_* calls, nothing of v4v's.  Built with include/openxt first on the
 * include path, as pkg-config's libv4v-openxt flags do.
 */
#include <errno.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <libargo.h>

#include "openxt_apps.h"
#include "tharness.h"

static xen_argo_addr_t at(int domid, unsigned int port)
{
	xen_argo_addr_t a = { .aport = port, .domain_id = (domid_t)domid };

	return a;
}

static void argo_dgram(int domid, unsigned int port)
{
	xen_argo_addr_t srv_addr = at(0, port);	/* domain 0: any, as OpenXT's */
	xen_argo_addr_t cli_addr = at(XEN_ARGO_DOMID_ANY, port + 1);
	xen_argo_addr_t to = at(domid, port), from, name;
	int srv = argo_socket(SOCK_DGRAM), cli = argo_socket(SOCK_DGRAM);
	char a[3] = "ar", b[3] = "go", buf[8] = "";
	struct iovec iov[2] = { { a, 2 }, { b, 2 } };
	struct msghdr msg = { .msg_name = &to, .msg_iov = iov, .msg_iovlen = 2 };
	domid_t partner = 0;

	T_ASSERT(srv >= 0 && cli >= 0, "argo_socket: %s", strerror(errno));
	T_EQ(argo_bind(srv, &srv_addr, XEN_ARGO_DOMID_ANY), 0);
	T_EQ(argo_bind(cli, &cli_addr, XEN_ARGO_DOMID_ANY), 0);
	T_EQ(argo_getsockname(srv, &name, &partner), 0);
	T_EQ(name.aport, port);
	T_EQ(partner, XEN_ARGO_DOMID_ANY);

	T_EQ(argo_sendto(cli, "hello", 5, 0, &to), 5);
	T_EQ(argo_recvfrom(srv, buf, sizeof(buf), 0, &from), 5);
	T_ASSERT(!memcmp(buf, "hello", 5), "got '%.5s'", buf);
	T_EQ(from.domain_id, domid);
	T_EQ(from.aport, port + 1);

	/* sendmsg's name is an xen_argo_addr_t, as OpenXT passed it. */
	T_EQ(argo_sendmsg(cli, &msg, 0), 4);
	memset(&from, 0xff, sizeof(from));
	iov[0].iov_base = buf;
	iov[0].iov_len = sizeof(buf);
	msg.msg_name = &from;
	msg.msg_iovlen = 1;
	T_EQ(argo_recvmsg(srv, &msg, 0), 4);
	T_ASSERT(!memcmp(buf, "argo", 4), "got '%.4s'", buf);
	T_EQ(msg.msg_namelen, sizeof(xen_argo_addr_t));
	T_EQ(from.aport, port + 1);
	T_EQ(from.domain_id, domid);
	T_EQ(from.pad, 0);

	errno = 0;
	T_EQ(viptables_list(srv), -1);
	T_EQ(errno, EOPNOTSUPP);
	T_EQ(argo_close(cli), 0);
	T_EQ(argo_close(srv), 0);
}

static void argo_stream(int domid, unsigned int port)
{
	xen_argo_addr_t any = at(XEN_ARGO_DOMID_ANY, port), to = at(domid, port), peer, name;
	int l = argo_socket(SOCK_STREAM), c = argo_socket(SOCK_STREAM | SOCK_CLOEXEC), a;
	int type = 0, err = -1;
	socklen_t len = sizeof(type);
	char buf[8] = "";

	T_ASSERT(l >= 0 && c >= 0, "argo_socket: %s", strerror(errno));
	T_EQ(argo_bind(l, &any, XEN_ARGO_DOMID_ANY), 0);
	T_EQ(argo_listen(l, 4), 0);
	T_EQ(argo_connect(c, &to), 0);
	a = argo_accept(l, &peer);
	T_ASSERT(a >= 0, "argo_accept: %s", strerror(errno));
	T_EQ(peer.domain_id, domid);
	T_EQ(argo_getsockname(c, &name, NULL), 0);
	T_EQ(peer.aport, name.aport);
	T_EQ(argo_getpeername(c, &peer), 0);
	T_EQ(peer.aport, port);
	T_EQ(argo_getsockopt(c, SOL_SOCKET, SO_TYPE, &type, &len), 0);
	T_EQ(type, SOCK_STREAM);
	len = sizeof(err);
	T_EQ(argo_getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &len), 0);
	T_EQ(err, 0);
	T_EQ(argo_send(c, "stream", 6, 0), 6);
	T_EQ(argo_recv(a, buf, 6, MSG_WAITALL), 6);
	T_ASSERT(!memcmp(buf, "stream", 6), "got '%.6s'", buf);
	T_EQ(argo_close(c), 0);
	T_EQ(argo_recv(a, buf, sizeof(buf), 0), 0);	/* end of file */
	argo_close(a);
	argo_close(l);
}

void openxt_argo_app(int domid, unsigned int port)
{
	argo_dgram(domid, port);
	argo_stream(domid, port + 2);
}
