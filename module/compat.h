/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between supported kernels (Debian 12's 6.1 and 6.12, and
 * newer) lives here, and only here.  Code elsewhere calls these wrappers.
 * Differences are detected by feature tests in Kbuild (V4V_HAVE_*), not by
 * version numbers, which distribution backports make unreliable.
 */
#ifndef _V4V_COMPAT_H
#define _V4V_COMPAT_H

#include <linux/uio.h>
#include <net/sock.h>
#include <v4v/argo.h>

/*
 * Describe the user memory behind a sending iterator as Argo iovs (user
 * virtual addresses).  Returns how many were filled, or -1 if the iterator
 * is not plain user memory or needs more than max entries.  6.4 moved the
 * iovec array behind iter_iov() (V4V_HAVE_ITER_IOV: see Kbuild).
 */
static inline int v4v_compat_user_iovs(const struct iov_iter *i,
				       struct v4v_argo_iov *out, unsigned int max)
{
	size_t left = iov_iter_count(i), off = i->iov_offset, len;
	const struct iovec *iov;
	unsigned int n = 0;
	unsigned long k;

	if (left > U32_MAX)
		return -1;
	if (iter_is_ubuf(i)) {
		if (!left)
			return 0;
		out[0] = (struct v4v_argo_iov){
			.iov_hnd = (u64)(uintptr_t)i->ubuf + off, .iov_len = left };
		return 1;
	}
	if (!iter_is_iovec(i))
		return -1;
#ifdef V4V_HAVE_ITER_IOV
	iov = iter_iov(i);
#else
	iov = i->iov;
#endif
	for (k = 0; k < i->nr_segs && left; k++, off = 0) {
		len = min(iov[k].iov_len - off, left);
		if (!len)
			continue;
		if (n == max)
			return -1;
		out[n++] = (struct v4v_argo_iov){
			.iov_hnd = (u64)(uintptr_t)iov[k].iov_base + off, .iov_len = len };
		left -= len;
	}
	return n;
}

/*
 * proto_ops.accept: 6.10 passes a struct proto_accept_arg where 6.1 passes
 * flags and kern.  Declare it with V4V_ACCEPT_ARGS and read the flags with
 * V4V_ACCEPT_FLAGS.
 */
#ifdef V4V_HAVE_ACCEPT_ARG
#define V4V_ACCEPT_ARGS		struct proto_accept_arg *accept_arg
#define V4V_ACCEPT_FLAGS	(accept_arg->flags)
#else
#define V4V_ACCEPT_ARGS		int accept_flags, bool accept_kern
#define V4V_ACCEPT_FLAGS	(accept_flags)
#endif

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

/*
 * The same, for arguments that point into user memory: with SMAP the kernel
 * must open user access around the call, as privcmd does (a no-op where
 * SMAP is absent, as in PV guests).
 */
static inline long v4v_compat_hypercall5_user(unsigned int op, unsigned long a1,
					      unsigned long a2, unsigned long a3,
					      unsigned long a4, unsigned long a5)
{
	return privcmd_call(op, a1, a2, a3, a4, a5);
}
#endif /* CONFIG_XEN */

#endif /* _V4V_COMPAT_H */
