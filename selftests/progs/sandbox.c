// SPDX-License-Identifier: GPL-2.0
/*
 * The sandbox demo and the reload probe: short conversations over real Argo
 * that print what travelled, for people watching the sandbox boot.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>

#include "v4v_test.h"

#define DEMO_DOM0_PORT	0x5000u
#define DEMO_DOMU_PORT	0x6000u
#define DEMO_ROUNDS	3

/* Bind a fixed port (Xen refuses it if an earlier ring survived), send, read. */
int probe_main(void)
{
	static const char msg[] = "probe";
	int fd = socket(v4v_af(), SOCK_DGRAM | SOCK_CLOEXEC, 0);
	char buf[16];
	long ret;

	if (fd < 0) {
		printf("# probe: socket: %s\n", strerror(errno));
		return 1;
	}
	ret = sk_bind(fd, V4V_DOMID_ANY, 0x1001);
	if (!ret)
		ret = sk_sendto(fd, sk_domid(fd), 0x1001, msg, sizeof(msg), 0);
	if (ret == sizeof(msg))
		ret = sk_recvfrom(fd, buf, sizeof(buf), 0, NULL, NULL);
	if (ret != sizeof(msg) || memcmp(buf, msg, sizeof(msg))) {
		printf("# probe failed: %ld (%s)\n", ret, ret < 0 ? strerror(-ret) : "");
		return 1;
	}
	return 0;
}

/* dom0: answer every greeting; runs until dom0 powers off. */
int sandbox_dom0(void)
{
	int fd = socket(v4v_af(), SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct sockaddr_v4v from;
	char buf[256], reply[300];
	long n;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (fd < 0 || sk_bind(fd, V4V_DOMID_ANY, DEMO_DOM0_PORT))
		return 1;
	t_record("SANDBOX dom0: listening on port 0x%x for any domain", DEMO_DOM0_PORT);
	for (;;) {
		n = sk_recvfrom(fd, buf, sizeof(buf) - 1, 0, &from, NULL);
		if (n < 0)
			return 1;
		buf[n] = 0;
		t_record("SANDBOX dom0: from domain %u port 0x%x: \"%s\"",
		       from.sv4v_domain, from.sv4v_port, buf);
		n = snprintf(reply, sizeof(reply), "dom0 got your %ld bytes", n);
		sk_sendto(fd, from.sv4v_domain, from.sv4v_port, reply, n, 0);
	}
}

/* domU: greet dom0 (waiting for its socket to appear) and print the replies. */
int sandbox_domu(void)
{
	int fd = socket(v4v_af(), SOCK_DGRAM | SOCK_CLOEXEC, 0), dom, i, tries;
	struct sockaddr_v4v from;
	char msg[128], buf[256];
	long n;

	if (fd < 0 || sk_set(fd, V4V_PARTNER, 0) || sk_bind(fd, V4V_DOMID_ANY, DEMO_DOMU_PORT))
		return 1;
	dom = sk_domid(fd);
	for (i = 1; i <= DEMO_ROUNDS; i++) {
		n = snprintf(msg, sizeof(msg), "hello %d from domain %d over Argo", i, dom);
		for (tries = 0; tries < 300; tries++) {
			if (sk_sendto(fd, 0, DEMO_DOM0_PORT, msg, n, 0) != -ECONNREFUSED)
				break;
			usleep(100000);
		}
		n = sk_recvfrom(fd, buf, sizeof(buf) - 1, 0, &from, NULL);
		if (n < 0)
			return 1;
		buf[n] = 0;
		t_record("SANDBOX domU: reply from domain %u: \"%s\"", from.sv4v_domain, buf);
	}
	return 0;
}

/*
 * v4v-test raw DOMAIN PORT HEX: send the bytes HEX as one datagram and
 * print the answer in hex ("reply N: ..."), or "no reply" after 3 s.  For
 * feeding a service malformed requests, as a hostile guest would.
 */
int raw_main(const char *domain, const char *port, const char *hex)
{
	int fd = socket(v4v_af(), SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct pollfd p = { .fd = fd, .events = POLLIN };
	unsigned char out[512], in[1024];
	size_t n = 0, i;
	long got;

	while (hex[0] && hex[1] && n < sizeof(out) && sscanf(hex, "%2hhx", &out[n]) == 1) {
		hex += 2;
		n++;
	}
	if (fd < 0 || *hex || sk_sendto(fd, (uint16_t)strtoul(domain, NULL, 0),
					(uint32_t)strtoul(port, NULL, 0), out, n, 0) < 0) {
		printf("# raw: cannot send: %s\n", *hex ? "bad hex" : strerror(errno));
		return 1;
	}
	if (poll(&p, 1, 3000) <= 0) {
		printf("no reply\n");
		return 1;
	}
	got = sk_recvfrom(fd, in, sizeof(in), 0, NULL, NULL);
	printf("reply %ld:", got);
	for (i = 0; got > 0 && i < (size_t)got; i++)
		printf(" %02x", in[i]);
	printf("\n");
	return got < 0;
}
