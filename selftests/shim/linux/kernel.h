/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace shim: the helpers of <linux/kernel.h> that ring.c uses. */
#ifndef V4V_SHIM_LINUX_KERNEL_H
#define V4V_SHIM_LINUX_KERNEL_H
#include <linux/types.h>
#define DIV_ROUND_UP(n, d) (((n) + (d) - 1) / (d))
#define min(a, b) ((a) < (b) ? (a) : (b))
#endif
