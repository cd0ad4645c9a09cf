// SPDX-License-Identifier: GPL-2.0
/*
 * v4v-test: the AF_V4V test program, run in the VM tier's domains on real
 * Xen and in UML on the loopback backend.
 *
 *   v4v-test run dgram|badinput|client|stream|lib|eventcpu TAG   run a suite (V4VT lines)
 *   v4v-test list dgram|badinput|client|stream|lib|eventcpu dom0|domu
 *   v4v-test server                the peer of the client suite (dom0)
 *   v4v-test quit                  stop the server
 *   v4v-test stream-server         the peer of the stream suite (each domain)
 *   v4v-test stream-quit           stop it
 *   v4v-test victim                hold two connections to dom0 until destroyed
 *   v4v-test now                   CLOCK_MONOTONIC, as the victim results use
 *   v4v-test probe                 one datagram through a fixed port
 *   v4v-test raw DOMAIN PORT HEX   one datagram of those bytes; the answer
 *   v4v-test flood DOMAIN PORT HEX SECONDS   that datagram as fast as it
 *                                  goes, answers unread, until the ring
 *                                  was full a while or SECONDS (flood.c)
 *   v4v-test impostor-control PIDFILE | impostor-ask WORDS   the entropy
 *                                  service against an impostor (impostor.c)
 *   v4v-test sandbox-dom0|sandbox-domu   the sandbox demo
 *   v4v-test bench-dgram           AF_V4V against AF_UNIX datagrams (report)
 *   v4v-test bench-stream [--pin W,R]  AF_V4V against AF_UNIX streams
 *                                  (report); writer on CPU W, reader on R
 *   v4v-test autoload              open a socket with the module not loaded
 *   v4v-test kmsg-relay            kernel messages to stdout as whole lines
 *                                  (until SIGTERM; console.c)
 *   v4v-test drain-records         wait until the record channel is sent
 *   v4v-test flood-reports TAG COUNT SIZE   reports while the kernel log
 *                                  floods (the harness's own test)
 *   v4v-test syscall-fuzz SEED COUNT   the family's socket calls with
 *                                  made-up arguments (syscall_fuzz.c)
 *   v4v-test as-nobody CMD [ARGS]  run CMD as uid and gid 65534, with no
 *                                  capabilities: the unprivileged attacker
 *
 * A suite picks the tests for this domain from the module's answer to
 * "which domain am I" (0: dom0).
 */
#include <errno.h>

#include "stream_util.h"
#include "v4v_test.h"

int g_domid;
unsigned int g_where;

static int usage(void)
{
	fprintf(stderr, "usage: v4v-test run dgram|badinput|client|stream|lib|eventcpu TAG\n"
			"       v4v-test list dgram|badinput|client|stream|lib|eventcpu dom0|domu\n"
			"       v4v-test server|quit|stream-server|stream-quit|victim|now|probe\n"
			"       v4v-test raw DOMAIN PORT HEX | flood DOMAIN PORT HEX SECONDS\n"
			"       v4v-test impostor-control PIDFILE | impostor-ask WORDS\n"
			"       v4v-test sandbox-dom0|sandbox-domu|bench-dgram|autoload\n"
			"       v4v-test bench-stream [--pin WRITER_CPU,READER_CPU]\n"
			"       v4v-test kmsg-relay | drain-records | flood-reports TAG COUNT SIZE\n"
			"       v4v-test syscall-fuzz SEED COUNT | as-nobody CMD [ARGS...]\n");
	return 2;
}

static int suite(const char *name, const struct t_case **cases, size_t *n)
{
	if (!strcmp(name, "dgram")) {
		*cases = t_dgram_cases;
		*n = t_dgram_count;
	} else if (!strcmp(name, "badinput")) {
		*cases = t_badinput_cases;
		*n = t_badinput_count;
	} else if (!strcmp(name, "client")) {
		*cases = t_client_cases;
		*n = t_client_count;
	} else if (!strcmp(name, "stream")) {
		*cases = t_stream_cases;
		*n = t_stream_count;
	} else if (!strcmp(name, "lib")) {
		*cases = t_lib_cases;
		*n = t_lib_count;
	} else if (!strcmp(name, "eventcpu")) {
		*cases = t_event_cpu_cases;
		*n = t_event_cpu_count;
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
	if (argc == 2 && !strcmp(argv[1], "stream-server"))
		return stream_server_main(argc, argv);
	if (argc == 2 && !strcmp(argv[1], "stream-quit"))
		return stream_server_quit();
	if (argc == 2 && !strcmp(argv[1], "victim"))
		return stream_victim();
	if (argc == 2 && !strcmp(argv[1], "now")) {
		printf("%.3f\n", now_s());	/* the clock victim results use */
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "quit"))
		return server_quit();
	if (argc == 2 && !strcmp(argv[1], "probe"))
		return probe_main();
	if (argc == 5 && !strcmp(argv[1], "raw"))
		return raw_main(argv[2], argv[3], argv[4]);
	if (argc == 6 && !strcmp(argv[1], "flood"))
		return flood_main(argv[2], argv[3], argv[4], argv[5]);
	if (argc == 3 && !strcmp(argv[1], "impostor-control"))
		return impostor_control_main(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "impostor-ask"))
		return impostor_ask_main(argv[2]);
	if (argc == 2 && !strcmp(argv[1], "sandbox-dom0"))
		return sandbox_dom0();
	if (argc == 2 && !strcmp(argv[1], "sandbox-domu"))
		return sandbox_domu();
	if (argc == 2 && !strcmp(argv[1], "bench-dgram"))
		return bench_dgram();
	if (argc == 2 && !strcmp(argv[1], "bench-stream"))
		return bench_stream(NULL);
	if (argc == 4 && !strcmp(argv[1], "bench-stream") && !strcmp(argv[2], "--pin"))
		return bench_stream(argv[3]);
	if (argc == 2 && !strcmp(argv[1], "kmsg-relay"))
		return kmsg_relay_main();
	if (argc == 2 && !strcmp(argv[1], "drain-records"))
		return drain_records_main();
	if (argc == 5 && !strcmp(argv[1], "flood-reports"))
		return flood_reports_main(argv[2], argv[3], argv[4]);
	if (argc == 4 && !strcmp(argv[1], "syscall-fuzz"))
		return syscall_fuzz_main(argv[2], argv[3]);
	if (argc >= 3 && !strcmp(argv[1], "as-nobody"))
		return as_nobody_main(argv + 2);
	if (argc == 2 && !strcmp(argv[1], "autoload")) {
		/* The kernel loads the family's module through net-pf-<family>. */
		fd = socket(v4v_af(), SOCK_DGRAM, 0);
		if (fd < 0)
			printf("# autoload: socket: %s\n", strerror(errno));
		return fd < 0;
	}
	if (argc != 4 || strcmp(argv[1], "run") || suite(argv[2], &cases, &n))
		return usage();

	fd = socket(v4v_af(), SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		printf("# socket(AF_V4V): %s\n", strerror(errno));
		return 1;
	}
	g_domid = sk_domid(fd);
	close(fd);
	if (g_domid < 0) {
		printf("# cannot learn this domain's id: %s\n", strerror(-g_domid));
		return 1;
	}
	g_where = g_domid == 0 ? T_DOM0 : T_DOMU;
	return t_run(argv[3], g_where, cases, n) ? 1 : 0;
}
