/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The backend interface: the four Argo operations and event delivery.
 *
 * A backend is either the real hypervisor ("xen") or an in-kernel emulation
 * with identical semantics ("loopback").  Everything above
 * this interface is shared.  All operations return 0 or a byte count on
 * success and a negative errno exactly as Argo defines it (see
 * Documentation/argo-abi.rst); the socket layer maps those to user errnos.
 * Events are reported by calling v4v_rings_signal(), from any context.
 */
#ifndef _V4V_BACKEND_H
#define _V4V_BACKEND_H

#include <linux/kconfig.h>
#include <linux/types.h>
#include <v4v/argo.h>

struct seq_file;
struct v4v_ring;

struct v4v_backend_ops {
	const char *name;

	/*
	 * Lifetime.  probe() says (once, in the log) why it cannot work, and
	 * returns -ENXIO when it does not apply here at all (the xen backend
	 * on bare metal): "auto" then tries the next backend.
	 */
	int (*probe)(void);
	void (*remove)(void);

	/* Addressing. */
	u16 (*local_domid)(void);

	/*
	 * Rings: ring->view, port, partner and npages are set.  Registering
	 * never replaces an existing ring (Argo's FAIL_EXIST): an existing one
	 * is -EEXIST.
	 */
	int (*register_ring)(struct v4v_ring *ring);
	int (*unregister_ring)(struct v4v_ring *ring);

	/*
	 * Data: buffer i is the calling process's memory when bit i of
	 * user_iovs is set, else kernel memory (a stream header before user
	 * data).  Returns payload bytes sent.
	 */
	long (*sendv)(const struct v4v_argo_send_addr *addr,
		      const struct v4v_argo_iov *iov, unsigned int niov,
		      u32 message_type, u32 user_iovs);
	/* May sendv() be handed user memory (no copy in the guest)? */
	bool (*user_sendv)(void);

	/* Notification: rd may be NULL (just "rx moved, wake senders"). */
	int (*notify)(struct v4v_argo_ring_data *rd);

	/*
	 * Optional: deliver events to this CPU from now on (event_cpu.c).
	 * Without it events have no CPU of their own.
	 */
	int (*steer_events)(unsigned int cpu);

	/* Observability: backend-specific lines of the status file. */
	void (*show)(struct seq_file *m);
};

/* The xen backend's hypercall entry exists on x86-64 only, for now. */
#define V4V_HAVE_XEN_BACKEND (IS_ENABLED(CONFIG_XEN) && IS_ENABLED(CONFIG_X86_64))

extern const struct v4v_backend_ops v4v_backend_xen;
extern const struct v4v_backend_ops v4v_backend_loopback;

/* The backend in use; set once at load, before anything else starts. */
extern const struct v4v_backend_ops *v4v_backend;

int v4v_backend_select(const char *name);
void v4v_backend_release(void);

#endif /* _V4V_BACKEND_H */
