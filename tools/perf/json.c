// SPDX-License-Identifier: GPL-2.0
/* v4v-perf: see json.h.  Numbers that are not finite are written as 0. */
#include <math.h>

#include "json.h"

void json_start(struct json *j, FILE *f)
{
	j->f = f;
	j->depth = 0;
	j->first[0] = 1;
}

static void item(struct json *j, const char *key)
{
	if (!j->first[j->depth])
		fputc(',', j->f);
	j->first[j->depth] = 0;
	if (j->depth)
		fprintf(j->f, "\n%*s", 2 * j->depth, "");
	if (key)
		fprintf(j->f, "\"%s\": ", key);	/* keys are ours: nothing to escape */
}

void json_open(struct json *j, const char *key, char bracket)
{
	item(j, key);
	fputc(bracket, j->f);
	if (j->depth < 15)
		j->depth++;
	j->first[j->depth] = 1;
}

void json_close(struct json *j, char bracket)
{
	int empty = j->first[j->depth];

	if (j->depth)
		j->depth--;
	if (!empty)
		fprintf(j->f, "\n%*s", 2 * j->depth, "");
	fputc(bracket, j->f);
	if (!j->depth)
		fputc('\n', j->f);
}

void json_num(struct json *j, const char *key, double v)
{
	item(j, key);
	fprintf(j->f, "%.10g", isfinite(v) ? v : 0.0);
}

void json_int(struct json *j, const char *key, int64_t v)
{
	item(j, key);
	fprintf(j->f, "%lld", (long long)v);
}

void json_bool(struct json *j, const char *key, int v)
{
	item(j, key);
	fputs(v ? "true" : "false", j->f);
}

void json_str(struct json *j, const char *key, const char *v)
{
	const unsigned char *p;

	item(j, key);
	fputc('"', j->f);
	for (p = (const unsigned char *)v; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(j->f, "\\%c", *p);
		else if (*p < 0x20)
			fprintf(j->f, "\\u%04x", *p);
		else
			fputc(*p, j->f);
	}
	fputc('"', j->f);
}
