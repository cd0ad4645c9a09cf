/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Programs written against OpenXT's headers (openxt_argo_app.c,
 * openxt_v4v_app.c), run by the lib suite.  Each exchanges datagrams and a
 * stream with itself in domain domid from port upwards, and fails the
 * running test if anything differs from what OpenXT's library promised.
 * No v4v header here: those files see OpenXT's headers only.
 */
#ifndef V4V_OPENXT_APPS_H
#define V4V_OPENXT_APPS_H

void openxt_argo_app(int domid, unsigned int port);
void openxt_v4v_app(int domid, unsigned int port);

#endif
