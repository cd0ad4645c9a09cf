/* SPDX-License-Identifier: GPL-2.0 */
/* A table of CUnit tests, for test files that cannot share a header. */
#ifndef V4V_CUNIT_CASES_H
#define V4V_CUNIT_CASES_H

#include <stddef.h>

struct cu_case {
	const char *suite, *name;
	void (*fn)(void);
};

/* test_openxt.c: OpenXT's libargo and legacy libv4v APIs. */
extern const struct cu_case openxt_cases[];
extern const size_t openxt_ncases;

/* test_preload_map.c: the interposer's address mapping. */
extern const struct cu_case preload_cases[];
extern const size_t preload_ncases;

#endif
