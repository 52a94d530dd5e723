/* SPDX-License-Identifier: MIT */
/*
 * The hypervisor's memory after boot: host RAM that construction left
 * free (the boot ram_map, taken over by heap_init), handed out for what
 * domains are given at run time: single pages (shared_info, grant frames,
 * populated guest RAM, P2M pool pages) and contiguous ranges (a run-time
 * domain's structures, superpage extents). A freed page goes back into
 * the ranges when it borders one, else onto a list of single pages used
 * first; a freed range is merged with its neighbours. One global lock
 * (LOCK_HEAP, a leaf but for the grace lock: callers may hold their
 * domain's p2m_lock). Every page handed out is counted against the
 * domain that asked for it.
 *
 * The owner table: a heap page given to a domain as its own (populated
 * RAM) carries the domain's id, so that "whose page is this?" costs one
 * lookup however many pages a domain has (Xen's page_get_owner). It is
 * sparse: one leaf page of 16-bit owners per 8 MiB of host RAM, made
 * when the first owned page of that range is given and given back (after
 * a grace period: readers hold no lock) when the last one goes.
 */
#pragma once

#include <stdint.h>
#include <xenith/page_alloc.h>

/* From now on the heap owns *ram (boot allocations go through it too).
 * Also takes the owner table's directory from it. */
void heap_init(struct ram_map *ram);
/* A zeroed 4 KiB page, or 0 if host RAM is exhausted. */
uint64_t heap_alloc_page(void);
void heap_free_page(uint64_t pa);
/* bytes (a multiple of 4 KiB) of contiguous, zeroed memory aligned to
 * align (a power of two, at least 4 KiB), or 0. */
uint64_t heap_alloc_range(uint64_t bytes, uint64_t align);
void heap_free_range(uint64_t pa, uint64_t bytes);
uint64_t heap_free_bytes(void);
/* Memory boot kept that joins the heap for good (boot modules once the
 * domains are built): whole pages, inside the RAM the owner table spans
 * (what lies outside is left alone). The bytes taken. */
uint64_t heap_add_boot_range(uint64_t pa, uint64_t bytes);
/* From now on every allocation is refused and logged (Xen 4.17's static
 * configuration: everything a domain needs was reserved at boot). */
void heap_seal(void);
/* Allocations refused since the seal. */
uint64_t heap_refused(void);

/* The owner table. pages heap pages from pa become domain domid's (0,
 * or -1 if a leaf could not be made: nothing changed), or nobody's. */
int heap_set_owner(uint64_t pa, uint64_t pages, uint32_t domid);
void heap_clear_owner(uint64_t pa, uint64_t pages);
/* The domain id whose own heap page pa is, or -1. */
int heap_owner(uint64_t pa);
/* Bytes of the owner table (directory and leaves) in use. */
uint64_t heap_owner_bytes(void);
