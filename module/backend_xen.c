// SPDX-License-Identifier: GPL-2.0
/*
 * The xen backend: Argo operations are hypercalls; events are VIRQ_ARGO.
 *
 * Ring memory is handed to Xen as one frame number per 4 KiB page; for a PV
 * guest that is the machine frame, for HVM/PVH the guest frame, which
 * xen_page_to_gfn() picks.  Xen keeps a reference on every frame until the
 * ring is unregistered.  All hypercall arguments are kernel memory.
 *
 * No locks of its own: probe/remove run at load/unload, and rings.c
 * serialises register/unregister.  Sends and notifies are reentrant in Xen.
 */
#include <linux/err.h>
#include <linux/interrupt.h>
#include <linux/mm.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <xen/events.h>
#include <xen/page.h>
#include <xen/xen.h>
#include <xen/xenbus.h>

#include "argo_hcall.h"
#include "backend.h"
#include "rings.h"

/* One Xen frame per kernel page keeps the gfn array simple. */
static_assert(PAGE_SIZE == V4V_ARGO_PAGE_SIZE);

static struct {
	int irq;			/* VIRQ_ARGO binding, or -1 */
	u16 domid;
} xb = { .irq = -1 };

static irqreturn_t xen_argo_interrupt(int irq, void *dev_id)
{
	v4v_rings_signal();
	return IRQ_HANDLED;
}

/* dom0 is 0; any other domain reads its id from xenstore ("domid"). */
static u16 xen_read_domid(void)
{
	unsigned int id;
	char *s;

	if (xen_initial_domain())
		return 0;
	s = xenbus_read(XBT_NIL, "domid", "", NULL);
	if (IS_ERR(s)) {
		pr_warn("cannot read this domain's id from xenstore (%ld)\n", PTR_ERR(s));
		return V4V_ARGO_DOMID_ANY;
	}
	if (kstrtouint(s, 10, &id) || id >= V4V_ARGO_DOMID_ANY) {
		pr_warn("xenstore gave a bad domain id '%s'\n", s);
		id = V4V_ARGO_DOMID_ANY;
	}
	kfree(s);
	return id;
}

static const char *argo_unavailable_reason(int err)
{
	switch (err) {
	case -V4V_XEN_ENOSYS:
		return "the hypervisor has no Argo (Xen built without CONFIG_ARGO)";
	case -EOPNOTSUPP:
		return "Argo is disabled in Xen (boot Xen with argo=1,mac-permissive=1)";
	case -ENODEV:
		return "this domain has no Argo state (refused by the XSM policy?)";
	default:
		return "unexpected answer to notify";
	}
}

static int xen_probe(void)
{
	int err;

	if (!xen_domain()) {
		pr_info("not running on Xen: no xen backend\n");
		return -ENXIO;
	}
	/* notify with no ring data is Argo's cheapest "are you there". */
	err = v4v_hcall_notify(NULL);
	if (err) {
		pr_err("Argo unavailable: %s (%d)\n", argo_unavailable_reason(err), err);
		return -ENODEV;
	}
	xb.domid = xen_read_domid();

	err = bind_virq_to_irqhandler(V4V_ARGO_VIRQ, 0, xen_argo_interrupt, 0,
				      KBUILD_MODNAME, NULL);
	if (err < 0) {
		pr_err("cannot bind VIRQ_ARGO (%d): is another Argo driver loaded?\n", err);
		return err;
	}
	xb.irq = err;
	pr_info("Argo available: domain %u, VIRQ %u on irq %d\n", xb.domid,
		V4V_ARGO_VIRQ, xb.irq);
	return 0;
}

static void xen_remove(void)
{
	if (xb.irq >= 0)
		unbind_from_irqhandler(xb.irq, NULL);
	xb.irq = -1;
}

static u16 xen_local_domid(void)
{
	return xb.domid;
}

static int xen_register_ring(struct v4v_ring *ring)
{
	struct v4v_argo_register_ring reg = {
		.aport = ring->port,
		.partner_id = ring->partner,
		.len = ring->view.len,
	};
	u8 *mem = (u8 *)ring->view.hdr;
	u64 *gfns;
	u32 i;
	int err;

	gfns = kvmalloc_array(ring->npages, sizeof(*gfns), GFP_KERNEL);
	if (!gfns)
		return -ENOMEM;
	for (i = 0; i < ring->npages; i++)
		gfns[i] = xen_page_to_gfn(vmalloc_to_page(mem + (size_t)i * PAGE_SIZE));
	err = v4v_hcall_register_ring(&reg, gfns, ring->npages,
				      V4V_ARGO_REGISTER_FLAG_FAIL_EXIST);
	kvfree(gfns);
	return err;
}

static int xen_unregister_ring(struct v4v_ring *ring)
{
	struct v4v_argo_unregister_ring unreg = {
		.aport = ring->port,
		.partner_id = ring->partner,
	};

	return v4v_hcall_unregister_ring(&unreg);
}

static long xen_sendv(const struct v4v_argo_send_addr *addr,
		      const struct v4v_argo_iov *iov, unsigned int niov,
		      u32 message_type, u32 user_iovs)
{
	/* Kernel addresses stay valid while user access is open. */
	return v4v_hcall_sendv(addr, iov, niov, message_type, user_iovs != 0);
}

static int xen_notify(struct v4v_argo_ring_data *rd)
{
	return v4v_hcall_notify(rd);
}

/* PV guests only: HVM and PVH would need SMAP handling that is untested. */
static bool xen_user_sendv(void)
{
	return xen_pv_domain();
}

/* A global VIRQ may be rebound to any vCPU: one EVTCHNOP_bind_vcpu. */
static int xen_steer_events(unsigned int cpu)
{
	return irq_set_affinity(xb.irq, cpumask_of(cpu));
}

static void xen_show(struct seq_file *m)
{
	seq_printf(m, "argo: available\nvirq: %u\nirq: %d\n", V4V_ARGO_VIRQ, xb.irq);
}

const struct v4v_backend_ops v4v_backend_xen = {
	.name		 = "xen",
	.probe		 = xen_probe,
	.remove		 = xen_remove,
	.local_domid	 = xen_local_domid,
	.register_ring	 = xen_register_ring,
	.unregister_ring = xen_unregister_ring,
	.sendv		 = xen_sendv,
	.user_sendv	 = xen_user_sendv,
	.notify		 = xen_notify,
	.steer_events	 = xen_steer_events,
	.show		 = xen_show,
};
