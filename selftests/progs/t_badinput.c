// SPDX-License-Identifier: GPL-2.0
/*
 * Bad input, one test per row of the table in Documentation/errors.rst
 * (a build-tier check keeps the two in step): each call must fail with the
 * documented errno and leave the socket usable.
 */
#define _GNU_SOURCE	/* setresuid */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "v4v_test.h"

#define ANY V4V_DOMID_ANY

static int raw_bind(int fd, struct sockaddr_v4v a, socklen_t len)
{
	return bind(fd, (struct sockaddr *)&a, len) ? -errno : 0;
}

static int raw_connect(int fd, struct sockaddr_v4v a)
{
	return connect(fd, (struct sockaddr *)&a, sizeof(a)) ? -errno : 0;
}

static void bad_socket_type(void)
{
	T_EQ(socket(v4v_af(), SOCK_RAW, 0) < 0 ? -errno : 0, -ESOCKTNOSUPPORT);
}

static void bad_socket_protocol(void)
{
	T_EQ(socket(v4v_af(), SOCK_DGRAM, 17) < 0 ? -errno : 0, -EPROTONOSUPPORT);
}

static void bad_bind_family(void)
{
	struct sockaddr_v4v a = sk_addr(ANY, 0x2001);

	a.sv4v_family = AF_INET;
	T_EQ(raw_bind(sk_dgram(), a, sizeof(a)), -EAFNOSUPPORT);
}

static void bad_bind_addrlen(void)
{
	int fd = sk_dgram();

	T_EQ(raw_bind(fd, sk_addr(ANY, 0x2002), sizeof(struct sockaddr_v4v) - 1), -EINVAL);
	T_EQ(sk_bind(fd, ANY, 0x2002), 0);	/* still usable */
}

static void bad_bind_padding(void)
{
	struct sockaddr_v4v a = sk_addr(ANY, 0x2003);

	a.sv4v_zero[7] = 1;
	T_EQ(raw_bind(sk_dgram(), a, sizeof(a)), -EINVAL);
}

static void bad_bind_domain_reserved(void)
{
	T_EQ(sk_bind(sk_dgram(), 0x7ff0, 0x2004), -EINVAL);
}

static void bad_bind_foreign_domain(void)
{
	T_EQ(sk_bind(sk_dgram(), g_domid + 1, 0x2005), -EADDRNOTAVAIL);
}

/* Drop a capability from this (test) process: root without it. */
static void drop_capability(unsigned int cap)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];

	T_EQ(syscall(SYS_capget, &h, d), 0);
	d[cap / 32].effective &= ~(1u << (cap % 32));
	T_EQ(syscall(SYS_capset, &h, d), 0);
}

static void bad_bind_privileged_port(void)
{
	int fd = sk_dgram();

	drop_capability(CAP_NET_BIND_SERVICE);
	T_EQ(sk_bind(fd, ANY, 80), -EACCES);
	T_EQ(sk_bind(fd, ANY, V4V_PORT_PRIVILEGED), 0);
}

/*
 * debugfs's inject sends what a hostile peer would, for tests: the file's
 * mode lets root open it, and the write wants CAP_NET_ADMIN as well.
 */
static void bad_inject_without_cap_net_admin(void)
{
	struct {
		uint16_t domain, pad;
		uint32_t port, src_port, type;
	} h = { (uint16_t)g_domid, 0, 0x2019, 0x201a, 0x6447724d };
	int fd;

	drop_capability(CAP_NET_ADMIN);
	drop_capability(CAP_SYS_ADMIN);
	fd = open("/sys/kernel/debug/v4v/inject", O_WRONLY | O_CLOEXEC);
	T_ASSERT(fd >= 0, "open inject: %s", strerror(errno));
	errno = 0;
	T_EQ(write(fd, &h, sizeof(h)), -1);
	T_EQ(errno, EPERM);
	close(fd);
}

/* A module parameter's value (v4v.ko, or UML's built-in v4v_kunit), or -1. */
static long param(const char *name)
{
	static const char *const mods[] = { "v4v", "v4v_kunit" };
	char path[96];
	long v = -1;
	unsigned int i;
	FILE *f;

	for (i = 0; i < 2 && v < 0; i++) {
		snprintf(path, sizeof(path), "/sys/module/%s/parameters/%s", mods[i], name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

/*
 * An unprivileged user binds socket after socket: past its share of the
 * domain's rings it gets ENOBUFS, and root still binds while it holds
 * them all.
 */
static void bad_ring_share_per_user(void)
{
	long share = param("user_rings");
	int res[2], go[2], got[2] = { 0, 0 }, fds[64], n, status;
	char c = 0;
	pid_t pid;

	T_ASSERT(share > 0 && share < 60, "user_rings is %ld", share);
	T_EQ(pipe(res) || pipe(go), 0);
	pid = fork();
	T_ASSERT(pid >= 0, "fork: %s", strerror(errno));
	if (!pid) {
		if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
			_exit(3);
		for (n = 0; n < 64; n++) {
			fds[n] = sk_dgram();
			got[1] = sk_bind(fds[n], ANY, 0x2c00 + n);
			if (got[1])
				break;
		}
		got[0] = n;
		if (write(res[1], got, sizeof(got)) != sizeof(got) || read(go[0], &c, 1) < 0)
			_exit(4);
		_exit(0);
	}
	close(res[1]);
	close(go[0]);
	T_EQ(read(res[0], got, sizeof(got)), (ssize_t)sizeof(got));
	T_EQ(got[0], share);
	T_EQ(got[1], -ENOBUFS);
	T_EQ(sk_bind(sk_dgram(), ANY, 0x2c40), 0);	/* root: still */
	T_EQ(write(go[1], &c, 1), 1);
	T_EQ(waitpid(pid, &status, 0), pid);
	T_EQ(status, 0);
}

static void bad_bind_twice(void)
{
	int fd = sk_dgram();

	T_EQ(sk_bind(fd, ANY, 0x2006), 0);
	T_EQ(sk_bind(fd, ANY, 0x2007), -EINVAL);
}

static void bad_bind_in_use(void)
{
	T_EQ(sk_bind(sk_dgram(), ANY, 0x2008), 0);
	T_EQ(sk_bind(sk_dgram(), ANY, 0x2008), -EADDRINUSE);
}

static void bad_bind_partner_missing(void)
{
	int fd = sk_dgram();

	T_EQ(sk_set(fd, V4V_PARTNER, 0x7000), 0);
	T_EQ(sk_bind(fd, ANY, 0x2009), -EHOSTUNREACH);
}

static void bad_ring_size_unaligned(void)
{
	T_EQ(sk_set(sk_dgram(), V4V_RING_SIZE, 4000 + 8), -EINVAL);
}

static void bad_ring_size_small(void)
{
	T_EQ(sk_set(sk_dgram(), V4V_RING_SIZE, 32), -EINVAL);
}

static void bad_ring_size_oversized(void)
{
	T_EQ(sk_set(sk_dgram(), V4V_RING_SIZE, V4V_RING_SIZE_MAX + 16), -EINVAL);
}

static void bad_sockopt_short(void)
{
	uint16_t v = 4096;

	T_EQ(setsockopt(sk_dgram(), SOL_V4V, V4V_RING_SIZE, &v, sizeof(v)) ? -errno : 0,
	     -EINVAL);
}

static void bad_partner_reserved(void)
{
	T_EQ(sk_set(sk_dgram(), V4V_PARTNER, 0x7ff0), -EINVAL);
}

static void bad_option_after_bind(void)
{
	int fd = sk_dgram();

	T_EQ(sk_bind(fd, ANY, 0x200a), 0);
	T_EQ(sk_set(fd, V4V_RING_SIZE, 4096 - 64), -EISCONN);
}

static void bad_option_unknown(void)
{
	T_EQ(sk_set(sk_dgram(), 99, 1), -ENOPROTOOPT);
}

static void bad_connect_any_domain(void)
{
	T_EQ(sk_connect(sk_dgram(), ANY, 0x200b), -EINVAL);
}

static void bad_connect_any_port(void)
{
	T_EQ(sk_connect(sk_dgram(), g_domid, V4V_PORT_ANY), -EINVAL);
}

static void bad_connect_family(void)
{
	struct sockaddr_v4v a = sk_addr(g_domid, 0x200c);

	a.sv4v_family = AF_INET6;
	T_EQ(raw_connect(sk_dgram(), a), -EAFNOSUPPORT);
}

static void bad_connect_other_partner(void)
{
	int fd = sk_dgram();

	T_EQ(sk_set(fd, V4V_PARTNER, g_domid), 0);
	T_EQ(sk_bind(fd, ANY, 0x2017), 0);
	T_EQ(sk_connect(fd, g_domid + 1, 0x2018), -EINVAL);
	T_EQ(sk_connect(fd, g_domid, 0x2018), 0);
}

static void bad_send_no_destination(void)
{
	T_EQ(sk_send(sk_dgram(), "x", 1, 0), -EDESTADDRREQ);
}

static void bad_send_domain_reserved(void)
{
	T_EQ(sk_sendto(sk_dgram(), 0x7ff5, 0x200d, "x", 1, 0), -EINVAL);
}

static void bad_send_unknown_domain(void)
{
	T_EQ(sk_sendto(sk_dgram(), 0x7000, 0x200d, "x", 1, 0), -EHOSTUNREACH);
}

static void bad_send_no_listener(void)
{
	T_EQ(sk_sendto(sk_dgram(), g_domid, 0x200e, "x", 1, 0), -ECONNREFUSED);
}

static void bad_send_too_big(void)
{
	static char buf[4096];
	int fd = sk_dgram();

	T_EQ(sk_set(fd, V4V_RING_SIZE, 4096 - 64), 0);
	T_EQ(sk_bind(fd, ANY, 0x200f), 0);
	T_EQ(sk_sendto(fd, g_domid, 0x200f, buf, 4096 - 64 - 31, 0), -EMSGSIZE);
	T_EQ(sk_sendto(fd, g_domid, 0x200f, buf, 4096 - 64 - 32, 0), 4096 - 64 - 32);
}

static void bad_send_over_argo_max(void)
{
	size_t len = 16u << 20;
	char *buf = calloc(1, len);

	T_ASSERT(buf, "calloc");
	T_EQ(sk_sendto(sk_dgram(), g_domid, 0x2010, buf, len, 0), -EMSGSIZE);
}

static void bad_send_flags(void)
{
	T_EQ(sk_sendto(sk_dgram(), g_domid, 0x2011, "x", 1, MSG_OOB), -EOPNOTSUPP);
}

static void bad_send_null_buffer(void)
{
	int fd = sk_dgram();

	T_EQ(sk_bind(fd, ANY, 0x2012), 0);
	T_EQ(sk_sendto(fd, g_domid, 0x2012, NULL, 10, 0), -EFAULT);
}

static void bad_send_cmsg(void)
{
	struct sockaddr_v4v to = sk_addr(g_domid, 0x2013);
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { .iov_base = "x", .iov_len = 1 };
	struct msghdr msg = {
		.msg_name = &to, .msg_namelen = sizeof(to), .msg_iov = &iov,
		.msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);

	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	T_EQ(sendmsg(sk_dgram(), &msg, 0) < 0 ? -errno : 0, -EINVAL);
}

static void bad_recv_unbound(void)
{
	char buf[4];

	T_EQ(sk_recvfrom(sk_dgram(), buf, sizeof(buf), 0, NULL, NULL), -ENOTCONN);
}

static void bad_recv_flags(void)
{
	int fd = sk_dgram();
	char buf[4];

	T_EQ(sk_bind(fd, ANY, 0x2014), 0);
	T_EQ(sk_recvfrom(fd, buf, sizeof(buf), MSG_OOB, NULL, NULL), -EOPNOTSUPP);
}

static void bad_recv_null_buffer(void)
{
	int fd = sk_dgram();
	char buf[4];

	T_EQ(sk_bind(fd, ANY, 0x2015), 0);
	T_EQ(sk_sendto(fd, g_domid, 0x2015, "abc", 3, 0), 3);
	T_EQ(sk_recvfrom(fd, NULL, 3, 0, NULL, NULL), -EFAULT);
	T_EQ(sk_recvfrom(fd, buf, sizeof(buf), 0, NULL, NULL), 3);	/* kept */
}

static void bad_ioctl_unknown(void)
{
	T_EQ(ioctl(sk_dgram(), _IO('V', 0x99)) ? -errno : 0, -ENOTTY);
}

static void bad_getpeername_unconnected(void)
{
	struct sockaddr_v4v a;
	socklen_t len = sizeof(a);

	T_EQ(getpeername(sk_dgram(), (struct sockaddr *)&a, &len) ? -errno : 0, -ENOTCONN);
}

static void bad_send_after_shutdown(void)
{
	int fd = sk_dgram();

	signal(SIGPIPE, SIG_IGN);
	T_EQ(shutdown(fd, SHUT_WR), 0);
	T_EQ(sk_sendto(fd, g_domid, 0x2016, "x", 1, 0), -EPIPE);
}

const struct t_case t_badinput_cases[] = {
	{ "bad_socket_type", T_ANY, 0, bad_socket_type },
	{ "bad_socket_protocol", T_ANY, 0, bad_socket_protocol },
	{ "bad_bind_family", T_ANY, 0, bad_bind_family },
	{ "bad_bind_addrlen", T_ANY, 0, bad_bind_addrlen },
	{ "bad_bind_padding", T_ANY, 0, bad_bind_padding },
	{ "bad_bind_domain_reserved", T_ANY, 0, bad_bind_domain_reserved },
	{ "bad_bind_foreign_domain", T_ANY, 0, bad_bind_foreign_domain },
	{ "bad_bind_privileged_port", T_ANY, 0, bad_bind_privileged_port },
	{ "bad_bind_twice", T_ANY, 0, bad_bind_twice },
	{ "bad_bind_in_use", T_ANY, 0, bad_bind_in_use },
	{ "bad_ring_share_per_user", T_ANY, 0, bad_ring_share_per_user },
	{ "bad_bind_partner_missing", T_ANY, 0, bad_bind_partner_missing },
	{ "bad_ring_size_unaligned", T_ANY, 0, bad_ring_size_unaligned },
	{ "bad_ring_size_small", T_ANY, 0, bad_ring_size_small },
	{ "bad_ring_size_oversized", T_ANY, 0, bad_ring_size_oversized },
	{ "bad_sockopt_short", T_ANY, 0, bad_sockopt_short },
	{ "bad_partner_reserved", T_ANY, 0, bad_partner_reserved },
	{ "bad_option_after_bind", T_ANY, 0, bad_option_after_bind },
	{ "bad_option_unknown", T_ANY, 0, bad_option_unknown },
	{ "bad_connect_any_domain", T_ANY, 0, bad_connect_any_domain },
	{ "bad_connect_any_port", T_ANY, 0, bad_connect_any_port },
	{ "bad_connect_family", T_ANY, 0, bad_connect_family },
	{ "bad_connect_other_partner", T_ANY, 0, bad_connect_other_partner },
	{ "bad_send_no_destination", T_ANY, 0, bad_send_no_destination },
	{ "bad_send_domain_reserved", T_ANY, 0, bad_send_domain_reserved },
	{ "bad_send_unknown_domain", T_ANY, 0, bad_send_unknown_domain },
	{ "bad_send_no_listener", T_ANY, 0, bad_send_no_listener },
	{ "bad_send_too_big", T_ANY, 0, bad_send_too_big },
	{ "bad_send_over_argo_max", T_ANY, 0, bad_send_over_argo_max },
	{ "bad_send_flags", T_ANY, 0, bad_send_flags },
	{ "bad_send_null_buffer", T_ANY, 0, bad_send_null_buffer },
	{ "bad_send_cmsg", T_ANY, 0, bad_send_cmsg },
	{ "bad_recv_unbound", T_ANY, 0, bad_recv_unbound },
	{ "bad_recv_flags", T_ANY, 0, bad_recv_flags },
	{ "bad_recv_null_buffer", T_ANY, 0, bad_recv_null_buffer },
	{ "bad_ioctl_unknown", T_ANY, 0, bad_ioctl_unknown },
	{ "bad_inject_without_cap_net_admin", T_ANY, 0, bad_inject_without_cap_net_admin },
	{ "bad_getpeername_unconnected", T_ANY, 0, bad_getpeername_unconnected },
	{ "bad_send_after_shutdown", T_ANY, 0, bad_send_after_shutdown },
};
const size_t t_badinput_count = sizeof(t_badinput_cases) / sizeof(t_badinput_cases[0]);
