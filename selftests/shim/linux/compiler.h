/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace shim: single-copy accesses. */
#ifndef V4V_SHIM_LINUX_COMPILER_H
#define V4V_SHIM_LINUX_COMPILER_H
#define READ_ONCE(x) (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))
#endif
