/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A tiny test harness for the in-guest programs.  Each test runs in its own
 * child process under a timeout, so a crash or a hang fails that test only.
 * Results are records (t_record()):
 *	V4VT: <tag>: ok <n> <name>
 *	V4VT: <tag>: not ok <n> <name> # <why>
 * where <why> is what the failed assertion said, with its file and line.
 * which the host collects from the guest's record channel
 * (Documentation/harness.rst).  Diagnostics are "# " lines on stdout.
 */
#ifndef V4V_THARNESS_H
#define V4V_THARNESS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Which domains run a test. */
#define T_DOM0	0x1u
#define T_DOMU	0x2u
#define T_ANY	(T_DOM0 | T_DOMU)

struct t_case {
	const char *name;
	unsigned int where;		/* T_DOM0, T_DOMU */
	unsigned int timeout_s;		/* 0: the default */
	void (*fn)(void);
};

/* What the running test is, for messages. */
extern const char *t_current;

/*
 * End the running test as failed: "# test: file:line: why" on stdout, and
 * "file:line: why" to the harness, which puts it in the test's result.
 */
void t_fail_at(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4), noreturn));

#define t_fail(...) t_fail_at(__FILE__, __LINE__, __VA_ARGS__)

void t_assert_fail(const char *file, int line, const char *cond, const char *fmt, ...)
	__attribute__((format(printf, 4, 5), noreturn));

#define T_ASSERT(cond, ...) do {					\
	if (!(cond))							\
		t_assert_fail(__FILE__, __LINE__, #cond, __VA_ARGS__);	\
} while (0)

/* Compare two integers and say both values when they differ. */
#define T_EQ(a, b) do {							\
	long long _a = (long long)(a), _b = (long long)(b);		\
	if (_a != _b)							\
		t_fail("%s == %lld, expected %s == %lld", #a, _a, #b, _b); \
} while (0)

#define t_info(...) do { printf("# %s: ", t_current); printf(__VA_ARGS__); \
	printf("\n"); fflush(stdout); } while (0)

/*
 * One record: a line the host reads.  It goes, framed as "V4VREC <length>
 * <line>", in a single write() to the descriptor named by $V4V_RECORD_FD
 * (stdout without it), so no other writer can cut it; with
 * $V4V_RECORD_ECHO=1 the bare line also goes to stdout, for people.
 */
void t_record(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

int t_run(const char *tag, unsigned int where, const struct t_case *cases,
	  size_t n);
void t_list(unsigned int where, const struct t_case *cases, size_t n);

#endif /* V4V_THARNESS_H */
