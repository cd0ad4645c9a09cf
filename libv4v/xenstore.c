// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Domain names from xenstore, for v4v_addr_resolve(): a minimal client of
 * the xenstore wire protocol (a 16-byte header, then the payload), over
 * xenstored's socket in dom0 or the xenbus device in a domU.  No libxen:
 * the library must work where Xen's userspace is not installed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <linux/v4v.h>

#include "v4v_private.h"

#define XS_DIRECTORY	1
#define XS_READ		2
#define XS_ERROR	16
#define XS_MAX		4096	/* the protocol's largest payload */

struct xs_hdr {
	uint32_t type, req_id, tx_id, len;
};

static int xs_open(void)
{
	static const char *const socks[] = { "/run/xenstored/socket",
					     "/var/run/xenstored/socket" };
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	size_t i;
	int fd;

	for (i = 0; i < sizeof(socks) / sizeof(socks[0]); i++) {
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			return -1;
		strncpy(sun.sun_path, socks[i], sizeof(sun.sun_path) - 1);
		if (!connect(fd, (struct sockaddr *)&sun, sizeof(sun)))
			return fd;
		close(fd);
	}
	return open("/dev/xen/xenbus", O_RDWR | O_CLOEXEC);
}

static int full(ssize_t (*io)(int, void *, size_t), int fd, void *buf, size_t len)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = io(fd, (char *)buf + done, len - done);
		if (n <= 0)
			return -1;
		done += (size_t)n;
	}
	return 0;
}

static ssize_t write_void(int fd, void *buf, size_t len)
{
	return write(fd, buf, len);
}

/*
 * One request on path; the reply's payload (NUL-terminated) in out.
 * Returns its length, or -1 (an error reply, or no xenstore).
 */
static int xs_call(int fd, uint32_t type, const char *path, char out[XS_MAX + 1])
{
	struct xs_hdr h = { .type = type, .len = (uint32_t)strlen(path) + 1 };

	if (h.len > XS_MAX || full(write_void, fd, &h, sizeof(h)) ||
	    full(write_void, fd, (void *)path, h.len) || full(read, fd, &h, sizeof(h)) ||
	    h.len > XS_MAX || full(read, fd, out, h.len))
		return -1;
	out[h.len] = 0;
	return h.type == XS_ERROR ? -1 : (int)h.len;
}

/* Does domain id carry name? */
static int has_name(int fd, const char *id, const char *name, char buf[XS_MAX + 1])
{
	char path[64];

	snprintf(path, sizeof(path), "/local/domain/%s/name", id);
	return xs_call(fd, XS_READ, path, buf) >= 0 && !strcmp(buf, name);
}

int v4v_xs_domain_by_name(const char *name, uint16_t *domain)
{
	char *list = malloc(XS_MAX + 1), *buf = malloc(XS_MAX + 1), *p, *match = NULL;
	int fd = -1, n;

	if (!list || !buf)
		goto out;
	fd = xs_open();
	if (fd < 0)
		goto out;
	/* dom0 may list every domain; a domU may see only itself. */
	n = xs_call(fd, XS_DIRECTORY, "/local/domain", list);
	for (p = list; n > 0 && p < list + n && !match; p += strlen(p) + 1)
		if (has_name(fd, p, name, buf))
			match = p;
	if (!match && n < 0 && xs_call(fd, XS_READ, "domid", list) > 0 &&
	    has_name(fd, list, name, buf))
		match = list;
	if (match)
		*domain = (uint16_t)strtoul(match, NULL, 10);
out:
	if (fd >= 0)
		close(fd);
	free(list);
	free(buf);
	return match ? 0 : -1;
}
