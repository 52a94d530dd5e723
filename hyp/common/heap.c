// SPDX-License-Identifier: MIT
/* Run-time page allocation and the owner table (heap.h). */
#include <arch/spinlock.h>
#include <xenith/arch-api.h>
#include <xenith/console.h>
#include <xenith/grace.h>
#include <xenith/heap.h>
#include <xenith/lib.h>
#include <xenith/lock_order.h>

#define PAGE_SIZE 4096ULL
#define OWN_SHIFT 23                               /* 8 MiB per leaf */
#define OWN_PER_LEAF (1U << (OWN_SHIFT - 12))      /* 2048 owners, one page */

static spinlock_t heap_lock;
static struct ram_map *free_ram;   /* untouched ranges */
static uint64_t free_list;         /* freed pages, linked through their first word */
static uint64_t free_list_pages;
static bool sealed;                /* every domain static: no allocation after boot */
static uint64_t refused;

/* The owner table's directory: one entry per 8 MiB of the RAM the heap
 * spans. leaf and used change under heap_lock; leaf is read without it
 * (heap_owner), a leaf taken away being freed only after a grace period. */
struct own_dir {
	uint16_t *leaf;    /* domid + 1 per page, 0: nobody's */
	uint32_t used;     /* owned pages in the leaf */
	uint32_t pad;
};
static struct own_dir *own_dir;
static uint64_t own_base, own_regions, own_dir_bytes, own_leaves;

void heap_init(struct ram_map *ram)
{
	uint64_t lo = ~0ULL, hi = 0;

	spin_lock_init(&heap_lock, LOCK_HEAP);
	free_ram = ram;
	free_list = free_list_pages = refused = 0;
	sealed = false;
	own_dir = NULL;
	own_base = own_regions = own_dir_bytes = own_leaves = 0;
	for (int i = 0; i < ram->n; i++) {
		lo = MIN(lo, ram->free[i].base);
		hi = MAX(hi, ram->free[i].base + ram->free[i].size);
	}
	if (hi <= lo)
		return;
	own_base = ALIGN_DOWN(lo, 1ULL << OWN_SHIFT);
	own_regions = (ALIGN_UP(hi, 1ULL << OWN_SHIFT) - own_base) >> OWN_SHIFT;
	own_dir_bytes = ALIGN_UP(own_regions * sizeof(struct own_dir), PAGE_SIZE);
	own_dir = (struct own_dir *)(uintptr_t)ram_map_alloc(ram, own_dir_bytes, PAGE_SIZE);
	if (own_dir)
		memset(own_dir, 0, own_dir_bytes);
	else
		own_regions = own_dir_bytes = 0;
}

/* A page from the free list or the ranges (lock held), not zeroed. */
static uint64_t take_page_locked(void)
{
	uint64_t pa = free_list;

	if (pa) {
		free_list = *(volatile uint64_t *)(uintptr_t)pa;
		free_list_pages--;
		return pa;
	}
	return ram_map_alloc(free_ram, PAGE_SIZE, PAGE_SIZE);
}

static void put_page_locked(uint64_t pa)
{
	if (ram_map_free_adjacent(free_ram, pa, PAGE_SIZE))
		return;
	*(volatile uint64_t *)(uintptr_t)pa = free_list;
	free_list = pa;
	free_list_pages++;
}

/* Sealed: refused, and said on the console (the first few times, then
 * every 1024th: a guest that keeps asking cannot flood it). Lock held;
 * drops it. */
static uint64_t refuse_unlock(void)
{
	uint64_t n = ++refused;

	spin_unlock(&heap_lock);
	if (n <= 4 || !(n & 1023))
		printk("heap: sealed (every domain is static): allocation %llu refused\n",
		       (unsigned long long)n);
	return 0;
}

uint64_t heap_alloc_page(void)
{
	uint64_t pa;

	spin_lock(&heap_lock);
	if (sealed)
		return refuse_unlock();
	pa = take_page_locked();
	spin_unlock(&heap_lock);
	if (pa)
		arch_clear_memory(pa, PAGE_SIZE);
	return pa;
}

void heap_free_page(uint64_t pa)
{
	spin_lock(&heap_lock);
	put_page_locked(pa);
	spin_unlock(&heap_lock);
}

uint64_t heap_alloc_range(uint64_t bytes, uint64_t align)
{
	uint64_t pa;

	if (!bytes || bytes % PAGE_SIZE)
		return 0;
	if (bytes == PAGE_SIZE && align <= PAGE_SIZE)
		return heap_alloc_page();
	spin_lock(&heap_lock);
	if (sealed)
		return refuse_unlock();
	pa = ram_map_alloc(free_ram, bytes, MAX(align, PAGE_SIZE));
	spin_unlock(&heap_lock);
	if (pa)
		arch_clear_memory(pa, bytes);
	return pa;
}

void heap_free_range(uint64_t pa, uint64_t bytes)
{
	spin_lock(&heap_lock);
	/* A full range table (never seen: 512 ranges) must not lose the
	 * memory: it goes onto the page list instead. */
	if (!ram_map_free(free_ram, pa, bytes))
		for (uint64_t off = 0; off < bytes; off += PAGE_SIZE)
			put_page_locked(pa + off);
	spin_unlock(&heap_lock);
}

uint64_t heap_add_boot_range(uint64_t pa, uint64_t bytes)
{
	uint64_t span_end = own_base + (own_regions << OWN_SHIFT);

	if ((pa | bytes) % PAGE_SIZE || !bytes || pa < own_base || pa + bytes < pa ||
	    pa + bytes > span_end)
		return 0;
	heap_free_range(pa, bytes);
	return bytes;
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

/* ---- the owner table ------------------------------------------------------- */

static bool own_region(uint64_t pa, uint64_t *r, uint64_t *idx)
{
	if (pa < own_base || ((pa - own_base) >> OWN_SHIFT) >= own_regions)
		return false;
	*r = (pa - own_base) >> OWN_SHIFT;
	*idx = ((pa - own_base) >> 12) & (OWN_PER_LEAF - 1);
	return true;
}

/* Leaves of regions [r0, r1] that have none (lock held); false if the
 * heap has no page for one (those made stay, empty). */
static bool make_leaves_locked(uint64_t r0, uint64_t r1)
{
	for (uint64_t r = r0; r <= r1; r++) {
		uint64_t pa;

		if (own_dir[r].leaf)
			continue;
		pa = take_page_locked();
		if (!pa)
			return false;
		memset((void *)(uintptr_t)pa, 0, PAGE_SIZE);
		__atomic_store_n(&own_dir[r].leaf, (uint16_t *)(uintptr_t)pa, __ATOMIC_RELEASE);
		own_leaves++;
	}
	return true;
}

/* An empty leaf goes (lock held): returned for grace_free_later(). */
static uint64_t drop_leaf_locked(uint64_t r)
{
	uint64_t leaf = (uint64_t)(uintptr_t)own_dir[r].leaf;

	if (!leaf || own_dir[r].used)
		return 0;
	__atomic_store_n(&own_dir[r].leaf, NULL, __ATOMIC_RELEASE);
	own_leaves--;
	return leaf;
}

/* Empty leaves of regions [r0, r1] go, a grace period later. */
static void drop_empty_leaves(uint64_t r0, uint64_t r1)
{
	for (uint64_t r = r0; r <= r1; r++) {
		uint64_t leaf;

		spin_lock(&heap_lock);
		leaf = drop_leaf_locked(r);
		spin_unlock(&heap_lock);
		if (leaf)
			grace_free_later(leaf, PAGE_SIZE);
	}
}

int heap_set_owner(uint64_t pa, uint64_t pages, uint32_t domid)
{
	uint64_t r0, r1, idx;

	if (!pages || !own_region(pa, &r0, &idx) ||
	    !own_region(pa + (pages - 1) * PAGE_SIZE, &r1, &idx))
		return -1;
	spin_lock(&heap_lock);
	if (!make_leaves_locked(r0, r1)) {
		spin_unlock(&heap_lock);
		drop_empty_leaves(r0, r1);
		return -1;
	}
	for (uint64_t i = 0; i < pages; i++) {
		uint64_t r = 0;

		own_region(pa + i * PAGE_SIZE, &r, &idx);
		if (!own_dir[r].leaf[idx])
			own_dir[r].used++;
		__atomic_store_n(&own_dir[r].leaf[idx], (uint16_t)(domid + 1), __ATOMIC_RELEASE);
	}
	spin_unlock(&heap_lock);
	return 0;
}

void heap_clear_owner(uint64_t pa, uint64_t pages)
{
	uint64_t r0, r1, idx;

	if (!pages || !own_region(pa, &r0, &idx) ||
	    !own_region(pa + (pages - 1) * PAGE_SIZE, &r1, &idx))
		return;
	spin_lock(&heap_lock);
	for (uint64_t i = 0; i < pages; i++) {
		uint64_t r = 0;

		own_region(pa + i * PAGE_SIZE, &r, &idx);
		if (own_dir[r].leaf && own_dir[r].leaf[idx]) {
			__atomic_store_n(&own_dir[r].leaf[idx], 0, __ATOMIC_RELEASE);
			own_dir[r].used--;
		}
	}
	spin_unlock(&heap_lock);
	drop_empty_leaves(r0, r1);
}

int heap_owner(uint64_t pa)
{
	uint64_t r, idx;
	const uint16_t *leaf;
	uint16_t v;

	if (!own_region(pa, &r, &idx))
		return -1;
	leaf = __atomic_load_n(&own_dir[r].leaf, __ATOMIC_ACQUIRE);
	if (!leaf)
		return -1;
	v = __atomic_load_n(&leaf[idx], __ATOMIC_ACQUIRE);
	return v ? (int)v - 1 : -1;
}

uint64_t heap_owner_bytes(void)
{
	uint64_t n;

	spin_lock(&heap_lock);
	n = own_dir_bytes + own_leaves * PAGE_SIZE;
	spin_unlock(&heap_lock);
	return n;
}
