/* SPDX-License-Identifier: MIT */
/*
 * Host memory allocation. At boot, host RAM minus everything already in
 * use (hypervisor image, device tree, boot modules, reserved regions) is a
 * list of free ranges; guest RAM and per-domain pools are carved from it.
 * After boot nothing is allocated. Pure logic, host-testable.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <xenith/config.h>

/* Each distinct boot module splits a range: room for far more than Xen's
 * 32 boot modules. */
#define MAX_FREE_RANGES 512

struct ram_map {
	struct mem_bank free[MAX_FREE_RANGES];
	int n;
};

void ram_map_init(struct ram_map *m, const struct mem_bank *banks, int n);
/* Removes [base, base+size) from the free ranges; false if that would need
 * more ranges than the table holds. */
bool ram_map_reserve(struct ram_map *m, uint64_t base, uint64_t size);
/* Allocates size bytes aligned to align (power of two), highest address
 * first so low memory stays for boot modules. 0 on failure. */
uint64_t ram_map_alloc(struct ram_map *m, uint64_t size, uint64_t align);
/* The same, lowest address first (dom0's 1:1 RAM, which Xen places as
 * low as it can). 0 on failure. */
uint64_t ram_map_alloc_low(struct ram_map *m, uint64_t size, uint64_t align);
/* Gives [base, base+size) back (it must not be free already), merged
 * with its neighbours; false if that would need more ranges than the
 * table holds (the range is then lost). */
bool ram_map_free(struct ram_map *m, uint64_t base, uint64_t size);
/* The same only if the range borders a free one (no new range is made);
 * false, and nothing changed, otherwise. */
bool ram_map_free_adjacent(struct ram_map *m, uint64_t base, uint64_t size);
uint64_t ram_map_free_bytes(const struct ram_map *m);

/* A pool of 4 KiB pages reserved for one purpose (a domain's stage-2
 * tables): a contiguous range given at construction, and pages added one
 * at a time later (a run-time domain's, XEN_DOMCTL_set_paging_mempool_size),
 * kept on a list linked through their first word while unused. Pages
 * handed out are never taken back before the domain goes. */
struct page_pool {
	uint64_t base;     /* the contiguous part: physical, page aligned */
	uint64_t cont;     /* its pages */
	uint64_t cont_used;
	uint64_t free;     /* added pages not handed out, 0: none */
	uint64_t nr_free;
	uint64_t pages;    /* capacity: contiguous and added */
	uint64_t used;     /* pages handed out */
};

void page_pool_init(struct page_pool *p, uint64_t base, uint64_t pages);
/* Next page of the pool, or 0 when exhausted. */
uint64_t page_pool_alloc(struct page_pool *p);
/* One more page (pa) for the pool. */
void page_pool_add(struct page_pool *p, uint64_t pa);
/* An added page not handed out leaves the pool: its address, or 0. */
uint64_t page_pool_shrink(struct page_pool *p);
