/* SPDX-License-Identifier: MIT */
/*
 * Boot modules given back (Xen 4.17's discard_initial_modules). The
 * kernels, ramdisks and device-tree fragments the boot loader put in host
 * RAM are copied into their domains at construction; after that nothing
 * reads them, and their pages join the heap for run-time domains.
 *
 * Boot records every range the tree reserves (boot_range_record, from
 * reserve_in_use on CPU0 before any other CPU runs); boot_modules_give_back
 * then frees, once, the whole pages of each distinct module that lie in
 * one RAM bank and touch nothing else kept: the hypervisor, the tree,
 * reserved memory, static memory and shared regions, or another module
 * that overlaps without being the same range. Boot-only state: owned by
 * CPU0 during boot, no lock.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <xenith/config.h>

#define MAX_BOOT_RANGES 128

struct boot_range {
	uint64_t start, size;
	bool module;
};

/* The ranges as recorded; *overflow if more than MAX_BOOT_RANGES came
 * (then nothing may be given back: a static range may be missing). */
struct boot_ranges {
	struct boot_range r[MAX_BOOT_RANGES];
	int n;
	bool overflow;
};

void boot_range_record(struct boot_ranges *b, uint64_t start, uint64_t size, bool module);

/* Calls give(arg, pa, bytes) for each page-aligned piece that may be
 * freed, given the RAM banks and the other ranges that stay (keep).
 * Pure: the host unit tests run it. Returns the bytes handed to give. */
uint64_t boot_modules_plan(const struct boot_ranges *b, const struct mem_bank *banks,
			   int nbanks, const struct mem_bank *keep, int nkeep,
			   void (*give)(void *arg, uint64_t pa, uint64_t bytes), void *arg);
