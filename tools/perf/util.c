// SPDX-License-Identifier: GPL-2.0
/* v4v-perf: clocks, whole reads and writes, names and units. */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "perf.h"

static const char *const names[T_COUNT] = { "v4v", "unix", "tcp", "vchan" };

uint64_t perf_now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

int perf_write_full(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;

	while (len) {
		n = send(fd, p, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* 0 when all len bytes came; -1 with errno (EPIPE for an early end). */
int perf_read_full(int fd, void *buf, size_t len)
{
	char *p = buf;
	ssize_t n;

	while (len) {
		n = recv(fd, p, len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0)
			errno = EPIPE;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

const char *perf_transport_name(enum perf_transport t)
{
	return t < T_COUNT ? names[t] : "?";
}

int perf_transport_parse(const char *s, enum perf_transport *t)
{
	unsigned int i;

	for (i = 0; i < T_COUNT; i++)
		if (!strcmp(s, names[i])) {
			*t = (enum perf_transport)i;
			return 0;
		}
	return -1;
}

/* As iperf3: binary prefixes for amounts, decimal ones for rates. */
void perf_fmt_bytes(char *buf, size_t len, double b)
{
	static const char *const u[] = { "Bytes", "KBytes", "MBytes", "GBytes", "TBytes" };
	unsigned int i = 0;

	while (b >= 1024 * 0.995 && i < 4) {
		b /= 1024;
		i++;
	}
	snprintf(buf, len, b < 9.995 ? "%.2f %s" : b < 99.95 ? "%.1f %s" : "%.0f %s", b, u[i]);
}

void perf_fmt_rate(char *buf, size_t len, double r)
{
	static const char *const u[] = { "bits/sec", "Kbits/sec", "Mbits/sec", "Gbits/sec",
					 "Tbits/sec" };
	unsigned int i = 0;

	while (r >= 1000 * 0.995 && i < 4) {
		r /= 1000;
		i++;
	}
	snprintf(buf, len, r < 9.995 ? "%.2f %s" : r < 99.95 ? "%.1f %s" : "%.0f %s", r, u[i]);
}
