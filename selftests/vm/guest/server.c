// SPDX-License-Identifier: GPL-2.0
/*
 * The test server: runs in dom0 while the domU's client tests talk to it
 * (protocol in tif.h).  It checks every T_DATA byte against the pattern, in
 * order, echoes T_ECHO back to the sender's domain (as authenticated by Xen)
 * and port, and exits on T_QUIT: 0 if nothing bad was ever received.
 */
#include <errno.h>
#include <time.h>

#include "argo_test.h"

static uint8_t buf[SERVER_RING_LEN];

static int reply(int fd, const struct v4v_test_recv *r, const void *p,
		 uint32_t len, uint32_t type)
{
	long ret = tif_send(fd, r->src_domain, r->src_port, p, len, type, 0);

	if (ret != (long)len) {
		printf("# server: reply to %u:0x%x failed: %ld\n", r->src_domain,
		       r->src_port, ret);
		return 1;
	}
	return 0;
}

int server_main(void)
{
	struct server_stats now = { 0 };
	uint64_t total_msgs = 0, total_bad = 0;
	struct v4v_test_recv r;
	uint32_t ms;
	int fd = tif_open();
	long ret;

	setvbuf(stdout, NULL, _IOLBF, 0);
	ret = tif_bind(fd, SERVER_PORT, V4V_ARGO_DOMID_ANY, SERVER_RING_LEN, 0);
	if (ret) {
		printf("# server: bind: %s\n", strerror((int)-ret));
		return 1;
	}
	printf("# server: listening on 0x%x\n", SERVER_PORT);
	for (;;) {
		ret = tif_recv(fd, buf, sizeof(buf), 0, &r);
		if (ret < 0) {
			printf("# server: recv: %s\n", strerror((int)-ret));
			return 1;
		}
		total_msgs++;
		switch (r.message_type) {
		case T_DATA:
			if (r.msg_len != ret || pat_check(buf, now.msgs, r.msg_len) >= 0) {
				now.bad++;
				total_bad++;
			}
			now.msgs++;
			now.bytes += r.msg_len;
			break;
		case T_ECHO:
			total_bad += reply(fd, &r, buf, ret, T_ECHO_REPLY);
			break;
		case T_STATS:
			total_bad += reply(fd, &r, &now, sizeof(now), T_STATS_REPLY);
			memset(&now, 0, sizeof(now));
			break;
		case T_HOLD:
			memcpy(&ms, buf, sizeof(ms));
			usleep(ms * 1000);
			break;
		case T_QUIT:
			printf("# server: %llu messages, %llu bad\n",
			       (unsigned long long)total_msgs,
			       (unsigned long long)total_bad);
			return total_bad ? 1 : 0;
		default:
			printf("# server: unexpected type 0x%x from %u\n",
			       r.message_type, r.src_domain);
			total_bad++;
		}
	}
}

int server_quit(void)
{
	int fd = tif_open();
	long ret = tif_send(fd, 0, SERVER_PORT, "", 0, T_QUIT, 0);

	if (ret) {
		printf("# quit: %s\n", strerror((int)-ret));
		return 1;
	}
	return 0;
}
