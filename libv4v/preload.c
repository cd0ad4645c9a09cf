// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The LD_PRELOAD interposer: unmodified AF_INET programs on v4v sockets.
 *
 * With INET_IS_V4V or INET_IS_ARGO in the environment (OpenXT's switches),
 * socket(AF_INET or AF_INET6, SOCK_STREAM or SOCK_DGRAM) makes a v4v
 * socket; so do
 * OpenXT's AF_INETARGO (IPv4 addresses) and AF_XENARGO (its own address
 * struct) always.  The calls that carry addresses translate them
 * (preload.h); the others need nothing: the descriptor is a real socket,
 * so read/write, poll/select/epoll, shutdown, close, dup*, fork and exec,
 * non-blocking connect and SO_ERROR are the kernel's own.
 *
 * Whether a descriptor is v4v is asked of the kernel (getsockname), never
 * remembered, so descriptors of any number, inherited or duplicated, are
 * right.  How each socket made here is addressed (IPv4, IPv6, OpenXT's
 * struct, or native) is remembered in a growable table that dup* copy; a
 * v4v socket it does not know (inherited across exec) is IPv4 if the
 * switch is on, else native.
 */
#define _GNU_SOURCE	/* RTLD_NEXT, accept4, dup3 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/v4v.h>

#include "preload.h"
#include "v4v_private.h"

#define INETARGO_AF	13399	/* OpenXT's AF_INETARGO / AF_INETV4V */
#define XENARGO_AF	13398	/* OpenXT's AF_XENARGO / AF_XENV4V */
#define PRELOAD_EXPORT	__attribute__((visibility("default")))

static struct {
	int (*socket)(int, int, int);
	int (*bind)(int, const struct sockaddr *, socklen_t);
	int (*connect)(int, const struct sockaddr *, socklen_t);
	int (*accept4)(int, struct sockaddr *, socklen_t *, int);
	int (*getsockname)(int, struct sockaddr *, socklen_t *);
	int (*getpeername)(int, struct sockaddr *, socklen_t *);
	ssize_t (*sendto)(int, const void *, size_t, int, const struct sockaddr *, socklen_t);
	ssize_t (*recvfrom)(int, void *, size_t, int, struct sockaddr *, socklen_t *);
	ssize_t (*sendmsg)(int, const struct msghdr *, int);
	ssize_t (*recvmsg)(int, struct msghdr *, int);
	int (*setsockopt)(int, int, int, const void *, socklen_t);
	int (*getsockopt)(int, int, int, void *, socklen_t *);
	int (*dup)(int);
	int (*dup2)(int, int);
	int (*dup3)(int, int, int);
	int (*fcntl)(int, int, ...);
} real;
static pthread_once_t real_once = PTHREAD_ONCE_INIT;

static void find_real(void)
{
#define FIND(f) (real.f = (__typeof__(real.f))dlsym(RTLD_NEXT, #f))
	FIND(socket); FIND(bind); FIND(connect); FIND(accept4); FIND(getsockname);
	FIND(getpeername); FIND(sendto); FIND(recvfrom); FIND(sendmsg); FIND(recvmsg);
	FIND(setsockopt); FIND(getsockopt); FIND(dup); FIND(dup2); FIND(dup3); FIND(fcntl);
#undef FIND
}

#define REAL(f) (pthread_once(&real_once, find_real), real.f)

/* --- which descriptors, which style ------------------------------------ */

static pthread_mutex_t styles_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned char *styles;		/* enum v4v_pl_style by descriptor */
static size_t nstyles;

static void set_style(int fd, enum v4v_pl_style s)
{
	unsigned char *n;
	size_t want;

	if (fd < 0)
		return;
	pthread_mutex_lock(&styles_lock);
	if ((size_t)fd >= nstyles && s != V4V_PL_UNKNOWN) {
		want = ((size_t)fd + 64) & ~(size_t)63;
		n = realloc(styles, want);
		if (n) {
			memset(n + nstyles, 0, want - nstyles);
			styles = n;
			nstyles = want;
		}
	}
	if ((size_t)fd < nstyles)
		styles[fd] = (unsigned char)s;
	pthread_mutex_unlock(&styles_lock);
}

static enum v4v_pl_style recorded_style(int fd)
{
	enum v4v_pl_style s = V4V_PL_UNKNOWN;

	pthread_mutex_lock(&styles_lock);
	if (fd >= 0 && (size_t)fd < nstyles)
		s = (enum v4v_pl_style)styles[fd];
	pthread_mutex_unlock(&styles_lock);
	return s;
}

static int inet_switch(void)
{
	return getenv("INET_IS_V4V") || getenv("INET_IS_ARGO");
}

/*
 * How fd is addressed, or V4V_PL_UNKNOWN if it is not a v4v socket.  One
 * getsockname() answers that and fills *local: this domain's id (what
 * 127.0.0.1 means) and the bound port (0 if none), so a datagram sent
 * costs one call more, not three.
 */
static enum v4v_pl_style probe(int fd, struct sockaddr_v4v *local)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int af = v4v_family(), saved = errno;
	enum v4v_pl_style s;

	if (af < 0 || REAL(getsockname)(fd, (struct sockaddr *)&ss, &len) ||
	    ss.ss_family != af) {
		errno = saved;
		return V4V_PL_UNKNOWN;
	}
	memcpy(local, &ss, sizeof(*local));
	s = recorded_style(fd);
	if (s != V4V_PL_UNKNOWN)
		return s;
	/* Inherited or made by a raw syscall: as the program asked of us. */
	return inet_switch() ? V4V_PL_INET : V4V_PL_NATIVE;
}

static enum v4v_pl_style style_of(int fd)
{
	struct sockaddr_v4v local;

	return probe(fd, &local);
}

static uint32_t port_addend(void)
{
	const char *s = getenv("V4V_PORT_ADDEND");

	return s ? (uint32_t)strtoul(s, NULL, 0) : 0;
}

/* A caller's address for a socket of this domain, as v4v's; 0 or -1. */
static int addr_in(const struct sockaddr_v4v *local, enum v4v_pl_style s,
		   const struct sockaddr *a, socklen_t len, struct sockaddr_v4v *out)
{
	int err = s == V4V_PL_XEN ? v4v_pl_from_xen(a, len, v4v_family(), out) :
		  v4v_pl_from_ip(a, len, v4v_family(), local->sv4v_domain, port_addend(), out);

	if (err) {
		errno = -err;
		return -1;
	}
	return 0;
}

/* v4v's address, as the caller's style wants it, into (out, *len). */
static void addr_out(enum v4v_pl_style s, const struct sockaddr_v4v *a,
		     struct sockaddr *out, socklen_t *len)
{
	struct sockaddr_in6 sin6;
	struct sockaddr_in sin;
	struct sockaddr x;

	if (s == V4V_PL_XEN) {
		v4v_pl_to_xen(a, &x);
		v4v_pl_copy_out(&x, sizeof(x), out, len);
	} else if (s == V4V_PL_INET6) {
		v4v_pl_to_inet6(a, port_addend(), &sin6);
		v4v_pl_copy_out(&sin6, sizeof(sin6), out, len);
	} else {
		v4v_pl_to_inet(a, port_addend(), &sin);
		v4v_pl_copy_out(&sin, sizeof(sin), out, len);
	}
}

/* A v4v socket whose addresses the program gives and takes in its own way. */
static int mapped(enum v4v_pl_style s)
{
	return s == V4V_PL_INET || s == V4V_PL_INET6 || s == V4V_PL_XEN;
}

/* Whether the caller's address needs translating for this socket. */
static int translates(enum v4v_pl_style s, const struct sockaddr *a)
{
	return mapped(s) && a && a->sa_family != v4v_family();
}

/* The IP-level option levels, which mean nothing on v4v. */
static int ip_level(int level)
{
	return level == IPPROTO_TCP || level == IPPROTO_IP || level == IPPROTO_IPV6 ||
	       level == IPPROTO_UDP;
}

/* --- the interposed calls ------------------------------------------------ */

/* A socket of another family; a native v4v one is left unmapped. */
static int other_socket(int domain, int type, int protocol)
{
	static __thread int busy;	/* v4v_family() may call socket() */
	int fd = REAL(socket)(domain, type, protocol);

	if (fd < 0 || busy || domain == AF_INET || domain == AF_INET6 ||
	    domain == AF_UNIX || domain == AF_NETLINK)
		return fd;
	busy = 1;
	if (domain == v4v_family())
		set_style(fd, V4V_PL_NATIVE);
	busy = 0;
	return fd;
}

PRELOAD_EXPORT int socket(int domain, int type, int protocol)
{
	int base = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC), af, fd;
	enum v4v_pl_style s;

	if (domain == XENARGO_AF)
		s = V4V_PL_XEN;
	else if (domain == INETARGO_AF || (domain == AF_INET && inet_switch()))
		s = V4V_PL_INET;
	else if (domain == AF_INET6 && inet_switch())
		s = V4V_PL_INET6;	/* dual-stack servers listen on :: */
	else
		return other_socket(domain, type, protocol);
	/* Raw and other IP sockets stay IP: v4v has no such thing. */
	if ((domain == AF_INET || domain == AF_INET6) &&
	    ((base != SOCK_STREAM && base != SOCK_DGRAM) ||
	     (protocol && protocol != IPPROTO_TCP && protocol != IPPROTO_UDP)))
		return REAL(socket)(domain, type, protocol);
	af = v4v_family();
	if (af < 0)
		return -1;
	fd = REAL(socket)(af, type, 0);
	set_style(fd, s);
	return fd;
}

/*
 * Port 0 asks for any port; v4v would pick one IPv4 cannot name, so pick
 * one IPv4 can, from the dynamic range, as the IPv4 stack would.
 */
static int bind_any_port(int fd, struct sockaddr_v4v *a)
{
	uint32_t start = (uint32_t)getpid() * 2654435761u, i, addend = port_addend();
	int r = -1;

	for (i = 0; i < 16384; i++) {
		a->sv4v_port = v4v_pl_port_in((uint16_t)(49152 + (start + i) % 16384), addend);
		r = REAL(bind)(fd, (struct sockaddr *)a, sizeof(*a));
		if (!r || errno != EADDRINUSE)
			break;
	}
	return r;
}

/*
 * A socket that sends or connects unbound gets a port from v4v's
 * ephemeral range, which IPv4 cannot name: the peer would see port 0 and
 * answer nowhere.  Bind it first, to a port IPv4 can name.
 */
static int ensure_bound(int fd, enum v4v_pl_style s, const struct sockaddr_v4v *local)
{
	struct sockaddr_v4v a = *local;

	if ((s != V4V_PL_INET && s != V4V_PL_INET6) ||
	    (a.sv4v_port != 0 && a.sv4v_port != V4V_PORT_ANY))
		return 0;
	a.sv4v_domain = V4V_DOMID_ANY;
	return bind_any_port(fd, &a);
}

/*
 * A service bound to loopback is meant for this host alone: on v4v, for
 * this domain alone, so its ring's partner is this domain (a v4v ring for
 * any domain would take any domain's traffic).  A bound socket is left to
 * bind() to refuse.
 */
static int loopback_partner(int fd, const struct sockaddr *addr, socklen_t len,
			    const struct sockaddr_v4v *a)
{
	uint32_t self = a->sv4v_domain;

	if (!v4v_pl_is_loopback(addr, len))
		return 0;
	if (REAL(setsockopt)(fd, SOL_V4V, V4V_PARTNER, &self, sizeof(self)) &&
	    errno != EISCONN)
		return -1;
	return 0;
}

PRELOAD_EXPORT int bind(int fd, const struct sockaddr *addr, socklen_t len)
{
	struct sockaddr_v4v a, local;
	enum v4v_pl_style s = probe(fd, &local);

	if (!translates(s, addr))
		return REAL(bind)(fd, addr, len);
	if (addr_in(&local, s, addr, len, &a))
		return -1;
	if ((s == V4V_PL_INET || s == V4V_PL_INET6) && loopback_partner(fd, addr, len, &a))
		return -1;
	if ((s == V4V_PL_INET || s == V4V_PL_INET6) &&
	    a.sv4v_port == v4v_pl_port_in(0, port_addend()))
		return bind_any_port(fd, &a);
	return REAL(bind)(fd, (struct sockaddr *)&a, sizeof(a));
}

PRELOAD_EXPORT int connect(int fd, const struct sockaddr *addr, socklen_t len)
{
	struct sockaddr_v4v a, local;
	enum v4v_pl_style s = probe(fd, &local);

	if (!translates(s, addr) || addr->sa_family == AF_UNSPEC)
		return REAL(connect)(fd, addr, len);
	if (addr_in(&local, s, addr, len, &a) || ensure_bound(fd, s, &local))
		return -1;
	return REAL(connect)(fd, (struct sockaddr *)&a, sizeof(a));
}

PRELOAD_EXPORT int accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags)
{
	enum v4v_pl_style s = style_of(fd);
	struct sockaddr_v4v a;
	socklen_t alen = sizeof(a);
	int c;

	if (!mapped(s))
		return REAL(accept4)(fd, addr, len, flags);
	c = REAL(accept4)(fd, (struct sockaddr *)&a, &alen, flags);
	if (c < 0)
		return c;
	set_style(c, s);
	if (addr && len)
		addr_out(s, &a, addr, len);
	return c;
}

PRELOAD_EXPORT int accept(int fd, struct sockaddr *addr, socklen_t *len)
{
	return accept4(fd, addr, len, 0);
}

/* getsockname and getpeername: ask for v4v's, give the caller's. */
static int name_of(int fd, struct sockaddr *addr, socklen_t *len,
		   int (*call)(int, struct sockaddr *, socklen_t *))
{
	enum v4v_pl_style s = style_of(fd);
	struct sockaddr_v4v a;
	socklen_t alen = sizeof(a);

	if (!mapped(s))
		return call(fd, addr, len);
	if (!addr || !len) {
		errno = EFAULT;
		return -1;
	}
	if (call(fd, (struct sockaddr *)&a, &alen))
		return -1;
	addr_out(s, &a, addr, len);
	return 0;
}

PRELOAD_EXPORT int getsockname(int fd, struct sockaddr *addr, socklen_t *len)
{
	return name_of(fd, addr, len, REAL(getsockname));
}

PRELOAD_EXPORT int getpeername(int fd, struct sockaddr *addr, socklen_t *len)
{
	return name_of(fd, addr, len, REAL(getpeername));
}

PRELOAD_EXPORT ssize_t sendto(int fd, const void *buf, size_t n, int flags,
			      const struct sockaddr *addr, socklen_t len)
{
	struct sockaddr_v4v a, local;
	enum v4v_pl_style s = addr ? probe(fd, &local) : V4V_PL_UNKNOWN;

	if (!translates(s, addr))
		return REAL(sendto)(fd, buf, n, flags, addr, len);
	if (addr_in(&local, s, addr, len, &a) || ensure_bound(fd, s, &local))
		return -1;
	return REAL(sendto)(fd, buf, n, flags, (struct sockaddr *)&a, sizeof(a));
}

PRELOAD_EXPORT ssize_t recvfrom(int fd, void *buf, size_t n, int flags,
				struct sockaddr *addr, socklen_t *len)
{
	enum v4v_pl_style s = addr && len ? style_of(fd) : V4V_PL_UNKNOWN;
	struct sockaddr_v4v a;
	socklen_t alen = sizeof(a);
	ssize_t r;

	if (!mapped(s))
		return REAL(recvfrom)(fd, buf, n, flags, addr, len);
	r = REAL(recvfrom)(fd, buf, n, flags, (struct sockaddr *)&a, &alen);
	if (r >= 0 && alen >= sizeof(a))
		addr_out(s, &a, addr, len);
	else if (r >= 0)
		*len = 0;	/* the kernel named no sender (a stream, an end) */
	return r;
}

PRELOAD_EXPORT ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
	struct sockaddr_v4v a, local;
	enum v4v_pl_style s = msg && msg->msg_name ? probe(fd, &local) : V4V_PL_UNKNOWN;
	struct msghdr m;

	if (!translates(s, msg ? msg->msg_name : NULL))
		return REAL(sendmsg)(fd, msg, flags);
	if (addr_in(&local, s, msg->msg_name, msg->msg_namelen, &a) ||
	    ensure_bound(fd, s, &local))
		return -1;
	m = *msg;
	m.msg_name = &a;
	m.msg_namelen = sizeof(a);
	return REAL(sendmsg)(fd, &m, flags);
}

PRELOAD_EXPORT ssize_t recvmsg(int fd, struct msghdr *msg, int flags)
{
	enum v4v_pl_style s = msg && msg->msg_name ? style_of(fd) : V4V_PL_UNKNOWN;
	struct sockaddr_v4v a;
	void *name;
	socklen_t len;
	ssize_t r;

	if (!mapped(s))
		return REAL(recvmsg)(fd, msg, flags);
	name = msg->msg_name;
	len = msg->msg_namelen;
	msg->msg_name = &a;
	msg->msg_namelen = sizeof(a);
	r = REAL(recvmsg)(fd, msg, flags);
	msg->msg_name = name;
	if (r >= 0 && msg->msg_namelen >= sizeof(a))
		addr_out(s, &a, name, &len);
	else
		len = 0;	/* no sender named (a stream, an end), or an error */
	msg->msg_namelen = len;
	return r;
}

/*
 * IP, TCP and UDP options mean nothing on v4v: setting one succeeds and
 * does nothing (programs set TCP_NODELAY, IP_TOS, IPV6_V6ONLY or
 * SO_REUSEPORT and stop if it fails), and reading one gives 0.  SO_DOMAIN says the family the
 * program made the socket with.
 */
PRELOAD_EXPORT int setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
	/* SO_REUSEPORT too: the kernel refuses it outside IP (nc sets it). */
	int ipish = ip_level(level) || (level == SOL_SOCKET && name == SO_REUSEPORT);
	enum v4v_pl_style s = ipish ? style_of(fd) : V4V_PL_UNKNOWN;

	if (s == V4V_PL_INET || s == V4V_PL_INET6)
		return 0;
	return REAL(setsockopt)(fd, level, name, val, len);
}

PRELOAD_EXPORT int getsockopt(int fd, int level, int name, void *val, socklen_t *len)
{
	int domain = level == SOL_SOCKET && name == SO_DOMAIN;
	enum v4v_pl_style s = ip_level(level) || domain ? style_of(fd) : V4V_PL_UNKNOWN;
	int v = 0;

	if (s != V4V_PL_INET && s != V4V_PL_INET6)
		return REAL(getsockopt)(fd, level, name, val, len);
	if (!val || !len) {
		errno = EFAULT;
		return -1;
	}
	if (domain)
		v = s == V4V_PL_INET ? AF_INET : AF_INET6;
	v4v_pl_copy_out(&v, sizeof(v), val, len);
	return 0;
}

/* --- duplicates keep their style --------------------------------------- */

static int copy_style(int from, int to)
{
	if (to >= 0)
		set_style(to, recorded_style(from));
	return to;
}

PRELOAD_EXPORT int dup(int fd)
{
	return copy_style(fd, REAL(dup)(fd));
}

PRELOAD_EXPORT int dup2(int fd, int to)
{
	return copy_style(fd, REAL(dup2)(fd, to));
}

PRELOAD_EXPORT int dup3(int fd, int to, int flags)
{
	return copy_style(fd, REAL(dup3)(fd, to, flags));
}

PRELOAD_EXPORT int fcntl(int fd, int cmd, ...)
{
	va_list ap;
	long arg;
	int r;

	va_start(ap, cmd);
	arg = va_arg(ap, long);	/* every fcntl argument fits; unused ones are ignored */
	va_end(ap);
	r = REAL(fcntl)(fd, cmd, arg);
	if (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC)
		copy_style(fd, r);
	return r;
}
