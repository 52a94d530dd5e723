/* SPDX-License-Identifier: MIT */
/*
 * Stage-2 translation tables (4 KiB granule, 39-bit IPA, walk starting at
 * level 1). Table pages come only from the domain's P2M pool. Pure table
 * manipulation, host-testable: physical addresses are used as pointers
 * (the hypervisor identity-maps RAM).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <xenith/page_alloc.h>

#define P2M_IPA_BITS 39

enum p2m_type {
	P2M_RAM,   /* normal write-back, read/write/execute */
	P2M_MMIO,  /* device-nGnRE, read/write, never execute */
	P2M_FOREIGN, /* another domain's RAM page (a foreign mapping) */
	P2M_GRANT_RW, /* a page another domain granted (a grant mapping) */
	P2M_GRANT_RO,
};

/* Allocates an empty root table from the pool; 0 if the pool is empty. */
uint64_t p2m_new_root(struct page_pool *pool);
/* Maps [ipa, ipa+size) -> [pa, ...), using 1 GiB and 2 MiB blocks where
 * alignment allows; an existing mapping is replaced (blocks are split,
 * break-before-make). 0, or -1 if the pool runs out or the range is bad. */
int p2m_map(uint64_t root, struct page_pool *pool, uint64_t ipa, uint64_t pa,
	    uint64_t size, enum p2m_type t);
/* Removes the 4 KiB page mapping at ipa; a 1 GiB or 2 MiB block around it
 * is split first. 0, -1 if nothing is mapped there, -2 if the pool has no
 * page left for the split. */
int p2m_unmap_page(uint64_t root, struct page_pool *pool, uint64_t ipa);
/* Calls fn with the page of every foreign entry (P2M_FOREIGN) of the
 * tables, for a teardown (the tables do not change meanwhile). */
void p2m_each_foreign(uint64_t root, void (*fn)(void *arg, uint64_t pa), void *arg);
/* Translates an IPA; returns 0 (and leaves *pa) if unmapped. */
int p2m_lookup(uint64_t root, uint64_t ipa, uint64_t *pa);
/* The same, also giving the entry's kind: P2M_FOREIGN, P2M_GRANT_*, or
 * P2M_RAM for anything else (RAM, MMIO). */
int p2m_lookup_ext(uint64_t root, uint64_t ipa, uint64_t *pa, enum p2m_type *t);
/* Invalidates the current VMID's stage-2 TLB entries on all CPUs after an
 * entry was removed (provided by the arch; a no-op in host tests). */
void p2m_flush_tlb(void);
