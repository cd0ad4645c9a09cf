// SPDX-License-Identifier: GPL-2.0
/*
 * Behaviour of one domain's rings on real Argo: the domain sends to its own
 * rings (Argo allows it), so each test needs no peer.  Every test uses its own
 * ports so one test's leftovers cannot satisfy another.
 */
#include <errno.h>
#include <poll.h>
#include <sys/epoll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>

#include "argo_test.h"

#define RING2	(2 * 4096u - V4V_ARGO_RING_HDR_SIZE)	/* two frames: 8128 */
#define ANY	V4V_ARGO_DOMID_ANY

static int wait_exit(pid_t pid, int timeout_ms)
{
	int status;

	for (int i = 0; i < timeout_ms / 10; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
		usleep(10000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return -1;
}

static void domid_is_real(void)
{
	int fd = tif_open(), d = tif_domid(fd);

	if (g_where == T_DOM0)
		T_EQ(d, 0);
	else
		T_ASSERT(d > 0 && d < 0x7ff0, "domid %d", d);
}

static void roundtrip_self(void)
{
	static const char msg[] = "hello over argo";
	struct v4v_test_recv r;
	char buf[64];
	int fd = tif_open();

	T_EQ(tif_bind(fd, 0x1001, ANY, RING2, 0), 0);
	T_EQ(tif_send(fd, g_domid, 0x1001, msg, sizeof(msg), 0x1234, 0), sizeof(msg));
	T_EQ(tif_recv(fd, buf, sizeof(buf), 0, &r), sizeof(msg));
	T_EQ(r.msg_len, sizeof(msg));
	T_ASSERT(!memcmp(buf, msg, sizeof(msg)), "payload differs");
	/* Xen stamps the sender's real domain: this also proves our domid. */
	T_EQ(r.src_domain, g_domid);
	T_EQ(r.src_port, 0x1001);
	T_EQ(r.message_type, 0x1234);
	T_EQ(tif_recv(fd, buf, sizeof(buf), V4V_TEST_NONBLOCK, NULL), -EAGAIN);
}

/*
 * Thousands of messages of assorted sizes through a two-frame ring: the
 * sender fills it until Argo says -EAGAIN, the reader drains and checks every
 * byte, so the ring wraps many times at every possible offset.
 */
static void wrap_many_random(void)
{
	const uint32_t n = 4000, max = RING2 - 32;
	uint32_t sent = 0, got = 0, eagain = 0, *sizes;
	uint64_t bytes = 0, seed = 42;
	struct v4v_test_recv r;
	static uint8_t buf[8192];
	int fd = tif_open();
	long ret, bad;

	sizes = malloc(n * sizeof(*sizes));
	T_ASSERT(sizes, "malloc");
	for (uint32_t i = 0; i < n; i++)
		sizes[i] = rnd_size(&seed, max);
	T_EQ(tif_bind(fd, 0x1002, ANY, RING2, 0), 0);
	while (got < n) {
		while (sent < n) {
			pat_fill(buf, sent, sizes[sent]);
			ret = tif_send(fd, g_domid, 0x1002, buf, sizes[sent], T_DATA,
				       V4V_TEST_NONBLOCK);
			if (ret == -EAGAIN) {
				eagain++;
				break;
			}
			T_EQ(ret, sizes[sent]);
			sent++;
		}
		while ((ret = tif_recv(fd, buf, sizeof(buf), V4V_TEST_NONBLOCK, &r)) != -EAGAIN) {
			T_ASSERT(got < sent, "message %u was never sent", got);
			T_EQ(ret, sizes[got]);
			T_EQ(r.msg_len, sizes[got]);
			bad = pat_check(buf, got, sizes[got]);
			T_ASSERT(bad < 0, "message %u: byte %ld differs", got, bad);
			bytes += sizes[got];
			got++;
		}
	}
	T_EQ(sent, n);
	t_info("%u messages, %llu bytes, ring full %u times", got,
	       (unsigned long long)bytes, eagain);
	T_ASSERT(eagain > 100, "ring filled only %u times", eagain);
	T_ASSERT(bytes > 100ull * RING2, "only %llu bytes: too few wraps",
		 (unsigned long long)bytes);
}

/*
 * Fill a ring until -EAGAIN; a blocked sender must sleep (not fail, not spin
 * past the limit) and wake when the reader frees space: Argo's space
 * notification, raised by the reader's notify, ends the sleep.
 */
static void full_ring_then_wake(void)
{
	const uint32_t len = 1000;
	static uint8_t buf[1000];
	uint32_t n = 0, i;
	int fd = tif_open(), rc;
	pid_t child;
	long ret;

	T_EQ(tif_bind(fd, 0x1003, ANY, RING2, 0), 0);
	for (;;) {
		pat_fill(buf, n, len);
		ret = tif_send(fd, g_domid, 0x1003, buf, len, T_DATA, V4V_TEST_NONBLOCK);
		if (ret == -EAGAIN)
			break;
		T_EQ(ret, len);
		n++;
		T_ASSERT(n < 64, "a %u-byte ring took %u messages of %u", RING2, n, len);
	}
	/* The last free slot is never handed out. */
	T_EQ(n, (RING2 - 1) / v4v_slot(len));

	child = fork();
	T_ASSERT(child >= 0, "fork");
	if (child == 0) {
		int cfd = tif_open();

		pat_fill(buf, n, len);
		_exit(tif_send(cfd, g_domid, 0x1003, buf, len, T_DATA, 0) == len ? 0 : 1);
	}
	usleep(300000);
	T_ASSERT(waitpid(child, &rc, WNOHANG) == 0,
		 "the sender did not wait for space (status %d)", rc);

	T_EQ(tif_recv(fd, buf, len, 0, NULL), len);
	T_ASSERT(pat_check(buf, 0, len) < 0, "first message corrupted");
	rc = wait_exit(child, 20000);
	T_ASSERT(rc == 0, "blocked sender ended with %d after space was freed", rc);

	for (i = 1; i <= n; i++) {
		T_EQ(tif_recv(fd, buf, len, V4V_TEST_NONBLOCK, NULL), len);
		T_ASSERT(pat_check(buf, i, len) < 0, "message %u corrupted", i);
	}
	T_EQ(tif_recv(fd, buf, len, V4V_TEST_NONBLOCK, NULL), -EAGAIN);
}

static void message_size_limits(void)
{
	static uint8_t buf[RING2];
	const uint32_t max = RING2 - 32;
	int fd = tif_open();

	T_EQ(tif_bind(fd, 0x1004, ANY, RING2, 0), 0);
	/* Bigger than the ring can ever hold. */
	T_EQ(tif_send(fd, g_domid, 0x1004, buf, RING2, 1, 0), -EMSGSIZE);
	T_EQ(tif_send(fd, g_domid, 0x1004, buf, max + 1, 1, 0), -EMSGSIZE);
	/* The largest that fits, end to end. */
	pat_fill(buf, 7, max);
	T_EQ(tif_send(fd, g_domid, 0x1004, buf, max, 1, 0), max);
	memset(buf, 0, sizeof(buf));
	T_EQ(tif_recv(fd, buf, sizeof(buf), 0, NULL), max);
	T_ASSERT(pat_check(buf, 7, max) < 0, "maximal message corrupted");
}

/* A ring of Argo's maximum size, and the largest message it takes. */
static void max_ring_max_message(void)
{
	const uint32_t len = V4V_ARGO_MAX_RING_LEN, max = len - 32;
	struct v4v_test_query q;
	uint8_t *buf = malloc(max + 1);
	int fd = tif_open();
	long bad;

	T_ASSERT(buf, "malloc");
	T_EQ(tif_bind(fd, 0x1005, ANY, len, 0), 0);
	T_EQ(tif_query(fd, g_domid, 0x1005, 0, &q), 0);
	T_EQ(q.max_message_size, max);
	T_EQ(tif_send(fd, g_domid, 0x1005, buf, max + 1, 1, 0), -EMSGSIZE);
	pat_fill(buf, 99, max);
	T_EQ(tif_send(fd, g_domid, 0x1005, buf, max, 1, 0), max);
	memset(buf, 0, max);
	T_EQ(tif_recv(fd, buf, max, 0, NULL), max);
	bad = pat_check(buf, 99, max);
	T_ASSERT(bad < 0, "byte %ld of the 16 MiB message differs", bad);
}

static void send_to_nothing_refused(void)
{
	int fd = tif_open();

	/* Also the sign-extension case: Xen 4.17 zero-extends this error. */
	T_EQ(tif_send(fd, g_domid, 0x1fff0, "x", 1, 1, 0), -ECONNREFUSED);
	T_EQ(tif_send(fd, g_domid, 0x1fff0, "x", 1, 1, V4V_TEST_NONBLOCK), -ECONNREFUSED);
}

static void send_bad_domain(void)
{
	int fd = tif_open();

	T_EQ(tif_send(fd, 0x7ff0 /* DOMID_SELF */, 0x1001, "x", 1, 1, 0), -ESRCH);
	T_EQ(tif_send(fd, 0x7000 /* no such domain */, 0x1001, "x", 1, 1, 0), -ESRCH);
}

static void bind_invalid_args(void)
{
	struct v4v_test_bind b = { .port = 0x1006, .partner = ANY, .ring_len = RING2 };
	int fd = tif_open();

	T_EQ(tif_bind(fd, 0x1006, ANY, 100, 0), -EINVAL);	/* not a slot multiple */
	T_EQ(tif_bind(fd, 0x1006, ANY, 32, 0), -EINVAL);	/* below two slots + header */
	T_EQ(tif_bind(fd, 0x1006, ANY, 0, 0), -EINVAL);
	T_EQ(tif_bind(fd, 0x1006, ANY, V4V_ARGO_MAX_RING_SIZE, 0), -EINVAL);
	T_EQ(tif_bind(fd, 0x1006, ANY, RING2, 0x100), -EINVAL);	/* unknown flag */
	b.pad = 1;
	T_EQ(ioctl(fd, V4V_TEST_IOC_BIND, &b) < 0 ? -errno : 0, -EINVAL);
	/* Nothing above left a ring behind. */
	T_EQ(tif_bind(fd, 0x1006, ANY, 48, 0), 0);
}

static void bind_twice_and_duplicates(void)
{
	struct v4v_test_recv r;
	int a = tif_open(), b = tif_open();
	char buf[8];

	T_EQ(tif_bind(a, 0x1007, ANY, RING2, 0), 0);
	T_EQ(tif_bind(a, 0x1008, ANY, RING2, 0), -EISCONN);
	/* Argo would silently replace a's ring: refused, whatever the size. */
	T_EQ(tif_bind(b, 0x1007, ANY, RING2, 0), -EADDRINUSE);
	T_EQ(tif_bind(b, 0x1007, ANY, RING2 - 16, 0), -EADDRINUSE);
	/* The same port for one partner only is another ring, and Argo prefers it. */
	T_EQ(tif_bind(b, 0x1007, g_domid, RING2, 0), 0);
	T_EQ(tif_send(a, g_domid, 0x1007, "b", 1, 1, 0), 1);
	T_EQ(tif_recv(b, buf, sizeof(buf), V4V_TEST_NONBLOCK, &r), 1);
	T_EQ(tif_recv(a, buf, sizeof(buf), V4V_TEST_NONBLOCK, NULL), -EAGAIN);
	close(b);
	T_EQ(tif_send(a, g_domid, 0x1007, "a", 1, 1, 0), 1);
	T_EQ(tif_recv(a, buf, sizeof(buf), 0, &r), 1);
	T_EQ(buf[0], 'a');
}

/* Unbinding wakes a reader asleep on the same file, which gives up. */
static void unbind_wakes_blocked_reader(void)
{
	int fd = tif_open(), rc = 0;
	pid_t child;

	T_EQ(tif_bind(fd, 0x1010, ANY, RING2, 0), 0);
	child = fork();
	T_ASSERT(child >= 0, "fork");
	if (child == 0) {
		char b[8];

		_exit(tif_recv(fd, b, sizeof(b), 0, NULL) == -ENOTCONN ? 0 : 1);
	}
	usleep(300000);
	T_ASSERT(waitpid(child, &rc, WNOHANG) == 0, "the reader did not block (%d)", rc);
	/* The sleeping reader holds no lock that unbind needs. */
	T_EQ(tif_unbind(fd), 0);
	rc = wait_exit(child, 10000);
	T_ASSERT(rc == 0, "the blocked reader ended with %d", rc);
	T_EQ(tif_bind(fd, 0x1010, ANY, RING2, 0), 0);
}

/* epoll set up before bind, and kept across a rebind, still sees arrivals. */
static void epoll_across_rebind(void)
{
	struct epoll_event ev = { .events = EPOLLIN }, out;
	int fd = tif_open(), ep = epoll_create1(EPOLL_CLOEXEC);
	char buf[8];

	T_ASSERT(ep >= 0, "epoll_create1");
	T_EQ(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev), 0);
	T_EQ(tif_bind(fd, 0x1011, ANY, RING2, 0), 0);
	T_EQ(epoll_wait(ep, &out, 1, 0), 0);
	T_EQ(tif_send(fd, g_domid, 0x1011, "a", 1, 1, 0), 1);
	T_EQ(epoll_wait(ep, &out, 1, 5000), 1);
	T_ASSERT(out.events & EPOLLIN, "events 0x%x", out.events);
	T_EQ(tif_recv(fd, buf, sizeof(buf), 0, NULL), 1);
	T_EQ(epoll_wait(ep, &out, 1, 0), 0);
	T_EQ(tif_unbind(fd), 0);
	T_EQ(tif_bind(fd, 0x1012, ANY, RING2, 0), 0);
	T_EQ(tif_send(fd, g_domid, 0x1012, "b", 1, 1, 0), 1);
	T_EQ(epoll_wait(ep, &out, 1, 5000), 1);
}

/*
 * A sender blocked on a full ring whose owner then unbinds: Xen drops the
 * pending notification without a word, so only the periodic retry ends the
 * wait, with -ECONNREFUSED.
 */
static void blocked_sender_fails_when_ring_goes(void)
{
	static uint8_t buf[1000];
	int fd = tif_open(), rc = 0;
	pid_t child;
	long ret;

	T_EQ(tif_bind(fd, 0x1013, ANY, RING2, 0), 0);
	while ((ret = tif_send(fd, g_domid, 0x1013, buf, sizeof(buf), 1,
			       V4V_TEST_NONBLOCK)) == sizeof(buf))
		;
	T_EQ(ret, -EAGAIN);
	child = fork();
	T_ASSERT(child >= 0, "fork");
	if (child == 0) {
		int cfd = tif_open();

		close(fd);	/* only the parent may keep the ring alive */
		_exit(tif_send(cfd, g_domid, 0x1013, buf, sizeof(buf), 1, 0) ==
		      -ECONNREFUSED ? 0 : 1);
	}
	usleep(300000);
	T_ASSERT(waitpid(child, &rc, WNOHANG) == 0, "the sender did not block (%d)", rc);
	close(fd);
	rc = wait_exit(child, 10000);
	T_ASSERT(rc == 0, "the blocked sender ended with %d", rc);
}

static void bind_partner_missing(void)
{
	int fd = tif_open();

	T_EQ(tif_bind(fd, 0x1009, 0x7000, RING2, 0), -ESRCH);
}

static void unregister_and_reregister(void)
{
	struct v4v_test_recv r;
	char buf[16];
	int fd = tif_open();

	T_EQ(tif_bind(fd, 0x100a, ANY, RING2, 0), 0);
	T_EQ(tif_send(fd, g_domid, 0x100a, "one", 3, 1, 0), 3);
	T_EQ(tif_unbind(fd), 0);
	T_EQ(tif_unbind(fd), -ENOTCONN);
	T_EQ(tif_send(fd, g_domid, 0x100a, "x", 1, 1, 0), -ECONNREFUSED);
	T_EQ(tif_bind(fd, 0x100a, ANY, RING2, 0), 0);
	/* The new ring starts empty. */
	T_EQ(tif_recv(fd, buf, sizeof(buf), V4V_TEST_NONBLOCK, NULL), -EAGAIN);
	T_EQ(tif_send(fd, g_domid, 0x100a, "two", 3, 2, 0), 3);
	T_EQ(tif_recv(fd, buf, sizeof(buf), 0, &r), 3);
	T_ASSERT(!memcmp(buf, "two", 3), "payload differs");
	T_EQ(r.message_type, 2);
}

static void peek_truncate_and_empty(void)
{
	struct v4v_test_recv r;
	char buf[200];
	int fd = tif_open();

	T_EQ(tif_recv(fd, buf, sizeof(buf), V4V_TEST_NONBLOCK, NULL), -ENOTCONN);
	T_EQ(tif_bind(fd, 0x100b, ANY, RING2, 0), 0);
	pat_fill(buf, 1, 100);
	T_EQ(tif_send(fd, g_domid, 0x100b, buf, 100, 1, 0), 100);
	T_EQ(tif_send(fd, g_domid, 0x100b, "", 0, 5, 0), 0);	/* header only */
	memset(buf, 0, sizeof(buf));
	T_EQ(tif_recv(fd, buf, sizeof(buf), V4V_TEST_PEEK, &r), 100);
	T_ASSERT(pat_check(buf, 1, 100) < 0, "peeked payload differs");
	/* Truncation: ten bytes copied, the full length reported, gone after. */
	memset(buf, 0, sizeof(buf));
	T_EQ(tif_recv(fd, buf, 10, 0, &r), 10);
	T_EQ(r.msg_len, 100);
	T_ASSERT(pat_check(buf, 1, 10) < 0, "truncated payload differs");
	T_EQ(tif_recv(fd, buf, sizeof(buf), 0, &r), 0);
	T_EQ(r.msg_len, 0);
	T_EQ(r.message_type, 5);
	T_EQ(tif_recv(fd, buf, sizeof(buf), V4V_TEST_NONBLOCK, NULL), -EAGAIN);
}

static void poll_readiness(void)
{
	struct pollfd p;
	char buf[8];
	int fd = tif_open();

	T_EQ(tif_bind(fd, 0x100c, ANY, RING2, 0), 0);
	p = (struct pollfd){ .fd = fd, .events = POLLIN };
	T_EQ(poll(&p, 1, 0), 0);
	T_EQ(tif_send(fd, g_domid, 0x100c, "ping", 4, 1, 0), 4);
	/* Readiness comes from the VIRQ, which the event work turns into a wake. */
	T_EQ(poll(&p, 1, 5000), 1);
	T_ASSERT(p.revents & POLLIN, "revents 0x%x", p.revents);
	T_EQ(tif_recv(fd, buf, sizeof(buf), 0, NULL), 4);
	T_EQ(poll(&p, 1, 0), 0);
}

static void query_rings(void)
{
	struct v4v_test_query q;
	int fd = tif_open();

	T_EQ(tif_bind(fd, 0x100d, ANY, RING2, 0), 0);
	T_EQ(tif_query(fd, g_domid, 0x100d, 64, &q), 0);
	T_EQ(q.flags & (V4V_ARGO_RING_EXISTS | V4V_ARGO_RING_SHARED |
			V4V_ARGO_RING_EMPTY | V4V_ARGO_RING_SUFFICIENT),
	     V4V_ARGO_RING_EXISTS | V4V_ARGO_RING_SHARED |
	     V4V_ARGO_RING_EMPTY | V4V_ARGO_RING_SUFFICIENT);
	T_EQ(q.max_message_size, RING2 - 32);
	T_EQ(tif_query(fd, g_domid, 0x100d, RING2, &q), 0);
	T_ASSERT(q.flags & V4V_ARGO_RING_EMSGSIZE, "flags 0x%x", q.flags);
	T_EQ(tif_query(fd, g_domid, 0x1fff1, 64, &q), 0);
	T_EQ(q.flags, 0);
}

static void bad_user_memory(void)
{
	char buf[16];
	int fd = tif_open();

	T_EQ(tif_bind(fd, 0x100e, ANY, RING2, 0), 0);
	T_EQ(tif_send(fd, g_domid, 0x100e, (void *)8, 10, 1, 0), -EFAULT);
	T_EQ(tif_send(fd, g_domid, 0x100e, "keep", 4, 1, 0), 4);
	/* A receive that cannot copy out must leave the message queued. */
	T_EQ(tif_recv(fd, (void *)8, 4, 0, NULL), -EFAULT);
	T_EQ(tif_recv(fd, buf, sizeof(buf), 0, NULL), 4);
	T_ASSERT(!memcmp(buf, "keep", 4), "payload differs");
	T_EQ(ioctl(fd, _IO('V', 0x99)) < 0 ? -errno : 0, -ENOTTY);
}

/* Xen allows 128 rings per domain; the 129th registration is -ENOSPC. */
static void ring_limit(void)
{
	int fds[200], n, err = 0;

	for (n = 0; n < 200; n++) {
		fds[n] = tif_open();
		err = tif_bind(fds[n], 0x20000 + n, ANY, 48, 0);
		if (err)
			break;
	}
	t_info("%d rings registered before %d", n, err);
	T_EQ(err, -ENOSPC);
	T_ASSERT(n > 100 && n <= 128, "%d rings", n);
	while (n >= 0)
		close(fds[n--]);
	/* All of them were given back. */
	n = tif_open();
	T_EQ(tif_bind(n, 0x20000, ANY, 48, 0), 0);
}

/* A ring for one partner refuses everyone else, here ourselves. */
static void partner_ring_refuses_others(void)
{
	int fd = tif_open();

	T_EQ(tif_bind(fd, 0x100f, 0, RING2, 0), 0);
	T_EQ(tif_send(fd, g_domid, 0x100f, "x", 1, 1, 0), -ECONNREFUSED);
}

const struct t_case t_self_cases[] = {
	{ "domid_is_real", T_ANY, 0, domid_is_real },
	{ "roundtrip_self", T_ANY, 0, roundtrip_self },
	{ "wrap_many_random", T_ANY, 600, wrap_many_random },
	{ "full_ring_then_wake", T_ANY, 0, full_ring_then_wake },
	{ "message_size_limits", T_ANY, 0, message_size_limits },
	{ "max_ring_max_message", T_ANY, 0, max_ring_max_message },
	{ "send_to_nothing_refused", T_ANY, 0, send_to_nothing_refused },
	{ "send_bad_domain", T_ANY, 0, send_bad_domain },
	{ "bind_invalid_args", T_ANY, 0, bind_invalid_args },
	{ "bind_twice_and_duplicates", T_ANY, 0, bind_twice_and_duplicates },
	{ "unbind_wakes_blocked_reader", T_ANY, 0, unbind_wakes_blocked_reader },
	{ "epoll_across_rebind", T_ANY, 0, epoll_across_rebind },
	{ "blocked_sender_fails_when_ring_goes", T_ANY, 0, blocked_sender_fails_when_ring_goes },
	{ "bind_partner_missing", T_ANY, 0, bind_partner_missing },
	{ "unregister_and_reregister", T_ANY, 0, unregister_and_reregister },
	{ "peek_truncate_and_empty", T_ANY, 0, peek_truncate_and_empty },
	{ "poll_readiness", T_ANY, 0, poll_readiness },
	{ "query_rings", T_ANY, 0, query_rings },
	{ "bad_user_memory", T_ANY, 0, bad_user_memory },
	{ "ring_limit", T_ANY, 300, ring_limit },
	{ "partner_ring_refuses_others", T_DOMU, 0, partner_ring_refuses_others },
};
const size_t t_self_count = sizeof(t_self_cases) / sizeof(t_self_cases[0]);
