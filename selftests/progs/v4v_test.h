/* SPDX-License-Identifier: GPL-2.0 */
/* Shared declarations of the AF_V4V test program (v4v-test). */
#ifndef V4V_TEST_H
#define V4V_TEST_H

#include <stddef.h>
#include <stdint.h>

#include "tharness.h"
#include "util.h"

extern int g_domid;		/* this domain */
extern unsigned int g_where;	/* T_DOM0 or T_DOMU */

/*
 * The test server (v4v-test server, in dom0).  DATA_PORT takes datagrams
 * carrying pat(seq, len), checked in order; CTL_PORT takes commands, each a
 * struct ctl_msg optionally followed by payload.
 */
#define DATA_PORT	0x5000u
#define CTL_PORT	0x5001u
#define SERVER_RING	(16u * 4096u - 64u)
#define SERVER_MAX	(SERVER_RING - 32u)

enum ctl_cmd {
	CTL_ECHO = 1,	/* send the payload back */
	CTL_STATS,	/* reply struct server_stats about DATA_PORT, then reset */
	CTL_HOLD,	/* arg: milliseconds to stop reading; the command comes
			 * back once the server has stopped */
	CTL_FLOOD,	/* arg: count; seed: sizes; send to the sender's port */
	CTL_QUIT,
};

struct ctl_msg {
	uint32_t cmd;
	uint32_t arg;
	uint64_t seed;
};

struct server_stats {
	uint32_t msgs;
	uint32_t bad;
	uint64_t bytes;
};

extern const struct t_case t_dgram_cases[];
extern const size_t t_dgram_count;
extern const struct t_case t_badinput_cases[];
extern const size_t t_badinput_count;
extern const struct t_case t_client_cases[];
extern const size_t t_client_count;
extern const struct t_case t_stream_cases[];
extern const size_t t_stream_count;
extern const struct t_case t_lib_cases[];
extern const size_t t_lib_count;
extern const struct t_case t_event_cpu_cases[];
extern const size_t t_event_cpu_count;

int server_main(void);
int server_quit(void);
int probe_main(void);
int raw_main(const char *domain, const char *port, const char *hex);
int syscall_fuzz_main(const char *seed, const char *count);
int impostor_control_main(const char *pidfile);
int impostor_ask_main(const char *words);
int flood_main(const char *domain, const char *port, const char *hex, const char *secs);
int sandbox_dom0(void);
int sandbox_domu(void);
int bench_dgram(void);
int bench_stream(const char *pin);
int kmsg_relay_main(void);
int drain_records_main(void);
int flood_reports_main(const char *tag, const char *count, const char *size);

#endif /* V4V_TEST_H */
