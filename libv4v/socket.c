// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Sockets: the family number, and socket/bind/connect/accept/send/receive
 * with v4v addresses as (domain, port) or text.  Thin on purpose: every
 * call is the system call it names, so errno is the kernel's (v4v(7)).
 */
#define _GNU_SOURCE	/* accept4 */
#include <errno.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

#include "libv4v.h"
#include "v4v_private.h"

/* Where v4v.ko says which family number it registered. */
#define FAMILY_FILE "/sys/module/v4v/parameters/family"

static int read_family(void)
{
	FILE *f = fopen(FAMILY_FILE, "re");
	int af = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%d", &af) != 1 || af <= 0 || af >= AF_MAX)
		af = -1;
	fclose(f);
	return af;
}

V4V_EXPORT int v4v_family(void)
{
	static int cached;	/* 0: not known yet; benign race, same answer */
	int af = __atomic_load_n(&cached, __ATOMIC_RELAXED), fd, saved = errno;

	if (af > 0)
		return af;
	af = read_family();
	if (af < 0) {
		/* Not loaded: a socket() of the default family loads it. */
		fd = socket(AF_V4V, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (fd >= 0)
			close(fd);
		af = read_family();
		if (af < 0 && fd >= 0)
			af = AF_V4V;	/* built in, without sysfs parameters */
	}
	if (af < 0) {
		errno = EAFNOSUPPORT;
		return -1;
	}
	errno = saved;
	__atomic_store_n(&cached, af, __ATOMIC_RELAXED);
	return af;
}

/* An address of the running family; -1 (errno set) without v4v. */
static int make_addr(struct sockaddr_v4v *a, uint16_t domain, uint32_t port)
{
	int af = v4v_family();

	if (af < 0)
		return -1;
	*a = (struct sockaddr_v4v){ .sv4v_family = (sa_family_t)af,
				    .sv4v_domain = domain, .sv4v_port = port };
	return 0;
}

V4V_EXPORT int v4v_socket(int type)
{
	int af = v4v_family();

	return af < 0 ? -1 : socket(af, type, 0);
}

V4V_EXPORT int v4v_bind(int fd, uint16_t domain, uint32_t port)
{
	struct sockaddr_v4v a;

	if (make_addr(&a, domain, port))
		return -1;
	return bind(fd, (struct sockaddr *)&a, sizeof(a));
}

V4V_EXPORT int v4v_connect(int fd, uint16_t domain, uint32_t port)
{
	struct sockaddr_v4v a;

	if (make_addr(&a, domain, port))
		return -1;
	return connect(fd, (struct sockaddr *)&a, sizeof(a));
}

V4V_EXPORT int v4v_accept(int fd, struct sockaddr_v4v *peer, int flags)
{
	socklen_t len = sizeof(*peer);

	return accept4(fd, (struct sockaddr *)peer, peer ? &len : NULL, flags);
}

V4V_EXPORT int v4v_listen(int fd, int backlog)
{
	return listen(fd, backlog);
}

V4V_EXPORT ssize_t v4v_send(int fd, const void *buf, size_t len, int flags)
{
	return send(fd, buf, len, flags);
}

V4V_EXPORT ssize_t v4v_recv(int fd, void *buf, size_t len, int flags)
{
	return recv(fd, buf, len, flags);
}

V4V_EXPORT ssize_t v4v_sendto(int fd, const void *buf, size_t len, int flags,
			      uint16_t domain, uint32_t port)
{
	struct sockaddr_v4v a;

	if (make_addr(&a, domain, port))
		return -1;
	return sendto(fd, buf, len, flags, (struct sockaddr *)&a, sizeof(a));
}

V4V_EXPORT ssize_t v4v_recvfrom(int fd, void *buf, size_t len, int flags,
				struct sockaddr_v4v *from)
{
	socklen_t alen = sizeof(*from);

	return recvfrom(fd, buf, len, flags, (struct sockaddr *)from, from ? &alen : NULL);
}

/* A socket of type for the address text, or -1 with errno. */
static int socket_for(const char *addr, int type, struct sockaddr_v4v *a)
{
	int af;

	if (v4v_addr_resolve(addr, a))
		return -1;
	af = v4v_family();
	if (af < 0)
		return -1;
	a->sv4v_family = (sa_family_t)af;
	return socket(af, type, 0);
}

/* Close fd keeping errno, and fail. */
static int fail_closing(int fd)
{
	int saved = errno;

	close(fd);
	errno = saved;
	return -1;
}

V4V_EXPORT int v4v_dial(const char *addr, int type)
{
	struct sockaddr_v4v a;
	int fd = socket_for(addr, type, &a);

	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)))
		return fail_closing(fd);
	return fd;
}

V4V_EXPORT int v4v_serve(const char *addr, int type, int backlog)
{
	struct sockaddr_v4v a;
	int fd = socket_for(addr, type, &a), base = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)))
		return fail_closing(fd);
	if (base != SOCK_DGRAM && listen(fd, backlog))
		return fail_closing(fd);
	return fd;
}
