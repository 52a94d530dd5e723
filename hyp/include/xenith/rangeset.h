/* SPDX-License-Identifier: MIT */
/*
 * A set of inclusive ranges of 64-bit addresses, kept sorted, disjoint and
 * merged (adjacent ranges become one), with at most `max` entries: what an
 * ioreq server claims of its guest's address space. Pure logic (no lock,
 * no allocation: the owner provides the array and serialises the calls),
 * so the host unit tests run it as it is.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct range {
	uint64_t s, e;   /* inclusive */
};

struct rangeset {
	unsigned int n, max;
	struct range *r;   /* max entries, the first n in use */
};

/* Adds [s, e]: 0, -XEN_EEXIST if it overlaps a range already in the set
 * (nothing changes), -XEN_ENOMEM if the set would need more than max
 * entries. Xen's ioreq rule: overlap is refused, adjacency merges. */
int rangeset_add(struct rangeset *rs, uint64_t s, uint64_t e);
/* Removes [s, e], which must lie inside one range of the set: 0,
 * -XEN_ENOENT if it does not, -XEN_ENOMEM if splitting a range would
 * need an entry the set does not have. */
int rangeset_remove(struct rangeset *rs, uint64_t s, uint64_t e);
/* Is all of [s, e] in the set? (Ranges are merged, so in one range.) */
bool rangeset_contains(const struct rangeset *rs, uint64_t s, uint64_t e);
/* Does any of [s, e] lie in the set? */
bool rangeset_overlaps(const struct rangeset *rs, uint64_t s, uint64_t e);
