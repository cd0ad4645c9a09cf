/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libxenvchan, loaded when first needed (dlopen), so the tools run on
 * guests without Xen's libraries and only the vchan features ask for them.
 * Built without <libxenvchan.h> (Debian: libxen-dev), vchan_load() always
 * fails with ENOSYS.
 */
#ifndef V4V_TOOLS_VCHAN_DL_H
#define V4V_TOOLS_VCHAN_DL_H

#include <stddef.h>
#include <stdint.h>

struct libxenvchan;

struct vchan_api {
	struct libxenvchan *(*server_init)(void *logger, int domain, const char *path,
					   size_t read_min, size_t write_min);
	struct libxenvchan *(*client_init)(void *logger, int domain, const char *path);
	int (*read)(struct libxenvchan *c, void *buf, size_t len);
	int (*write)(struct libxenvchan *c, const void *buf, size_t len);
	int (*is_open)(struct libxenvchan *c);
	int (*fd_for_select)(struct libxenvchan *c);
	int (*wait)(struct libxenvchan *c);
	int (*data_ready)(struct libxenvchan *c);
	int (*buffer_space)(struct libxenvchan *c);
	void (*close)(struct libxenvchan *c);
	/* libxenstore, which libxenvchan itself needs. */
	void *(*xs_open)(unsigned long flags);
	void (*xs_close)(void *xs);
	void *(*xs_read)(void *xs, uint32_t tx, const char *path, unsigned int *len);
	char **(*xs_directory)(void *xs, uint32_t tx, const char *path, unsigned int *num);
};

/*
 * The library's entry points, or NULL with errno ENOSYS (built without
 * vchan) or ENOENT (libxenvchan not installed); *why says which, for the
 * user.  Loads once; thread-safe after the first call returns.
 */
const struct vchan_api *vchan_load(const char **why);

/* Set c blocking (1) or not (0): the library leaves it unset. */
void vchan_set_blocking(struct libxenvchan *c, int blocking);

#endif
