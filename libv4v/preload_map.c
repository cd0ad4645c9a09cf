// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Address mapping for the interposer (preload.h): IPv4 and OpenXT's
 * addresses to v4v's and back.  Pure functions, tested on the host.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include <linux/v4v.h>

#include "preload.h"

/* OpenXT's interposer families (include/openxt/libargo.h). */
#define XEN_AF		13398

/* OpenXT's struct sockaddr_xenargo, as include/openxt lays it out. */
struct xen_sa {
	sa_family_t family;
	uint16_t pad;
	uint32_t port;
	uint16_t domain;
	unsigned char zero[6];
};

uint32_t v4v_pl_port_in(uint16_t inet_port, uint32_t addend)
{
	return (uint32_t)inet_port + addend;
}

int v4v_pl_port_out(uint32_t v4v_port, uint32_t addend)
{
	uint32_t p = v4v_port - addend;

	return p <= 0xffff ? (int)p : -1;
}

int v4v_pl_domain_in(uint32_t addr, uint16_t self, uint16_t *domain)
{
	uint32_t d = addr & ~V4V_PL_NET_MASK;

	if (addr == INADDR_ANY) {
		*domain = V4V_DOMID_ANY;
		return 0;
	}
	if ((addr >> 24) == 127) {
		*domain = self;
		return 0;
	}
	if ((addr & V4V_PL_NET_MASK) != V4V_PL_NET || d >= V4V_DOMID_RESERVED)
		return -EINVAL;
	*domain = (uint16_t)d;
	return 0;
}

uint32_t v4v_pl_domain_out(uint16_t domain)
{
	return domain == V4V_DOMID_ANY ? INADDR_ANY : V4V_PL_NET | domain;
}

/* The host-order IPv4 address an IPv6 one stands for; -1 if none. */
static int64_t v6_as_v4(const struct in6_addr *a)
{
	uint32_t v4;

	if (IN6_IS_ADDR_UNSPECIFIED(a))
		return INADDR_ANY;
	if (IN6_IS_ADDR_LOOPBACK(a))
		return INADDR_LOOPBACK;
	if (!IN6_IS_ADDR_V4MAPPED(a))
		return -1;
	memcpy(&v4, &a->s6_addr[12], sizeof(v4));
	return ntohl(v4);
}

int v4v_pl_from_ip(const struct sockaddr *in, socklen_t len, int af, uint16_t self,
		   uint32_t addend, struct sockaddr_v4v *out)
{
	struct sockaddr_in6 sin6;
	struct sockaddr_in sin;
	int64_t addr;
	uint16_t port, domain;

	if (!in || len < sizeof(sa_family_t))
		return -EINVAL;
	if (in->sa_family == AF_INET) {
		if (len < sizeof(sin))
			return -EINVAL;
		memcpy(&sin, in, sizeof(sin));
		addr = ntohl(sin.sin_addr.s_addr);
		port = ntohs(sin.sin_port);
	} else if (in->sa_family == AF_INET6) {
		if (len < sizeof(sin6))
			return -EINVAL;
		memcpy(&sin6, in, sizeof(sin6));
		addr = v6_as_v4(&sin6.sin6_addr);
		port = ntohs(sin6.sin6_port);
	} else {
		return -EAFNOSUPPORT;
	}
	if (addr < 0 || v4v_pl_domain_in((uint32_t)addr, self, &domain))
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	out->sv4v_family = (sa_family_t)af;
	out->sv4v_domain = domain;
	out->sv4v_port = v4v_pl_port_in(port, addend);
	return 0;
}

int v4v_pl_is_loopback(const struct sockaddr *in, socklen_t len)
{
	struct sockaddr_in6 sin6;
	struct sockaddr_in sin;
	int64_t addr = -1;

	if (in && len >= sizeof(sin) && in->sa_family == AF_INET) {
		memcpy(&sin, in, sizeof(sin));
		addr = ntohl(sin.sin_addr.s_addr);
	} else if (in && len >= sizeof(sin6) && in->sa_family == AF_INET6) {
		memcpy(&sin6, in, sizeof(sin6));
		addr = v6_as_v4(&sin6.sin6_addr);
	}
	return addr >= 0 && (addr >> 24) == 127;
}

void v4v_pl_to_inet(const struct sockaddr_v4v *in, uint32_t addend, struct sockaddr_in *out)
{
	int port = v4v_pl_port_out(in->sv4v_port, addend);

	memset(out, 0, sizeof(*out));
	out->sin_family = AF_INET;
	/* A port IPv4 cannot name shows as 0, never as another port. */
	out->sin_port = htons(port < 0 ? 0 : (uint16_t)port);
	out->sin_addr.s_addr = htonl(v4v_pl_domain_out(in->sv4v_domain));
}

void v4v_pl_to_inet6(const struct sockaddr_v4v *in, uint32_t addend, struct sockaddr_in6 *out)
{
	struct sockaddr_in sin;

	v4v_pl_to_inet(in, addend, &sin);
	memset(out, 0, sizeof(*out));
	out->sin6_family = AF_INET6;
	out->sin6_port = sin.sin_port;
	if (in->sv4v_domain == V4V_DOMID_ANY)
		return;		/* :: */
	out->sin6_addr.s6_addr[10] = 0xff;
	out->sin6_addr.s6_addr[11] = 0xff;
	memcpy(&out->sin6_addr.s6_addr[12], &sin.sin_addr.s_addr, 4);
}

int v4v_pl_from_xen(const struct sockaddr *in, socklen_t len, int af,
		    struct sockaddr_v4v *out)
{
	struct xen_sa x;

	if (!in || len < sizeof(x))
		return -EINVAL;
	memcpy(&x, in, sizeof(x));
	if (x.family != XEN_AF)
		return -EAFNOSUPPORT;
	memset(out, 0, sizeof(*out));
	out->sv4v_family = (sa_family_t)af;
	out->sv4v_domain = x.domain;
	out->sv4v_port = x.port;
	return 0;
}

void v4v_pl_to_xen(const struct sockaddr_v4v *in, struct sockaddr *out)
{
	struct xen_sa x = { .family = XEN_AF, .port = in->sv4v_port,
			    .domain = in->sv4v_domain };

	memcpy(out, &x, sizeof(x));
}

void v4v_pl_copy_out(const void *addr, socklen_t size, struct sockaddr *out, socklen_t *len)
{
	if (!out || !len)
		return;
	memcpy(out, addr, *len < size ? *len : size);
	*len = size;
}
