// SPDX-License-Identifier: GPL-2.0
/*
 * v4v-random: a guest's half of the entropy service.  Asks dom0's
 * v4v-randomd for bytes, over v4v or over the vchan dom0 offers at
 * RND_VCHAN_DIR/<this domid>, and credits them to the kernel's pool with
 * RNDADDENTROPY (8 bits per byte: dom0's getrandom() output is as good as
 * the host's).  Answers are taken from domain 0 only: v4v names the sender
 * domain, and the vchan's pages are mapped from domain 0's grants.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/random.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <libv4v.h>

#include "../common/cli.h"
#include "../common/vchan_dl.h"
#include "proto.h"

static int quiet;

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: v4v-random [-t v4v|vchan] [-n BYTES] [-i SECONDS] [-W SECONDS] [-N] [-q]\n\n"
		"Fetch entropy from dom0's v4v-randomd and credit it to this domain's\n"
		"random pool (needs CAP_SYS_ADMIN).\n\n"
		"  -t TRANSPORT  v4v (default) or vchan\n"
		"  -n BYTES      how many bytes (1-%u, default 64)\n"
		"  -i SECONDS    again every SECONDS, until SIGTERM (default: once)\n"
		"  -W SECONDS    how long to wait for dom0 (default 5)\n"
		"  -N            fetch but do not credit (print what the pool would get)\n"
		"  -q            say nothing unless something fails\n"
		"  -h, --help    this help\n\n"
		"Exit status: 0 if entropy was credited, 1 if not (no answer, refused,\n"
		"over the rate, no permission), 2 for bad usage.\n",
		RND_MAX);
}

/* Check an answer; its data bytes, or -1 with the reason printed. */
static int check(const struct rnd_reply *rep, size_t len, unsigned int want)
{
	if (len < RND_REPLY_HEADER || rep->magic != RND_MAGIC) {
		fprintf(stderr, "v4v-random: dom0's answer is malformed\n");
		return -1;
	}
	if (rep->status) {
		fprintf(stderr, "v4v-random: dom0 refused: %s\n",
			rep->status == EAGAIN ? "over this domain's rate, try later" :
			strerror(rep->status));
		return -1;
	}
	if (rep->bytes != want || len != RND_REPLY_HEADER + want) {
		fprintf(stderr, "v4v-random: dom0 sent %u bytes, not %u\n", rep->bytes, want);
		return -1;
	}
	return (int)want;
}

/* Milliseconds from now until deadline (CLOCK_MONOTONIC), at least 0. */
static int ms_left(const struct timespec *deadline)
{
	struct timespec now;
	long long ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (deadline->tv_sec - now.tv_sec) * 1000LL +
	     (deadline->tv_nsec - now.tv_nsec) / 1000000L;
	return ms < 0 ? 0 : (int)ms;
}

static int fetch_v4v(unsigned int want, int timeout_ms, struct rnd_reply *rep)
{
	struct rnd_request rq = { RND_MAGIC, RND_VERSION, (uint16_t)want };
	struct sockaddr_v4v from;
	struct timespec deadline;
	struct pollfd p;
	int fd = v4v_socket(SOCK_DGRAM | SOCK_CLOEXEC), ret = -1, ms;
	ssize_t n;

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += timeout_ms / 1000;
	deadline.tv_nsec += (timeout_ms % 1000) * 1000000L;
	if (fd < 0 || v4v_sendto(fd, &rq, sizeof(rq), 0, 0, RND_PORT) < 0) {
		fprintf(stderr, "v4v-random: v4v: %s\n",
			errno == ECONNREFUSED ? "v4v-randomd is not running in dom0" : strerror(errno));
		goto out;
	}
	p = (struct pollfd){ .fd = fd, .events = POLLIN };
	/*
	 * One deadline for the whole wait, not one per datagram: whoever
	 * keeps sending us junk must not keep us waiting for ever.
	 */
	while ((ms = ms_left(&deadline)) > 0 && poll(&p, 1, ms) > 0) {
		n = v4v_recvfrom(fd, rep, sizeof(*rep), 0, &from);
		/* Only dom0's daemon may answer: anything else is dropped. */
		if (n >= 0 && from.sv4v_domain == 0 && from.sv4v_port == RND_PORT) {
			ret = check(rep, (size_t)n, want);
			goto out;
		}
		if (n < 0 && errno == ECONNREFUSED) {
			fprintf(stderr, "v4v-random: v4v-randomd is not running in dom0\n");
			goto out;
		}
	}
	fprintf(stderr, "v4v-random: no answer from dom0 over v4v\n");
out:
	if (fd >= 0)
		close(fd);
	return ret;
}

static int fetch_vchan(unsigned int want, int timeout_ms, struct rnd_reply *rep)
{
	struct rnd_request rq = { RND_MAGIC, RND_VERSION, (uint16_t)want };
	const struct vchan_api *api;
	struct libxenvchan *vc;
	size_t got = 0, need = RND_REPLY_HEADER;
	const char *why;
	char path[64], *self;
	struct pollfd p;
	void *xs;
	int n, ret = -1;

	api = vchan_load(&why);
	if (!api || !(xs = api->xs_open(0))) {
		fprintf(stderr, "v4v-random: vchan: %s\n", api ? "cannot open xenstore" : why);
		return -1;
	}
	self = api->xs_read(xs, 0, "domid", NULL);
	api->xs_close(xs);
	if (!self) {
		fprintf(stderr, "v4v-random: vchan: this domain's id is not in xenstore\n");
		return -1;
	}
	snprintf(path, sizeof(path), RND_VCHAN_DIR "/%s", self);
	free(self);
	vc = api->client_init(NULL, 0, path);
	if (!vc) {
		fprintf(stderr, "v4v-random: vchan: dom0 offers none at %s (is v4v-randomd --vchan "
			"running?)\n", path);
		return -1;
	}
	vchan_set_blocking(vc, 0);
	if (api->write(vc, &rq, sizeof(rq)) != sizeof(rq)) {
		fprintf(stderr, "v4v-random: vchan: cannot send the request\n");
		goto out;
	}
	p = (struct pollfd){ .fd = api->fd_for_select(vc), .events = POLLIN };
	while (got < need) {
		n = api->read(vc, (char *)rep + got, need - got);
		if (n < 0 || (n == 0 && !api->is_open(vc)))
			break;
		got += (size_t)n;
		if (got >= RND_REPLY_HEADER && rep->magic == RND_MAGIC && !rep->status)
			need = RND_REPLY_HEADER + (rep->bytes <= RND_MAX ? rep->bytes : 0);
		if (n == 0) {
			if (poll(&p, 1, timeout_ms) <= 0)
				break;
			api->wait(vc);
		}
	}
	if (got < need)
		fprintf(stderr, "v4v-random: no answer from dom0 over vchan\n");
	else
		ret = check(rep, got, want);
out:
	api->close(vc);
	return ret;
}

static int entropy_avail(void)
{
	FILE *f = fopen("/proc/sys/kernel/random/entropy_avail", "r");
	int v = -1;

	if (f) {
		if (fscanf(f, "%d", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

static int credit(const uint8_t *data, unsigned int n)
{
	struct rand_pool_info *info = calloc(1, sizeof(*info) + RND_MAX);
	int fd = open("/dev/random", O_WRONLY | O_CLOEXEC), ret = -1;

	if (info && fd >= 0) {
		info->entropy_count = (int)n * 8;
		info->buf_size = (int)n;
		memcpy(info->buf, data, n);
		ret = ioctl(fd, RNDADDENTROPY, info);
	}
	if (ret)
		fprintf(stderr, "v4v-random: cannot credit the pool: %s\n", strerror(errno));
	if (fd >= 0)
		close(fd);
	free(info);
	return ret;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = { { "help", no_argument, NULL, 'h' }, { 0 } };
	static struct rnd_reply rep;
	unsigned int want = 64;
	double every = 0, wait_s = 5;
	int vchan = 0, no_credit = 0, c, n, before, status;

	while ((c = getopt_long(argc, argv, "t:n:i:W:Nqh", longopts, NULL)) != -1) {
		switch (c) {
		case 't':
			if (strcmp(optarg, "v4v") && strcmp(optarg, "vchan")) {
				fprintf(stderr, "v4v-random: -t: 'v4v' or 'vchan', not '%s'\n", optarg);
				return 2;
			}
			vchan = !strcmp(optarg, "vchan");
			break;
		case 'n': want = (unsigned int)cli_number("v4v-random", "-n", optarg, 1, RND_MAX, 0); break;
		case 'i': every = cli_number("v4v-random", "-i", optarg, 1, 86400 * 365, 0); break;
		case 'W': wait_s = cli_number("v4v-random", "-W", optarg, 0.01, 3600, 0); break;
		case 'N': no_credit = 1; break;
		case 'q': quiet = 1; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	cli_catch_stop();
	do {
		before = entropy_avail();
		n = vchan ? fetch_vchan(want, (int)(wait_s * 1000), &rep) :
			    fetch_v4v(want, (int)(wait_s * 1000), &rep);
		status = n < 0 || (!no_credit && credit(rep.data, (unsigned int)n)) ? 1 : 0;
		if (!status && !quiet)
			printf("v4v-random: %u bits from dom0 over %s %s; entropy_avail %d -> %d\n",
			       want * 8, vchan ? "vchan" : "v4v", no_credit ? "not credited" : "credited",
			       before, entropy_avail());
		fflush(stdout);
		if (every > 0 && !cli_stop)
			sleep((unsigned int)every);	/* SIGTERM ends the sleep */
	} while (every > 0 && !cli_stop);
	return every > 0 ? 0 : status;
}
