/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers over the module's temporary test interface (<v4v/testif.h>), the
 * test pattern and the test server's protocol.  Calls return what the ioctl
 * returned, or -errno, so tests can compare with Argo's error codes directly.
 */
#ifndef V4V_TIF_H
#define V4V_TIF_H

#include <stdint.h>
#include <v4v/argo.h>
#include <v4v/testif.h>

#define TIF_PATH "/sys/kernel/debug/v4v/test"

int tif_open(void);
int tif_bind(int fd, uint32_t port, uint16_t partner, uint32_t len, uint32_t flags);
int tif_unbind(int fd);
long tif_send(int fd, uint16_t dom, uint32_t port, const void *buf, uint32_t len,
	      uint32_t type, uint32_t flags);
long tif_recv(int fd, void *buf, uint32_t len, uint32_t flags,
	      struct v4v_test_recv *out);
int tif_query(int fd, uint16_t dom, uint32_t port, uint32_t space,
	      struct v4v_test_query *out);
int tif_domid(int fd);

/* Payload byte i of message seq: every byte of every message is checkable. */
static inline uint8_t pat_byte(uint32_t seq, uint32_t i)
{
	uint32_t x = seq * 2654435761u ^ (i * 40503u + 0x9e37u);

	x ^= x >> 15;
	x *= 0x2c1b3c6du;
	return (uint8_t)(x >> 24);
}

void pat_fill(void *buf, uint32_t seq, uint32_t len);
/* Index of the first wrong byte, or -1 when buf is exactly the pattern. */
long pat_check(const void *buf, uint32_t seq, uint32_t len);

/* xorshift64*: reproducible sizes for a given seed. */
uint64_t rnd_next(uint64_t *s);
uint32_t rnd_size(uint64_t *s, uint32_t max);

/*
 * The test server (argo-test server, in dom0) listens on SERVER_PORT of a
 * ring any domain may send to.  Message types:
 */
#define SERVER_PORT		0x5000u
#define SERVER_RING_LEN		(32768u - V4V_ARGO_RING_HDR_SIZE)
#define T_DATA		0x76340001u	/* pattern(seq, len), checked in order */
#define T_ECHO		0x76340002u	/* sent back as T_ECHO_REPLY */
#define T_ECHO_REPLY	0x76340003u
#define T_STATS		0x76340004u	/* answered by T_STATS_REPLY, then reset */
#define T_STATS_REPLY	0x76340005u
#define T_HOLD		0x76340006u	/* payload: u32 ms the server stops reading */
#define T_QUIT		0x76340007u

struct server_stats {
	uint32_t msgs;
	uint32_t bad;
	uint64_t bytes;
};

#endif /* V4V_TIF_H */
