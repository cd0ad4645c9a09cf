// SPDX-License-Identifier: GPL-2.0
/*
 * The test server: runs in dom0 while the domU's client tests talk to it
 * (protocol in v4v_test.h).  It checks every byte on DATA_PORT against the
 * pattern, in order, answers commands on CTL_PORT to the sender's domain
 * (as authenticated by Xen) and port, and exits on CTL_QUIT: 0 if nothing
 * bad was ever received or sent.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>

#include "v4v_test.h"

static uint8_t buf[SERVER_RING];
static struct server_stats now;
static uint64_t total_bad;

static int server_socket(uint32_t port)
{
	int fd = socket(v4v_af(), SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || sk_set(fd, V4V_RING_SIZE, SERVER_RING) ||
	    sk_bind(fd, V4V_DOMID_ANY, port)) {
		printf("# server: cannot bind port 0x%x: %s\n", port, strerror(errno));
		exit(1);
	}
	return fd;
}

/* Take in every datagram already queued on DATA_PORT. */
static void drain_data(int fd)
{
	ssize_t n;

	while ((n = sk_recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT, NULL, NULL)) >= 0) {
		if (pat_check(buf, now.msgs, n) >= 0) {
			now.bad++;
			total_bad++;
		}
		now.msgs++;
		now.bytes += n;
	}
}

static void reply(int fd, const struct sockaddr_v4v *to, const void *p, size_t len)
{
	ssize_t n = sk_sendto(fd, to->sv4v_domain, to->sv4v_port, p, len, 0);

	if (n != (ssize_t)len) {
		printf("# server: reply to %u:0x%x failed: %s\n", to->sv4v_domain,
		       to->sv4v_port, strerror((int)-n));
		total_bad++;
	}
}

static void flood(int fd, const struct sockaddr_v4v *to, const struct ctl_msg *c)
{
	uint64_t seed = c->seed;
	uint32_t i, len;

	for (i = 0; i < c->arg; i++) {
		len = rnd_size(&seed, SERVER_MAX);
		pat_fill(buf, i, len);
		reply(fd, to, buf, len);
	}
}

int server_main(void)
{
	int data = server_socket(DATA_PORT), ctl = server_socket(CTL_PORT);
	struct pollfd p[2] = { { .fd = data, .events = POLLIN }, { .fd = ctl, .events = POLLIN } };
	struct sockaddr_v4v from;
	struct ctl_msg c;
	ssize_t n;

	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("# server: data on 0x%x, commands on 0x%x\n", DATA_PORT, CTL_PORT);
	for (;;) {
		if (poll(p, 2, -1) < 0 && errno != EINTR)
			return 1;
		if (p[0].revents)
			drain_data(data);
		if (!p[1].revents)
			continue;
		n = sk_recvfrom(ctl, buf, sizeof(buf), MSG_DONTWAIT, &from, NULL);
		if (n < (ssize_t)sizeof(c))
			continue;
		memcpy(&c, buf, sizeof(c));
		switch (c.cmd) {
		case CTL_ECHO:
			reply(ctl, &from, buf + sizeof(c), n - sizeof(c));
			break;
		case CTL_STATS:
			/* What was sent before this command is in the ring by now. */
			drain_data(data);
			reply(ctl, &from, &now, sizeof(now));
			memset(&now, 0, sizeof(now));
			break;
		case CTL_HOLD:
			/*
			 * Say so before sleeping: a client that filled the
			 * data ring right after sending this raced a server
			 * still draining it.
			 */
			reply(ctl, &from, &c, sizeof(c));
			usleep(c.arg * 1000);
			break;
		case CTL_FLOOD:
			flood(ctl, &from, &c);
			break;
		case CTL_QUIT:
			printf("# server: %llu bad\n", (unsigned long long)total_bad);
			return total_bad ? 1 : 0;
		default:
			printf("# server: unknown command %u from %u\n", c.cmd, from.sv4v_domain);
			total_bad++;
		}
	}
}

int server_quit(void)
{
	struct ctl_msg c = { .cmd = CTL_QUIT };
	ssize_t n = sk_sendto(sk_dgram(), 0, CTL_PORT, &c, sizeof(c), 0);

	if (n != sizeof(c)) {
		printf("# quit: %s\n", strerror((int)-n));
		return 1;
	}
	return 0;
}
