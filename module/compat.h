/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between supported kernels (Debian 12's 6.1 and 6.12, and
 * newer) lives here, and only here.  Code elsewhere calls these wrappers.
 */
#ifndef _V4V_COMPAT_H
#define _V4V_COMPAT_H

#ifdef CONFIG_XEN
#include <asm/xen/hypercall.h>

/*
 * Argo takes five arguments.  6.1 has no _hypercall5 and later kernels may
 * drop the per-op helpers, but xen_single_call() (hypercall number plus five
 * arguments through the kernel's hypercall entry) exists in every supported
 * kernel, so it is the one entry used.
 */
static inline long v4v_compat_hypercall5(unsigned int op, unsigned long a1,
					 unsigned long a2, unsigned long a3,
					 unsigned long a4, unsigned long a5)
{
	return xen_single_call(op, a1, a2, a3, a4, a5);
}
#endif /* CONFIG_XEN */

#endif /* _V4V_COMPAT_H */
