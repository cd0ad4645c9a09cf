/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Internal to libv4v. */
#ifndef V4V_PRIVATE_H
#define V4V_PRIVATE_H

/* Symbols in the public API; the version script decides their version. */
#define V4V_EXPORT __attribute__((visibility("default")))

#endif
