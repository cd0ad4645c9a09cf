// SPDX-License-Identifier: GPL-2.0
/* Thin wrappers over the test interface; see tif.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "tif.h"

int tif_open(void)
{
	int fd = open(TIF_PATH, O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		printf("# cannot open %s: %s\n", TIF_PATH, strerror(errno));
		fflush(stdout);
		_exit(1);
	}
	return fd;
}

static long ret_or_errno(long r)
{
	return r < 0 ? -errno : r;
}

int tif_bind(int fd, uint32_t port, uint16_t partner, uint32_t len, uint32_t flags)
{
	struct v4v_test_bind b = {
		.port = port, .partner = partner, .ring_len = len, .flags = flags,
	};

	return ret_or_errno(ioctl(fd, V4V_TEST_IOC_BIND, &b));
}

int tif_unbind(int fd)
{
	return ret_or_errno(ioctl(fd, V4V_TEST_IOC_UNBIND));
}

long tif_send(int fd, uint16_t dom, uint32_t port, const void *buf, uint32_t len,
	      uint32_t type, uint32_t flags)
{
	struct v4v_test_send s = {
		.buf = (uintptr_t)buf, .len = len, .flags = flags,
		.dst_port = port, .dst_domain = dom, .message_type = type,
	};

	return ret_or_errno(ioctl(fd, V4V_TEST_IOC_SEND, &s));
}

long tif_recv(int fd, void *buf, uint32_t len, uint32_t flags,
	      struct v4v_test_recv *out)
{
	struct v4v_test_recv r = { .buf = (uintptr_t)buf, .len = len, .flags = flags };
	long ret = ret_or_errno(ioctl(fd, V4V_TEST_IOC_RECV, &r));

	if (out)
		*out = r;
	return ret < 0 ? ret : (long)r.len;
}

int tif_query(int fd, uint16_t dom, uint32_t port, uint32_t space,
	      struct v4v_test_query *out)
{
	struct v4v_test_query q = { .port = port, .domain = dom, .space_required = space };
	int ret = ret_or_errno(ioctl(fd, V4V_TEST_IOC_QUERY, &q));

	*out = q;
	return ret;
}

int tif_domid(int fd)
{
	return ret_or_errno(ioctl(fd, V4V_TEST_IOC_DOMID));
}

void pat_fill(void *buf, uint32_t seq, uint32_t len)
{
	uint8_t *p = buf;
	uint32_t i;

	for (i = 0; i < len; i++)
		p[i] = pat_byte(seq, i);
}

long pat_check(const void *buf, uint32_t seq, uint32_t len)
{
	const uint8_t *p = buf;
	uint32_t i;

	for (i = 0; i < len; i++)
		if (p[i] != pat_byte(seq, i))
			return i;
	return -1;
}

uint64_t rnd_next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ull;
}

/*
 * A size in [1, max], spread so that tiny, slot-boundary, mid-size and
 * maximal messages all come up often.
 */
uint32_t rnd_size(uint64_t *s, uint32_t max)
{
	uint64_t r = rnd_next(s);
	uint32_t v;

	switch (r % 8) {
	case 0:
		v = 1 + (r >> 8) % 16;			/* within one slot */
		break;
	case 1:
		v = 16 * (1 + (r >> 8) % 8) + ((r >> 20) % 3) - 1; /* slot edges */
		break;
	case 2:
		v = max - (r >> 8) % 17;		/* at the maximum */
		break;
	default:
		v = 1 + (r >> 8) % max;
		break;
	}
	return v < 1 ? 1 : v > max ? max : v;
}
