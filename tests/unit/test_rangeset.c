// SPDX-License-Identifier: MIT
/*
 * The ioreq servers' range sets (common/lib/rangeset.c): Xen's rules
 * (overlap refused, adjacency merged, removal only of what is inside one
 * range, at most max entries), then random operations against a bitmap
 * model of the same small address space.
 */
#include "check.h"
#include <xenith/errno.h>
#include <xenith/rangeset.h>

#define MAX 8

static struct range store[MAX];

static struct rangeset fresh(unsigned int max)
{
	memset(store, 0, sizeof(store));
	return (struct rangeset){ .n = 0, .max = max, .r = store };
}

static void test_add_rules(void)
{
	struct rangeset rs = fresh(MAX);

	CHECK_EQ(rangeset_add(&rs, 0x1000, 0x11ff), 0);
	CHECK_EQ(rangeset_add(&rs, 0x1100, 0x1100), -XEN_EEXIST);   /* inside */
	CHECK_EQ(rangeset_add(&rs, 0x0f00, 0x1000), -XEN_EEXIST);   /* touches the start */
	CHECK_EQ(rangeset_add(&rs, 0x11ff, 0x2000), -XEN_EEXIST);   /* the end */
	CHECK_EQ(rangeset_add(&rs, 0x0000, 0xffff), -XEN_EEXIST);   /* around */
	CHECK_EQ(rs.n, 1u);
	/* Adjacent on both sides: one range. */
	CHECK_EQ(rangeset_add(&rs, 0x1200, 0x13ff), 0);
	CHECK_EQ(rangeset_add(&rs, 0x0e00, 0x0fff), 0);
	CHECK_EQ(rs.n, 1u);
	CHECK_EQ(rs.r[0].s, 0x0e00u);
	CHECK_EQ(rs.r[0].e, 0x13ffu);
	/* A gap, then the piece that fills it joins all three. */
	CHECK_EQ(rangeset_add(&rs, 0x2000, 0x20ff), 0);
	CHECK_EQ(rs.n, 2u);
	CHECK_EQ(rangeset_add(&rs, 0x1400, 0x1fff), 0);
	CHECK_EQ(rs.n, 1u);
	CHECK_EQ(rs.r[0].e, 0x20ffu);
	CHECK(rangeset_contains(&rs, 0x0e00, 0x20ff));
	CHECK(!rangeset_contains(&rs, 0x0dff, 0x0e00));
	/* The ends of the address space. */
	CHECK_EQ(rangeset_add(&rs, 0, 0), 0);
	CHECK_EQ(rangeset_add(&rs, UINT64_MAX, UINT64_MAX), 0);
	CHECK(rangeset_contains(&rs, UINT64_MAX, UINT64_MAX));
	CHECK_EQ(rs.n, 3u);
}

static void test_full(void)
{
	struct rangeset rs = fresh(2);

	CHECK_EQ(rangeset_add(&rs, 0x000, 0x0ff), 0);
	CHECK_EQ(rangeset_add(&rs, 0x200, 0x2ff), 0);
	CHECK_EQ(rangeset_add(&rs, 0x400, 0x4ff), -XEN_ENOMEM);
	/* Merging needs no entry, so it still works when full. */
	CHECK_EQ(rangeset_add(&rs, 0x100, 0x1ff), 0);
	CHECK_EQ(rs.n, 1u);
	CHECK_EQ(rangeset_add(&rs, 0x400, 0x4ff), 0);
	/* Splitting needs one: refused, nothing changed. */
	CHECK_EQ(rangeset_remove(&rs, 0x100, 0x100), -XEN_ENOMEM);
	CHECK(rangeset_contains(&rs, 0x000, 0x2ff));
	CHECK_EQ(rangeset_remove(&rs, 0x000, 0x0ff), 0);
	CHECK_EQ(rangeset_remove(&rs, 0x400, 0x4ff), 0);
	CHECK_EQ(rs.n, 1u);
}

static void test_remove_rules(void)
{
	struct rangeset rs = fresh(MAX);

	CHECK_EQ(rangeset_remove(&rs, 1, 1), -XEN_ENOENT);
	CHECK_EQ(rangeset_add(&rs, 0x100, 0x1ff), 0);
	CHECK_EQ(rangeset_add(&rs, 0x300, 0x3ff), 0);
	CHECK_EQ(rangeset_remove(&rs, 0x1f0, 0x300), -XEN_ENOENT);  /* spans a gap */
	CHECK_EQ(rangeset_remove(&rs, 0x0ff, 0x100), -XEN_ENOENT);  /* sticks out */
	CHECK_EQ(rangeset_remove(&rs, 0x180, 0x18f), 0);            /* splits */
	CHECK_EQ(rs.n, 3u);
	CHECK(!rangeset_overlaps(&rs, 0x180, 0x18f));
	CHECK(rangeset_contains(&rs, 0x100, 0x17f));
	CHECK(rangeset_contains(&rs, 0x190, 0x1ff));
	CHECK_EQ(rangeset_remove(&rs, 0x100, 0x17f), 0);            /* whole */
	CHECK_EQ(rangeset_remove(&rs, 0x300, 0x30f), 0);            /* head */
	CHECK_EQ(rangeset_remove(&rs, 0x3f0, 0x3ff), 0);            /* tail */
	CHECK_EQ(rs.n, 2u);
	CHECK(rangeset_contains(&rs, 0x310, 0x3ef));
}

/* Random operations on addresses 0..255 against a bitmap. */
static void test_model(void)
{
	unsigned int seed = 12345;

	for (int round = 0; round < 2000; round++) {
		struct rangeset rs = fresh(MAX);
		bool model[256] = { false };

		fuzz_runs++;
		for (int op = 0; op < 40; op++) {
			uint64_t s, e, t;
			bool any = false, all = true;
			int rc;

			seed = seed * 1103515245 + 12345;
			s = (seed >> 8) & 0xff;
			e = s + ((seed >> 20) & 0x1f);
			if (e > 0xff)
				e = 0xff;
			for (t = s; t <= e; t++) {
				any |= model[t];
				all &= model[t];
			}
			CHECK_EQ(rangeset_overlaps(&rs, s, e), any);
			if (seed & 1) {
				rc = rangeset_add(&rs, s, e);
				if (any)
					CHECK_EQ(rc, -XEN_EEXIST);
				if (!rc)
					for (t = s; t <= e; t++)
						model[t] = true;
			} else {
				bool inside = rangeset_contains(&rs, s, e);

				rc = rangeset_remove(&rs, s, e);
				if (!inside)
					CHECK_EQ(rc, -XEN_ENOENT);
				if (!rc)
					for (t = s; t <= e; t++)
						model[t] = false;
				if (!all)
					CHECK(rc != 0);
			}
			/* The set equals the model, sorted, disjoint, merged. */
			for (unsigned int i = 0; i < rs.n; i++) {
				CHECK(rs.r[i].s <= rs.r[i].e);
				if (i)
					CHECK(rs.r[i - 1].e + 1 < rs.r[i].s);
			}
			for (t = 0; t < 256; t++)
				if (model[t] != rangeset_contains(&rs, t, t)) {
					CHECK_EQ(model[t], !model[t]);
					break;
				}
		}
	}
}

int main(void)
{
	RUN(test_add_rules);
	RUN(test_full);
	RUN(test_remove_rules);
	RUN(test_model);
	return check_done("test_rangeset");
}
