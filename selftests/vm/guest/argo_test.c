// SPDX-License-Identifier: GPL-2.0
/*
 * argo-test: the in-guest test program of the VM tier.
 *
 *   argo-test run self|client TAG   run a suite, results as V4VT lines
 *   argo-test list self|client dom0|domu
 *   argo-test server                the peer of the client suite (dom0)
 *   argo-test quit                  stop the server
 *   argo-test probe                 one round trip on a fixed port
 *   argo-test sandbox-dom0|sandbox-domu   the sandbox demo
 *
 * The suite picks the tests for this domain from the module's answer to
 * "which domain am I" (0: dom0).
 */
#include <errno.h>

#include "argo_test.h"

int g_domid;
unsigned int g_where;

static int usage(void)
{
	fprintf(stderr, "usage: argo-test run self|client TAG\n"
			"       argo-test list self|client dom0|domu\n"
			"       argo-test server | quit | probe | sandbox-dom0 | sandbox-domu\n");
	return 2;
}

static int suite(const char *name, const struct t_case **cases, size_t *n)
{
	if (!strcmp(name, "self")) {
		*cases = t_self_cases;
		*n = t_self_count;
	} else if (!strcmp(name, "client")) {
		*cases = t_client_cases;
		*n = t_client_count;
	} else {
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const struct t_case *cases;
	size_t n;
	int fd;

	if (argc == 4 && !strcmp(argv[1], "list")) {
		if (suite(argv[2], &cases, &n))
			return usage();
		t_list(!strcmp(argv[3], "dom0") ? T_DOM0 : T_DOMU, cases, n);
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "server"))
		return server_main();
	if (argc == 2 && !strcmp(argv[1], "quit"))
		return server_quit();
	if (argc == 2 && !strcmp(argv[1], "probe"))
		return probe_main();
	if (argc == 2 && !strcmp(argv[1], "sandbox-dom0"))
		return sandbox_dom0();
	if (argc == 2 && !strcmp(argv[1], "sandbox-domu"))
		return sandbox_domu();
	if (argc != 4 || strcmp(argv[1], "run") || suite(argv[2], &cases, &n))
		return usage();

	fd = tif_open();
	g_domid = tif_domid(fd);
	close(fd);
	if (g_domid < 0) {
		printf("# cannot learn this domain's id: %s\n", strerror(-g_domid));
		return 1;
	}
	g_where = g_domid == 0 ? T_DOM0 : T_DOMU;
	return t_run(argv[3], g_where, cases, n) ? 1 : 0;
}
