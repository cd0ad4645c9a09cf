// SPDX-License-Identifier: GPL-2.0
/*
 * Backend selection: the "backend" module parameter names one; "auto" takes
 * xen on Xen and loopback elsewhere.  On Xen without a usable Argo, auto
 * fails rather than fall back: a program that meant to reach other domains
 * must not silently talk to itself.  Chosen once at load; no locking.
 */
#include <linux/kernel.h>
#include <linux/string.h>

#include "backend.h"

const struct v4v_backend_ops *v4v_backend;

static const struct v4v_backend_ops *const v4v_backends[] = {
#if V4V_HAVE_XEN_BACKEND
	&v4v_backend_xen,
#endif
	&v4v_backend_loopback,
};

int v4v_backend_select(const char *name)
{
	const struct v4v_backend_ops *b;
	bool any = !strcmp(name, "auto");
	bool matched = false;
	int err = -ENODEV;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(v4v_backends); i++) {
		b = v4v_backends[i];
		if (!any && strcmp(name, b->name))
			continue;
		matched = true;
		err = b->probe();
		if (!err) {
			v4v_backend = b;
			pr_info("using the %s backend\n", b->name);
			return 0;
		}
		if (err != -ENXIO)
			break;
	}
	if (!matched) {
		pr_err("no backend '%s' in this build (known: auto, xen, loopback)\n", name);
		return -EINVAL;
	}
	return err == -ENXIO ? -ENODEV : err;
}

void v4v_backend_release(void)
{
	if (v4v_backend)
		v4v_backend->remove();
	v4v_backend = NULL;
}
