/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stream tests: the request a client opens a connection with, the stream
 * server that answers it, and a byte stream anyone can regenerate from a
 * seed, so a gigabyte is checked without storing it.
 */
#ifndef V4V_STREAM_UTIL_H
#define V4V_STREAM_UTIL_H

#include <stdint.h>
#include <stddef.h>

#define STREAM_PORT	0x5100u		/* SOCK_STREAM listener */
#define SEQ_PORT	0x5101u		/* SOCK_SEQPACKET listener */

enum stream_cmd {
	S_SINK = 1,	/* read len bytes of pattern(seed), reply struct stream_res */
	S_SOURCE,	/* send len bytes of pattern(seed), then close */
	S_ECHO,		/* echo (records, for seqpacket) until EOF, then close */
	S_HOLD,		/* read nothing for arg ms, then drain to EOF */
	S_VICTIM_TX,	/* send until it fails; record how (peer-death test) */
	S_VICTIM_RX,	/* read until it fails; likewise */
	S_QUIT,		/* stop the server */
};

struct stream_req {
	uint32_t cmd;
	uint32_t arg;
	uint64_t len;
	uint64_t seed;
};

struct stream_res {
	uint32_t ok;		/* 1: every byte as expected */
	uint32_t err;		/* errno of a failed read, or 0 */
	uint64_t bytes;		/* bytes read */
	uint64_t bad_at;	/* first wrong byte, if !ok */
};

/* A reproducible byte stream. */
struct pat_stream {
	uint64_t s;
	uint64_t word;
	unsigned int left;	/* bytes of word not handed out yet */
};

void pat_stream_init(struct pat_stream *p, uint64_t seed);
void pat_stream_fill(struct pat_stream *p, void *buf, size_t n);

int sk_stream(int type);		/* exits the test if socket() fails */
/* Read or write exactly n bytes: n, or -errno (or a short count at EOF). */
long read_full(int fd, void *buf, size_t n);
long write_full(int fd, const void *buf, size_t n);
double now_s(void);

int stream_server_main(int argc, char **argv);
int stream_server_quit(void);
int stream_victim(void);

/* The stream suite's hostile peer on real Argo (peer_fuzz.c). */
void stream_peer_fuzz(void);

#endif /* V4V_STREAM_UTIL_H */
