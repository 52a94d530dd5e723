/* SPDX-License-Identifier: MIT */
/*
 * The hypervisor's memory after boot: host RAM that construction left
 * free (the boot ram_map, taken over by heap_init), handed out a page at
 * a time for what domains grow at run time (grant-table frames), with
 * freed pages kept on a list for reuse. One global lock (LOCK_HEAP, a
 * leaf: callers may hold their domain's p2m_lock). Every page handed out
 * is counted against the domain that asked for it.
 */
#pragma once

#include <stdint.h>
#include <xenith/page_alloc.h>

/* From now on the heap owns *ram (boot allocations go through it too). */
void heap_init(struct ram_map *ram);
/* A zeroed 4 KiB page, or 0 if host RAM is exhausted. */
uint64_t heap_alloc_page(void);
void heap_free_page(uint64_t pa);
uint64_t heap_free_bytes(void);
/* From now on every allocation is refused and logged (Xen 4.17's static
 * configuration: everything a domain needs was reserved at boot). */
void heap_seal(void);
/* Allocations refused since the seal. */
uint64_t heap_refused(void);
