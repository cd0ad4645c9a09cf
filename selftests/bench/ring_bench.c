// SPDX-License-Identifier: GPL-2.0
/*
 * ring-bench: the module's ring code (module/ring.c, built for userspace)
 * against memcpy, in the same run.
 *
 * Each message goes through the ring the way it does on Argo: the producer
 * copies it in (Xen's copy), the consumer copies it out (the guest's copy),
 * so a ring at best reaches half of memcpy's bandwidth.  For each message
 * size the two are measured alternately, several times, and the medians
 * compared: only the same-run ratio means anything on a shared machine.
 *
 * Baselines, all plain memcpy:
 *   memcpy        the same len bytes copied over and over (L1-hot both ends);
 *   memcpy_sweep  each copy lands at the next slot of a ring-sized buffer,
 *                 so it touches as much memory as one of the ring's copies;
 *   two_copies    exactly the ring's two copies (in at slot + 16, out to a
 *                 hot buffer, same batches) with no ring logic at all.
 * "ratio" is ring / memcpy_sweep, whose ideal is 0.5 (two copies instead of
 * one); the goal is >= 0.45 at 4 KiB and up.  "efficiency" is ring /
 * two_copies: the share of the physical two-copy cost that is copying,
 * i.e. how little the ring code itself adds.
 *
 *   ring-bench [-J] [-r RING_BYTES] [-n REPS] [-b BYTES_PER_REP]
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include "ring.h"

static const unsigned int sizes[] = { 64, 1024, 4096, 16384, 65536 };
#define NSIZES (sizeof(sizes) / sizeof(sizes[0]))
#define TARGET_RATIO 0.45	/* goal at >= 4 KiB: 90% of the 2-copy bound */

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

/* Keep the compiler from proving the copies useless. */
static volatile unsigned char sink;

/* Push n messages of len bytes through the ring; returns seconds. */
static double run_ring(struct v4v_ring_view *v, const unsigned char *src,
		       unsigned char *dst, unsigned int len, unsigned long n)
{
	struct v4v_argo_addr from = { .aport = 1, .domain_id = 0 };
	struct v4v_ring_chunk c[2];
	unsigned long sent = 0, got = 0;
	unsigned int i, k, off;
	struct v4v_ring_resv r;
	struct v4v_ring_msg m;
	u32 tx = v->hdr->tx_ptr;
	double t0 = now();

	while (got < n) {
		/* Fill until the ring says no, then drain: a real batch. */
		while (sent < n && !v4v_ring_reserve(v, tx, len, &r)) {
			v4v_ring_write_hdr(v, &r, &from, 7);
			k = v4v_ring_resv_chunks(v, &r, 0, len, c);
			for (i = 0, off = 0; i < k; off += c[i].n, i++)
				memcpy(c[i].p, src + off, c[i].n);
			v4v_ring_commit(v, &r);
			tx = r.next_tx;
			sent++;
		}
		while (!v4v_ring_peek(v, &m)) {
			k = v4v_ring_msg_chunks(v, &m, 0, m.payload_len, c);
			for (i = 0, off = 0; i < k; off += c[i].n, i++)
				memcpy(dst + off, c[i].p, c[i].n);
			v4v_ring_consume(v, &m);
			got++;
		}
	}
	sink = dst[len - 1];
	return now() - t0;
}

static double run_memcpy(const unsigned char *src, unsigned char *dst,
			 unsigned int len, unsigned long n)
{
	double t0 = now();
	unsigned long i;

	for (i = 0; i < n; i++) {
		memcpy(dst, src, len);
		/* A compiler barrier per copy, as the ring has one per message. */
		__asm__ __volatile__("" : : "r"(dst) : "memory");
	}
	sink = dst[len - 1];
	return now() - t0;
}

/* memcpy with the ring's footprint: successive slots of a ring-sized area. */
static double run_memcpy_sweep(const unsigned char *src, unsigned char *area,
			       unsigned int area_len, unsigned int len,
			       unsigned long n)
{
	unsigned int off = 0, step = v4v_ring_msg_slot(len);
	double t0 = now();
	unsigned long i;

	for (i = 0; i < n; i++) {
		memcpy(area + off, src, len);
		__asm__ __volatile__("" : : "r"(area) : "memory");
		off += step;
		if (off + len > area_len)
			off = 0;
	}
	sink = area[len - 1];
	return now() - t0;
}

/* The ring's two copies without the ring: the floor for any ring code. */
static double run_two_copies(const unsigned char *src, unsigned char *area,
			     unsigned char *dst, unsigned int area_len,
			     unsigned int len, unsigned long n)
{
	unsigned int step = v4v_ring_msg_slot(len), off, k, j;
	unsigned long done = 0;
	double t0 = now();

	while (done < n) {
		for (off = 0, k = 0; off + step < area_len && done + k < n; off += step, k++) {
			memcpy(area + off + V4V_ARGO_MSG_HDR_SIZE, src, len);
			__asm__ __volatile__("" : : "r"(area) : "memory");
		}
		for (off = 0, j = 0; j < k; off += step, j++) {
			memcpy(dst, area + off + V4V_ARGO_MSG_HDR_SIZE, len);
			__asm__ __volatile__("" : : "r"(dst) : "memory");
		}
		done += k;
	}
	sink = dst[len - 1];
	return now() - t0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: ring-bench [-J] [-r RING_BYTES] [-n REPS] [-b BYTES_PER_REP]\n"
		   "  -J   JSON output\n"
		   "  -r   ring data bytes (multiple of 16; default 262080)\n"
		   "  -n   alternating repetitions per size (default 7)\n"
		   "  -b   bytes moved per repetition (default 512 MiB)\n");
}

int main(int argc, char **argv)
{
	unsigned long bytes = 512ul << 20;
	unsigned int ring_len = 256 * 1024 - V4V_ARGO_RING_HDR_SIZE;
	double ring_s[NSIZES], copy_s[NSIZES], sweep_s[NSIZES], two_s[NSIZES], ratio[NSIZES];
	int reps = 7, json = 0, opt, rep, met = 1;
	unsigned char *src, *dst, *area;
	struct v4v_ring_view v;
	struct utsname u;
	unsigned int i;
	void *mem;

	while ((opt = getopt(argc, argv, "Jr:n:b:h")) != -1) {
		switch (opt) {
		case 'J': json = 1; break;
		case 'r': ring_len = strtoul(optarg, NULL, 0); break;
		case 'n': reps = atoi(optarg); break;
		case 'b': bytes = strtoul(optarg, NULL, 0); break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (!v4v_ring_len_valid(ring_len) || reps < 1 || reps > 99 ||
	    v4v_ring_max_payload(ring_len) < sizes[NSIZES - 1]) {
		fprintf(stderr, "ring-bench: ring of %u bytes or %d repetitions not usable\n",
			ring_len, reps);
		return 2;
	}
	mem = aligned_alloc(4096, 4096ul * v4v_ring_npages(ring_len));
	src = aligned_alloc(64, sizes[NSIZES - 1]);
	dst = aligned_alloc(64, sizes[NSIZES - 1]);
	area = aligned_alloc(4096, 4096ul * v4v_ring_npages(ring_len));
	if (!mem || !src || !dst || !area) {
		fprintf(stderr, "ring-bench: out of memory\n");
		return 1;
	}
	memset(mem, 0, 4096ul * v4v_ring_npages(ring_len));
	memset(src, 0x5a, sizes[NSIZES - 1]);
	memset(dst, 0, sizes[NSIZES - 1]);
	memset(area, 0, 4096ul * v4v_ring_npages(ring_len));
	v4v_ring_view_init(&v, mem, ring_len);

	for (i = 0; i < NSIZES; i++) {
		unsigned long n = bytes / sizes[i];
		double r[99], c[99], w[99], t[99];

		run_ring(&v, src, dst, sizes[i], n / 8 + 1);	/* warm up */
		run_memcpy(src, dst, sizes[i], n / 8 + 1);
		run_memcpy_sweep(src, area, ring_len, sizes[i], n / 8 + 1);
		run_two_copies(src, area, dst, ring_len, sizes[i], n / 8 + 1);
		for (rep = 0; rep < reps; rep++) {
			r[rep] = run_ring(&v, src, dst, sizes[i], n);
			c[rep] = run_memcpy(src, dst, sizes[i], n);
			w[rep] = run_memcpy_sweep(src, area, ring_len, sizes[i], n);
			t[rep] = run_two_copies(src, area, dst, ring_len, sizes[i], n);
		}
		ring_s[i] = median(r, reps) / n;
		copy_s[i] = median(c, reps) / n;
		sweep_s[i] = median(w, reps) / n;
		two_s[i] = median(t, reps) / n;
		ratio[i] = sweep_s[i] / ring_s[i];
		if (sizes[i] >= 4096 && ratio[i] < TARGET_RATIO)
			met = 0;
	}

	uname(&u);
	if (json) {
		printf("{\n  \"start\": { \"tool\": \"ring-bench\", \"kernel\": \"%s\", "
		       "\"ring_bytes\": %u, \"repetitions\": %d, \"bytes_per_rep\": %lu },\n"
		       "  \"results\": [\n", u.release, ring_len, reps, bytes);
		for (i = 0; i < NSIZES; i++)
			printf("    { \"msg_bytes\": %u, \"ring_ns_per_msg\": %.1f, "
			       "\"ring_GBps\": %.2f, \"memcpy_sweep_GBps\": %.2f, "
			       "\"memcpy_hot_GBps\": %.2f, \"ratio_to_memcpy_sweep\": %.3f, "
			       "\"ratio_to_memcpy_hot\": %.3f, \"two_copies_ns\": %.1f, "
			       "\"efficiency\": %.3f }%s\n", sizes[i],
			       ring_s[i] * 1e9, sizes[i] / ring_s[i] / 1e9,
			       sizes[i] / sweep_s[i] / 1e9, sizes[i] / copy_s[i] / 1e9,
			       ratio[i], copy_s[i] / ring_s[i], two_s[i] * 1e9,
			       two_s[i] / ring_s[i], i + 1 < NSIZES ? "," : "");
		printf("  ],\n  \"end\": { \"target_ratio_at_4KiB_and_up\": %.2f, "
		       "\"target_met\": %s }\n}\n", TARGET_RATIO, met ? "true" : "false");
	} else {
		printf("ring-bench: ring %u bytes, median of %d alternating runs, %lu MiB each\n",
		       ring_len, reps, bytes >> 20);
		printf("%9s %8s %9s %10s %9s %7s %7s %9s %6s\n", "msg bytes", "ns/msg",
		       "ring GB/s", "sweep GB/s", "hot GB/s", "ratio", "hot", "2copy ns", "eff");
		for (i = 0; i < NSIZES; i++)
			printf("%9u %8.1f %9.2f %10.2f %9.2f %7.3f %7.3f %9.1f %6.3f\n",
			       sizes[i], ring_s[i] * 1e9, sizes[i] / ring_s[i] / 1e9,
			       sizes[i] / sweep_s[i] / 1e9, sizes[i] / copy_s[i] / 1e9,
			       ratio[i], copy_s[i] / ring_s[i], two_s[i] * 1e9,
			       two_s[i] / ring_s[i]);
		printf("ratio: ring / memcpy_sweep (ideal 0.5); hot: ring / L1-hot memcpy;\n"
		       "eff: plain two copies / ring (1.0 = the ring code adds nothing)\n");
		printf("target: ratio >= %.2f at 4 KiB and up (2-copy bound 0.5): %s\n",
		       TARGET_RATIO, met ? "met" : "NOT met");
	}
	free(mem);
	free(src);
	free(dst);
	free(area);
	return 0;
}
