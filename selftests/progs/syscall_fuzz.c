// SPDX-License-Identifier: GPL-2.0
/*
 * v4v-test syscall-fuzz SEED COUNT: the socket calls against AF_V4V with
 * arguments made up from a seed, the way a hostile local user would make
 * them, COUNT calls in all.  A pool of the family's sockets (every type,
 * inherited by forked children that fuzz them too), and each call drawn
 * from socket, bind, connect, listen, accept4, sendmsg, recvmsg,
 * setsockopt, getsockopt, ioctl, shutdown, poll, getsockname, getpeername,
 * dup, close and fork, with addresses, lengths, flags, options and buffers
 * that are sometimes right, sometimes at the edges and sometimes garbage
 * (NULL, unmapped or read-only memory).  Nothing here blocks for long:
 * sockets are non-blocking and an alarm ends any call that still waits.
 *
 * It judges nothing itself but that it ran to the end: the kernel's
 * checks (KASAN, lockdep, kmemleak in UML; the VM tier's splat checks on
 * Xen) judge what the calls did.  Run it as an unprivileged user
 * (v4v-test as-nobody).  Debian's trinity was the first choice: it knows
 * family 13 only as NETBEUI, will not build its socket pool for it, and its
 * cached-socket path crashes (Documentation/harness.rst).
 */
#define _GNU_SOURCE	/* accept4 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <linux/sockios.h>
#include <unistd.h>

#include "v4v_test.h"

#define POOL		16
#define CHILDREN	4
#define CHILD_CALLS	200
#define BIG		(70u * 1024u)

static int pool[POOL];
static uint64_t seed;
static unsigned long calls, failures;
static uint8_t *buf;		/* BIG bytes, writable */
static void *ro_page;		/* read-only */
static void *gone_page;		/* unmapped */

static uint32_t below(uint32_t n)
{
	return (uint32_t)(rnd_next(&seed) % n);
}

/* Sometimes right, sometimes at an edge, sometimes anything. */
static uint32_t pick(const uint32_t *good, size_t n)
{
	static const uint32_t edges[] = { 0, 1, 0x7fffffff, 0x80000000, 0xffffffff, 1023,
					  1024, 65535, 65536 };

	switch (below(5)) {
	case 0:
		return edges[below(sizeof(edges) / sizeof(edges[0]))];
	case 1:
		return (uint32_t)rnd_next(&seed);
	default:
		return good[below((uint32_t)n)];
	}
}

/* A buffer argument: usually ours, sometimes one that faults. */
static void *some_buffer(int writable)
{
	switch (below(12)) {
	case 0:
		return NULL;
	case 1:
		return gone_page;
	case 2:
		return writable ? ro_page : buf;
	default:
		return buf + below(64);		/* misaligned too */
	}
}

static socklen_t some_len(socklen_t right)
{
	static const uint32_t lens[] = { 0, 1, 4, 8, 15, 16, 17, 128 };

	return below(3) ? right : lens[below(sizeof(lens) / sizeof(lens[0]))];
}

static struct sockaddr_v4v some_addr(void)
{
	static const uint32_t doms[] = { 0, 1, 2, V4V_DOMID_ANY, 0x7ff0, 0x7ff4 };
	static const uint32_t ports[] = { 0, V4V_PORT_ANY, 80, 0x5000, 0x5100, 0x7000,
					  0x7001, 0x7002, 0x7003 };
	struct sockaddr_v4v a = sk_addr((uint16_t)pick(doms, 6), pick(ports, 9));

	if (!below(8))
		a.sv4v_family = (sa_family_t)below(48);
	if (!below(16))
		a.sv4v_zero[below(sizeof(a.sv4v_zero))] = 1;
	return a;
}

/*
 * A pool socket, or a number that is no open file: never this process's
 * others (stdio, the record channel), whose flags its parent shares.
 */
static int some_fd(void)
{
	return below(16) ? pool[below(POOL)] : below(2) ? -1 : 4000 + (int)below(8);
}

static void add_fd(int fd)
{
	int i = (int)below(POOL);

	if (fd < 0)
		return;
	if (fd < 3) {			/* never fuzz stdio */
		close(fd);
		return;
	}
	fcntl(fd, F_SETFL, O_NONBLOCK);
	if (pool[i] >= 0)
		close(pool[i]);
	pool[i] = fd;
}

static long one_call(void)
{
	static const uint32_t types[] = { SOCK_DGRAM, SOCK_STREAM, SOCK_SEQPACKET, SOCK_RAW,
					  SOCK_DGRAM | SOCK_NONBLOCK, SOCK_STREAM | SOCK_CLOEXEC };
	static const uint32_t levels[] = { SOL_V4V, SOL_SOCKET, 0, 6 };
	static const uint32_t opts[] = { V4V_RING_SIZE, V4V_PARTNER, SO_RCVBUF, SO_SNDBUF,
					 SO_RCVTIMEO_OLD, SO_SNDTIMEO_OLD, SO_RCVLOWAT, SO_ERROR,
					 SO_TYPE, SO_REUSEADDR, SO_LINGER, SO_PEEK_OFF };
	static const uint32_t reqs[] = { V4V_IOC_LOCAL_DOMID, FIONREAD, SIOCOUTQ, 0x5401,
					 0x8912 };
	static const uint32_t sflags[] = { 0, MSG_DONTWAIT, MSG_NOSIGNAL, MSG_EOR, MSG_OOB,
					   MSG_PEEK | MSG_TRUNC, MSG_WAITALL, MSG_CMSG_CLOEXEC };
	struct sockaddr_v4v a = some_addr();
	struct iovec iov[3];
	struct msghdr m = { 0 };
	struct pollfd p[POOL];
	socklen_t len = sizeof(a);
	uint32_t v;
	int fd = some_fd(), i;

	switch (below(17)) {
	case 0:
		add_fd(socket(below(16) ? v4v_af() : (int)below(48), (int)pick(types, 6),
			      below(8) ? 0 : (int)below(300)));
		return 0;
	case 1:
		return bind(fd, below(16) ? (struct sockaddr *)&a : some_buffer(0),
			    some_len(sizeof(a)));
	case 2:
		return connect(fd, (struct sockaddr *)&a, some_len(sizeof(a)));
	case 3:
		return listen(fd, (int)pick((const uint32_t[]){ 0, 1, 4, 128, 4096 }, 5));
	case 4:
		i = accept4(fd, below(2) ? (struct sockaddr *)&a : NULL, below(2) ? &len : NULL,
			    SOCK_NONBLOCK | (below(2) ? SOCK_CLOEXEC : 0));
		add_fd(i);
		return i;
	case 5:
	case 6:
		for (i = 0; i < 3; i++) {
			iov[i].iov_base = some_buffer(0);
			iov[i].iov_len = below(3) ? below(512) : below(BIG / 2);
		}
		m.msg_iov = iov;
		m.msg_iovlen = 1 + below(3);
		if (!below(3)) {
			m.msg_name = &a;
			m.msg_namelen = some_len(sizeof(a));
		}
		if (!below(16)) {
			m.msg_control = buf;
			m.msg_controllen = below(64);
		}
		return sendmsg(fd, &m, (int)(pick(sflags, 8) | MSG_DONTWAIT));
	case 7:
	case 8:
		for (i = 0; i < 3; i++) {
			iov[i].iov_base = some_buffer(1);
			iov[i].iov_len = below(BIG / 2);
		}
		m.msg_iov = iov;
		m.msg_iovlen = 1 + below(3);
		m.msg_name = below(2) ? &a : NULL;
		m.msg_namelen = some_len(sizeof(a));
		return recvmsg(fd, &m, (int)(pick(sflags, 8) | MSG_DONTWAIT));
	case 9:
		v = pick((const uint32_t[]){ 48, 4096, 131008, 1 << 20, 16 << 20 }, 5);
		memcpy(buf, &v, sizeof(v));
		return setsockopt(fd, (int)pick(levels, 4), (int)pick(opts, 12), some_buffer(0),
				  some_len(sizeof(v)));
	case 10:
		len = some_len(sizeof(v));
		return getsockopt(fd, (int)pick(levels, 4), (int)pick(opts, 12), some_buffer(1),
				  below(8) ? &len : NULL);
	case 11:
		return ioctl(fd, (unsigned long)pick(reqs, 5), some_buffer(1));
	case 12:
		return shutdown(fd, (int)below(5) - 1);
	case 13:
		for (i = 0; i < POOL; i++)
			p[i] = (struct pollfd){ .fd = pool[i], .events = (short)below(0x400) };
		return poll(p, POOL, 0);
	case 14:
		return below(2) ? getsockname(fd, some_buffer(1), below(4) ? &len : NULL) :
				  getpeername(fd, some_buffer(1), below(4) ? &len : NULL);
	case 15:
		add_fd(dup(fd));
		return 0;
	default:
		i = (int)below(POOL);
		if (pool[i] >= 0)
			close(pool[i]);
		pool[i] = -1;
		return 0;
	}
}

static void on_alarm(int sig)
{
	(void)sig;	/* only to end a call that waits */
}

static void fuzz(unsigned long n)
{
	unsigned long i;

	for (i = 0; i < n; i++) {
		alarm(1);
		if (one_call() < 0)
			failures++;
		alarm(0);
		calls++;
	}
}

int syscall_fuzz_main(const char *seed_s, const char *count_s)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	unsigned long count = strtoul(count_s, NULL, 0), done, step;
	int children = 0, status, crashed = 0, i;
	pid_t pid;

	seed = strtoull(seed_s, NULL, 0) | 1;
	if (!count)
		return 2;
	sigaction(SIGALRM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	buf = mmap(NULL, BIG + 64, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ro_page = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	gone_page = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED || ro_page == MAP_FAILED || gone_page == MAP_FAILED)
		return 1;
	munmap(gone_page, 4096);
	for (i = 0; i < POOL; i++)
		pool[i] = -1;
	printf("# syscall fuzz: seed %#llx, %lu calls, uid %u\n", (unsigned long long)seed,
	       count, (unsigned int)getuid());
	fflush(stdout);
	/* Between batches, sometimes a child that fuzzes the sockets it inherited. */
	for (done = 0; done < count; done += step) {
		step = count - done < 500 ? count - done : 500;
		fuzz(step);
		if (children < CHILDREN && !below(3)) {
			fflush(stdout);
			pid = fork();
			if (!pid) {
				seed ^= (uint64_t)getpid() << 17;
				fuzz(CHILD_CALLS);
				_exit(0);
			}
			if (pid > 0)
				children++;
		}
	}
	while (children-- > 0) {
		if (wait(&status) > 0 && !(WIFEXITED(status) && !WEXITSTATUS(status)))
			crashed++;
	}
	for (i = 0; i < POOL; i++)
		if (pool[i] >= 0)
			close(pool[i]);
	printf("# syscall fuzz: %lu calls, %lu failed as they should or may, %d children"
	       " ended badly\n", calls, failures, crashed);
	return crashed ? 1 : 0;
}
