/* SPDX-License-Identifier: GPL-2.0 */
/* Observability in debugfs: /sys/kernel/debug/v4v/{status,rings,inject}. */
#ifndef _V4V_DEBUGFS_H
#define _V4V_DEBUGFS_H

void v4v_debugfs_init(void);
void v4v_debugfs_exit(void);

#endif /* _V4V_DEBUGFS_H */
