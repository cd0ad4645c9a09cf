/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * OpenXT's libargo API on v4v sockets, for programs written against
 * OpenXT's <libargo.h>: build them with
 *	cc prog.c $(pkg-config --cflags --libs libv4v-openxt)
 * and they run unmodified on AF_V4V (libv4v(7)).
 *
 * Error convention: -1 and errno, for every function (OpenXT's returned
 * negative errno values from some; these never do).
 */
#ifndef V4V_OPENXT_LIBARGO_H
#define V4V_OPENXT_LIBARGO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <xen/argo.h>

#ifdef __cplusplus
extern "C" {
#endif

/* OpenXT's interposer families and address; see libv4v(7). */
#define PF_XENARGO	13398
#define AF_XENARGO	PF_XENARGO
#define PF_INETARGO	13399
#define AF_INETARGO	PF_INETARGO

struct sockaddr_xenargo {
	sa_family_t sxenargo_family;
	uint16_t sxenargo_pad;		/* zero */
	uint32_t sxenargo_port;
	domid_t sxenargo_domain;
	unsigned char sxenargo_zero[6];	/* zero: as long as a struct sockaddr */
};

int argo_socket(int type);
int argo_close(int fd);
int argo_bind(int fd, xen_argo_addr_t *addr, domid_t partner_id);
int argo_connect(int fd, xen_argo_addr_t *peer);
int argo_listen(int fd, int backlog);
int argo_accept(int fd, xen_argo_addr_t *peer);
ssize_t argo_send(int fd, const void *buf, size_t len, int flags);
ssize_t argo_sendmsg(int fd, const struct msghdr *msg, int flags);
ssize_t argo_sendto(int fd, const void *buf, size_t len, int flags,
		    xen_argo_addr_t *dest_addr);
ssize_t argo_recv(int fd, void *buf, size_t len, int flags);
ssize_t argo_recvmsg(int fd, struct msghdr *msg, int flags);
ssize_t argo_recvfrom(int fd, void *buf, size_t len, int flags,
		      xen_argo_addr_t *src_addr);
int argo_getsockname(int fd, xen_argo_addr_t *out_addr, domid_t *out_partner_id);
int argo_getpeername(int fd, xen_argo_addr_t *out_addr);
int argo_getsockopt(int fd, int level, int optname, void *optval, socklen_t *optlen);
/* OpenXT's firewall; v4v has none (Xen's XSM decides): -1, EOPNOTSUPP. */
int viptables_add(int fd, xen_argo_viptables_rule_t *rule, int position);
int viptables_del(int fd, xen_argo_viptables_rule_t *rule, int position);
int viptables_flush(int fd);
int viptables_list(int fd);

#ifdef __cplusplus
}
#endif

#endif /* V4V_OPENXT_LIBARGO_H */
