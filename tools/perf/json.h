/* SPDX-License-Identifier: GPL-2.0 */
/* v4v-perf: a small streaming JSON writer (keys in order, no trees). */
#ifndef V4V_PERF_JSON_H
#define V4V_PERF_JSON_H

#include <stdint.h>
#include <stdio.h>

struct json {
	FILE *f;
	int depth;
	int first[16];	/* per level: nothing written in it yet */
};

void json_start(struct json *j, FILE *f);
/* key is NULL inside arrays (and for the outermost value). */
void json_open(struct json *j, const char *key, char bracket);
void json_close(struct json *j, char bracket);
void json_num(struct json *j, const char *key, double v);
void json_int(struct json *j, const char *key, int64_t v);
void json_bool(struct json *j, const char *key, int v);
void json_str(struct json *j, const char *key, const char *v);

#endif
