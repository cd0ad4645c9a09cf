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
 * Write addr as text ("3:5000", "any:0x10"...) into buf of len bytes.
 * Returns the length written (without the NUL), or -1 with errno EINVAL
 * (NULL argument) or ENOSPC (buf too small; V4V_ADDRSTRLEN always fits).
 */
int v4v_addr_format(const struct sockaddr_v4v *addr, char *buf, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* LIBV4V_H */
