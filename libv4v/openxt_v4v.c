// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * OpenXT's legacy libv4v API (include/openxt/libv4v.h) on v4v sockets.
 * The header gives each function a v4v_openxt_* symbol, so the names
 * defined here do not clash with libv4v's own v4v_bind() and friends.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <linux/v4v.h>
#include <libv4v.h>	/* OpenXT's: include/openxt comes first for this file */

#include "v4v_private.h"

#define OX_ADDR			v4v_addr_t
#define OX_PORT			port
#define OX_DOMAIN		domain
#define OX_RULE			v4v_viptables_rule_t
#define OX_FN(name)		v4v_##name
#define OX_VIP(name)		v4v_viptables_##name
#define OX_ZERO_DOMAIN_IS_ANY	0

#include "openxt_api.inc"
