/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The entropy service's messages, the same over v4v datagrams and over a
 * vchan (Documentation/entropy.rst): a guest asks dom0 for some bytes from
 * getrandom(); dom0 answers with them, or with an errno (EAGAIN when the
 * guest's rate is used up, EINVAL for a malformed request).
 */
#ifndef V4V_ENTROPY_PROTO_H
#define V4V_ENTROPY_PROTO_H

#include <stdint.h>

/*
 * v4v-randomd's port.  Below V4V_PORT_PRIVILEGED: only a process with
 * CAP_NET_BIND_SERVICE can bind it, so an answer from (0, RND_PORT) comes
 * from dom0's administrator and not from any user of dom0.
 */
#define RND_PORT	0x3e0u
#define RND_MAGIC	0x444e5276u	/* "vRND" */
#define RND_VERSION	1u
#define RND_MAX		256u		/* bytes per request: 2048 bits */
/* Where v4v-randomd offers each guest its vchan: .../<guest domid>. */
#define RND_VCHAN_DIR	"/local/domain/0/data/v4v-randomd"

struct rnd_request {
	uint32_t magic;
	uint16_t version;
	uint16_t bytes;		/* 1..RND_MAX */
};

struct rnd_reply {
	uint32_t magic;
	int16_t status;		/* 0, or an errno */
	uint16_t bytes;		/* of data that follow (0 on error) */
	uint8_t data[RND_MAX];
};

#define RND_REPLY_HEADER 8u

#endif
