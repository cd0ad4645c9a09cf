// SPDX-License-Identifier: LGPL-2.1-or-later
/* Address text <-> struct sockaddr_v4v. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "libv4v.h"
#include "v4v_private.h"

static int is_any(const char *s, size_t n)
{
	return (n == 1 && s[0] == '*') || (n == 3 && !strncasecmp(s, "any", 3));
}

/* Parse an unsigned number that must fill exactly [s, s + n). */
static int parse_number(const char *s, size_t n, unsigned long long max,
			unsigned long long *out)
{
	char tmp[24], *end;
	unsigned long long v;

	if (n == 0 || n >= sizeof(tmp) || s[0] == '-' || s[0] == '+' || s[0] == ' ')
		return -1;
	memcpy(tmp, s, n);
	tmp[n] = 0;
	errno = 0;
	v = strtoull(tmp, &end, tmp[0] == '0' && (tmp[1] == 'x' || tmp[1] == 'X') ? 16 : 10);
	if (errno || *end || v > max)
		return -1;
	*out = v;
	return 0;
}

static int parse_domain(const char *s, size_t n, unsigned long long *dom)
{
	if (is_any(s, n)) {
		*dom = V4V_DOMID_ANY;
		return 0;
	}
	if (n > 3 && !strncasecmp(s, "dom", 3)) {
		s += 3;
		n -= 3;
	}
	return parse_number(s, n, V4V_DOMID_RESERVED - 1, dom);
}

V4V_EXPORT int v4v_addr_parse(const char *str, struct sockaddr_v4v *addr)
{
	unsigned long long dom, port;
	const char *colon;
	size_t dn;

	if (!str || !addr)
		goto inval;
	colon = strrchr(str, ':');
	if (!colon)
		goto inval;
	dn = colon - str;
	if (parse_domain(str, dn, &dom))
		goto inval;
	if (is_any(colon + 1, strlen(colon + 1)))
		port = V4V_PORT_ANY;
	else if (parse_number(colon + 1, strlen(colon + 1), 0xffffffffull, &port))
		goto inval;

	memset(addr, 0, sizeof(*addr));
	addr->sv4v_family = AF_V4V;
	addr->sv4v_domain = (__u16)dom;
	addr->sv4v_port = (__u32)port;
	return 0;
inval:
	errno = EINVAL;
	return -1;
}

/* The longest domain name xenstore keeps that we look up. */
#define NAME_MAX_LEN 64

/* What xl accepts in a domain name, and no more: letters first. */
static int valid_name(const char *s, size_t n)
{
	size_t i;

	if (!isalpha((unsigned char)s[0]))
		return 0;
	for (i = 1; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("._-", s[i]))
			return 0;
	return 1;
}

V4V_EXPORT int v4v_addr_resolve(const char *str, struct sockaddr_v4v *addr)
{
	char name[NAME_MAX_LEN + 1], port[16];
	const char *colon;
	uint16_t dom;
	size_t n;

	if (!v4v_addr_parse(str, addr))
		return 0;
	/* Only a name in place of the domain is resolved; all else is EINVAL. */
	colon = str && addr ? strrchr(str, ':') : NULL;
	n = colon ? (size_t)(colon - str) : 0;
	if (!colon || n == 0 || n > NAME_MAX_LEN || !valid_name(str, n) ||
	    snprintf(port, sizeof(port), "0%s", colon) >= (int)sizeof(port) ||
	    v4v_addr_parse(port, addr))
		goto inval;
	memcpy(name, str, n);
	name[n] = 0;
	if (v4v_xs_domain_by_name(name, &dom)) {
		errno = ENOENT;
		return -1;
	}
	addr->sv4v_domain = dom;
	return 0;
inval:
	errno = EINVAL;
	return -1;
}

V4V_EXPORT int v4v_addr_format(const struct sockaddr_v4v *addr, char *buf, size_t len)
{
	char dom[8], port[16];
	int n;

	if (!addr || !buf) {
		errno = EINVAL;
		return -1;
	}
	if (addr->sv4v_domain == V4V_DOMID_ANY)
		strcpy(dom, "any");
	else
		snprintf(dom, sizeof(dom), "%u", addr->sv4v_domain);
	if (addr->sv4v_port == V4V_PORT_ANY)
		strcpy(port, "any");
	else
		snprintf(port, sizeof(port), "%u", addr->sv4v_port);
	n = snprintf(buf, len, "%s:%s", dom, port);
	if (n < 0 || (size_t)n >= len) {
		if (len)
			buf[0] = 0;
		errno = ENOSPC;
		return -1;
	}
	return n;
}
