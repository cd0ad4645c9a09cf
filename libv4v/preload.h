/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The LD_PRELOAD interposer (libv4v-preload.so, v4v-preload(1)): AF_INET
 * stream and datagram sockets become v4v sockets, and their addresses are
 * mapped both ways.  preload_map.c holds the mapping (pure, host-tested);
 * preload.c the interposed calls.
 */
#ifndef V4V_PRELOAD_H
#define V4V_PRELOAD_H

#include <netinet/in.h>
#include <stdint.h>
#include <sys/socket.h>

/*
 * IPv4 addresses of domains: 1.0.x.y is domain x * 256 + y, as OpenXT's
 * interposer wrote them; INADDR_ANY is any domain; 127.0.0.0/8 is this
 * domain (OpenXT took the low 16 bits, so "localhost" meant domain 1).
 */
#define V4V_PL_NET		0x01000000u	/* 1.0.0.0/16, host order */
#define V4V_PL_NET_MASK		0xffff0000u

/* How a program addresses one v4v socket. */
enum v4v_pl_style {
	V4V_PL_UNKNOWN = 0,	/* not recorded: IPv4 if the switch is on, else native */
	V4V_PL_INET,		/* struct sockaddr_in, mapped */
	V4V_PL_INET6,		/* struct sockaddr_in6: ::ffff:1.0.x.y, ::, ::1 */
	V4V_PL_XEN,		/* OpenXT's struct sockaddr_xenargo/_xenv4v */
	V4V_PL_NATIVE,		/* struct sockaddr_v4v: left alone */
};

/* The v4v port an IPv4 port means, and back (the addend shifts them). */
uint32_t v4v_pl_port_in(uint16_t inet_port, uint32_t addend);
/* -1 if the v4v port has no IPv4 port (an ephemeral one, say). */
int v4v_pl_port_out(uint32_t v4v_port, uint32_t addend);

/*
 * sin (host-order address) as a domain: 0, or -EINVAL (not a domain
 * address: neither 1.0.x.y, nor any, nor loopback; or a reserved id).
 */
int v4v_pl_domain_in(uint32_t addr, uint16_t self, uint16_t *domain);
/* A domain as an IPv4 address, host order. */
uint32_t v4v_pl_domain_out(uint16_t domain);

/*
 * The parts together: *in (len bytes, an AF_INET or AF_INET6 address) as a
 * v4v address of family af.  0, or a negative errno: -EINVAL for a short or
 * malformed address or one that is no domain's, -EAFNOSUPPORT for another
 * family.  IPv6 addresses of domains are the IPv4-mapped ones
 * (::ffff:1.0.x.y); :: is any domain and ::1 this one, so dual-stack
 * servers, which listen on ::, work.
 */
struct sockaddr_v4v;
int v4v_pl_from_ip(const struct sockaddr *in, socklen_t len, int af, uint16_t self,
		   uint32_t addend, struct sockaddr_v4v *out);
/* 1 if *in is a loopback address (127/8, ::1, ::ffff:127/104), else 0. */
int v4v_pl_is_loopback(const struct sockaddr *in, socklen_t len);
void v4v_pl_to_inet(const struct sockaddr_v4v *in, uint32_t addend, struct sockaddr_in *out);
void v4v_pl_to_inet6(const struct sockaddr_v4v *in, uint32_t addend, struct sockaddr_in6 *out);

/* OpenXT's sockaddr_xenargo (and _xenv4v, the same layout). */
int v4v_pl_from_xen(const struct sockaddr *in, socklen_t len, int af,
		    struct sockaddr_v4v *out);
void v4v_pl_to_xen(const struct sockaddr_v4v *in, struct sockaddr *out);

/* Copy a translated address out as the socket calls do: truncated to *len. */
void v4v_pl_copy_out(const void *addr, socklen_t size, struct sockaddr *out, socklen_t *len);

#endif
