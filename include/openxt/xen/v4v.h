/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Source compatibility with OpenXT's legacy libv4v: the V4V types its
 * header takes from <xen/v4v.h>, nothing more.  Only for programs built
 * with pkg-config's libv4v-openxt flags, which put this directory first.
 */
#ifndef V4V_OPENXT_XEN_V4V_H
#define V4V_OPENXT_XEN_V4V_H

#include <stdint.h>

#ifndef V4V_OPENXT_DOMID_T
#define V4V_OPENXT_DOMID_T	/* both headers may be included */
typedef uint16_t domid_t;
#endif

#ifndef DOMID_INVALID
#define DOMID_INVALID		0x7ff4U
#endif
#ifndef V4V_DOMID_ANY
#define V4V_DOMID_ANY		DOMID_INVALID	/* as <linux/v4v.h> */
#endif
#define V4V_DOMID_NONE		V4V_DOMID_ANY
#define V4V_PORT_NONE		0U

typedef struct v4v_addr {
	uint32_t port;
	domid_t domain;
	uint16_t pad;
} v4v_addr_t;

typedef struct v4v_viptables_rule {
	struct v4v_addr src;
	struct v4v_addr dst;
	uint32_t accept;
} v4v_viptables_rule_t;

#endif /* V4V_OPENXT_XEN_V4V_H */
