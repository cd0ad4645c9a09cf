/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * OpenXT's legacy libv4v API on v4v sockets, for programs written against
 * OpenXT's <libv4v.h>: build them with
 *	cc prog.c $(pkg-config --cflags --libs libv4v-openxt)
 * and they run unmodified on AF_V4V (libv4v(7)).  This directory
 * comes first on the include path, so <libv4v.h> is this file there.
 *
 * The names are OpenXT's; the symbols behind them are v4v_openxt_*, so
 * they never meet libv4v's own v4v_bind() and friends, which take other
 * arguments (libv4v.h in the parent directory).
 *
 * Error convention: -1 and errno, for every function.
 */
#ifndef V4V_OPENXT_LIBV4V_H
#define V4V_OPENXT_LIBV4V_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <xen/v4v.h>

#ifdef __cplusplus
extern "C" {
#endif

/* OpenXT's interposer families and address; see libv4v(7). */
#define PF_XENV4V	13398
#define AF_XENV4V	PF_XENV4V
#define PF_INETV4V	13399
#define AF_INETV4V	PF_INETV4V

struct sockaddr_xenv4v {
	sa_family_t sxenv4v_family;
	uint16_t sxenv4v_pad;		/* zero */
	uint32_t sxenv4v_port;
	domid_t sxenv4v_domain;
	unsigned char sxenv4v_zero[6];	/* zero: as long as a struct sockaddr */
};

#define V4V_OPENXT(name) __asm__("v4v_openxt_" #name)

char *libv4v_get_version(void) V4V_OPENXT(get_version);
int v4v_socket(int type) V4V_OPENXT(socket);
int v4v_close(int fd) V4V_OPENXT(close);
int v4v_bind(int fd, v4v_addr_t *addr, domid_t partner) V4V_OPENXT(bind);
int v4v_connect(int fd, v4v_addr_t *peer) V4V_OPENXT(connect);
int v4v_listen(int fd, int backlog) V4V_OPENXT(listen);
int v4v_accept(int fd, v4v_addr_t *peer) V4V_OPENXT(accept);
ssize_t v4v_send(int fd, const void *buf, size_t len, int flags) V4V_OPENXT(send);
ssize_t v4v_sendmsg(int fd, const struct msghdr *msg, int flags) V4V_OPENXT(sendmsg);
ssize_t v4v_sendto(int fd, const void *buf, size_t len, int flags,
		   v4v_addr_t *dest_addr) V4V_OPENXT(sendto);
ssize_t v4v_recv(int fd, void *buf, size_t len, int flags) V4V_OPENXT(recv);
ssize_t v4v_recvmsg(int fd, struct msghdr *msg, int flags) V4V_OPENXT(recvmsg);
ssize_t v4v_recvfrom(int fd, void *buf, size_t len, int flags,
		     v4v_addr_t *src_addr) V4V_OPENXT(recvfrom);
int v4v_getsockname(int fd, v4v_addr_t *addr, domid_t *partner) V4V_OPENXT(getsockname);
int v4v_getpeername(int fd, v4v_addr_t *addr) V4V_OPENXT(getpeername);
int v4v_getsockopt(int fd, int level, int optname, void *optval,
		   socklen_t *optlen) V4V_OPENXT(getsockopt);
/* OpenXT's firewall; v4v has none (Xen's XSM decides): -1, EOPNOTSUPP. */
int v4v_viptables_add(int fd, v4v_viptables_rule_t *rule, int position)
	V4V_OPENXT(viptables_add);
int v4v_viptables_del(int fd, v4v_viptables_rule_t *rule, int position)
	V4V_OPENXT(viptables_del);
int v4v_viptables_flush(int fd) V4V_OPENXT(viptables_flush);
int v4v_viptables_list(int fd) V4V_OPENXT(viptables_list);

#undef V4V_OPENXT

#ifdef __cplusplus
}
#endif

#endif /* V4V_OPENXT_LIBV4V_H */
