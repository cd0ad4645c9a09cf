// SPDX-License-Identifier: GPL-2.0
/*
 * What reaches a guest's console, and a test that records stay whole there.
 *
 * The kernel prints to the console with no regard for user space: a
 * message can land in the middle of a line a program is writing, and the
 * host then reads two broken lines.  Where a guest's records travel over
 * its console (the domU, UML), the kernel's messages must reach it as
 * whole lines written by user space instead.  kmsg-relay does that: it
 * lowers the console log level so that only emergencies go out directly,
 * and copies every other message from /dev/kmsg to stdout, one write()
 * a message.  A tty takes each write() whole, so lines stay whole.
 *
 * flood-reports floods the kernel log while it prints large reports, each
 * both as a record and, bare, on stdout; the host checks that every record
 * arrived whole (selftests/lib/records.py) and counts the bare copies the
 * flood cut on the console.
 */
#define _GNU_SOURCE	/* klogctl */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/klog.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <termios.h>

#include "v4v_test.h"

#define SYSLOG_CONSOLE_LEVEL	8	/* klogctl(): set the console log level */
#define KMSG_MAX		8192	/* one /dev/kmsg record, with its header */

static volatile sig_atomic_t relay_stop;

static void on_term(int sig)
{
	(void)sig;
	relay_stop = 1;
}

/* The console log level now: the first field of /proc/sys/kernel/printk. */
static int console_level(void)
{
	FILE *f = fopen("/proc/sys/kernel/printk", "r");
	int level = 7;

	if (f) {
		if (fscanf(f, "%d", &level) != 1)
			level = 7;
		fclose(f);
	}
	return level;
}

static void write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		buf += n;
		len -= (size_t)n;
	}
}

/*
 * One /dev/kmsg record, "PRI,SEQ,USEC,FLAGS;TEXT\n" and maybe " KEY=VALUE"
 * lines, to stdout the way the console shows it, if the console would.
 */
static void relay_one(char *rec, int level)
{
	unsigned long long pri, seq, usec;
	char *text = strchr(rec, ';'), *nl, line[KMSG_MAX + 32];
	int n;

	if (!text || sscanf(rec, "%llu,%llu,%llu", &pri, &seq, &usec) != 3)
		return;
	text++;
	nl = strchr(text, '\n');
	if (nl)
		*nl = 0;
	if ((int)(pri & 7) >= level)
		return;
	n = snprintf(line, sizeof(line), "[%5llu.%06llu] %s\n", usec / 1000000,
		     usec % 1000000, text);
	if (n > 0)
		write_all(STDOUT_FILENO, line, (size_t)n < sizeof(line) ? (size_t)n :
			  sizeof(line) - 1);
}

/* v4v-test kmsg-relay: until SIGTERM, then what is left, then the level back. */
int kmsg_relay_main(void)
{
	struct sigaction sa = { .sa_handler = on_term };
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC), level;
	struct pollfd pfd;
	char rec[KMSG_MAX];
	ssize_t n;

	if (fd < 0) {
		perror("v4v-test kmsg-relay: /dev/kmsg");
		return 1;
	}
	/* From now on: what was printed directly before is not copied again. */
	lseek(fd, 0, SEEK_END);
	level = console_level();
	if (klogctl(SYSLOG_CONSOLE_LEVEL, NULL, 1) < 0) {
		perror("v4v-test kmsg-relay: console level");
		return 1;
	}
	sigaction(SIGTERM, &sa, NULL);	/* no SA_RESTART: poll() returns */
	pfd.fd = fd;
	pfd.events = POLLIN;
	for (;;) {
		n = read(fd, rec, sizeof(rec) - 1);
		if (n > 0) {
			rec[n] = 0;
			relay_one(rec, level);
			continue;
		}
		if (n < 0 && errno == EPIPE) {
			static const char lost[] =
				"[v4v-test kmsg-relay: kernel messages overwritten before they were copied]\n";

			write_all(STDOUT_FILENO, lost, sizeof(lost) - 1);
			continue;
		}
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			break;
		if (relay_stop)
			break;		/* drained */
		/* Not forever: a SIGTERM just before poll() would be missed. */
		poll(&pfd, 1, 200);
	}
	klogctl(SYSLOG_CONSOLE_LEVEL, NULL, level);
	close(fd);
	return 0;
}

/* v4v-test drain-records: until the record channel has sent what it holds. */
int drain_records_main(void)
{
	const char *s = getenv("V4V_RECORD_FD");
	int fd = s ? atoi(s) : STDOUT_FILENO;

	return tcdrain(fd) && errno != ENOTTY ? 1 : 0;
}

/* The report body of number I: SIZE letters and digits from a fixed seed. */
static void report_body(char *body, unsigned int size, unsigned int i)
{
	static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	uint64_t x = 0x9e3779b97f4a7c15ull * (i + 1);
	unsigned int k;

	for (k = 0; k < size; k++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		body[k] = alphabet[x % (sizeof(alphabet) - 1)];
	}
	body[size] = 0;
}

/* FNV-1a, 64 bits: the host recomputes it over what arrived. */
static uint64_t fnv1a(const char *s, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ull;

	while (len--) {
		h ^= (unsigned char)*s++;
		h *= 0x100000001b3ull;
	}
	return h;
}

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ok;

	if (fd < 0)
		return -1;
	ok = write(fd, text, strlen(text)) == (ssize_t)strlen(text);
	close(fd);
	return ok ? 0 : -1;
}

/*
 * The flooder: a kernel message about every millisecond (a report takes
 * several to print), at most FLOOD_MAX of them, so that the log they fill
 * stays readable; their count on PIPE at SIGTERM.
 */
#define FLOOD_MAX	2000

static void flood(int pipe_fd)
{
	struct sigaction sa = { .sa_handler = on_term };
	int fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	unsigned int count = 0;
	char msg[160];
	int n;

	prctl(PR_SET_PDEATHSIG, SIGTERM);
	sigaction(SIGTERM, &sa, NULL);
	while (fd >= 0 && !relay_stop && count < FLOOD_MAX) {
		n = snprintf(msg, sizeof(msg),
			     "<4>v4v-test: kernel message %u, printed to cut the reports "
			     "that user space writes at the same time\n", count);
		if (write(fd, msg, (size_t)n) == n)
			count++;
		usleep(1000);
	}
	while (!relay_stop)
		usleep(10000);	/* no pause(): a SIGTERM just before it would be lost */
	write_all(pipe_fd, (const char *)&count, sizeof(count));
	_exit(0);
}

/* v4v-test flood-reports TAG COUNT SIZE */
int flood_reports_main(const char *tag, const char *count_s, const char *size_s)
{
	unsigned int count = (unsigned int)strtoul(count_s, NULL, 10);
	unsigned int size = (unsigned int)strtoul(size_s, NULL, 10), i, flooded = 0;
	char old[32] = "ratelimit", *body, *line;
	int p[2], fd, n;
	pid_t pid;

	unsetenv("V4V_RECORD_ECHO");	/* one bare copy, this one's */
	if (!count || count > 1000 || size < 16 || size > 65536) {
		fprintf(stderr, "v4v-test flood-reports: COUNT 1-1000, SIZE 16-65536\n");
		return 2;
	}
	fd = open("/proc/sys/kernel/printk_devkmsg", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = (int)read(fd, old, sizeof(old) - 1);
		old[n > 0 ? n : 0] = 0;
		close(fd);
	}
	/* Writes to /dev/kmsg are rate-limited unless this says "on". */
	if (write_file("/proc/sys/kernel/printk_devkmsg", "on\n") || pipe(p)) {
		t_record("V4VT: %s: not ok 1 kmsg_flood_ran # cannot lift /dev/kmsg's rate limit: %s",
			 tag, strerror(errno));
		return 1;
	}
	body = malloc(size + 1);
	line = malloc(size + 128);
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		flood(p[1]);
	}
	close(p[1]);
	usleep(100000);		/* the flood is under way */
	for (i = 0; i < count && pid > 0; i++) {
		report_body(body, size, i);
		/* The bare copy says COPY, so that the host never takes it for
		 * the record where both travel on one console. */
		n = snprintf(line, size + 128, "HARNESS-COPY %s %u %u %016llx %s\n", tag, i,
			     size, (unsigned long long)fnv1a(body, size), body);
		fflush(stdout);
		write_all(STDOUT_FILENO, line, (size_t)n);
		t_record("HARNESS-REPORT%.*s", n - 1 - 12, line + 12);
		usleep(20000);
	}
	if (pid > 0) {
		kill(pid, SIGTERM);
		if (read(p[0], &flooded, sizeof(flooded)) != sizeof(flooded))
			flooded = 0;
		waitpid(pid, NULL, 0);
	}
	write_file("/proc/sys/kernel/printk_devkmsg", old);
	free(body);
	free(line);
	/* A flood that printed less than a message a report proves nothing. */
	if (pid > 0 && flooded >= count)
		t_record("V4VT: %s: ok 1 kmsg_flood_ran # %u kernel messages during %u reports",
			 tag, flooded, count);
	else
		t_record("V4VT: %s: not ok 1 kmsg_flood_ran # %u kernel messages during %u reports",
			 tag, flooded, count);
	return 0;
}
