// SPDX-License-Identifier: MIT
/* Run-time page allocation (heap.h). */
#include <arch/spinlock.h>
#include <xenith/arch-api.h>
#include <xenith/console.h>
#include <xenith/heap.h>
#include <xenith/lock_order.h>

#define PAGE_SIZE 4096ULL

static spinlock_t heap_lock;
static struct ram_map *free_ram;   /* untouched ranges */
static uint64_t free_list;         /* freed pages, linked through their first word */
static uint64_t free_list_pages;
static bool sealed;                /* every domain static: no allocation after boot */
static uint64_t refused;

void heap_init(struct ram_map *ram)
{
	spin_lock_init(&heap_lock, LOCK_HEAP);
	free_ram = ram;
}

uint64_t heap_alloc_page(void)
{
	uint64_t pa;

	spin_lock(&heap_lock);
	if (sealed) {
		uint64_t n = ++refused;

		spin_unlock(&heap_lock);
		/* The first few, then every 1024th: a guest that keeps
		 * asking cannot flood the console. */
		if (n <= 4 || !(n & 1023))
			printk("heap: sealed (every domain is static): allocation %llu refused\n",
			       (unsigned long long)n);
		return 0;
	}
	pa = free_list;
	if (pa) {
		free_list = *(volatile uint64_t *)(uintptr_t)pa;
		free_list_pages--;
	} else {
		pa = ram_map_alloc(free_ram, PAGE_SIZE, PAGE_SIZE);
	}
	spin_unlock(&heap_lock);
	if (pa)
		arch_clear_memory(pa, PAGE_SIZE);
	return pa;
}

void heap_free_page(uint64_t pa)
{
	spin_lock(&heap_lock);
	*(volatile uint64_t *)(uintptr_t)pa = free_list;
	free_list = pa;
	free_list_pages++;
	spin_unlock(&heap_lock);
}

uint64_t heap_free_bytes(void)
{
	uint64_t n;

	spin_lock(&heap_lock);
	n = ram_map_free_bytes(free_ram) + free_list_pages * PAGE_SIZE;
	spin_unlock(&heap_lock);
	return n;
}

void heap_seal(void)
{
	spin_lock(&heap_lock);
	sealed = true;
	spin_unlock(&heap_lock);
}

uint64_t heap_refused(void)
{
	return __atomic_load_n(&refused, __ATOMIC_RELAXED);
}
