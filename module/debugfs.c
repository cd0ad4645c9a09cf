// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/debug/v4v/:
 *   status  backend, Argo state, local domain, ring count and the counters
 *   rings   one line per registered ring with its indices
 * debugfs failures are not fatal: the module works without its view.
 */
#include <linux/debugfs.h>
#include <linux/seq_file.h>

#include "backend.h"
#include "debugfs.h"
#include "rings.h"
#include "stats.h"

struct v4v_stats v4v_stats;

static struct dentry *v4v_debugfs_dir;

#define SHOW_STAT(m, field) \
	seq_printf(m, "%s: %lld\n", #field, v4v_stat_read(field))

static int status_show(struct seq_file *m, void *unused)
{
	seq_printf(m, "backend: %s\n", v4v_backend->name);
	v4v_backend->show(m);
	seq_printf(m, "domid: %u\n", v4v_backend->local_domid());
	seq_printf(m, "rings: %u\n", v4v_rings_count());
	SHOW_STAT(m, virqs);
	SHOW_STAT(m, notifies);
	SHOW_STAT(m, tx_msgs);
	SHOW_STAT(m, tx_bytes);
	SHOW_STAT(m, tx_eagain);
	SHOW_STAT(m, tx_errors);
	SHOW_STAT(m, tx_direct);
	SHOW_STAT(m, tx_bounced);
	SHOW_STAT(m, rx_msgs);
	SHOW_STAT(m, rx_bytes);
	SHOW_STAT(m, rx_bad);
	SHOW_STAT(m, rx_dropped);
	SHOW_STAT(m, stream_bad);
	SHOW_STAT(m, stream_dropped);
	SHOW_STAT(m, stream_refused);
	SHOW_STAT(m, rings_live);
	SHOW_STAT(m, ring_pages_live);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(status);

static int rings_show(struct seq_file *m, void *unused)
{
	v4v_rings_show(m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(rings);

void v4v_debugfs_init(void)
{
	v4v_debugfs_dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("status", 0444, v4v_debugfs_dir, NULL, &status_fops);
	debugfs_create_file("rings", 0444, v4v_debugfs_dir, NULL, &rings_fops);
}

void v4v_debugfs_exit(void)
{
	debugfs_remove(v4v_debugfs_dir);
}
