/* SPDX-License-Identifier: GPL-2.0 */
/*
 * v4v-perf: shared types.  A test is one control connection (a v4v stream
 * to the server's port) and N data streams over the chosen transport; see
 * v4v-perf(1) and Documentation/v4v-perf.rst for the protocol.
 */
#ifndef V4V_PERF_H
#define V4V_PERF_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/socket.h>

#define PERF_PORT	5201u		/* iperf3's */
#define PERF_MAGIC	0x46763476u	/* "v4vF" */
#define PERF_VERSION	1u
#define PERF_MAX_STREAMS 32u		/* Argo allows 128 rings per domain */
#define PERF_MAX_LENGTH	(16u << 20)
#define PERF_MAX_ECHO_BYTES (64u << 20)	/* --rtt: streams x length, server side */

enum perf_transport { T_V4V, T_UNIX, T_TCP, T_VCHAN, T_COUNT };

enum perf_flags {
	F_DGRAM	  = 1u << 0,
	F_REVERSE = 1u << 1,	/* the server sends */
	F_BIDIR	  = 1u << 2,	/* both send, on separate streams */
	F_RTT	  = 1u << 3,	/* ping-pong instead of bulk */
};

/* Client -> server, first on the control connection.  Host byte order:
 * both ends run on one machine's hypervisor. */
struct perf_request {
	uint32_t magic;
	uint16_t version;
	uint8_t transport;
	uint8_t streams;	/* per direction */
	uint32_t flags;
	uint32_t length;	/* bytes per write or datagram */
	uint32_t ring;		/* receive ring/buffer bytes, 0 = default */
	uint32_t duration_ms;	/* 0: until bytes */
	uint64_t bytes;		/* 0: for duration_ms */
	uint64_t cookie;	/* names this test's data streams */
};

/* Server -> client: whether it accepted, and where the data goes. */
struct perf_reply {
	int32_t status;		/* 0 or an errno */
	uint32_t port;		/* v4v or TCP port of the data listener/socket */
	char where[56];		/* AF_UNIX abstract name, or vchan xenstore path */
};

/* First bytes of every data stream that is a connection or datagram socket. */
struct perf_hello {
	uint64_t cookie;
	uint32_t index;
	uint32_t zero;
};

/* What one side measured on one stream, exchanged at the end. */
struct perf_stream_result {
	uint64_t bytes;
	uint64_t msgs;		/* writes or datagrams; round trips with F_RTT */
	uint64_t ns;		/* first to last byte this side handled */
	uint64_t rtt_sum_ns, rtt_min_ns, rtt_max_ns;
	uint32_t index;
	uint32_t sender;	/* 1 if this side sent on it */
};

enum perf_ctl_type { CTL_START = 1, CTL_SENT, CTL_RESULTS, CTL_ABORT };

/* A control message; CTL_RESULTS is followed by count stream results. */
struct perf_ctl {
	uint32_t type;
	uint32_t count;
	uint64_t cpu_user_us, cpu_system_us, wall_us;	/* CTL_RESULTS */
};

/* One data stream as this process sees it. */
struct perf_chan {
	enum perf_transport transport;
	int dgram;
	int fd;					/* -1 for vchan */
	struct libxenvchan *vchan;
	struct sockaddr_storage to;		/* dgram destination (server side) */
	socklen_t tolen;
};

struct perf_test;

struct perf_stream {
	struct perf_test *test;
	unsigned int index;
	int sender;				/* this side sends (or pings) */
	struct perf_chan ch;
	_Atomic uint64_t bytes, msgs;		/* running, for the interval lines */
	uint64_t t_first, t_last;
	uint64_t rtt_sum, rtt_min, rtt_max;
	int error;				/* errno that ended it, or 0 */
	int done;				/* its thread has finished */
	pthread_t thread;
};

struct perf_test {
	struct perf_request req;
	int client;
	int ctl;				/* control connection */
	unsigned int nstreams;
	struct perf_stream *s;
	atomic_int stop;			/* senders: time is up */
	atomic_int drain;			/* dgram receivers: peer sent all */
	uint64_t t_start;
	struct rusage ru_start;
	int dgram_fd;				/* server's shared dgram socket */
};

/* util.c */
uint64_t perf_now_ns(void);
int perf_write_full(int fd, const void *buf, size_t len);
int perf_read_full(int fd, void *buf, size_t len);
const char *perf_transport_name(enum perf_transport t);
int perf_transport_parse(const char *s, enum perf_transport *t);
void perf_fmt_bytes(char *buf, size_t len, double bytes);
void perf_fmt_rate(char *buf, size_t len, double bits_per_s);

/* chan.c: the transports */
int perf_chan_send(struct perf_chan *c, const void *buf, size_t len);
ssize_t perf_chan_recv(struct perf_chan *c, void *buf, size_t len, const atomic_int *drain);
void perf_chan_finish(struct perf_chan *c);
void perf_chan_close(struct perf_chan *c);
int perf_chan_ring(int fd, enum perf_transport t, uint32_t ring);

/* run.c: the data phase, the same on both sides */
int perf_run(struct perf_test *t, void (*tick)(struct perf_test *t, void *arg), void *arg);
int perf_send_ctl(int fd, uint32_t type, const struct perf_test *t);
int perf_recv_ctl(int fd, uint32_t want, struct perf_ctl *c,
		  struct perf_stream_result *res, unsigned int max);
void perf_results(const struct perf_test *t, struct perf_stream_result *res);
void perf_cpu(const struct perf_test *t, struct perf_ctl *c);

/* server.c, client.c */
int perf_server(uint32_t port, int once);

#endif
