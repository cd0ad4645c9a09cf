// SPDX-License-Identifier: GPL-2.0
/*
 * The lib suite: libv4v's socket calls against the real module, within
 * this domain (UML's loopback, and Xen's Argo in dom0 and the domU).  The
 * parts that need no module run on the host (selftests/cunit).
 */
#define _GNU_SOURCE	/* SOCK_CLOEXEC with accept4 */
#include <errno.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libv4v.h>

#include "openxt_apps.h"
#include "stream_util.h"
#include "v4v_test.h"

#define LIB_PORT 0x7300u

/* "DOMAIN:PORT" for this domain. */
static const char *here(uint32_t port)
{
	static char buf[32];

	snprintf(buf, sizeof(buf), "%d:0x%x", g_domid, port);
	return buf;
}

static void lib_family_is_the_modules(void)
{
	FILE *f = fopen("/sys/module/v4v/parameters/family", "r");
	int want = AF_V4V, fd;

	if (f) {
		T_EQ(fscanf(f, "%d", &want), 1);
		fclose(f);
	}
	T_EQ(v4v_family(), want);
	fd = v4v_socket(SOCK_DGRAM | SOCK_CLOEXEC);
	T_ASSERT(fd >= 0, "v4v_socket: %s", strerror(errno));
	close(fd);
}

/* v4v_serve + v4v_sendto + v4v_recvfrom: the sender's address comes back. */
static void lib_dgram_round_trip(void)
{
	int srv = v4v_serve(here(LIB_PORT), SOCK_DGRAM, 0), cli = v4v_socket(SOCK_DGRAM);
	struct sockaddr_v4v from;
	char buf[16] = "";

	T_ASSERT(srv >= 0 && cli >= 0, "serve/socket: %s", strerror(errno));
	T_EQ(v4v_bind(cli, V4V_DOMID_ANY, LIB_PORT + 1), 0);
	T_EQ(v4v_sendto(cli, "ping", 4, 0, (uint16_t)g_domid, LIB_PORT), 4);
	T_EQ(v4v_recvfrom(srv, buf, sizeof(buf), 0, &from), 4);
	T_ASSERT(!memcmp(buf, "ping", 4), "got '%.4s'", buf);
	T_EQ(from.sv4v_family, v4v_family());
	T_EQ(from.sv4v_domain, g_domid);
	T_EQ(from.sv4v_port, LIB_PORT + 1);
	T_EQ(v4v_sendto(srv, "pong", 4, 0, from.sv4v_domain, from.sv4v_port), 4);
	T_EQ(v4v_recvfrom(cli, buf, sizeof(buf), 0, NULL), 4);
	T_ASSERT(!memcmp(buf, "pong", 4), "got '%.4s'", buf);
	close(cli);
	close(srv);
}

/* v4v_serve listens, v4v_dial connects, v4v_accept names the peer. */
static void lib_stream_dial_and_serve(void)
{
	int l = v4v_serve(here(LIB_PORT + 2), SOCK_STREAM, 4), c, a;
	struct sockaddr_v4v peer;
	char buf[8] = "";

	T_ASSERT(l >= 0, "v4v_serve: %s", strerror(errno));
	c = v4v_dial(here(LIB_PORT + 2), SOCK_STREAM | SOCK_CLOEXEC);
	T_ASSERT(c >= 0, "v4v_dial: %s", strerror(errno));
	a = v4v_accept(l, &peer, SOCK_CLOEXEC);
	T_ASSERT(a >= 0, "v4v_accept: %s", strerror(errno));
	T_EQ(peer.sv4v_domain, g_domid);
	T_EQ(peer.sv4v_port, sk_port(c));
	T_EQ(v4v_send(c, "stream", 6, 0), 6);
	T_EQ(v4v_recv(a, buf, 6, MSG_WAITALL), 6);
	T_ASSERT(!memcmp(buf, "stream", 6), "got '%.6s'", buf);
	close(a);
	close(c);
	/* v4v_listen on a bound socket, as listen(). */
	c = v4v_socket(SOCK_STREAM);
	T_EQ(v4v_bind(c, V4V_DOMID_ANY, LIB_PORT + 3), 0);
	T_EQ(v4v_listen(c, 1), 0);
	close(c);
	/* A peer of NULL is allowed, as with accept(). */
	c = v4v_socket(SOCK_SEQPACKET);
	T_EQ(v4v_connect(c, (uint16_t)g_domid, LIB_PORT + 2), -1);
	T_EQ(errno, ECONNREFUSED);	/* a stream listener refuses seqpacket */
	close(c);
	c = v4v_dial(here(LIB_PORT + 2), SOCK_STREAM);
	a = v4v_accept(l, NULL, 0);
	T_ASSERT(c >= 0 && a >= 0, "dial/accept: %s", strerror(errno));
	close(a);
	close(c);
	close(l);
}

/* Errors are the kernel's, through unchanged; bad text is EINVAL. */
static void lib_errors(void)
{
	int l, fd;

	errno = 0;
	T_EQ(v4v_dial(here(LIB_PORT + 4), SOCK_STREAM), -1);
	T_EQ(errno, ECONNREFUSED);	/* nothing there */
	l = v4v_serve(here(LIB_PORT + 4), SOCK_STREAM, 1);
	T_ASSERT(l >= 0, "v4v_serve: %s", strerror(errno));
	T_EQ(v4v_serve(here(LIB_PORT + 4), SOCK_STREAM, 1), -1);
	T_EQ(errno, EADDRINUSE);
	T_EQ(v4v_dial("0 :1", SOCK_STREAM), -1);
	T_EQ(errno, EINVAL);
	T_EQ(v4v_serve(NULL, SOCK_DGRAM, 0), -1);
	T_EQ(errno, EINVAL);
	fd = v4v_socket(SOCK_DGRAM);
	T_EQ(v4v_accept(fd, NULL, 0), -1);
	T_EQ(errno, EOPNOTSUPP);
	T_EQ(v4v_socket(SOCK_RAW), -1);
	T_EQ(errno, ESOCKTNOSUPPORT);
	close(fd);
	close(l);
}

/* Whether v4v runs on Xen here (else the loopback backend, no xenstore). */
static int on_xen(void)
{
	FILE *f = fopen("/sys/kernel/debug/v4v/status", "r");
	char line[64];
	int xen = 0;

	T_ASSERT(f, "no debugfs status: %s", strerror(errno));
	while (fgets(line, sizeof(line), f))
		if (!strcmp(line, "backend: xen\n"))
			xen = 1;
	fclose(f);
	return xen;
}

/*
 * Domain names through xenstore: this domain's own name (the harness
 * names them Domain-0 and domu) is its id; an unknown name is ENOENT,
 * and so is any name without xenstore (UML).
 */
static void lib_resolve_names(void)
{
	const char *self = g_domid == 0 ? "Domain-0:0x7310" : "domu:0x7310";
	struct sockaddr_v4v a;

	memset(&a, 0xff, sizeof(a));
	if (on_xen()) {
		T_ASSERT(v4v_addr_resolve(self, &a) == 0, "%s: %s", self, strerror(errno));
		T_EQ(a.sv4v_domain, g_domid);
		T_EQ(a.sv4v_port, 0x7310);
	} else {
		errno = 0;
		T_EQ(v4v_addr_resolve(self, &a), -1);
		T_EQ(errno, ENOENT);
	}
	errno = 0;
	T_EQ(v4v_addr_resolve("no-such-domain:1", &a), -1);
	T_EQ(errno, ENOENT);
	errno = 0;
	T_EQ(v4v_dial("no-such-domain:1", SOCK_STREAM), -1);
	T_EQ(errno, ENOENT);
	T_EQ(v4v_addr_resolve("3:5", &a), 0);	/* numbers need no xenstore */
	T_EQ(a.sv4v_domain, 3);
}

/* A program written against OpenXT's libargo, unmodified. */
static void lib_openxt_libargo_program(void)
{
	openxt_argo_app(g_domid, LIB_PORT + 8);
}

/* A program written against OpenXT's legacy libv4v, unmodified. */
static void lib_openxt_libv4v_program(void)
{
	openxt_v4v_app(g_domid, LIB_PORT + 12);
}

const struct t_case t_lib_cases[] = {
	{ "lib_family_is_the_modules", T_ANY, 0, lib_family_is_the_modules },
	{ "lib_dgram_round_trip", T_ANY, 0, lib_dgram_round_trip },
	{ "lib_stream_dial_and_serve", T_ANY, 0, lib_stream_dial_and_serve },
	{ "lib_errors", T_ANY, 0, lib_errors },
	{ "lib_resolve_names", T_ANY, 0, lib_resolve_names },
	{ "lib_openxt_libargo_program", T_ANY, 0, lib_openxt_libargo_program },
	{ "lib_openxt_libv4v_program", T_ANY, 0, lib_openxt_libv4v_program },
};
const size_t t_lib_count = sizeof(t_lib_cases) / sizeof(t_lib_cases[0]);
