// SPDX-License-Identifier: MIT
/* Sorted, merged inclusive ranges (rangeset.h). Sets are small (Xen's
 * ioreq limit is 256 per type), so a sorted array with binary search. */
#include <xenith/errno.h>
#include <xenith/lib.h>
#include <xenith/rangeset.h>

/* Index of the first range whose end is >= a (n if none). */
static unsigned int first_ending_at_or_after(const struct rangeset *rs, uint64_t a)
{
	unsigned int lo = 0, hi = rs->n;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (rs->r[mid].e < a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

bool rangeset_overlaps(const struct rangeset *rs, uint64_t s, uint64_t e)
{
	unsigned int i = first_ending_at_or_after(rs, s);

	return i < rs->n && rs->r[i].s <= e;
}

bool rangeset_contains(const struct rangeset *rs, uint64_t s, uint64_t e)
{
	unsigned int i = first_ending_at_or_after(rs, s);

	return i < rs->n && rs->r[i].s <= s && e <= rs->r[i].e;
}

static void open_gap(struct rangeset *rs, unsigned int i)
{
	memmove(&rs->r[i + 1], &rs->r[i], (rs->n - i) * sizeof(rs->r[0]));
	rs->n++;
}

static void close_gap(struct rangeset *rs, unsigned int i)
{
	memmove(&rs->r[i], &rs->r[i + 1], (rs->n - i - 1) * sizeof(rs->r[0]));
	rs->n--;
}

int rangeset_add(struct rangeset *rs, uint64_t s, uint64_t e)
{
	unsigned int i;
	bool join_prev, join_next;

	if (rangeset_overlaps(rs, s, e))
		return -XEN_EEXIST;
	i = first_ending_at_or_after(rs, s);   /* the first range after [s, e] */
	join_prev = i > 0 && s != 0 && rs->r[i - 1].e == s - 1;
	join_next = i < rs->n && e != UINT64_MAX && rs->r[i].s == e + 1;
	if (join_prev && join_next) {
		rs->r[i - 1].e = rs->r[i].e;
		close_gap(rs, i);
	} else if (join_prev) {
		rs->r[i - 1].e = e;
	} else if (join_next) {
		rs->r[i].s = s;
	} else {
		if (rs->n == rs->max)
			return -XEN_ENOMEM;
		open_gap(rs, i);
		rs->r[i] = (struct range){ s, e };
	}
	return 0;
}

int rangeset_remove(struct rangeset *rs, uint64_t s, uint64_t e)
{
	unsigned int i = first_ending_at_or_after(rs, s);
	struct range *r;

	if (!rangeset_contains(rs, s, e))
		return -XEN_ENOENT;
	r = &rs->r[i];
	if (r->s == s && r->e == e) {
		close_gap(rs, i);
	} else if (r->s == s) {
		r->s = e + 1;
	} else if (r->e == e) {
		r->e = s - 1;
	} else {
		uint64_t end = r->e;

		if (rs->n == rs->max)
			return -XEN_ENOMEM;
		r->e = s - 1;
		open_gap(rs, i + 1);
		rs->r[i + 1] = (struct range){ e + 1, end };
	}
	return 0;
}
