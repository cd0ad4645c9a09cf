/* SPDX-License-Identifier: GPL-2.0 */
/* Shared declarations of the in-guest Argo test program (argo-test). */
#ifndef V4V_ARGO_TEST_H
#define V4V_ARGO_TEST_H

#include <stddef.h>

#include "tharness.h"
#include "tif.h"

extern int g_domid;		/* this domain, from the module */
extern unsigned int g_where;	/* T_DOM0 or T_DOMU */

/* Ring bytes one message of payload len occupies. */
static inline uint32_t v4v_slot(uint32_t len)
{
	return V4V_ARGO_MSG_HDR_SIZE + ((len + 15) & ~15u);
}

extern const struct t_case t_self_cases[];
extern const size_t t_self_count;
extern const struct t_case t_client_cases[];
extern const size_t t_client_count;

int server_main(void);
int server_quit(void);
int probe_main(void);
int sandbox_dom0(void);
int sandbox_domu(void);

#endif /* V4V_ARGO_TEST_H */
