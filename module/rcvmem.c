// SPDX-License-Identifier: GPL-2.0
/*
 * Receive memory, accounted.
 *
 * The pump queues a peer's stream data on the receiving socket in a
 * kworker, where the allocation would be charged to nobody: a peer that
 * filled thousands of connections could pin gigabytes.  So v4v's proto
 * does what TCP's does: each queued skb is charged to its socket
 * (sk_rmem_alloc, through sk_rmem_schedule() and skb_set_owner_r()), the
 * charge goes to the socket's memory cgroup (sk_memcg, the creator's, and
 * for an accepted connection the listener's), and the sum over all v4v
 * sockets is bounded by v4v_rcvmem_limits[] (tcp_mem's three numbers).  A
 * socket over the limit gets nothing more queued; its data waits in the
 * ring, where credit already keeps a v4v peer, until a reader takes it.
 *
 * Locking: none of its own; the core's per-CPU reserves and atomics.
 */
#include <linux/memcontrol.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/percpu.h>
#include <net/sock.h>

#include "rcvmem.h"

static atomic_long_t rcvmem_allocated;
static DEFINE_PER_CPU(int, rcvmem_per_cpu_fw_alloc);

long v4v_rcvmem_limits[3];
/* A socket is always allowed its first page; the rest is the core's. */
static int rcvmem_rmem[3] = { PAGE_SIZE, 128 * 1024, 16 * 1024 * 1024 };
static int rcvmem_wmem[3] = { PAGE_SIZE, 128 * 1024, 16 * 1024 * 1024 };

/* max_pages for [2], three quarters of it for [1], half for [0]. */
static void rcvmem_set_limit(long max_pages)
{
	WRITE_ONCE(v4v_rcvmem_limits[0], max_pages / 2);
	WRITE_ONCE(v4v_rcvmem_limits[1], max_pages / 4 * 3);
	WRITE_ONCE(v4v_rcvmem_limits[2], max_pages);
}

/* By default a sixteenth of RAM, as a generous tcp_mem would be. */
static long rcvmem_default_pages(void)
{
	return max_t(long, totalram_pages() / 16, 256);
}

static int rcv_mem_kib_set(const char *val, const struct kernel_param *kp)
{
	unsigned int kib;
	int err = kstrtouint(val, 0, &kib);

	if (err)
		return err;
	rcvmem_set_limit(kib ? DIV_ROUND_UP((long)kib, PAGE_SIZE / 1024) :
			 rcvmem_default_pages());
	return 0;
}

static int rcv_mem_kib_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%ld\n", READ_ONCE(v4v_rcvmem_limits[2]) * (PAGE_SIZE / 1024));
}

static const struct kernel_param_ops rcv_mem_kib_ops = {
	.set = rcv_mem_kib_set,
	.get = rcv_mem_kib_get,
};
module_param_cb(rcv_mem_kib, &rcv_mem_kib_ops, NULL, 0644);
MODULE_PARM_DESC(rcv_mem_kib,
		 "KiB all v4v receive queues may hold (0: a sixteenth of RAM)");

void v4v_rcvmem_setup(struct proto *prot)
{
	if (!READ_ONCE(v4v_rcvmem_limits[2]))
		rcvmem_set_limit(rcvmem_default_pages());
	prot->memory_allocated = &rcvmem_allocated;
	prot->per_cpu_fw_alloc = &rcvmem_per_cpu_fw_alloc;
	prot->sysctl_mem = v4v_rcvmem_limits;
	prot->sysctl_rmem = rcvmem_rmem;
	prot->sysctl_wmem = rcvmem_wmem;
}

void v4v_rcvmem_inherit(struct sock *sk, const struct sock *parent)
{
#ifdef CONFIG_MEMCG
	struct mem_cgroup *memcg = READ_ONCE(parent->sk_memcg);

	/* sk_free() puts the reference (mem_cgroup_sk_free()). */
	if (memcg && !sk->sk_memcg) {
		css_get(&memcg->css);
		sk->sk_memcg = memcg;
	}
#endif
}

long v4v_rcvmem_pages(void)
{
	long n = atomic_long_read(&rcvmem_allocated);
	int cpu;

	/* The core keeps a reserve per CPU and settles it in batches. */
	for_each_possible_cpu(cpu)
		n += per_cpu(rcvmem_per_cpu_fw_alloc, cpu);
	return n;
}
