// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/debug/v4v/:
 *   status  backend, Argo state, local domain, ring count and the counters
 *   rings   one line per registered ring with its indices
 *   inject  (write, root with CAP_NET_ADMIN) send one raw Argo message,
 *           for tests alone, which play a hostile peer with it: a struct
 *           v4v_inject, then the payload
 * debugfs failures are not fatal: the module works without its view.
 */
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "backend.h"
#include "debugfs.h"
#include "event_cpu.h"
#include "rings.h"
#include "stats.h"

/* What a write to inject starts with (host byte order). */
struct v4v_inject {
	u16 domain;		/* destination */
	u16 pad;		/* zero */
	u32 port;		/* destination */
	u32 src_port;		/* claimed source port: Argo does not check it */
	u32 type;		/* message type */
};

#define V4V_INJECT_MAX	(64U * 1024U)

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
	v4v_event_cpu_show(m);
	SHOW_STAT(m, virqs);
	SHOW_STAT(m, event_moves);
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
	SHOW_STAT(m, stream_pumped);
	SHOW_STAT(m, stream_direct);
	SHOW_STAT(m, stream_parked);
	SHOW_STAT(m, stream_lingered);
	SHOW_STAT(m, stream_live_busy);
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

static ssize_t inject_write(struct file *file, const char __user *ubuf,
			    size_t len, loff_t *ppos)
{
	struct v4v_argo_send_addr addr = { };
	struct v4v_argo_iov iov = { };
	struct v4v_inject h;
	long ret;
	u8 *buf;

	/*
	 * It sends anything to anyone, with any claimed source port: the
	 * file's mode keeps it root's, and this keeps it an administrator's
	 * even where a root process has given the capability up.
	 */
	if (!capable(CAP_NET_ADMIN))
		return -EPERM;
	if (len < sizeof(h) || len > sizeof(h) + V4V_INJECT_MAX)
		return -EINVAL;
	buf = memdup_user(ubuf, len);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	memcpy(&h, buf, sizeof(h));
	ret = -EINVAL;
	if (h.pad)
		goto out;
	addr.src.aport = h.src_port;
	addr.src.domain_id = V4V_ARGO_DOMID_ANY;
	addr.dst.aport = h.port;
	addr.dst.domain_id = h.domain;
	iov.iov_hnd = (u64)(uintptr_t)(buf + sizeof(h));
	iov.iov_len = len - sizeof(h);
	ret = v4v_sendv_once(&addr, &iov, 1, h.type, 0);
out:
	kfree(buf);
	return ret < 0 ? ret : len;
}

static const struct file_operations inject_fops = {
	.owner = THIS_MODULE,
	.write = inject_write,
};

void v4v_debugfs_init(void)
{
	/* "v4v" even when built in for KUnit (as v4v_kunit): tests look there. */
	v4v_debugfs_dir = debugfs_create_dir("v4v", NULL);
	debugfs_create_file("status", 0444, v4v_debugfs_dir, NULL, &status_fops);
	debugfs_create_file("rings", 0444, v4v_debugfs_dir, NULL, &rings_fops);
	debugfs_create_file("inject", 0200, v4v_debugfs_dir, NULL, &inject_fops);
}

void v4v_debugfs_exit(void)
{
	debugfs_remove(v4v_debugfs_dir);
}
