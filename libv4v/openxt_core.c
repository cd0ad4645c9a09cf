// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * What OpenXT's two APIs (openxt_argo.c, openxt_v4v.c) have in common:
 * socket calls on a (port, domain) pair, whichever struct carried it.
 * Every call is the system call it names on the family v4v.ko registered,
 * so errors are the kernel's (v4v(7)); -1 and errno throughout.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/v4v.h>

#include "v4v_private.h"

/* addr as a sockaddr of the running family; -1 (errno set) without v4v. */
static int to_sa(struct sockaddr_v4v *sa, const struct v4v_oxaddr *addr)
{
	int af = v4v_family();

	if (af < 0)
		return -1;
	memset(sa, 0, sizeof(*sa));
	sa->sv4v_family = (uint16_t)af;
	sa->sv4v_domain = addr->domain;
	sa->sv4v_port = addr->port;
	return 0;
}

static void from_sa(struct v4v_oxaddr *addr, const struct sockaddr_v4v *sa)
{
	addr->port = sa->sv4v_port;
	addr->domain = sa->sv4v_domain;
}

int v4v_ox_bind(int fd, const struct v4v_oxaddr *addr, uint16_t partner)
{
	struct sockaddr_v4v sa;
	uint32_t p = partner;

	if (!addr) {
		errno = EINVAL;
		return -1;
	}
	if (to_sa(&sa, addr))
		return -1;
	/* The partner is a socket option here, and must precede bind. */
	if (p != V4V_DOMID_ANY && setsockopt(fd, SOL_V4V, V4V_PARTNER, &p, sizeof(p)))
		return -1;
	return bind(fd, (struct sockaddr *)&sa, sizeof(sa));
}

int v4v_ox_connect(int fd, const struct v4v_oxaddr *peer)
{
	struct sockaddr_v4v sa;

	if (!peer) {
		errno = EINVAL;
		return -1;
	}
	if (to_sa(&sa, peer))
		return -1;
	return connect(fd, (struct sockaddr *)&sa, sizeof(sa));
}

int v4v_ox_accept(int fd, struct v4v_oxaddr *peer)
{
	struct sockaddr_v4v sa;
	socklen_t len = sizeof(sa);
	int c = accept(fd, (struct sockaddr *)&sa, &len);

	if (c >= 0 && peer)
		from_sa(peer, &sa);
	return c;
}

ssize_t v4v_ox_sendto(int fd, const void *buf, size_t len, int flags,
		      const struct v4v_oxaddr *dst)
{
	struct sockaddr_v4v sa;

	if (!dst)
		return send(fd, buf, len, flags);
	if (to_sa(&sa, dst))
		return -1;
	return sendto(fd, buf, len, flags, (struct sockaddr *)&sa, sizeof(sa));
}

ssize_t v4v_ox_recvfrom(int fd, void *buf, size_t len, int flags,
			struct v4v_oxaddr *src)
{
	struct sockaddr_v4v sa;
	socklen_t salen = sizeof(sa);
	ssize_t n = recvfrom(fd, buf, len, flags, src ? (struct sockaddr *)&sa : NULL,
			     src ? &salen : NULL);

	if (n >= 0 && src)
		from_sa(src, &sa);
	return n;
}

ssize_t v4v_ox_sendmsg(int fd, const struct msghdr *msg, int flags,
		       const struct v4v_oxaddr *dst)
{
	struct sockaddr_v4v sa;
	struct msghdr m;

	if (!msg) {
		errno = EINVAL;
		return -1;
	}
	m = *msg;
	m.msg_name = NULL;
	m.msg_namelen = 0;
	if (dst) {
		if (to_sa(&sa, dst))
			return -1;
		m.msg_name = &sa;
		m.msg_namelen = sizeof(sa);
	}
	return sendmsg(fd, &m, flags);
}

ssize_t v4v_ox_recvmsg(int fd, struct msghdr *msg, int flags, struct v4v_oxaddr *src)
{
	struct sockaddr_v4v sa;
	void *name;
	ssize_t n;

	if (!msg) {
		errno = EINVAL;
		return -1;
	}
	name = msg->msg_name;
	msg->msg_name = src ? &sa : NULL;
	msg->msg_namelen = src ? sizeof(sa) : 0;
	n = recvmsg(fd, msg, flags);
	msg->msg_name = name;
	msg->msg_namelen = 0;	/* the caller sets its own struct's size */
	if (n >= 0 && src)
		from_sa(src, &sa);
	return n;
}

int v4v_ox_getsockname(int fd, struct v4v_oxaddr *addr, uint16_t *partner)
{
	struct sockaddr_v4v sa;
	socklen_t len = sizeof(sa);
	uint32_t p = V4V_DOMID_ANY;

	if (getsockname(fd, (struct sockaddr *)&sa, &len))
		return -1;
	if (partner) {
		len = sizeof(p);
		if (getsockopt(fd, SOL_V4V, V4V_PARTNER, &p, &len))
			return -1;
		*partner = (uint16_t)p;
	}
	if (addr)
		from_sa(addr, &sa);
	return 0;
}

int v4v_ox_getpeername(int fd, struct v4v_oxaddr *addr)
{
	struct sockaddr_v4v sa;
	socklen_t len = sizeof(sa);

	if (!addr) {
		errno = EINVAL;
		return -1;
	}
	if (getpeername(fd, (struct sockaddr *)&sa, &len))
		return -1;
	from_sa(addr, &sa);
	return 0;
}
