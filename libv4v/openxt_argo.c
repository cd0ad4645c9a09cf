// SPDX-License-Identifier: LGPL-2.1-or-later
/* OpenXT's libargo API (include/openxt/libargo.h) on v4v sockets. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <linux/v4v.h>
#include <libargo.h>

#include "v4v_private.h"

#define OX_ADDR			xen_argo_addr_t
#define OX_PORT			aport
#define OX_DOMAIN		domain_id
#define OX_RULE			xen_argo_viptables_rule_t
#define OX_FN(name)		argo_##name
#define OX_VIP(name)		viptables_##name
#define OX_ZERO_DOMAIN_IS_ANY	1	/* as OpenXT's argo_bind() */

#include "openxt_api.inc"
