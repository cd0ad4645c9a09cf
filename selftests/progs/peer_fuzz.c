// SPDX-License-Identifier: GPL-2.0
/*
 * A hostile peer on real Argo: from a fixed seed, bent stream messages at
 * the stream and seqpacket servers of the server's domain (dom0, from a
 * domU), sent through the module's test hook (debugfs inject, which lets
 * this domain claim any of its ports).  The messages are built as the
 * protocol builds them and then bent, as the KUnit fuzzer
 * (module/tests/stream_fuzz_kunit.c) does on loopback: any flags, a few
 * reused connection ids, odd hellos, lying credits, lengths up to past
 * every window, truncated headers, other message types.  Meanwhile a real
 * connection to the same server must keep working, and afterwards a new
 * one must too; the VM tier's splat checks watch the server's kernel.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stream_util.h"
#include "v4v_test.h"

#define FUZZ_SEED	0x5eed0f4f4a55ULL
#define FUZZ_MSGS	3000
#define FUZZ_MAX	(64u * 1024u)		/* inject's limit */
#define MSG_STREAM	0x3574526du
#define F_SYN 1u
#define F_ACK 2u
#define F_RST 4u
#define F_FIN 8u
#define F_CREDIT 16u
#define HELLO_MAGIC	0x53563456u

struct inject_hdr {
	uint16_t domain, pad;
	uint32_t port, src_port, type;
};

static uint32_t below(uint64_t *s, uint32_t n)
{
	return (uint32_t)(rnd_next(s) % n);
}

static uint32_t bent_u32(uint64_t *s, uint32_t plausible)
{
	static const uint32_t edges[] = { 0, 1, 4095, 4096, 65535, 65536, 0x7fffffff,
					  0x80000000, 0xffffffff };

	switch (below(s, 4)) {
	case 0:
		return edges[below(s, sizeof(edges) / sizeof(edges[0]))];
	case 1:
		return (uint32_t)rnd_next(s);
	default:
		return below(s, plausible + 1);
	}
}

/* One bent message into p (after the inject header); its length. */
static uint32_t bent_msg(uint64_t *s, uint8_t *p, uint32_t conid, uint16_t type)
{
	static const uint32_t flag_sets[] = {
		F_SYN, F_ACK, F_RST, F_FIN, F_CREDIT, 0, 0, 0, F_SYN | F_ACK,
		F_FIN | F_RST, 0x1f,
	};
	uint32_t w[5], len = 8, n;

	w[0] = below(s, 16) ? flag_sets[below(s, sizeof(flag_sets) / sizeof(flag_sets[0]))] :
			      (uint32_t)rnd_next(s);
	w[1] = conid;
	memcpy(p, w, 8);
	if (w[0] & (F_SYN | F_ACK)) {
		if (below(s, 4)) {	/* else no hello: OpenXT's way */
			w[0] = below(s, 4) ? HELLO_MAGIC : HELLO_MAGIC ^ (1u << below(s, 32));
			w[1] = 1u | (uint32_t)(below(s, 4) ? type : bent_u32(s, 6)) << 16;
			w[2] = bent_u32(s, 16u << 20);
			w[3] = 0;
			memcpy(p + len, w, 16);
			len += 16;
		}
	} else if (below(s, 5)) {
		w[0] = bent_u32(s, 1u << 20);
		w[1] = bent_u32(s, 16u << 20);
		memcpy(p + len, w, 8);
		len += 8;
	}
	n = below(s, 3) ? below(s, 512) : bent_u32(s, FUZZ_MAX - len) % (FUZZ_MAX - len);
	memset(p + len, (int)(n & 0xff), n);
	len += n;
	if (!below(s, 20))
		len = below(s, 24);
	return len;
}

static int echo_works(int fd, unsigned int round)
{
	char word[16], got[16];
	int n = snprintf(word, sizeof(word), "r%u", round);

	return write_full(fd, word, (size_t)n) == n && read_full(fd, got, (size_t)n) == n &&
	       !memcmp(word, got, (size_t)n);
}

/* An echo connection: the stream server asks what to do, seqpacket echoes. */
static int connect_echo(uint16_t domain, uint32_t port)
{
	struct stream_req rq = { .cmd = S_ECHO };
	int fd = sk_stream(port == SEQ_PORT ? SOCK_SEQPACKET : SOCK_STREAM);

	if (fd < 0 || sk_connect(fd, domain, port) ||
	    (port == STREAM_PORT && write_full(fd, &rq, sizeof(rq)) != sizeof(rq))) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

void stream_peer_fuzz(void)
{
	static uint8_t msg[sizeof(struct inject_hdr) + FUZZ_MAX];
	uint16_t domain = g_where == T_DOMU ? 0 : (uint16_t)g_domid;
	uint64_t seed = FUZZ_SEED ^ (uint64_t)g_domid;
	unsigned int i, sent = 0, refused = 0;
	struct inject_hdr h = { .domain = domain };
	uint32_t len, ports[2] = { STREAM_PORT, SEQ_PORT };
	int inj, fd, absorb;

	inj = open("/sys/kernel/debug/v4v/inject", O_WRONLY | O_CLOEXEC);
	T_ASSERT(inj >= 0, "inject: %s", strerror(errno));
	fd = connect_echo(domain, STREAM_PORT);
	T_ASSERT(fd >= 0, "echo connection: %s", strerror(errno));
	/* One of the fuzzer's ports has a ring, so answers to it land. */
	absorb = sk_dgram();
	T_EQ(sk_bind(absorb, V4V_DOMID_ANY, 0x6f00), 0);
	printf("# peer fuzz: seed %#llx, %u messages at domain %u\n",
	       (unsigned long long)seed, FUZZ_MSGS, domain);
	for (i = 0; i < FUZZ_MSGS; i++) {
		h.port = ports[below(&seed, 2)];
		h.src_port = below(&seed, 8) ? 0x6f00 : 0x6f01;
		h.type = below(&seed, 32) ? MSG_STREAM : (uint32_t)rnd_next(&seed);
		len = bent_msg(&seed, msg + sizeof(h), 0xf0000000u + below(&seed, 8),
			       h.port == SEQ_PORT ? 5 : 1);
		memcpy(msg, &h, sizeof(h));
		if (write(inj, msg, sizeof(h) + len) == (ssize_t)(sizeof(h) + len))
			sent++;
		else
			refused++;	/* a full ring, or a message too big for it */
		if (!(i % 250))
			T_ASSERT(echo_works(fd, i), "echo failed at message %u", i);
	}
	printf("# peer fuzz: %u delivered, %u refused by Argo\n", sent, refused);
	T_ASSERT(sent > FUZZ_MSGS / 2, "only %u of %u delivered", sent, FUZZ_MSGS);
	T_ASSERT(echo_works(fd, i), "echo failed after the fuzz");
	close(fd);
	/* And the servers still take new connections, of both kinds. */
	for (i = 0; i < 2; i++) {
		fd = connect_echo(domain, ports[i]);
		T_ASSERT(fd >= 0, "a new connection to %#x: %s", ports[i], strerror(errno));
		T_ASSERT(echo_works(fd, i), "echo on a new connection to %#x: %s", ports[i],
			 strerror(errno));
		close(fd);
	}
	close(absorb);
	close(inj);
}
