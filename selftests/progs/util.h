/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for the AF_V4V test programs: sockets, addresses, the test
 * pattern and reproducible sizes.  Calls return what the system call
 * returned, or -errno, so tests compare with errno values directly.
 */
#ifndef V4V_UTIL_H
#define V4V_UTIL_H

#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <linux/v4v.h>

/* The address family the module registered (its "family" parameter). */
int v4v_af(void);

int sk_dgram(void);			/* exits the test if socket() fails */
struct sockaddr_v4v sk_addr(uint16_t domain, uint32_t port);
int sk_bind(int fd, uint16_t domain, uint32_t port);
int sk_connect(int fd, uint16_t domain, uint32_t port);
int sk_set(int fd, int opt, uint32_t val);	/* SOL_V4V option */
ssize_t sk_sendto(int fd, uint16_t domain, uint32_t port, const void *buf,
		  size_t len, int flags);
ssize_t sk_send(int fd, const void *buf, size_t len, int flags);
ssize_t sk_recvfrom(int fd, void *buf, size_t len, int flags,
		    struct sockaddr_v4v *from, int *msg_flags);
uint32_t sk_port(int fd);		/* bound port, from getsockname */
int sk_domid(int fd);			/* V4V_IOC_LOCAL_DOMID */

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

/* Ring bytes one message of payload len occupies. */
static inline uint32_t v4v_slot(uint32_t len)
{
	return 16 + ((len + 15) & ~15u);
}

/* A number from the module's debugfs status ("name: value"), or -1. */
long long module_status(const char *name);

/* Pin the calling thread to one CPU; 0 or -errno. */
int run_on_cpu(int cpu);

/* Wait up to timeout_ms for a child; its exit status, or -1 (killed). */
int wait_exit(pid_t pid, int timeout_ms);

/* Become uid and gid 65534, without capabilities: 0, or -1 with errno. */
int become_nobody(void);
/* Run argv so (exec; 127 on failure). */
int as_nobody_main(char **argv);

#endif /* V4V_UTIL_H */
