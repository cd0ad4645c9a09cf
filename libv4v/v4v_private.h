/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Internal to libv4v. */
#ifndef V4V_PRIVATE_H
#define V4V_PRIVATE_H

#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

/* Symbols in the public API; the version script decides their version. */
#define V4V_EXPORT __attribute__((visibility("default")))

/* libv4v.h's, for files that include an OpenXT header instead. */
int v4v_family(void);
/* OpenXT's libv4v_get_version(), under the symbol its header names. */
char *v4v_openxt_get_version(void);

/* The id of the domain xenstore calls name; 0, or -1 if none or no xenstore. */
int v4v_xs_domain_by_name(const char *name, uint16_t *domain);

/*
 * OpenXT's address structs, xen_argo_addr_t and v4v_addr_t, as the shared
 * code takes them (openxt_core.c).  A NULL address where one is needed is
 * EINVAL; a NULL address to fill is skipped.
 */
struct v4v_oxaddr {
	uint32_t port;
	uint16_t domain;
};

int v4v_ox_bind(int fd, const struct v4v_oxaddr *addr, uint16_t partner);
int v4v_ox_connect(int fd, const struct v4v_oxaddr *peer);
int v4v_ox_accept(int fd, struct v4v_oxaddr *peer);
/* dst NULL: send() on a connected socket. */
ssize_t v4v_ox_sendto(int fd, const void *buf, size_t len, int flags,
		      const struct v4v_oxaddr *dst);
ssize_t v4v_ox_recvfrom(int fd, void *buf, size_t len, int flags,
			struct v4v_oxaddr *src);
/* msg's own name is ignored: OpenXT passes its address struct there. */
ssize_t v4v_ox_sendmsg(int fd, const struct msghdr *msg, int flags,
		       const struct v4v_oxaddr *dst);
ssize_t v4v_ox_recvmsg(int fd, struct msghdr *msg, int flags, struct v4v_oxaddr *src);
int v4v_ox_getsockname(int fd, struct v4v_oxaddr *addr, uint16_t *partner);
int v4v_ox_getpeername(int fd, struct v4v_oxaddr *addr);

#endif
