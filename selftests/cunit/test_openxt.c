// SPDX-License-Identifier: GPL-2.0
/*
 * CUnit tests of the OpenXT source-compatible APIs on the host, where no
 * module is loaded: their types, and the errors for bad input and bad
 * descriptors, which come before (or without) the kernel.  Built as
 * OpenXT programs are, with include/openxt first on the include path; the
 * lib suite (selftests/progs) runs such programs against the module.
 */
#include <CUnit/Basic.h>
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>

#include <libargo.h>
#include <libv4v.h>	/* OpenXT's legacy header, from include/openxt */

#include "cases.h"

#define EXPECT_ERR(call, err) do {			\
	errno = 0;					\
	CU_ASSERT_EQUAL((call), -1);			\
	CU_ASSERT_EQUAL(errno, (err));			\
} while (0)

static void argo_types(void)
{
	CU_ASSERT_EQUAL(sizeof(xen_argo_addr_t), 8);
	CU_ASSERT_EQUAL(offsetof(xen_argo_addr_t, domain_id), 4);
	CU_ASSERT_EQUAL(sizeof(struct sockaddr_xenargo), sizeof(struct sockaddr));
	CU_ASSERT_EQUAL(XEN_ARGO_DOMID_ANY, 0x7ff4);
	CU_ASSERT_EQUAL(XEN_ARGO_PORT_ANY, 0xffffffffu);
}

/* No module on the host: the family is unknown. */
static void argo_without_module(void)
{
	xen_argo_addr_t a = { .aport = 1, .domain_id = 0 };

	EXPECT_ERR(argo_socket(SOCK_DGRAM), EAFNOSUPPORT);
	EXPECT_ERR(argo_bind(0, &a, XEN_ARGO_DOMID_ANY), EAFNOSUPPORT);
	EXPECT_ERR(argo_connect(0, &a), EAFNOSUPPORT);
	EXPECT_ERR(argo_sendto(0, "x", 1, 0, &a), EAFNOSUPPORT);
}

static void argo_null_addresses(void)
{
	struct msghdr m = { 0 };
	xen_argo_addr_t a = { 0 };

	EXPECT_ERR(argo_bind(-1, NULL, XEN_ARGO_DOMID_ANY), EINVAL);
	EXPECT_ERR(argo_connect(-1, NULL), EINVAL);
	EXPECT_ERR(argo_getpeername(-1, NULL), EINVAL);
	EXPECT_ERR(argo_sendmsg(-1, NULL, 0), EINVAL);
	EXPECT_ERR(argo_recvmsg(-1, NULL, 0), EINVAL);
	/* A name too short to be an xen_argo_addr_t. */
	m.msg_name = &a;
	m.msg_namelen = 4;
	EXPECT_ERR(argo_sendmsg(-1, &m, 0), EINVAL);
}

static void argo_bad_descriptors(void)
{
	xen_argo_addr_t a;
	domid_t p;
	char buf[4];
	int v;
	socklen_t len = sizeof(v);

	EXPECT_ERR(argo_close(-1), EBADF);
	EXPECT_ERR(argo_listen(-1, 1), EBADF);
	EXPECT_ERR(argo_accept(-1, &a), EBADF);
	EXPECT_ERR(argo_send(-1, "x", 1, 0), EBADF);
	EXPECT_ERR(argo_sendto(-1, "x", 1, 0, NULL), EBADF);
	EXPECT_ERR(argo_recv(-1, buf, sizeof(buf), 0), EBADF);
	EXPECT_ERR(argo_recvfrom(-1, buf, sizeof(buf), 0, &a), EBADF);
	EXPECT_ERR(argo_getsockname(-1, &a, &p), EBADF);
	EXPECT_ERR(argo_getpeername(-1, &a), EBADF);
	EXPECT_ERR(argo_getsockopt(-1, SOL_SOCKET, SO_ERROR, &v, &len), EBADF);
}

static void argo_viptables_unsupported(void)
{
	xen_argo_viptables_rule_t r = { 0 };

	EXPECT_ERR(viptables_add(0, &r, 0), EOPNOTSUPP);
	EXPECT_ERR(viptables_del(0, &r, 0), EOPNOTSUPP);
	EXPECT_ERR(viptables_flush(0), EOPNOTSUPP);
	EXPECT_ERR(viptables_list(0), EOPNOTSUPP);
}

static void legacy_types_and_version(void)
{
	CU_ASSERT_EQUAL(sizeof(v4v_addr_t), 8);
	CU_ASSERT_EQUAL(offsetof(v4v_addr_t, domain), 4);
	CU_ASSERT_EQUAL(sizeof(struct sockaddr_xenv4v), sizeof(struct sockaddr));
	CU_ASSERT_EQUAL(V4V_DOMID_ANY, 0x7ff4);
	CU_ASSERT_PTR_NOT_NULL_FATAL(libv4v_get_version());
	CU_ASSERT_EQUAL(strncmp(libv4v_get_version(), "libv4v Version 0.", 17), 0);
}

/* These are OpenXT's v4v_bind() etc., not libv4v's own (other arguments). */
static void legacy_errors(void)
{
	v4v_addr_t a = { .port = 1, .domain = V4V_DOMID_ANY };
	v4v_viptables_rule_t r = { 0 };
	char buf[4];

	EXPECT_ERR(v4v_socket(SOCK_STREAM), EAFNOSUPPORT);
	EXPECT_ERR(v4v_bind(0, &a, V4V_DOMID_ANY), EAFNOSUPPORT);
	EXPECT_ERR(v4v_bind(-1, NULL, V4V_DOMID_ANY), EINVAL);
	EXPECT_ERR(v4v_connect(-1, NULL), EINVAL);
	EXPECT_ERR(v4v_getpeername(-1, NULL), EINVAL);
	EXPECT_ERR(v4v_sendmsg(-1, NULL, 0), EINVAL);
	EXPECT_ERR(v4v_accept(-1, &a), EBADF);
	EXPECT_ERR(v4v_recvfrom(-1, buf, sizeof(buf), 0, &a), EBADF);
	EXPECT_ERR(v4v_close(-1), EBADF);
	EXPECT_ERR(v4v_viptables_add(0, &r, 0), EOPNOTSUPP);
	EXPECT_ERR(v4v_viptables_list(0), EOPNOTSUPP);
}

const struct cu_case openxt_cases[] = {
	{ "openxt_libargo", "types", argo_types },
	{ "openxt_libargo", "without_module", argo_without_module },
	{ "openxt_libargo", "null_addresses", argo_null_addresses },
	{ "openxt_libargo", "bad_descriptors", argo_bad_descriptors },
	{ "openxt_libargo", "viptables_unsupported", argo_viptables_unsupported },
	{ "openxt_libv4v", "types_and_version", legacy_types_and_version },
	{ "openxt_libv4v", "errors", legacy_errors },
};
const size_t openxt_ncases = sizeof(openxt_cases) / sizeof(openxt_cases[0]);
