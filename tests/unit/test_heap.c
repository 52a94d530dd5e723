// SPDX-License-Identifier: MIT
/*
 * Host tests of the run-time heap (hyp/common/heap.c) with what it
 * leans on: grace periods (grace.c) and heap-backed lists (page_list.c).
 *
 *  - pages and ranges come zeroed from the free ranges, freed ones are
 *    used again or merged back, and the free count is exact;
 *  - once sealed (every domain static) every allocation is refused and
 *    counted, the free memory untouched;
 *  - the owner table: a page given to a domain answers its id, leaves
 *    come and go with the owned pages (the last one after a grace
 *    period), and free memory comes back to what it was;
 *  - grace periods: memory handed to grace_free_later() waits until every
 *    CPU that was up has passed a quiescent point; a period asked for
 *    during another is the next one;
 *  - page lists: add, pop, remove in any order, nodes freed;
 *  - boot modules given back after construction (boot_modules.c): only
 *    whole pages of distinct modules in RAM that touch nothing kept, once
 *    however many domains share one; heap_add_boot_range takes only
 *    whole pages inside the owner table's span.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <arch/spinlock.h>
#include <xenith/boot_modules.h>
#include <xenith/grace.h>
#include <xenith/heap.h>
#include <xenith/page_list.h>
#include "check.h"

#define PAGE 4096ULL

void (*fake_spin_hook)(spinlock_t *l, int taking);
static int printed;
static unsigned int cpu;           /* the "current" CPU */
static unsigned int kicked;        /* CPUs kicked (mask) */

void arch_clear_memory(uint64_t pa, uint64_t size)
{
	memset((void *)(uintptr_t)pa, 0, size);
}

int printk(const char *fmt, ...)
{
	(void)fmt;
	return ++printed;
}

unsigned int arch_cpu_id(void)
{
	return cpu;
}

uint64_t arch_time_ns(void)
{
	static uint64_t t;

	return t += 1000;
}

void arch_cpu_kick(unsigned int c)
{
	kicked |= 1U << c;
}

static struct ram_map ram;

/* A fresh heap over `pages` pages (aligned to 8 MiB, one owner leaf's
 * span, so leaves are predictable). */
static uint8_t *new_heap(uint64_t pages)
{
	void *p = NULL;
	uint8_t *mem;
	struct mem_bank bank;

	if (posix_memalign(&p, 8 << 20, pages * PAGE))
		abort();
	mem = p;
	bank = (struct mem_bank){ (uintptr_t)mem, pages * PAGE };

	memset(mem, 0xaa, pages * PAGE);
	ram_map_init(&ram, &bank, 1);
	heap_init(&ram);
	return mem;
}

static void test_alloc_free_seal(void)
{
	uint8_t *mem = new_heap(9);   /* one page goes to the owner table */
	struct mem_bank bank = { (uintptr_t)mem, 9 * PAGE };
	uint64_t p[8];

	CHECK_EQ(heap_free_bytes(), 8 * PAGE);
	CHECK_EQ(heap_owner_bytes(), PAGE);
	for (int i = 0; i < 8; i++) {
		p[i] = heap_alloc_page();
		CHECK(p[i] >= bank.base && p[i] < bank.base + bank.size && !(p[i] % PAGE));
		CHECK(((uint8_t *)(uintptr_t)p[i])[100] == 0);   /* zeroed */
	}
	CHECK_EQ(heap_alloc_page(), 0);                          /* exhausted */
	CHECK_EQ(heap_free_bytes(), 0);
	memset((void *)(uintptr_t)p[3], 0x55, PAGE);
	heap_free_page(p[3]);
	CHECK_EQ(heap_free_bytes(), PAGE);
	CHECK_EQ(heap_alloc_page(), p[3]);                      /* used again, */
	CHECK(((uint8_t *)(uintptr_t)p[3])[7] == 0);             /* zeroed again */
	heap_free_page(p[5]);

	/* Sealed: refused, counted, logged, the free page left as it is. */
	heap_seal();
	printed = 0;
	for (int i = 0; i < 10; i++)
		CHECK_EQ(heap_alloc_page(), 0);
	CHECK_EQ(heap_alloc_range(2 * PAGE, PAGE), 0);
	CHECK_EQ(heap_refused(), 11);
	CHECK_EQ(printed, 4);                                    /* the first four */
	CHECK_EQ(heap_free_bytes(), PAGE);
	free(mem);
}

/* Ranges: aligned, zeroed, merged back; single pages freed next to the
 * free ranges go back into them, so a range fits again afterwards. */
static void test_ranges(void)
{
	uint8_t *mem = new_heap(1024 + 1);
	uint64_t free0 = heap_free_bytes(), r, t, s, pages[64];

	r = heap_alloc_range(512 * PAGE, 512 * PAGE);
	CHECK(r && !(r % (512 * PAGE)));
	CHECK(((uint8_t *)(uintptr_t)r)[512 * PAGE - 1] == 0);
	CHECK_EQ(heap_free_bytes(), free0 - 512 * PAGE);
	t = heap_alloc_range(3 * PAGE, PAGE);
	CHECK(t != 0);
	CHECK_EQ(heap_alloc_range(PAGE + 1, PAGE), 0);           /* not whole pages */
	for (int i = 0; i < 64; i++)
		pages[i] = heap_alloc_page();
	heap_free_range(r, 512 * PAGE);
	heap_free_range(t, 3 * PAGE);
	/* Freed the other way round from how they came: each borders the
	 * free range below it and merges, and the heap is one range again. */
	for (int i = 63; i >= 0; i--)
		heap_free_page(pages[i]);
	CHECK_EQ(ram.n, 1);
	s = heap_alloc_range(1024 * PAGE, PAGE);
	CHECK(s != 0);
	heap_free_range(s, 1024 * PAGE);
	CHECK_EQ(heap_free_bytes(), free0);
	free(mem);
}

/* The owner table: owners answered, leaves made and given back a grace
 * period after their last owned page, free memory exact again. */
static void test_owners(void)
{
	uint8_t *mem = new_heap(4096 + 1);   /* two 8 MiB leaves' worth */
	uint64_t free0, a, b;

	grace_cpu_up(0);
	cpu = 0;
	free0 = heap_free_bytes();
	a = heap_alloc_page();
	b = heap_alloc_range(16 * PAGE, PAGE);
	CHECK_EQ(heap_owner(a), -1);
	CHECK_EQ(heap_set_owner(a, 1, 7), 0);
	CHECK_EQ(heap_set_owner(b, 16, 0x7fef), 0);
	CHECK_EQ(heap_owner(a), 7);
	CHECK_EQ(heap_owner(b + 15 * PAGE), 0x7fef);
	CHECK_EQ(heap_owner(b - PAGE), -1);
	CHECK_EQ(heap_owner(0x1000), -1);                       /* outside the heap */
	CHECK_EQ(heap_set_owner(0x1000, 1, 3), -1);
	CHECK(heap_owner_bytes() > PAGE);                        /* a leaf was made */
	heap_clear_owner(b, 16);
	heap_clear_owner(a, 1);
	CHECK_EQ(heap_owner(a), -1);
	heap_free_page(a);
	heap_free_range(b, 16 * PAGE);
	/* The empty leaf waits for a grace period: this CPU's quiescent
	 * point ends it, the reaper gives the page back. */
	CHECK(grace_pending_bytes() > 0);
	grace_quiescent();
	grace_reap();
	CHECK_EQ(grace_pending_bytes(), 0);
	CHECK_EQ(heap_free_bytes(), free0);
	CHECK_EQ(heap_owner_bytes(), PAGE);
	free(mem);
}

/* Grace periods over three CPUs: memory waits for each of them. */
static void test_grace(void)
{
	uint8_t *mem = new_heap(64 + 1);
	uint64_t free0, p, q, t;

	for (unsigned int c = 0; c < 3; c++)
		grace_cpu_up(c);
	cpu = 0;
	kicked = 0;
	free0 = heap_free_bytes();
	p = heap_alloc_range(2 * PAGE, PAGE);
	grace_free_later(p, 2 * PAGE);
	CHECK_EQ(kicked, 0x7);                    /* every CPU, the caller too */
	CHECK(grace_reap());                      /* still waiting */
	cpu = 1;
	grace_quiescent();
	cpu = 0;
	grace_quiescent();
	CHECK_EQ(heap_free_bytes(), free0 - 2 * PAGE);
	/* A second period asked for meanwhile is the next one. */
	q = heap_alloc_page();
	grace_free_later(q, PAGE);
	cpu = 2;
	grace_quiescent();                        /* ends the first, starts the second */
	CHECK(grace_reap());                      /* p goes, q waits */
	CHECK_EQ(heap_free_bytes(), free0 - PAGE);
	for (cpu = 0; cpu < 3; cpu++)
		grace_quiescent();
	CHECK(!grace_reap());
	CHECK_EQ(heap_free_bytes(), free0);
	/* grace_passed: the caller counts as quiescent; the others not yet. */
	cpu = 1;
	t = grace_begin();
	CHECK(!grace_passed(t));
	cpu = 0;
	grace_quiescent();
	cpu = 2;
	CHECK(grace_passed(t));
	CHECK(grace_passed(t - 1));
	free(mem);
}

static void test_page_list(void)
{
	uint8_t *mem = new_heap(64 + 1);
	struct page_list l = { 0 };
	uint64_t free0 = heap_free_bytes(), v;

	for (uint64_t i = 1; i <= 1200; i++)
		CHECK_EQ(page_list_add(&l, i), 0);
	CHECK_EQ(l.count, 1200);
	CHECK_EQ(l.nodes, 3);                     /* 509 entries a node */
	CHECK_EQ(heap_free_bytes(), free0 - 3 * PAGE);
	CHECK(page_list_remove(&l, 5));           /* the last takes its place */
	CHECK(!page_list_remove(&l, 5));
	CHECK(page_list_remove(&l, 1199));
	CHECK(page_list_remove(&l, 1200));        /* now the last one itself */
	CHECK_EQ(l.count, 1197);
	CHECK(page_list_pop(&l, &v));
	CHECK_EQ(v, 1197);
	for (uint64_t n = l.count; n; n--)
		CHECK(page_list_pop(&l, &v));
	CHECK(!page_list_pop(&l, &v));
	CHECK_EQ(l.nodes, 0);
	CHECK_EQ(heap_free_bytes(), free0);
	free(mem);
}

/* ---- boot modules given back ------------------------------------------------ */

#define MB (1ULL << 20)
static uint64_t given[8][2];
static int ngiven;

static void give(void *arg, uint64_t pa, uint64_t bytes)
{
	(void)arg;
	if (ngiven < 8) {
		given[ngiven][0] = pa;
		given[ngiven][1] = bytes;
	}
	ngiven++;
}

/* The plan for ranges r (n of them) in RAM 0x40000000-0x80000000 with the
 * tree blob at 0x48000000 kept: the pieces given, in ngiven/given. */
static uint64_t plan(const struct boot_range *r, int n, bool overflow)
{
	static const struct mem_bank banks[] = { { 0x40000000, 1024 * MB } };
	static const struct mem_bank keep[] = { { 0x48000000, 0x2000 } };
	struct boot_ranges b = { .n = 0 };

	for (int i = 0; i < n; i++)
		boot_range_record(&b, r[i].start, r[i].size, r[i].module);
	b.overflow = b.overflow || overflow;
	ngiven = 0;
	return boot_modules_plan(&b, banks, 1, keep, 1, give, NULL);
}

static void test_boot_modules_plan(void)
{
	const struct boot_range one[] = { { 0x50000000, 32 * MB, true } };
	const struct boot_range odd[] = { { 0x50000800, 3 * 4096, true } };
	const struct boot_range shared[] = { { 0x50000000, MB, true }, { 0x51000000, 4096, false },
					     { 0x50000000, MB, true }, { 0x50000000, MB, true } };
	const struct boot_range on_static[] = { { 0x50000000, MB, true },
						{ 0x500ff000, 0x2000, false } };
	const struct boot_range on_keep[] = { { 0x47fff000, 0x3000, true } };
	const struct boot_range beyond[] = { { 0x7ff00000, 2 * MB, true } };
	const struct boot_range crossed[] = { { 0x50000000, MB, true },
					      { 0x50080000, MB, true }, { 0x60000000, MB, true } };
	const struct boot_range tiny[] = { { 0x50000010, 100, true } };
	const struct boot_range statics[] = { { 0x50000000, MB, false } };

	CASE("one module, whole", {
		CHECK_EQ(plan(one, 1, false), 32 * MB);
		CHECK_EQ(ngiven, 1);
		CHECK_EQ(given[0][0], 0x50000000);
	});
	CASE("unaligned: the whole pages inside", {
		CHECK_EQ(plan(odd, 1, false), 2 * 4096);
		CHECK_EQ(given[0][0], 0x50001000);
	});
	CASE("a module shared by three domains: given once", {
		CHECK_EQ(plan(shared, 4, false), MB);
		CHECK_EQ(ngiven, 1);
	});
	CASE("overlapping static memory: kept", CHECK_EQ(plan(on_static, 2, false), 0));
	CASE("overlapping the tree: kept", CHECK_EQ(plan(on_keep, 1, false), 0));
	CASE("partly beyond RAM: kept", CHECK_EQ(plan(beyond, 1, false), 0));
	CASE("two modules crossing: both kept, a third given", {
		CHECK_EQ(plan(crossed, 3, false), MB);
		CHECK_EQ(given[0][0], 0x60000000);
	});
	CASE("less than a page: nothing", CHECK_EQ(plan(tiny, 1, false), 0));
	CASE("static ranges are never given", CHECK_EQ(plan(statics, 1, false), 0));
	CASE("more ranges than recorded: nothing", CHECK_EQ(plan(one, 1, true), 0));
	CASE("the record fills up", {
		struct boot_ranges b = { .n = 0 };

		for (int i = 0; i <= MAX_BOOT_RANGES; i++)
			boot_range_record(&b, 0x50000000 + (uint64_t)i * MB, MB, true);
		CHECK(b.overflow);
		CHECK_EQ(b.n, MAX_BOOT_RANGES);
	});
}

/* Kept memory joining the heap: whole pages inside the owner span only. */
static void test_add_boot_range(void)
{
	uint8_t *mem = new_heap(2048);   /* one 8 MiB leaf's span */
	uint64_t base = (uintptr_t)mem, free0;

	/* Boot reserved the middle 1 MiB (a module). */
	CHECK(ram_map_reserve(&ram, base + 4 * MB, MB));
	free0 = heap_free_bytes();
	CHECK_EQ(heap_add_boot_range(base + 4 * MB + 1, 4096), 0);   /* not a page */
	CHECK_EQ(heap_add_boot_range(base + 4 * MB, 100), 0);
	CHECK_EQ(heap_add_boot_range(base - 4096, 8192), 0);          /* below the span */
	CHECK_EQ(heap_add_boot_range(base + 8 * MB - 4096, 8192), 0); /* past it */
	CHECK_EQ(heap_free_bytes(), free0);
	CHECK_EQ(heap_add_boot_range(base + 4 * MB, MB), MB);
	CHECK_EQ(heap_free_bytes(), free0 + MB);
	CHECK_EQ(ram.n, 1);                                           /* merged back */
	free(mem);
}

int main(void)
{
	RUN(test_ranges);
	RUN(test_owners);
	RUN(test_grace);
	RUN(test_page_list);
	test_boot_modules_plan();
	RUN(test_add_boot_range);
	RUN(test_alloc_free_seal);   /* last: it seals the heap */
	return check_done("test_heap");
}
