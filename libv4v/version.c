// SPDX-License-Identifier: LGPL-2.1-or-later
#include "libv4v.h"
#include "v4v_private.h"

#define STR2(x) #x
#define STR(x) STR2(x)

V4V_EXPORT const char *v4v_version(void)
{
	return STR(LIBV4V_VERSION_MAJOR) "." STR(LIBV4V_VERSION_MINOR) "."
	       STR(LIBV4V_VERSION_PATCH);
}

/* OpenXT's libv4v_get_version() (include/openxt/libv4v.h), in its words. */
V4V_EXPORT char *v4v_openxt_get_version(void)
{
	static char text[] = "libv4v Version " STR(LIBV4V_VERSION_MAJOR) "."
			     STR(LIBV4V_VERSION_MINOR) "." STR(LIBV4V_VERSION_PATCH);

	return text;
}
