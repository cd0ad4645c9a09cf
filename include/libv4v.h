/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libv4v: C library for v4v inter-domain sockets over Xen's Argo.
 *
 * Error convention, for every function: on failure -1 is returned and errno
 * says why (POSIX style); nothing else is ever returned on failure.
 */
#ifndef LIBV4V_H
#define LIBV4V_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <linux/v4v.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The version this header belongs to; v4v_version() gives the library's. */
#define LIBV4V_VERSION_MAJOR 0
#define LIBV4V_VERSION_MINOR 1
#define LIBV4V_VERSION_PATCH 0

/* Longest text v4v_addr_format() writes, with the terminating NUL. */
#define V4V_ADDRSTRLEN 24

/* Library version as "MAJOR.MINOR.PATCH"; never fails. */
const char *v4v_version(void);

/*
 * Parse "DOMAIN:PORT" into *addr (family set, padding zeroed).  DOMAIN is a
 * decimal domain id, "domN", or "any"/"*"; PORT is decimal or 0x-prefixed
 * hexadecimal, or "any"/"*".  Returns 0, or -1 with errno EINVAL.
 */
int v4v_addr_parse(const char *str, struct sockaddr_v4v *addr);

/*
 * As v4v_addr_parse(), and DOMAIN may also be a domain's name, looked up
 * in xenstore (dom0 sees every domain's; a domU usually only its own).
 * -1 with errno EINVAL for bad text, ENOENT if no domain has the name or
 * xenstore cannot be read.
 */
int v4v_addr_resolve(const char *str, struct sockaddr_v4v *addr);

/*
 * Write addr as text ("3:5000", "any:0x10"...) into buf of len bytes.
 * Returns the length written (without the NUL), or -1 with errno EINVAL
 * (NULL argument) or ENOSPC (buf too small; V4V_ADDRSTRLEN always fits).
 */
int v4v_addr_format(const struct sockaddr_v4v *addr, char *buf, size_t len);

/*
 * The address family number v4v.ko registered (AF_V4V unless loaded with
 * family=N), loading the module if the system can.  Programs pass it to
 * socket() instead of AF_V4V.  -1 with errno EAFNOSUPPORT without v4v.
 */
int v4v_family(void);

/*
 * The calls below are the system calls they name, on v4v addresses; they
 * set sv4v_family to v4v_family() themselves.  Errors are the kernel's
 * (v4v(7)), plus EAFNOSUPPORT without v4v and EINVAL for bad address text.
 */

/* socket(v4v_family(), type, 0); type may carry SOCK_NONBLOCK|SOCK_CLOEXEC. */
int v4v_socket(int type);
int v4v_bind(int fd, uint16_t domain, uint32_t port);
int v4v_connect(int fd, uint16_t domain, uint32_t port);
/* listen(), send() and recv(), for programs that use only v4v_* names. */
int v4v_listen(int fd, int backlog);
ssize_t v4v_send(int fd, const void *buf, size_t len, int flags);
ssize_t v4v_recv(int fd, void *buf, size_t len, int flags);
/* accept4(); the peer's address in *peer unless peer is NULL. */
int v4v_accept(int fd, struct sockaddr_v4v *peer, int flags);
ssize_t v4v_sendto(int fd, const void *buf, size_t len, int flags,
		   uint16_t domain, uint32_t port);
/* recvfrom(); the sender's address in *from unless from is NULL. */
ssize_t v4v_recvfrom(int fd, void *buf, size_t len, int flags,
		     struct sockaddr_v4v *from);

/* A socket of type connected to addr ("DOMAIN:PORT"); -1 and errno. */
int v4v_dial(const char *addr, int type);
/*
 * A socket of type bound to addr, and for stream and seqpacket listening
 * with backlog; -1 and errno.
 */
int v4v_serve(const char *addr, int type, int backlog);

#ifdef __cplusplus
}
#endif

#endif /* LIBV4V_H */
