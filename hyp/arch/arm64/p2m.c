// SPDX-License-Identifier: MIT
/* Stage-2 table construction and lookup (see arch/p2m.h). */
#include <stdbool.h>
#include <arch/p2m.h>

#define PAGE_SHIFT 12
#define ENTRIES 512
#define DESC_VALID   0x1ULL
#define DESC_TABLE   0x3ULL /* at levels 1-2 */
#define DESC_PAGE    0x3ULL /* at level 3 */
#define DESC_BLOCK   0x1ULL
#define DESC_AF      (1ULL << 10)
#define DESC_SH_IS   (3ULL << 8)
#define DESC_S2AP_RW (3ULL << 6)
#define DESC_XN      (2ULL << 53)
#define MEMATTR_NORMAL_WB (0xfULL << 2)
#define MEMATTR_DEVICE_NGNRE (0x1ULL << 2)
#define ADDR_MASK    0x0000fffffffff000ULL
/* Software bit (ignored by the walker): another domain's page, mapped
 * here by a foreign mapping, which holds a reference on that domain. */
#define DESC_SW_FOREIGN (1ULL << 55)
/* Software bit: a page another domain granted, mapped by a grant map
 * (its mapping is tracked by the mapper's maptrack, not by the entry). */
#define DESC_SW_GRANT   (1ULL << 56)
#define DESC_S2AP_RO    (1ULL << 6)

static unsigned shift_of(int level)
{
	return PAGE_SHIFT + 9 * (unsigned)(3 - level);
}

static uint64_t *table(uint64_t pa)
{
	return (uint64_t *)(uintptr_t)pa;
}

static uint64_t leaf_attrs(enum p2m_type t)
{
	if (t == P2M_MMIO)
		return DESC_AF | DESC_S2AP_RW | DESC_XN | MEMATTR_DEVICE_NGNRE;
	if (t == P2M_FOREIGN)
		return DESC_AF | DESC_SH_IS | DESC_S2AP_RW | DESC_XN | MEMATTR_NORMAL_WB |
		       DESC_SW_FOREIGN;
	if (t == P2M_GRANT_RW || t == P2M_GRANT_RO)
		return DESC_AF | DESC_SH_IS | DESC_XN | MEMATTR_NORMAL_WB | DESC_SW_GRANT |
		       (t == P2M_GRANT_RW ? DESC_S2AP_RW : DESC_S2AP_RO);
	return DESC_AF | DESC_SH_IS | DESC_S2AP_RW | MEMATTR_NORMAL_WB;
}

uint64_t p2m_new_root(struct page_pool *pool)
{
	uint64_t root = page_pool_alloc(pool);

	if (root)
		for (int i = 0; i < ENTRIES; i++)
			table(root)[i] = 0;
	return root;
}

/* A table of 512 entries that maps exactly what the block at `level`
 * mapped, one level down. */
static uint64_t split_block(uint64_t blk, int level, struct page_pool *pool)
{
	uint64_t t = page_pool_alloc(pool);
	uint64_t step = 1ULL << shift_of(level + 1);
	uint64_t attrs = blk & ~ADDR_MASK & ~3ULL;
	uint64_t type = level + 1 == 3 ? DESC_PAGE : DESC_BLOCK;

	if (!t)
		return 0;
	for (uint64_t i = 0; i < ENTRIES; i++)
		table(t)[i] = ((blk & ADDR_MASK) + i * step) | attrs | type;
	return t;
}

/* Next-level table under *e (at `level`), allocated from the pool when
 * absent, or made by splitting the block that is there. */
static uint64_t next_table(uint64_t *e, int level, struct page_pool *pool)
{
	uint64_t t;

	if ((*e & 3) == DESC_TABLE)
		return *e & ADDR_MASK;
	t = (*e & DESC_VALID) ? split_block(*e, level, pool) : p2m_new_root(pool);
	if (!t)
		return 0;
	if (*e & DESC_VALID) {
		/* Break before make: the guest may be using the block. */
		*e = 0;
		p2m_flush_tlb();
	}
	/* A release store: the table's contents (zeroes, or the split
	 * block's pages) are visible to other CPUs' walkers before the
	 * pointer to it is, so none caches a stale entry through it. */
	__atomic_store_n(e, t | DESC_TABLE, __ATOMIC_RELEASE);
	return t;
}

static int map_level(uint64_t tbl, int level, struct page_pool *pool,
		     uint64_t ipa, uint64_t pa, uint64_t size, enum p2m_type t)
{
	unsigned sh = shift_of(level);
	uint64_t blk = 1ULL << sh;

	while (size) {
		uint64_t *e = &table(tbl)[(ipa >> sh) & (ENTRIES - 1)];
		uint64_t chunk = blk - (ipa & (blk - 1));
		bool leaf_ok = level == 3 ||
			       (level >= 1 && !((ipa | pa) & (blk - 1)) && size >= blk);

		if (chunk > size)
			chunk = size;
		if (leaf_ok) {
			bool replace = (*e & DESC_VALID) != 0;

			if (replace) {
				*e = 0;
				p2m_flush_tlb();
			}
			__atomic_store_n(e, (pa & ADDR_MASK) | leaf_attrs(t) |
					 (level == 3 ? DESC_PAGE : DESC_BLOCK),
					 __ATOMIC_RELEASE);
		} else {
			uint64_t next = next_table(e, level, pool);

			if (!next || map_level(next, level + 1, pool, ipa, pa, chunk, t))
				return -1;
		}
		ipa += chunk;
		pa += chunk;
		size -= chunk;
	}
	return 0;
}

int p2m_map(uint64_t root, struct page_pool *pool, uint64_t ipa, uint64_t pa,
	    uint64_t size, enum p2m_type t)
{
	uint64_t page_mask = (1ULL << PAGE_SHIFT) - 1;

	if (((ipa | pa | size) & page_mask) || !size ||
	    ipa + size > (1ULL << P2M_IPA_BITS) || ipa + size < ipa)
		return -1;
	return map_level(root, 1, pool, ipa, pa, size, t);
}

int p2m_lookup(uint64_t root, uint64_t ipa, uint64_t *pa)
{
	enum p2m_type t;

	return p2m_lookup_ext(root, ipa, pa, &t);
}

int p2m_lookup_ext(uint64_t root, uint64_t ipa, uint64_t *pa, enum p2m_type *t)
{
	uint64_t tbl = root;

	if (ipa >> P2M_IPA_BITS)
		return 0;
	for (int level = 1; level <= 3; level++) {
		unsigned sh = shift_of(level);
		uint64_t e = table(tbl)[(ipa >> sh) & (ENTRIES - 1)];

		if (!(e & DESC_VALID))
			return 0;
		if (level == 3 || (e & 3) == DESC_BLOCK) {
			*pa = (e & ADDR_MASK & ~((1ULL << sh) - 1)) |
			      (ipa & ((1ULL << sh) - 1));
			*t = (e & DESC_SW_FOREIGN) ? P2M_FOREIGN :
			     (e & DESC_SW_GRANT) ? ((e & DESC_S2AP_RW) == DESC_S2AP_RW ? P2M_GRANT_RW
										: P2M_GRANT_RO) :
			     P2M_RAM;
			return 1;
		}
		tbl = e & ADDR_MASK;
	}
	return 0;
}

int p2m_unmap_page(uint64_t root, struct page_pool *pool, uint64_t ipa)
{
	uint64_t tbl = root;

	if (ipa >> P2M_IPA_BITS)
		return -1;
	for (int level = 1; level <= 3; level++) {
		uint64_t *e = &table(tbl)[(ipa >> shift_of(level)) & (ENTRIES - 1)];

		if (!(*e & DESC_VALID))
			return -1;
		if (level == 3) {
			*e = 0;
			p2m_flush_tlb();
			return 0;
		}
		/* A block around the page is split (break-before-make). */
		tbl = next_table(e, level, pool);
		if (!tbl)
			return -2;
	}
	return -1;
}

/* Level 3 entries of one table: each foreign page to fn. */
static void each_foreign(uint64_t tbl, int level, void (*fn)(void *arg, uint64_t pa), void *arg)
{
	for (uint64_t i = 0; i < ENTRIES; i++) {
		uint64_t e = table(tbl)[i];

		if (!(e & DESC_VALID))
			continue;
		if (level < 3 && (e & 3) == DESC_TABLE)
			each_foreign(e & ADDR_MASK, level + 1, fn, arg);
		else if (level == 3 && (e & DESC_SW_FOREIGN))
			fn(arg, e & ADDR_MASK);
	}
}

void p2m_each_foreign(uint64_t root, void (*fn)(void *arg, uint64_t pa), void *arg)
{
	if (root)
		each_foreign(root, 1, fn, arg);
}
