// SPDX-License-Identifier: GPL-2.0
/* The harness behind tharness.h: fork, time out, report. */
#define _GNU_SOURCE	/* vasprintf, asprintf */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <time.h>

#include "tharness.h"

#define T_DEFAULT_TIMEOUT_S 120

const char *t_current = "main";

/* The running test's end of the pipe its failure's reason goes down. */
static int t_why_fd = -1;

void t_fail_at(const char *file, int line, const char *fmt, ...)
{
	char why[256];
	va_list ap;
	int n;

	n = snprintf(why, sizeof(why), "%s:%d: ", file, line);
	va_start(ap, fmt);
	vsnprintf(why + n, sizeof(why) - n, fmt, ap);
	va_end(ap);
	printf("# %s: %s\n", t_current, why);
	fflush(stdout);
	/* Should the write fail, the result just says "failed". */
	if (t_why_fd >= 0)
		n = (int)write(t_why_fd, why, strlen(why));
	_exit(1);
}

void t_assert_fail(const char *file, int line, const char *cond, const char *fmt, ...)
{
	char what[192];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	t_fail_at(file, line, "'%s' is false: %s", cond, what);
}

static int run_one(const struct t_case *tc, char *why, size_t whylen)
{
	unsigned int timeout = tc->timeout_s ? tc->timeout_s : T_DEFAULT_TIMEOUT_S;
	int status, p[2];
	ssize_t got;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC)) {
		snprintf(why, whylen, "pipe: %s", strerror(errno));
		return 1;
	}
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		snprintf(why, whylen, "fork: %s", strerror(errno));
		close(p[0]);
		close(p[1]);
		return 1;
	}
	if (pid == 0) {
		close(p[0]);
		t_why_fd = p[1];
		t_current = tc->name;
		/* SIGALRM's default action ends the child: a hang is a failure. */
		alarm(timeout);
		tc->fn();
		fflush(stdout);
		_exit(0);
	}
	close(p[1]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			snprintf(why, whylen, "waitpid: %s", strerror(errno));
			close(p[0]);
			return 1;
		}
	/* The child is gone: what it wrote is all there will be. */
	got = read(p[0], why, whylen - 1);
	close(p[0]);
	why[got > 0 ? got : 0] = 0;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (got > 0)
		return 1;
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
		snprintf(why, whylen, "timed out after %u s", timeout);
	else if (WIFSIGNALED(status))
		snprintf(why, whylen, "killed by signal %d", WTERMSIG(status));
	else
		snprintf(why, whylen, "failed");
	return 1;
}

/* The record channel: $V4V_RECORD_FD if it names an open descriptor. */
static int record_fd(void)
{
	const char *s = getenv("V4V_RECORD_FD");
	char *end;
	long fd;

	if (!s || !*s)
		return STDOUT_FILENO;
	fd = strtol(s, &end, 10);
	if (*end || fd < 0 || fd > 1023 || fcntl((int)fd, F_GETFD) < 0)
		return STDOUT_FILENO;
	return (int)fd;
}

void t_record(const char *fmt, ...)
{
	char *line = NULL, *framed = NULL;
	const char *echo = getenv("V4V_RECORD_ECHO");
	int fd = record_fd(), len, n, done;
	va_list ap;

	va_start(ap, fmt);
	len = vasprintf(&line, fmt, ap);
	va_end(ap);
	if (len < 0)
		return;
	for (n = 0; n < len; n++)	/* one record, one line: whatever it quotes */
		if (line[n] == '\n' || line[n] == '\r')
			line[n] = ' ';
	n = asprintf(&framed, "V4VREC %d %s\n", len, line);
	fflush(stdout);		/* chatter printed before stays before */
	for (done = 0; n > 0 && done < n; ) {
		ssize_t w = write(fd, framed + done, (size_t)(n - done));

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		done += (int)w;	/* a tty takes it whole; a short write is rare */
	}
	if (fd != STDOUT_FILENO && echo && !strcmp(echo, "1"))
		printf("%s\n", line);
	free(framed);
	free(line);
}

/* Run every case meant for this domain; returns the number that failed. */
int t_run(const char *tag, unsigned int where, const struct t_case *cases,
	  size_t n)
{
	unsigned int num = 0, failed = 0;
	struct timespec t0, t1;
	char why[256];
	size_t i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 0; i < n; i++) {
		if (!(cases[i].where & where))
			continue;
		num++;
		why[0] = 0;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		if (run_one(&cases[i], why, sizeof(why))) {
			failed++;
			t_record("V4VT: %s: not ok %u %s # %s", tag, num, cases[i].name, why);
		} else {
			clock_gettime(CLOCK_MONOTONIC, &t1);
			t_record("V4VT: %s: ok %u %s # %.2f s", tag, num, cases[i].name,
			       (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
		}
	}
	t_record("V4VT: %s: done %u tests, %u failed", tag, num, failed);
	return failed;
}

void t_list(unsigned int where, const struct t_case *cases, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (cases[i].where & where)
			printf("%s\n", cases[i].name);
}
