/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Source compatibility with OpenXT's libargo: the Argo types its header
 * takes from <xen/argo.h>, nothing more.  Only for programs built with
 * pkg-config's libv4v-openxt flags, which put this directory first.
 */
#ifndef V4V_OPENXT_XEN_ARGO_H
#define V4V_OPENXT_XEN_ARGO_H

#include <stdint.h>

#ifndef V4V_OPENXT_DOMID_T
#define V4V_OPENXT_DOMID_T	/* both headers may be included */
typedef uint16_t domid_t;
#endif
typedef uint32_t xen_argo_port_t;

#ifndef DOMID_INVALID
#define DOMID_INVALID		0x7ff4U
#endif
#define XEN_ARGO_DOMID_ANY	DOMID_INVALID
#define XEN_ARGO_PORT_ANY	0xffffffffU

typedef struct xen_argo_addr {
	xen_argo_port_t aport;
	domid_t domain_id;
	uint16_t pad;
} xen_argo_addr_t;

typedef struct xen_argo_viptables_rule {
	struct xen_argo_addr src;
	struct xen_argo_addr dst;
	uint32_t accept;
} xen_argo_viptables_rule_t;

#endif /* V4V_OPENXT_XEN_ARGO_H */
