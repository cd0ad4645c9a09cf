// SPDX-License-Identifier: GPL-2.0
/* Helpers for the AF_V4V test programs; see util.h. */
#define _GNU_SOURCE	/* sched_setaffinity */
#include <errno.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tharness.h"
#include "util.h"

int v4v_af(void)
{
	static int af;
	FILE *f;

	if (af)
		return af;
	af = AF_V4V;
	f = fopen("/sys/module/v4v/parameters/family", "r");
	if (f) {
		if (fscanf(f, "%d", &af) != 1)
			af = AF_V4V;
		fclose(f);
	}
	return af;
}

static long ret_or_errno(long r)
{
	return r < 0 ? -errno : r;
}

int sk_dgram(void)
{
	int fd = socket(v4v_af(), SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		t_fail("socket(AF_V4V, SOCK_DGRAM): %s", strerror(errno));
	return fd;
}

struct sockaddr_v4v sk_addr(uint16_t domain, uint32_t port)
{
	struct sockaddr_v4v a;

	memset(&a, 0, sizeof(a));
	a.sv4v_family = v4v_af();
	a.sv4v_domain = domain;
	a.sv4v_port = port;
	return a;
}

int sk_bind(int fd, uint16_t domain, uint32_t port)
{
	struct sockaddr_v4v a = sk_addr(domain, port);

	return ret_or_errno(bind(fd, (struct sockaddr *)&a, sizeof(a)));
}

int sk_connect(int fd, uint16_t domain, uint32_t port)
{
	struct sockaddr_v4v a = sk_addr(domain, port);

	return ret_or_errno(connect(fd, (struct sockaddr *)&a, sizeof(a)));
}

int sk_set(int fd, int opt, uint32_t val)
{
	return ret_or_errno(setsockopt(fd, SOL_V4V, opt, &val, sizeof(val)));
}

ssize_t sk_sendto(int fd, uint16_t domain, uint32_t port, const void *buf,
		  size_t len, int flags)
{
	struct sockaddr_v4v a = sk_addr(domain, port);

	return ret_or_errno(sendto(fd, buf, len, flags, (struct sockaddr *)&a, sizeof(a)));
}

ssize_t sk_send(int fd, const void *buf, size_t len, int flags)
{
	return ret_or_errno(send(fd, buf, len, flags));
}

ssize_t sk_recvfrom(int fd, void *buf, size_t len, int flags,
		    struct sockaddr_v4v *from, int *msg_flags)
{
	struct sockaddr_v4v a;
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct msghdr msg = {
		.msg_name = &a, .msg_namelen = sizeof(a), .msg_iov = &iov, .msg_iovlen = 1,
	};
	ssize_t ret;

	memset(&a, 0xff, sizeof(a));
	ret = ret_or_errno(recvmsg(fd, &msg, flags));
	if (from)
		*from = a;
	if (msg_flags)
		*msg_flags = msg.msg_flags;
	return ret;
}

uint32_t sk_port(int fd)
{
	struct sockaddr_v4v a;
	socklen_t len = sizeof(a);

	if (getsockname(fd, (struct sockaddr *)&a, &len))
		t_fail("getsockname: %s", strerror(errno));
	return a.sv4v_port;
}

int sk_domid(int fd)
{
	uint32_t d;

	if (ioctl(fd, V4V_IOC_LOCAL_DOMID, &d))
		return -errno;
	return d;
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

int wait_exit(pid_t pid, int timeout_ms)
{
	int status, i;

	for (i = 0; i < timeout_ms / 10; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
		usleep(10000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return -1;
}

int run_on_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) ? -errno : 0;
}

long long module_status(const char *name)
{
	FILE *f = fopen("/sys/kernel/debug/v4v/status", "r");
	size_t n = strlen(name);
	long long v = -1;
	char line[96];

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, name, n) && line[n] == ':')
			v = atoll(line + n + 1);
	fclose(f);
	return v;
}

/*
 * Become nobody (uid and gid 65534, no supplementary groups): a root process
 * that changes its uid from 0 loses every capability, so this is the
 * unprivileged user an attacker would be.  0, or -1 with errno.
 */
int become_nobody(void)
{
	const gid_t nobody = 65534;

	if (setgroups(0, NULL) || setresgid(nobody, nobody, nobody) ||
	    setresuid(nobody, nobody, nobody))
		return -1;
	return 0;
}

/* Run argv as nobody (become_nobody); 127 if that fails. */
int as_nobody_main(char **argv)
{
	if (become_nobody()) {
		fprintf(stderr, "v4v-test as-nobody: %s\n", strerror(errno));
		return 127;
	}
	execvp(argv[0], argv);
	fprintf(stderr, "v4v-test as-nobody: %s: %s\n", argv[0], strerror(errno));
	return 127;
}
