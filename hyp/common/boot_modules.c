// SPDX-License-Identifier: MIT
/* Boot modules given back to the heap after construction (boot_modules.h). */
#include <xenith/boot_modules.h>
#include <xenith/lib.h>

#define PAGE_SIZE 4096ULL

void boot_range_record(struct boot_ranges *b, uint64_t start, uint64_t size, bool module)
{
	if (!size)
		return;
	if (b->n == MAX_BOOT_RANGES) {
		b->overflow = true;
		return;
	}
	b->r[b->n++] = (struct boot_range){ start, size, module };
}

static bool overlaps(uint64_t s0, uint64_t e0, uint64_t s1, uint64_t e1)
{
	return s0 < e1 && s1 < e0;
}

/* Inside one bank, wholly. */
static bool in_ram(const struct mem_bank *banks, int n, uint64_t s, uint64_t e)
{
	for (int i = 0; i < n; i++)
		if (s >= banks[i].base && e <= banks[i].base + banks[i].size)
			return true;
	return false;
}

/* Module i's pages [s, e) clash with nothing recorded but itself (or its
 * twins: the same range named again, by a domain sharing the module). */
static bool alone(const struct boot_ranges *b, int i, uint64_t s, uint64_t e)
{
	const struct boot_range *m = &b->r[i];

	for (int j = 0; j < b->n; j++) {
		const struct boot_range *o = &b->r[j];
		bool twin = o->module && o->start == m->start && o->size == m->size;

		if (j != i && !twin && overlaps(s, e, o->start, o->start + o->size))
			return false;
	}
	return true;
}

/* An earlier record is the same module: it was given back then. */
static bool seen_before(const struct boot_ranges *b, int i)
{
	for (int j = 0; j < i; j++)
		if (b->r[j].module && b->r[j].start == b->r[i].start &&
		    b->r[j].size == b->r[i].size)
			return true;
	return false;
}

uint64_t boot_modules_plan(const struct boot_ranges *b, const struct mem_bank *banks,
			   int nbanks, const struct mem_bank *keep, int nkeep,
			   void (*give)(void *arg, uint64_t pa, uint64_t bytes), void *arg)
{
	uint64_t total = 0;

	if (b->overflow)
		return 0;
	for (int i = 0; i < b->n; i++) {
		const struct boot_range *m = &b->r[i];
		/* Only whole pages: the partial ones at the ends may be shared
		 * with whatever lies next to the module. */
		uint64_t s = ALIGN_UP(m->start, PAGE_SIZE);
		uint64_t e = ALIGN_DOWN(m->start + m->size, PAGE_SIZE);
		bool clash = false;

		if (!m->module || e <= s || s < m->start || m->start + m->size < m->start ||
		    seen_before(b, i))
			continue;
		for (int k = 0; k < nkeep && !clash; k++)
			clash = overlaps(s, e, keep[k].base, keep[k].base + keep[k].size);
		if (clash || !in_ram(banks, nbanks, s, e) || !alone(b, i, s, e))
			continue;
		give(arg, s, e - s);
		total += e - s;
	}
	return total;
}
