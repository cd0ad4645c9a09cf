// SPDX-License-Identifier: GPL-2.0
/*
 * The entropy service against an impostor in the serving domain (dom0, or
 * UML itself): an unprivileged user who wants a guest to credit its bytes.
 * It cannot bind the service port (entropy.sh impostor); here it tries
 * what is left while a guest's v4v-random waits for its answer.
 *
 *   v4v-test impostor-control PIDFILE   (root, serving domain, background)
 *       takes text commands on IMPOSTOR_PORT from any domain:
 *       "pause"      stop the daemon whose pid PIDFILE holds (SIGSTOP), so
 *                    a request waits in its ring and the client waits too
 *       "forge PORT" become nobody in a child and forge answers to the
 *                    asker's PORT (below)
 *       "resume"     SIGCONT the daemon, and exit
 *       It answers each with one line, and gives up after ten minutes,
 *       never leaving the daemon stopped.
 *   v4v-test impostor-ask WORDS          (the guest) send WORDS, print the
 *                                        answer; exit 1 without one
 *
 * The impostor binds the service port for any domain and for the guest
 * alone (both must fail: a privileged port, and held by the daemon), then
 * sends FORGE_COUNT replies of the right form, status 0 and FORGE_BYTES
 * bytes, from the service port if a bind got it, else from a port of its
 * own.  The guest's client must drop every one and time out uncredited.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../tools/entropy/proto.h"
#include "stream_util.h"
#include "v4v_test.h"

#define IMPOSTOR_PORT	0x5300u
#define FORGE_COUNT	16
#define FORGE_BYTES	32u
#define CONTROL_LIFE_S	600

/* Each attempt, as one line that entropy.sh checks word for word. */
static void forge(int out, uint16_t domain, uint32_t port)
{
	struct rnd_reply rep = { .magic = RND_MAGIC, .bytes = FORGE_BYTES };
	int any = sk_dgram(), only = sk_dgram(), fd = sk_dgram(), sent = 0, err = 0, i;
	int e_any, e_only;
	char line[256];
	ssize_t ret;

	e_any = sk_bind(any, V4V_DOMID_ANY, RND_PORT);
	e_only = sk_set(only, V4V_PARTNER, domain);
	if (!e_only)
		e_only = sk_bind(only, V4V_DOMID_ANY, RND_PORT);
	/* From the service port if either bind got it: the real attack. */
	if (!e_any || !e_only) {
		close(fd);
		fd = !e_any ? any : only;
	}
	memset(rep.data, 0x5a, FORGE_BYTES);
	for (i = 0; i < FORGE_COUNT; i++) {
		ret = sk_sendto(fd, domain, port, &rep, RND_REPLY_HEADER + FORGE_BYTES, 0);
		if (ret >= 0)
			sent++;
		else if (!err)
			err = (int)-ret;
	}
	snprintf(line, sizeof(line), "bind 0x%x: %s; bind 0x%x for domain %u: %s; "
		 "forged %d of %d from port 0x%x%s%s\n",
		 RND_PORT, e_any ? strerror(-e_any) : "bound",
		 RND_PORT, domain, e_only ? strerror(-e_only) : "bound",
		 sent, FORGE_COUNT, sk_port(fd), err ? ": " : "", err ? strerror(err) : "");
	if (write(out, line, strlen(line)) < 0)
		_exit(1);
}

/* fork; the child becomes nobody (every capability gone) and forges. */
static void forge_as_nobody(uint16_t domain, uint32_t port, char *answer, size_t size)
{
	int pipefd[2];
	ssize_t n = -1;
	pid_t pid;

	snprintf(answer, size, "cannot run the impostor");
	if (pipe(pipefd))
		return;
	pid = fork();
	if (pid == 0) {
		close(pipefd[0]);
		if (become_nobody())
			_exit(127);
		forge(pipefd[1], domain, port);
		_exit(0);
	}
	close(pipefd[1]);
	if (pid > 0) {
		n = read(pipefd[0], answer, size - 1);
		waitpid(pid, NULL, 0);
	}
	close(pipefd[0]);
	if (n > 0)
		answer[n - (answer[n - 1] == '\n')] = '\0';
}

static pid_t daemon_pid(const char *pidfile)
{
	FILE *f = fopen(pidfile, "r");
	long pid = 0;

	if (f) {
		if (fscanf(f, "%ld", &pid) != 1)
			pid = 0;
		fclose(f);
	}
	return (pid_t)pid;
}

int impostor_control_main(const char *pidfile)
{
	int fd = sk_dgram(), paused = 0, done = 0, left_ms, err;
	double give_up = now_s() + CONTROL_LIFE_S;
	struct pollfd p = { .fd = fd, .events = POLLIN };
	struct sockaddr_v4v from;
	char cmd[64], answer[256], *end;
	unsigned long port;
	pid_t pid;
	ssize_t n;

	err = sk_bind(fd, V4V_DOMID_ANY, IMPOSTOR_PORT);
	if (err) {
		fprintf(stderr, "v4v-test impostor-control: bind: %s\n", strerror(-err));
		return 1;
	}
	while (!done && (left_ms = (int)((give_up - now_s()) * 1000)) > 0 &&
	       poll(&p, 1, left_ms) > 0) {
		n = sk_recvfrom(fd, cmd, sizeof(cmd) - 1, 0, &from, NULL);
		if (n < 0)
			continue;
		cmd[n] = '\0';
		pid = daemon_pid(pidfile);
		if (!strcmp(cmd, "pause")) {
			paused = pid > 0 && !kill(pid, SIGSTOP);
			snprintf(answer, sizeof(answer), paused ? "paused" : "no daemon to pause");
		} else if (!strncmp(cmd, "forge ", 6) &&
			   (port = strtoul(cmd + 6, &end, 0)) && !*end) {
			forge_as_nobody(from.sv4v_domain, (uint32_t)port, answer, sizeof(answer));
		} else if (!strcmp(cmd, "resume")) {
			done = pid > 0 && !kill(pid, SIGCONT);
			paused = 0;
			snprintf(answer, sizeof(answer), done ? "resumed" : "no daemon to resume");
		} else {
			snprintf(answer, sizeof(answer), "unknown command");
		}
		printf("# impostor-control: domain %u: %s -> %s\n", from.sv4v_domain, cmd, answer);
		fflush(stdout);
		sk_sendto(fd, from.sv4v_domain, from.sv4v_port, answer, strlen(answer), 0);
	}
	if (paused && (pid = daemon_pid(pidfile)) > 0)
		kill(pid, SIGCONT);
	close(fd);
	return done ? 0 : 1;
}

int impostor_ask_main(const char *words)
{
	int fd = sk_dgram();
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char answer[256];
	ssize_t n;

	if (sk_sendto(fd, 0, IMPOSTOR_PORT, words, strlen(words), 0) < 0 ||
	    poll(&p, 1, 10000) <= 0 ||
	    (n = sk_recvfrom(fd, answer, sizeof(answer) - 1, 0, NULL, NULL)) < 0) {
		printf("no answer from impostor-control\n");
		close(fd);
		return 1;
	}
	answer[n] = '\0';
	printf("%s\n", answer);
	close(fd);
	return 0;
}
