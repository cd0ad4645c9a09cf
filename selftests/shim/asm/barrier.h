/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace shim: kernel SMP barriers as C11 fences of the same strength. */
#ifndef V4V_SHIM_ASM_BARRIER_H
#define V4V_SHIM_ASM_BARRIER_H
#include <stdatomic.h>
#define smp_mb() atomic_thread_fence(memory_order_seq_cst)
#define smp_rmb() atomic_thread_fence(memory_order_acquire)
#define smp_wmb() atomic_thread_fence(memory_order_release)
#define smp_load_acquire(p) __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define smp_store_release(p, v) __atomic_store_n((p), (v), __ATOMIC_RELEASE)
#endif
