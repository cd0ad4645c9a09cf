// SPDX-License-Identifier: GPL-2.0
/*
 * libxenvchan through dlopen: see vchan_dl.h.  Debian installs only the
 * versioned name (libxenvchan.so.4.17) without libxen-dev, so the known
 * sonames are tried after the plain one.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>

#include "vchan_dl.h"

#if __has_include(<libxenvchan.h>)
#include <libxenvchan.h>

static const char *const store_sonames[] = { "libxenstore.so", "libxenstore.so.4", "libxenstore.so.3.0" };

static const char *const sonames[] = {
	"libxenvchan.so", "libxenvchan.so.4.20", "libxenvchan.so.4.19", "libxenvchan.so.4.18",
	"libxenvchan.so.4.17", "libxenvchan.so.4.16", "libxenvchan.so.4.14",
};

static struct vchan_api api;
static const struct vchan_api *loaded;
static const char *failure;
static pthread_once_t once = PTHREAD_ONCE_INIT;

#define SYM(field, name) ((*(void **)&api.field = dlsym(h, name)) != NULL)

static void load(void)
{
	void *h = NULL, *store = NULL;
	size_t i;

	for (i = 0; !h && i < sizeof(sonames) / sizeof(sonames[0]); i++)
		h = dlopen(sonames[i], RTLD_NOW | RTLD_LOCAL);
	for (i = 0; !store && i < sizeof(store_sonames) / sizeof(store_sonames[0]); i++)
		store = dlopen(store_sonames[i], RTLD_NOW | RTLD_LOCAL);
	if (!h || !store) {
		failure = "libxenvchan is not installed (Debian: libxenmisc4.17)";
		return;
	}
	if (!(SYM(server_init, "libxenvchan_server_init") &&
	      SYM(client_init, "libxenvchan_client_init") && SYM(read, "libxenvchan_read") &&
	      SYM(write, "libxenvchan_write") && SYM(is_open, "libxenvchan_is_open") &&
	      SYM(fd_for_select, "libxenvchan_fd_for_select") && SYM(wait, "libxenvchan_wait") &&
	      SYM(data_ready, "libxenvchan_data_ready") &&
	      SYM(buffer_space, "libxenvchan_buffer_space") && SYM(close, "libxenvchan_close"))) {
		failure = "libxenvchan lacks an expected function";
		dlclose(h);
		return;
	}
	h = store;
	if (!(SYM(xs_open, "xs_open") && SYM(xs_close, "xs_close") && SYM(xs_read, "xs_read") &&
	      SYM(xs_directory, "xs_directory"))) {
		failure = "libxenstore lacks an expected function";
		return;
	}
	loaded = &api;
}

const struct vchan_api *vchan_load(const char **why)
{
	pthread_once(&once, load);
	if (!loaded) {
		errno = ENOENT;
		*why = failure;
	}
	return loaded;
}

void vchan_set_blocking(struct libxenvchan *c, int blocking)
{
	c->blocking = !!blocking;
}

#else

const struct vchan_api *vchan_load(const char **why)
{
	errno = ENOSYS;
	*why = "built without libxenvchan support (install libxen-dev and rebuild)";
	return NULL;
}

void vchan_set_blocking(struct libxenvchan *c, int blocking)
{
	(void)c;
	(void)blocking;
}

#endif
