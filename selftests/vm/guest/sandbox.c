// SPDX-License-Identifier: GPL-2.0
/*
 * The sandbox demo and the reload probe: short conversations over real Argo
 * that print what travelled, for people watching the sandbox boot.
 */
#include <errno.h>
#include <time.h>

#include "argo_test.h"

#define DEMO_DOM0_PORT	0x5000u
#define DEMO_DOMU_PORT	0x6000u
#define DEMO_RING	(4 * 4096u - V4V_ARGO_RING_HDR_SIZE)
#define DEMO_ROUNDS	3

/* Bind a fixed port (Xen refuses it if an earlier ring survived), send to it, read it back. */
int probe_main(void)
{
	static const char msg[] = "probe";
	struct v4v_test_recv r;
	char buf[16];
	int fd = tif_open(), dom = tif_domid(fd);
	long ret;

	ret = tif_bind(fd, 0x1001, V4V_ARGO_DOMID_ANY, DEMO_RING, 0);
	if (!ret)
		ret = tif_send(fd, dom, 0x1001, msg, sizeof(msg), 1, 0);
	if (ret == sizeof(msg))
		ret = tif_recv(fd, buf, sizeof(buf), 0, &r);
	if (ret != sizeof(msg) || memcmp(buf, msg, sizeof(msg))) {
		printf("# probe failed: %ld (%s)\n", ret, ret < 0 ? strerror(-ret) : "");
		return 1;
	}
	return 0;
}

/* dom0: answer every greeting; runs until killed with dom0's power-off. */
int sandbox_dom0(void)
{
	struct v4v_test_recv r;
	char buf[256], reply[300];
	int fd = tif_open();
	long n;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (tif_bind(fd, DEMO_DOM0_PORT, V4V_ARGO_DOMID_ANY, DEMO_RING, 0))
		return 1;
	printf("SANDBOX dom0: listening on port 0x%x of a ring any domain may use\n",
	       DEMO_DOM0_PORT);
	for (;;) {
		n = tif_recv(fd, buf, sizeof(buf) - 1, 0, &r);
		if (n < 0)
			return 1;
		buf[n] = 0;
		printf("SANDBOX dom0: from domain %u port 0x%x: \"%s\"\n",
		       r.src_domain, r.src_port, buf);
		n = snprintf(reply, sizeof(reply), "dom0 got your %ld bytes", n);
		tif_send(fd, r.src_domain, r.src_port, reply, n, 1, 0);
	}
}

/* domU: greet dom0 (waiting for its ring to appear) and print the replies. */
int sandbox_domu(void)
{
	struct v4v_test_recv r;
	char msg[128], buf[256];
	int fd = tif_open(), dom = tif_domid(fd), i, tries;
	long n;

	if (tif_bind(fd, DEMO_DOMU_PORT, 0, DEMO_RING, 0))
		return 1;
	for (i = 1; i <= DEMO_ROUNDS; i++) {
		n = snprintf(msg, sizeof(msg), "hello %d from domain %d over Argo", i, dom);
		for (tries = 0; tries < 300; tries++) {
			if (tif_send(fd, 0, DEMO_DOM0_PORT, msg, n, 1, 0) != -ECONNREFUSED)
				break;
			usleep(100000);
		}
		n = tif_recv(fd, buf, sizeof(buf) - 1, 0, &r);
		if (n < 0)
			return 1;
		buf[n] = 0;
		printf("SANDBOX domU: reply from domain %u: \"%s\"\n", r.src_domain, buf);
	}
	return 0;
}
