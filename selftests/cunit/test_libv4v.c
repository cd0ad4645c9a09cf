// SPDX-License-Identifier: GPL-2.0
/*
 * CUnit tests of libv4v's pure functions, run on the host against the
 * shared library as installed programs would link it.  One "PASS cunit: ..."
 * or "FAIL cunit: ..." line per test; the exit status is the failure count
 * (CUnit's own run result does not reflect failed tests).
 */
#include <CUnit/Basic.h>
#include <errno.h>
#include <stddef.h>
#include <sys/socket.h>
#include <string.h>
#include <unistd.h>

#include "libv4v.h"
#include "cases.h"

static struct sockaddr_v4v parse_ok(const char *s)
{
	struct sockaddr_v4v a;

	memset(&a, 0xff, sizeof(a));
	CU_ASSERT_EQUAL_FATAL(v4v_addr_parse(s, &a), 0);
	return a;
}

static void expect_einval(const char *s)
{
	struct sockaddr_v4v a;

	errno = 0;
	CU_ASSERT_EQUAL(v4v_addr_parse(s, &a), -1);
	CU_ASSERT_EQUAL(errno, EINVAL);
}

static void parse_plain_numbers(void)
{
	struct sockaddr_v4v a = parse_ok("3:5000");
	static const unsigned char zero[sizeof(a.sv4v_zero)];

	CU_ASSERT_EQUAL(a.sv4v_family, AF_V4V);
	CU_ASSERT_EQUAL(a.sv4v_domain, 3);
	CU_ASSERT_EQUAL(a.sv4v_port, 5000);
	CU_ASSERT_EQUAL(memcmp(a.sv4v_zero, zero, sizeof(zero)), 0);
	a = parse_ok("0:0");
	CU_ASSERT_EQUAL(a.sv4v_domain, 0);
	CU_ASSERT_EQUAL(a.sv4v_port, 0);
	a = parse_ok("32751:4294967294");
	CU_ASSERT_EQUAL(a.sv4v_domain, 0x7fef);
	CU_ASSERT_EQUAL(a.sv4v_port, 4294967294u);
}

static void parse_names_hex_and_wildcards(void)
{
	struct sockaddr_v4v a = parse_ok("dom0:0x1234");

	CU_ASSERT_EQUAL(a.sv4v_domain, 0);
	CU_ASSERT_EQUAL(a.sv4v_port, 0x1234);
	a = parse_ok("DOM12:0XFF");
	CU_ASSERT_EQUAL(a.sv4v_domain, 12);
	CU_ASSERT_EQUAL(a.sv4v_port, 0xff);
	a = parse_ok("any:any");
	CU_ASSERT_EQUAL(a.sv4v_domain, V4V_DOMID_ANY);
	CU_ASSERT_EQUAL(a.sv4v_port, V4V_PORT_ANY);
	a = parse_ok("*:7");
	CU_ASSERT_EQUAL(a.sv4v_domain, V4V_DOMID_ANY);
	CU_ASSERT_EQUAL(a.sv4v_port, 7);
}

static void parse_rejects_malformed(void)
{
	static const char *const bad[] = {
		"", ":", "3", "3:", ":5000", "x:1", "3:y", "3:5000x", "3x:5000",
		"-1:5", "3:-5", "+3:5", " 3:5", "3: 5", "3:5 ", "dom:5", "domx:5",
		"32752:1", "65535:1", "99999999999999999999:1", "3:4294967296",
		"3:0x", "3:0x1g", "3:5:6", "anyx:1", "3:anyy",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_einval(bad[i]);
}

static void parse_rejects_null(void)
{
	struct sockaddr_v4v a;

	expect_einval(NULL);
	errno = 0;
	CU_ASSERT_EQUAL(v4v_addr_parse("1:1", NULL), -1);
	CU_ASSERT_EQUAL(errno, EINVAL);
	(void)a;
}

static void format_and_round_trip(void)
{
	static const char *const texts[] = { "0:0", "3:5000", "any:7", "12:any",
					     "any:any", "32751:4294967294" };
	struct sockaddr_v4v a, b;
	char buf[V4V_ADDRSTRLEN];
	size_t i;

	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		a = parse_ok(texts[i]);
		CU_ASSERT_EQUAL(v4v_addr_format(&a, buf, sizeof(buf)), (int)strlen(texts[i]));
		CU_ASSERT_STRING_EQUAL(buf, texts[i]);
		b = parse_ok(buf);
		CU_ASSERT_EQUAL(memcmp(&a, &b, sizeof(a)), 0);
	}
	a = parse_ok("dom0:0x10");
	CU_ASSERT_EQUAL(v4v_addr_format(&a, buf, sizeof(buf)), 4);
	CU_ASSERT_STRING_EQUAL(buf, "0:16");
}

static void format_errors(void)
{
	struct sockaddr_v4v a = parse_ok("32751:4294967294");
	char buf[V4V_ADDRSTRLEN];

	errno = 0;
	CU_ASSERT_EQUAL(v4v_addr_format(&a, buf, 16), -1);	/* needs 17 */
	CU_ASSERT_EQUAL(errno, ENOSPC);
	CU_ASSERT_STRING_EQUAL(buf, "");
	CU_ASSERT_EQUAL(v4v_addr_format(&a, buf, 17), 16);
	errno = 0;
	CU_ASSERT_EQUAL(v4v_addr_format(&a, buf, 0), -1);
	CU_ASSERT_EQUAL(errno, ENOSPC);
	errno = 0;
	CU_ASSERT_EQUAL(v4v_addr_format(NULL, buf, sizeof(buf)), -1);
	CU_ASSERT_EQUAL(errno, EINVAL);
	errno = 0;
	CU_ASSERT_EQUAL(v4v_addr_format(&a, NULL, 10), -1);
	CU_ASSERT_EQUAL(errno, EINVAL);
}

static void version_matches_header(void)
{
	char want[32];

	snprintf(want, sizeof(want), "%d.%d.%d", LIBV4V_VERSION_MAJOR,
		 LIBV4V_VERSION_MINOR, LIBV4V_VERSION_PATCH);
	CU_ASSERT_STRING_EQUAL(v4v_version(), want);
}

static void sockaddr_layout(void)
{
	CU_ASSERT_EQUAL(sizeof(struct sockaddr_v4v), sizeof(struct sockaddr));
	CU_ASSERT_EQUAL(offsetof(struct sockaddr_v4v, sv4v_port), 4);
}

/*
 * The host kernel has no v4v (and cannot load it): the socket calls must
 * say so with EAFNOSUPPORT, and reject bad address text first, with
 * EINVAL.  On a host that has v4v, v4v_family() must name its number.
 */
static int host_has_v4v(void)
{
	return access("/sys/module/v4v", F_OK) == 0;
}

static void family_without_module(void)
{
	errno = 0;
	if (host_has_v4v()) {
		CU_ASSERT(v4v_family() > 0);
		return;
	}
	CU_ASSERT_EQUAL(v4v_family(), -1);
	CU_ASSERT_EQUAL(errno, EAFNOSUPPORT);
	errno = 0;
	CU_ASSERT_EQUAL(v4v_socket(SOCK_DGRAM), -1);
	CU_ASSERT_EQUAL(errno, EAFNOSUPPORT);
	errno = 0;
	CU_ASSERT_EQUAL(v4v_bind(0, 0, 1), -1);
	CU_ASSERT_EQUAL(errno, EAFNOSUPPORT);
	errno = 0;
	CU_ASSERT_EQUAL(v4v_connect(0, 0, 1), -1);
	CU_ASSERT_EQUAL(errno, EAFNOSUPPORT);
	errno = 0;
	CU_ASSERT_EQUAL(v4v_sendto(0, "x", 1, 0, 0, 1), -1);
	CU_ASSERT_EQUAL(errno, EAFNOSUPPORT);
	errno = 0;
	CU_ASSERT_EQUAL(v4v_dial("0:5000", SOCK_STREAM), -1);
	CU_ASSERT_EQUAL(errno, EAFNOSUPPORT);
	errno = 0;
	CU_ASSERT_EQUAL(v4v_serve("any:5000", SOCK_DGRAM, 0), -1);
	CU_ASSERT_EQUAL(errno, EAFNOSUPPORT);
}

static void dial_and_serve_reject_bad_text(void)
{
	static const char *const bad[] = { "", "5000", "0:", ":1", "0:1:2", "0 :1", "-x:1" };
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		CU_ASSERT_EQUAL(v4v_dial(bad[i], SOCK_STREAM), -1);
		CU_ASSERT_EQUAL(errno, EINVAL);
		errno = 0;
		CU_ASSERT_EQUAL(v4v_serve(bad[i], SOCK_STREAM, 1), -1);
		CU_ASSERT_EQUAL(errno, EINVAL);
	}
	errno = 0;
	CU_ASSERT_EQUAL(v4v_dial(NULL, SOCK_STREAM), -1);
	CU_ASSERT_EQUAL(errno, EINVAL);
	errno = 0;
	CU_ASSERT_EQUAL(v4v_serve(NULL, SOCK_DGRAM, 0), -1);
	CU_ASSERT_EQUAL(errno, EINVAL);
}

/* Numbers resolve as they parse; bad text is EINVAL before any lookup. */
static void resolve_without_xenstore(void)
{
	static const char *const bad[] = { "", "5000", "name:", ":1", "a:b:1", "name:-1",
					   "name:99999999999", "9name:1", "a name:1", "a/b:1" };
	struct sockaddr_v4v a;
	size_t i;

	CU_ASSERT_EQUAL(v4v_addr_resolve("dom7:0x10", &a), 0);
	CU_ASSERT_EQUAL(a.sv4v_domain, 7);
	CU_ASSERT_EQUAL(a.sv4v_port, 16);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		CU_ASSERT_EQUAL(v4v_addr_resolve(bad[i], &a), -1);
		CU_ASSERT_EQUAL(errno, EINVAL);
	}
	errno = 0;
	CU_ASSERT_EQUAL(v4v_addr_resolve(NULL, &a), -1);
	CU_ASSERT_EQUAL(errno, EINVAL);
	errno = 0;
	CU_ASSERT_EQUAL(v4v_addr_resolve("0:1", NULL), -1);
	CU_ASSERT_EQUAL(errno, EINVAL);
	/* The host runs no xenstore: a name is not found. */
	if (access("/run/xenstored/socket", F_OK) && access("/dev/xen/xenbus", F_OK)) {
		errno = 0;
		CU_ASSERT_EQUAL(v4v_addr_resolve("Domain-0:1", &a), -1);
		CU_ASSERT_EQUAL(errno, ENOENT);
	}
}

/* Calls on a descriptor pass the kernel's errors through. */
static void calls_on_bad_descriptors(void)
{
	struct sockaddr_v4v a;
	char buf[4];

	errno = 0;
	CU_ASSERT_EQUAL(v4v_accept(-1, &a, 0), -1);
	CU_ASSERT_EQUAL(errno, EBADF);
	errno = 0;
	CU_ASSERT_EQUAL(v4v_recvfrom(-1, buf, sizeof(buf), 0, &a), -1);
	CU_ASSERT_EQUAL(errno, EBADF);
	errno = 0;
	CU_ASSERT_EQUAL(v4v_recvfrom(-1, buf, sizeof(buf), 0, NULL), -1);
	CU_ASSERT_EQUAL(errno, EBADF);
	errno = 0;
	CU_ASSERT_EQUAL(v4v_listen(-1, 1), -1);
	CU_ASSERT_EQUAL(errno, EBADF);
	errno = 0;
	CU_ASSERT_EQUAL(v4v_send(-1, "x", 1, 0), -1);
	CU_ASSERT_EQUAL(errno, EBADF);
	errno = 0;
	CU_ASSERT_EQUAL(v4v_recv(-1, buf, sizeof(buf), 0), -1);
	CU_ASSERT_EQUAL(errno, EBADF);
}

static void report(const CU_pTest test, const CU_pSuite suite,
		   const CU_pFailureRecord failure)
{
	printf("%s cunit: %s/%s", failure ? "FAIL" : "PASS", suite->pName, test->pName);
	if (failure)
		printf(" # %s:%u: %s", failure->strFileName, failure->uiLineNumber,
		       failure->strCondition);
	printf("\n");
}

/* Register a table of tests, a suite per run of equal suite names. */
static int add_cases(const struct cu_case *t, size_t n, const char **cur, CU_pSuite *suite)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (strcmp(*cur, t[i].suite)) {
			*cur = t[i].suite;
			*suite = CU_add_suite(*cur, NULL, NULL);
		}
		if (!*suite || !CU_add_test(*suite, t[i].name, t[i].fn))
			return 1;
	}
	return 0;
}

int main(void)
{
	static const struct cu_case tests[] = {
		{ "addr_parse", "plain_numbers", parse_plain_numbers },
		{ "addr_parse", "names_hex_and_wildcards", parse_names_hex_and_wildcards },
		{ "addr_parse", "rejects_malformed", parse_rejects_malformed },
		{ "addr_parse", "rejects_null", parse_rejects_null },
		{ "addr_format", "round_trip", format_and_round_trip },
		{ "addr_format", "errors", format_errors },
		{ "addr_resolve", "without_xenstore", resolve_without_xenstore },
		{ "version", "matches_header", version_matches_header },
		{ "socket", "family_without_module", family_without_module },
		{ "socket", "dial_and_serve_reject_bad_text", dial_and_serve_reject_bad_text },
		{ "socket", "calls_on_bad_descriptors", calls_on_bad_descriptors },
		{ "uapi", "sockaddr_layout", sockaddr_layout },
	};
	CU_pSuite suite = NULL;
	const char *cur = "";
	unsigned int fails;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	if (add_cases(tests, sizeof(tests) / sizeof(tests[0]), &cur, &suite) ||
	    add_cases(openxt_cases, openxt_ncases, &cur, &suite) ||
	    add_cases(preload_cases, preload_ncases, &cur, &suite))
		return 1;
	/* CU_basic_run_tests() would replace our handler with its own. */
	CU_set_test_complete_handler(report);
	CU_run_all_tests();
	fails = CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return fails ? 1 : 0;
}
