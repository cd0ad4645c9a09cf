/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace shim: kernel integer types on top of the UAPI ones. */
#ifndef V4V_SHIM_LINUX_TYPES_H
#define V4V_SHIM_LINUX_TYPES_H
#include_next <linux/types.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
#endif
