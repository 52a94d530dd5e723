// SPDX-License-Identifier: MIT
/*
 * Host tests of the run-time page heap (hyp/common/heap.c): pages come
 * zeroed from the free ranges, freed pages are used again, the free count
 * is right, and once sealed (every domain static) every allocation is
 * refused and counted, the free memory untouched.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <arch/spinlock.h>
#include <xenith/heap.h>
#include "check.h"

#define PAGE 4096ULL

void (*fake_spin_hook)(spinlock_t *l, int taking);
static int printed;

void arch_clear_memory(uint64_t pa, uint64_t size)
{
	memset((void *)(uintptr_t)pa, 0, size);
}

int printk(const char *fmt, ...)
{
	(void)fmt;
	return ++printed;
}

static void test_alloc_free_seal(void)
{
	static struct ram_map ram;
	uint8_t *mem = aligned_alloc(PAGE, 8 * PAGE);
	struct mem_bank bank = { (uintptr_t)mem, 8 * PAGE };
	uint64_t p[8];

	memset(mem, 0xaa, 8 * PAGE);
	ram_map_init(&ram, &bank, 1);
	heap_init(&ram);
	CHECK_EQ(heap_free_bytes(), 8 * PAGE);
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
	CHECK_EQ(heap_refused(), 10);
	CHECK_EQ(printed, 4);                                    /* the first four */
	CHECK_EQ(heap_free_bytes(), PAGE);
	free(mem);
}

int main(void)
{
	RUN(test_alloc_free_seal);
	return check_done("test_heap");
}
