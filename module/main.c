// SPDX-License-Identifier: GPL-2.0
/*
 * v4v: V4V's API over Xen's Argo.  Module entry and exit only: each step of
 * the load ladder is undone, in reverse, by exit and by the error path.
 */
#include <linux/module.h>

#include "backend.h"
#include "debugfs.h"
#include "event_cpu.h"
#include "rings.h"
#include "sock.h"

static char *backend = "auto";
module_param(backend, charp, 0444);
MODULE_PARM_DESC(backend, "Argo backend: auto (default: xen on Xen, else loopback), xen, loopback");

static int __init v4v_init(void)
{
	int err;

	err = v4v_rings_init();
	if (err)
		return err;
	err = v4v_backend_select(backend);
	if (err)
		goto err_rings;
	v4v_event_cpu_start();
	err = v4v_stream_init();
	if (err)
		goto err_backend;
	err = v4v_af_init();
	if (err)
		goto err_stream;
	v4v_debugfs_init();
	return 0;

err_stream:
	v4v_stream_exit();
err_backend:
	v4v_event_cpu_stop();
	v4v_backend_release();
err_rings:
	v4v_rings_exit();
	return err;
}

static void __exit v4v_exit(void)
{
	v4v_debugfs_exit();
	v4v_af_exit();
	v4v_stream_exit();
	v4v_event_cpu_stop();
	v4v_backend_release();
	v4v_rings_exit();
	pr_info("unloaded\n");
}

module_init(v4v_init);
module_exit(v4v_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("V4V inter-domain sockets over Xen Argo");
MODULE_VERSION(V4V_VERSION);
