/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace shim. */
#include <string.h>
