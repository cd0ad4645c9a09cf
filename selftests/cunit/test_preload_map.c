// SPDX-License-Identifier: GPL-2.0
/*
 * CUnit tests of the interposer's address mapping (libv4v/preload_map.c),
 * linked in as an object: IPv4 and IPv6 addresses of domains, the port
 * addend, OpenXT's address struct, and truncated copies out.
 */
#include <CUnit/Basic.h>
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include <linux/v4v.h>

#include "../../libv4v/preload.h"
#include "cases.h"

#define AF 40	/* any family number: the mapping only copies it */

static struct sockaddr_in sin_of(const char *ip, uint16_t port)
{
	struct sockaddr_in s = { .sin_family = AF_INET, .sin_port = htons(port) };

	CU_ASSERT_EQUAL_FATAL(inet_pton(AF_INET, ip, &s.sin_addr), 1);
	return s;
}

static struct sockaddr_in6 sin6_of(const char *ip, uint16_t port)
{
	struct sockaddr_in6 s = { .sin6_family = AF_INET6, .sin6_port = htons(port) };

	CU_ASSERT_EQUAL_FATAL(inet_pton(AF_INET6, ip, &s.sin6_addr), 1);
	return s;
}

static int from4(const char *ip, uint16_t port, uint32_t addend, struct sockaddr_v4v *a)
{
	struct sockaddr_in s = sin_of(ip, port);

	return v4v_pl_from_ip((struct sockaddr *)&s, sizeof(s), AF, 7, addend, a);
}

static void domains_from_ipv4(void)
{
	struct sockaddr_v4v a;

	CU_ASSERT_EQUAL(from4("1.0.0.5", 80, 0, &a), 0);
	CU_ASSERT_EQUAL(a.sv4v_family, AF);
	CU_ASSERT_EQUAL(a.sv4v_domain, 5);
	CU_ASSERT_EQUAL(a.sv4v_port, 80);
	CU_ASSERT_EQUAL(from4("1.0.1.2", 80, 0, &a), 0);
	CU_ASSERT_EQUAL(a.sv4v_domain, 258);
	CU_ASSERT_EQUAL(from4("0.0.0.0", 80, 0, &a), 0);
	CU_ASSERT_EQUAL(a.sv4v_domain, V4V_DOMID_ANY);
	/* Loopback is this domain (7 here), not domain 1 as in OpenXT. */
	CU_ASSERT_EQUAL(from4("127.0.0.1", 80, 0, &a), 0);
	CU_ASSERT_EQUAL(a.sv4v_domain, 7);
	CU_ASSERT_EQUAL(from4("1.0.127.239", 80, 0, &a), 0);
	CU_ASSERT_EQUAL(a.sv4v_domain, 0x7fef);
}

static void non_domains_refused(void)
{
	struct sockaddr_v4v a;

	CU_ASSERT_EQUAL(from4("1.0.127.240", 80, 0, &a), -EINVAL);	/* reserved ids */
	CU_ASSERT_EQUAL(from4("10.0.0.1", 80, 0, &a), -EINVAL);
	CU_ASSERT_EQUAL(from4("1.1.0.1", 80, 0, &a), -EINVAL);
	CU_ASSERT_EQUAL(from4("255.255.255.255", 80, 0, &a), -EINVAL);
}

static void ipv6_forms(void)
{
	static const struct { const char *ip; int err; uint16_t dom; } t[] = {
		{ "::", 0, V4V_DOMID_ANY }, { "::1", 0, 7 }, { "::ffff:1.0.0.3", 0, 3 },
		{ "::ffff:10.0.0.1", -EINVAL, 0 }, { "fe80::1", -EINVAL, 0 },
	};
	struct sockaddr_v4v a;
	struct sockaddr_in6 s;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		s = sin6_of(t[i].ip, 22);
		CU_ASSERT_EQUAL(v4v_pl_from_ip((struct sockaddr *)&s, sizeof(s), AF, 7, 0, &a),
				t[i].err);
		if (!t[i].err) {
			CU_ASSERT_EQUAL(a.sv4v_domain, t[i].dom);
			CU_ASSERT_EQUAL(a.sv4v_port, 22);
		}
	}
}

static void malformed_input(void)
{
	struct sockaddr_in s = sin_of("1.0.0.1", 1);
	struct sockaddr_in6 s6 = sin6_of("::", 1);
	struct sockaddr_v4v a;

	CU_ASSERT_EQUAL(v4v_pl_from_ip(NULL, sizeof(s), AF, 0, 0, &a), -EINVAL);
	CU_ASSERT_EQUAL(v4v_pl_from_ip((struct sockaddr *)&s, sizeof(s) - 1, AF, 0, 0, &a),
			-EINVAL);
	CU_ASSERT_EQUAL(v4v_pl_from_ip((struct sockaddr *)&s6, sizeof(s), AF, 0, 0, &a),
			-EINVAL);
	s.sin_family = AF_UNIX;
	CU_ASSERT_EQUAL(v4v_pl_from_ip((struct sockaddr *)&s, sizeof(s), AF, 0, 0, &a),
			-EAFNOSUPPORT);
}

static void ports_and_addend(void)
{
	struct sockaddr_v4v a;
	struct sockaddr_in back;

	CU_ASSERT_EQUAL(from4("1.0.0.1", 22, 100000, &a), 0);
	CU_ASSERT_EQUAL(a.sv4v_port, 100022);
	v4v_pl_to_inet(&a, 100000, &back);
	CU_ASSERT_EQUAL(ntohs(back.sin_port), 22);
	CU_ASSERT_EQUAL(ntohl(back.sin_addr.s_addr), 0x01000001);
	CU_ASSERT_EQUAL(v4v_pl_port_out(0x80000001u, 0), -1);	/* ephemeral */
	CU_ASSERT_EQUAL(v4v_pl_port_out(99999, 100000), -1);	/* below the addend */
	a.sv4v_port = 0x80000001u;
	v4v_pl_to_inet(&a, 0, &back);
	CU_ASSERT_EQUAL(back.sin_port, 0);	/* never another port */
}

static void addresses_out(void)
{
	struct sockaddr_v4v a = { .sv4v_family = AF, .sv4v_domain = 0x0102, .sv4v_port = 8080 };
	struct sockaddr_in6 s6;
	struct sockaddr_in s;
	char text[INET6_ADDRSTRLEN];
	socklen_t len = 4;

	v4v_pl_to_inet6(&a, 0, &s6);
	CU_ASSERT_PTR_NOT_NULL(inet_ntop(AF_INET6, &s6.sin6_addr, text, sizeof(text)));
	CU_ASSERT_STRING_EQUAL(text, "::ffff:1.0.1.2");
	CU_ASSERT_EQUAL(ntohs(s6.sin6_port), 8080);
	a.sv4v_domain = V4V_DOMID_ANY;
	v4v_pl_to_inet6(&a, 0, &s6);
	CU_ASSERT(IN6_IS_ADDR_UNSPECIFIED(&s6.sin6_addr));
	/* Copied out as the socket calls do: truncated, full length told. */
	v4v_pl_to_inet(&a, 0, &s);
	memset(text, 0x5a, sizeof(text));
	v4v_pl_copy_out(&s, sizeof(s), (struct sockaddr *)text, &len);
	CU_ASSERT_EQUAL(len, sizeof(s));
	CU_ASSERT_EQUAL(memcmp(text, &s, 4), 0);
	CU_ASSERT_EQUAL((unsigned char)text[4], 0x5a);
}

static void loopback_addresses(void)
{
	struct sockaddr_in6 s6;
	struct sockaddr_in s;
	const char **ip;
	static const char *loop4[] = { "127.0.0.1", "127.1.2.3", NULL };
	static const char *other4[] = { "0.0.0.0", "1.0.0.5", "1.0.127.1", NULL };
	static const char *loop6[] = { "::1", "::ffff:127.0.0.1", NULL };
	static const char *other6[] = { "::", "::ffff:1.0.0.0", "fe80::1", NULL };

	for (ip = loop4; *ip; ip++) {
		s = sin_of(*ip, 80);
		CU_ASSERT_EQUAL(v4v_pl_is_loopback((struct sockaddr *)&s, sizeof(s)), 1);
		CU_ASSERT_EQUAL(v4v_pl_is_loopback((struct sockaddr *)&s, sizeof(s) - 1), 0);
	}
	for (ip = other4; *ip; ip++) {
		s = sin_of(*ip, 80);
		CU_ASSERT_EQUAL(v4v_pl_is_loopback((struct sockaddr *)&s, sizeof(s)), 0);
	}
	for (ip = loop6; *ip; ip++) {
		s6 = sin6_of(*ip, 80);
		CU_ASSERT_EQUAL(v4v_pl_is_loopback((struct sockaddr *)&s6, sizeof(s6)), 1);
	}
	for (ip = other6; *ip; ip++) {
		s6 = sin6_of(*ip, 80);
		CU_ASSERT_EQUAL(v4v_pl_is_loopback((struct sockaddr *)&s6, sizeof(s6)), 0);
	}
	CU_ASSERT_EQUAL(v4v_pl_is_loopback(NULL, 0), 0);
}

static void openxt_address(void)
{
	struct sockaddr_v4v a = { .sv4v_family = AF, .sv4v_domain = 3, .sv4v_port = 0x12345 };
	struct sockaddr x;
	struct sockaddr_v4v back;

	v4v_pl_to_xen(&a, &x);
	CU_ASSERT_EQUAL(x.sa_family, 13398);
	CU_ASSERT_EQUAL(v4v_pl_from_xen(&x, sizeof(x), AF, &back), 0);
	CU_ASSERT_EQUAL(back.sv4v_domain, 3);
	CU_ASSERT_EQUAL(back.sv4v_port, 0x12345);
	CU_ASSERT_EQUAL(v4v_pl_from_xen(&x, sizeof(x) - 1, AF, &back), -EINVAL);
	x.sa_family = AF_INET;
	CU_ASSERT_EQUAL(v4v_pl_from_xen(&x, sizeof(x), AF, &back), -EAFNOSUPPORT);
}

const struct cu_case preload_cases[] = {
	{ "preload_map", "domains_from_ipv4", domains_from_ipv4 },
	{ "preload_map", "non_domains_refused", non_domains_refused },
	{ "preload_map", "ipv6_forms", ipv6_forms },
	{ "preload_map", "malformed_input", malformed_input },
	{ "preload_map", "ports_and_addend", ports_and_addend },
	{ "preload_map", "addresses_out", addresses_out },
	{ "preload_map", "openxt_address", openxt_address },
	{ "preload_map", "loopback_addresses", loopback_addresses },
};
const size_t preload_ncases = sizeof(preload_cases) / sizeof(preload_cases[0]);
