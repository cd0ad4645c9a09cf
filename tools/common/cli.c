// SPDX-License-Identifier: GPL-2.0
/* See cli.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

volatile sig_atomic_t cli_stop;

double cli_number(const char *prog, const char *what, const char *s, double min, double max,
		  int suffix)
{
	const char *units = "KMG", *u;
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (suffix && *end && !end[1] && (u = strchr(units, *end & ~0x20))) {
		v *= pow(1024, (double)(u - units + 1));
		end++;
	}
	if (errno || end == s || *end || isnan(v) || v < min || v > max) {
		fprintf(stderr, "%s: %s: bad value '%s' (from %g to %g)\n", prog, what, s, min, max);
		exit(2);
	}
	return v;
}

uint64_t cli_now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static void on_stop(int sig)
{
	(void)sig;
	cli_stop = 1;
}

void cli_catch_stop(void)
{
	struct sigaction sa = { .sa_handler = on_stop };

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}
