// SPDX-License-Identifier: MIT
/*
 * Host tests of the stage-2 table code (hyp/arch/arm64/p2m.c) and the boot
 * RAM map and page pools (hyp/common/page_alloc.c). On the host a
 * "physical address" of a table page is a pointer into a malloc'd pool,
 * which is what the identity-mapped hypervisor does too.
 */
#include <stdlib.h>
#include <arch/p2m.h>
#include <xenith/page_alloc.h>
#include "check.h"

#define KiB 1024ULL
#define MiB (1024 * KiB)
#define GiB (1024 * MiB)

static int flushes;

void p2m_flush_tlb(void)
{
	flushes++;
}

static struct page_pool new_pool(unsigned pages)
{
	struct page_pool p;
	void *mem = aligned_alloc(4096, pages * 4096);

	page_pool_init(&p, (uint64_t)(uintptr_t)mem, pages);
	return p;
}

static void test_ram_map(void)
{
	struct mem_bank banks[] = { { 0x40000000, 2 * GiB }, { 0, 0 } };
	struct ram_map m;
	uint64_t a, b;

	ram_map_init(&m, banks, 2);
	CHECK_EQ(m.n, 1); /* empty bank dropped */
	CHECK(ram_map_reserve(&m, 0x40200000, 2 * MiB)); /* splits */
	CHECK_EQ(m.n, 2);
	CHECK_EQ(ram_map_free_bytes(&m), 2 * GiB - 2 * MiB);
	a = ram_map_alloc(&m, 64 * MiB, 2 * MiB);
	CHECK_EQ(a, 0xc0000000 - 64 * MiB); /* highest first */
	b = ram_map_alloc(&m, 4096, 4096);
	CHECK_EQ(b, a - 4096);
	CHECK(ram_map_reserve(&m, 0x40000000, 4 * MiB)); /* covers a range */
	CHECK_EQ(m.free[0].base, 0x40400000);
	CHECK_EQ(ram_map_alloc(&m, 4 * GiB, 4096), 0); /* too big */
	/* Alignment is honoured even when the top is unaligned. */
	a = ram_map_alloc(&m, 2 * MiB, 2 * MiB);
	CHECK_EQ(a & (2 * MiB - 1), 0);
	CHECK(a + 2 * MiB <= b);
}

static void test_ram_map_full(void)
{
	struct mem_bank bank = { 0, 1 * GiB };
	struct ram_map m;
	bool ok = true;

	ram_map_init(&m, &bank, 1);
	for (int i = 0; i < MAX_FREE_RANGES - 1; i++)
		ok = ok && ram_map_reserve(&m, (uint64_t)(2 * i + 1) * MiB, 4096);
	CHECK(ok);
	CHECK_EQ(m.n, MAX_FREE_RANGES);
	CHECK(!ram_map_reserve(&m, 900 * MiB, 4096)); /* table full: refused */
}

/* Allocations given back merge with their neighbours: after freeing
 * everything in any order the map is what it was. */
static void test_ram_map_free(void)
{
	struct mem_bank banks[2] = { { 0x40000000, 256 * MiB }, { 0x80000000, 64 * MiB } };
	struct ram_map m;
	uint64_t a[6];

	ram_map_init(&m, banks, 2);
	CHECK(ram_map_reserve(&m, 0x40200000, 2 * MiB));        /* the "image" */
	uint64_t before = ram_map_free_bytes(&m);
	int n0 = m.n;

	a[0] = ram_map_alloc(&m, 16 * MiB, 2 * MiB);
	a[1] = ram_map_alloc(&m, 4096, 4096);
	a[2] = ram_map_alloc(&m, 60 * MiB, 2 * MiB);
	a[3] = ram_map_alloc(&m, 8192, 4096);
	a[4] = ram_map_alloc(&m, 100 * MiB, 2 * MiB);
	a[5] = ram_map_alloc(&m, 4096, 4096);
	for (int i = 0; i < 6; i++)
		CHECK(a[i]);
	/* Out of order: middle, ends, then the rest. */
	CHECK(ram_map_free(&m, a[2], 60 * MiB));
	CHECK(ram_map_free(&m, a[5], 4096));
	CHECK(ram_map_free(&m, a[0], 16 * MiB));
	CHECK(ram_map_free(&m, a[3], 8192));
	CHECK(ram_map_free(&m, a[1], 4096));
	CHECK(ram_map_free(&m, a[4], 100 * MiB));
	CHECK_EQ(ram_map_free_bytes(&m), before);
	CHECK_EQ(m.n, n0);
	for (int i = 1; i < m.n; i++)
		CHECK(m.free[i - 1].base + m.free[i - 1].size < m.free[i].base);
	/* The image stays out. */
	CHECK(m.free[0].base == 0x40000000 && m.free[0].size == 2 * MiB);
	CHECK(m.free[1].base == 0x40400000);
}

static void test_pool(void)
{
	struct page_pool p = new_pool(2);
	uint64_t a = page_pool_alloc(&p), b = page_pool_alloc(&p);

	CHECK(a && b && b == a + 4096);
	CHECK_EQ(page_pool_alloc(&p), 0);
	free((void *)(uintptr_t)p.base);
}

static void test_map_blocks(void)
{
	struct page_pool pool = new_pool(8);
	uint64_t root = p2m_new_root(&pool), pa = 0;

	CHECK(root);
	CHECK_EQ(p2m_map(root, &pool, 0x40000000, 0x80000000, 64 * MiB, P2M_RAM), 0);
	CHECK_EQ(pool.used, 2); /* root + one level-2 table of 2 MiB blocks */
	CHECK(p2m_lookup(root, 0x40000000, &pa));
	CHECK_EQ(pa, 0x80000000);
	CHECK(p2m_lookup(root, 0x43ffffff, &pa));
	CHECK_EQ(pa, 0x83ffffff);
	CHECK(!p2m_lookup(root, 0x44000000, &pa)); /* just past the end */
	CHECK(!p2m_lookup(root, 0x3ffff000, &pa)); /* just before */
	CHECK(!p2m_lookup(root, 1ULL << 39, &pa)); /* outside the IPA space */
	/* A 1 GiB-aligned gigabyte is one level-1 block: no new table. */
	CHECK_EQ(p2m_map(root, &pool, 0x200000000ULL, 0x100000000ULL, GiB, P2M_RAM), 0);
	CHECK_EQ(pool.used, 2);
	CHECK(p2m_lookup(root, 0x23fffffffULL, &pa));
	CHECK_EQ(pa, 0x13fffffffULL);
	free((void *)(uintptr_t)pool.base);
}

static void test_split(void)
{
	struct page_pool pool = new_pool(8);
	uint64_t root = p2m_new_root(&pool), pa = 0;
	int before;

	p2m_map(root, &pool, 0x40000000, 0x80000000, 4 * MiB, P2M_RAM);
	before = flushes;
	/* Replacing one page inside a 2 MiB block splits it. */
	CHECK_EQ(p2m_map(root, &pool, 0x40101000, 0xdead000, 4096, P2M_RAM), 0);
	CHECK(flushes > before); /* break-before-make flushed the TLB */
	CHECK(p2m_lookup(root, 0x40101234, &pa));
	CHECK_EQ(pa, 0xdead234);
	CHECK(p2m_lookup(root, 0x40100000, &pa));
	CHECK_EQ(pa, 0x80100000); /* neighbours keep their mapping */
	CHECK(p2m_lookup(root, 0x40102000, &pa));
	CHECK_EQ(pa, 0x80102000);
	CHECK(p2m_lookup(root, 0x40300000, &pa));
	CHECK_EQ(pa, 0x80300000); /* the other block is untouched */
	/* A page in an unmapped gigabyte needs level-2 and level-3 tables. */
	CHECK_EQ(p2m_map(root, &pool, 0x38000000, 0xbeef000, 4096, P2M_RAM), 0);
	CHECK(p2m_lookup(root, 0x38000000, &pa));
	CHECK_EQ(pa, 0xbeef000);
	CHECK(!p2m_lookup(root, 0x38001000, &pa));
	free((void *)(uintptr_t)pool.base);
}

static void test_unmap(void)
{
	struct page_pool pool = new_pool(8);
	uint64_t root = p2m_new_root(&pool), pa = 0;
	int before;

	p2m_map(root, &pool, 0x40000000, 0x80000000, 4 * MiB, P2M_RAM);
	p2m_map(root, &pool, 0x38000000, 0xbeef000, 4096, P2M_RAM);
	before = flushes;
	CHECK_EQ(p2m_unmap_page(root, &pool, 0x38000000), 0);
	CHECK(flushes > before);
	CHECK(!p2m_lookup(root, 0x38000000, &pa));
	CHECK_EQ(p2m_unmap_page(root, &pool, 0x38000000), -1);  /* already gone */
	/* A page inside a 2 MiB block: the block is split, only that page goes. */
	before = flushes;
	CHECK_EQ(p2m_unmap_page(root, &pool, 0x40201000), 0);
	CHECK(flushes >= before + 2); /* break-before-make, then the page */
	CHECK(!p2m_lookup(root, 0x40201000, &pa));
	CHECK(p2m_lookup(root, 0x40200000, &pa));
	CHECK_EQ(pa, 0x80200000);
	CHECK(p2m_lookup(root, 0x40202000, &pa));
	CHECK_EQ(pa, 0x80202000);
	CHECK(p2m_lookup(root, 0x40000000, &pa));        /* the other block stays */
	CHECK_EQ(pa, 0x80000000);
	CHECK_EQ(p2m_unmap_page(root, &pool, 0x7000000000ULL), -1); /* never mapped */
	CHECK_EQ(p2m_unmap_page(root, &pool, 1ULL << 39), -1);  /* outside the IPA space */
	free((void *)(uintptr_t)pool.base);
}

/* No page left to split a block: the mapping stays whole. */
static void test_unmap_pool_empty(void)
{
	struct page_pool pool = new_pool(2);
	uint64_t root = p2m_new_root(&pool), pa = 0;

	CHECK_EQ(p2m_map(root, &pool, 0x40000000, 0x80000000, 2 * MiB, P2M_RAM), 0);
	CHECK_EQ(pool.used, pool.pages);
	CHECK_EQ(p2m_unmap_page(root, &pool, 0x40001000), -2);
	CHECK(p2m_lookup(root, 0x40001000, &pa));
	CHECK_EQ(pa, 0x80001000);
	free((void *)(uintptr_t)pool.base);
}

static void test_refusals(void)
{
	struct page_pool pool = new_pool(2);
	uint64_t root = p2m_new_root(&pool);

	CHECK_EQ(p2m_map(root, &pool, 0x40000800, 0x80000000, 4096, P2M_RAM), -1);
	CHECK_EQ(p2m_map(root, &pool, 0x40000000, 0x80000000, 100, P2M_RAM), -1);
	CHECK_EQ(p2m_map(root, &pool, 0x40000000, 0x80000000, 0, P2M_RAM), -1);
	CHECK_EQ(p2m_map(root, &pool, (1ULL << 39) - 4096, 0, 8192, P2M_RAM), -1);
	CHECK_EQ(p2m_map(root, &pool, ~0ULL & ~0xfffULL, 0, 4096, P2M_RAM), -1);
	/* One page left: a 4 KiB mapping needs a level-2 and a level-3
	 * table, so the pool runs out and the call fails cleanly. */
	CHECK_EQ(p2m_map(root, &pool, 0x40000000, 0x80000000, 4096, P2M_RAM), -1);
	free((void *)(uintptr_t)pool.base);
}

int main(void)
{
	RUN(test_ram_map);
	RUN(test_ram_map_full);
	RUN(test_ram_map_free);
	RUN(test_pool);
	RUN(test_map_blocks);
	RUN(test_split);
	RUN(test_unmap);
	RUN(test_unmap_pool_empty);
	RUN(test_refusals);
	return check_done("test_p2m");
}
