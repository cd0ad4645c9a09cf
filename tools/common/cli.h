/* SPDX-License-Identifier: GPL-2.0 */
/* What every command-line tool here needs: numbers, a clock, a stop flag. */
#ifndef V4V_TOOLS_CLI_H
#define V4V_TOOLS_CLI_H

#include <signal.h>
#include <stdint.h>

/*
 * A number in [min, max] from an option's text, with a K/M/G suffix
 * (powers of 1024) if suffix; otherwise prints "PROG: WHAT: bad value"
 * and exits 2, the tools' status for bad usage.
 */
double cli_number(const char *prog, const char *what, const char *s, double min, double max,
		  int suffix);

uint64_t cli_now_ns(void);	/* CLOCK_MONOTONIC */

/* Set by SIGINT/SIGTERM once cli_catch_stop() ran.  Without SA_RESTART,
 * so a blocked call returns EINTR and the loop around it sees the flag. */
extern volatile sig_atomic_t cli_stop;
void cli_catch_stop(void);

#endif
