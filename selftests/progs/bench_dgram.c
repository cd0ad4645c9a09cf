// SPDX-License-Identifier: GPL-2.0
/*
 * v4v-test bench-dgram: datagram throughput of AF_V4V against AF_UNIX in the
 * same domain, in the same run.  A child sends a fixed number of datagrams
 * (blocking), the parent receives them; the two families alternate, five
 * times each, and the medians are compared.  Only the ratio means anything:
 * absolute figures under QEMU TCG are far below real hardware.
 * Prints one "BENCH ..." line per size and a JSON summary line.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>

#include "v4v_test.h"

#define REPS	5
#define PORT	0x7000u
#define RING	(256u * 4096u - 64u)

static const struct {
	uint32_t size;
	uint32_t count;
} plan[] = { { 64, 4000 }, { 4096, 2000 }, { 65536, 300 } };

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

/* Sockets for one run: rx receives, tx sends to it. */
static int open_pair(int v4v, int *rx, int *tx)
{
	int sv[2], buf = 4 << 20;

	if (!v4v) {
		if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv))
			return -errno;
		setsockopt(sv[0], SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
		setsockopt(sv[1], SOL_SOCKET, SO_SNDBUF, &buf, sizeof(buf));
		*rx = sv[0];
		*tx = sv[1];
		return 0;
	}
	*rx = socket(v4v_af(), SOCK_DGRAM | SOCK_CLOEXEC, 0);
	*tx = socket(v4v_af(), SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (*rx < 0 || *tx < 0 || sk_set(*rx, V4V_RING_SIZE, RING) ||
	    sk_bind(*rx, V4V_DOMID_ANY, PORT))
		return -errno;
	return sk_connect(*tx, sk_domid(*rx), PORT);
}

/* Seconds to move count datagrams of size bytes, or a negative errno. */
static double run(int v4v, uint32_t size, uint32_t count)
{
	static char buf[65536];
	int rx = -1, tx = -1, err, status;
	double t0, t1;
	uint32_t i;
	pid_t child;

	err = open_pair(v4v, &rx, &tx);
	if (err)
		return err;
	child = fork();
	if (child == 0) {
		for (i = 0; i < count; i++)
			if (send(tx, buf, size, 0) != (ssize_t)size)
				_exit(1);
		_exit(0);
	}
	t0 = now();
	for (i = 0; i < count; i++)
		if (recv(rx, buf, sizeof(buf), 0) != (ssize_t)size)
			break;
	t1 = now();
	waitpid(child, &status, 0);
	close(rx);
	close(tx);
	if (i != count || !WIFEXITED(status) || WEXITSTATUS(status))
		return -EIO;
	return t1 - t0;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int bench_dgram(void)
{
	double t[2][REPS], med[2], rate[2][3], mbs[2][3];
	char json[3][128];
	unsigned int s, r, k;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (s = 0; s < sizeof(plan) / sizeof(plan[0]); s++) {
		for (r = 0; r < REPS; r++) {
			for (k = 0; k < 2; k++) {
				t[k][r] = run(k, plan[s].size, plan[s].count);
				if (t[k][r] < 0) {
					t_record("BENCH error: %s datagrams of %u: %s",
					       k ? "v4v" : "unix", plan[s].size,
					       strerror((int)-t[k][r]));
					return 1;
				}
			}
		}
		for (k = 0; k < 2; k++) {
			qsort(t[k], REPS, sizeof(double), cmp);
			med[k] = t[k][REPS / 2];
			rate[k][s] = plan[s].count / med[k];
			mbs[k][s] = rate[k][s] * plan[s].size / 1e6;
		}
		snprintf(json[s], sizeof(json[s]),
			 "{\"bytes\": %u, \"v4v_per_s\": %.0f, \"unix_per_s\": %.0f, \"ratio\": %.3f}",
			 plan[s].size, rate[1][s], rate[0][s], rate[1][s] / rate[0][s]);
		t_record("BENCH dgram %6u B: v4v %9.0f dgram/s %8.2f MB/s | AF_UNIX %9.0f dgram/s %8.2f MB/s | v4v/unix %.2f",
		       plan[s].size, rate[1][s], mbs[1][s], rate[0][s], mbs[0][s],
		       rate[1][s] / rate[0][s]);
	}
	t_record("BENCH json {\"dgram\": [%s, %s, %s]}", json[0], json[1], json[2]);
	return 0;
}
