// SPDX-License-Identifier: GPL-2.0
/*
 * v4v-test flood: a hostile client that sends one datagram again and again
 * as fast as the destination takes it, and reads no answer, until the
 * destination's ring has been full FULL_ENOUGH times or SECONDS have
 * passed.  The tests point it at a service and check that the service
 * still serves everyone else and bounds what it does for the flooder.
 * Ending on "full", not on a clock, keeps it a flood on a slow machine.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "stream_util.h"
#include "v4v_test.h"

#define FULL_ENOUGH	1000

int flood_main(const char *domain, const char *port, const char *hex, const char *secs)
{
	unsigned char msg[512];
	unsigned long sent = 0, full = 0;
	double end = now_s() + strtod(secs, NULL);
	size_t n = 0;
	ssize_t r;
	int fd;

	while (hex[0] && hex[1] && n < sizeof(msg) && sscanf(hex, "%2hhx", &msg[n]) == 1) {
		hex += 2;
		n++;
	}
	if (*hex || !n) {
		fprintf(stderr, "v4v-test flood: bad hex\n");
		return 2;
	}
	fd = socket(v4v_af(), SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		fprintf(stderr, "v4v-test flood: socket: %s\n", strerror(errno));
		return 1;
	}
	while (now_s() < end && full < FULL_ENOUGH) {
		r = sk_sendto(fd, (uint16_t)strtoul(domain, NULL, 0),
			      (uint32_t)strtoul(port, NULL, 0), msg, n, MSG_DONTWAIT);
		if (r >= 0) {
			sent++;
		} else if (r == -EAGAIN) {
			full++;		/* the ring is full: exactly what we want */
			sched_yield();
		} else {
			fprintf(stderr, "v4v-test flood: send: %s\n", strerror((int)-r));
			close(fd);
			return 1;
		}
	}
	printf("# flood: %lu sent, the ring was full %lu times\n", sent, full);
	close(fd);
	return 0;
}
