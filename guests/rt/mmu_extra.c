// SPDX-License-Identifier: MIT
/*
 * mmu_enable_identity_extra (rt.h): mmu.c's identity map, plus one more
 * range mapped Normal write-back inner-shareable, e.g. a region of memory
 * shared with another guest that lies outside guest RAM. Where the range
 * does not fill a 1 GiB block it is mapped with 2 MiB blocks and 4 KiB
 * pages, the rest of that block staying Device-nGnRnE, execute-never.
 *
 * A file of its own, linked into the testguest only: the latency probe
 * keeps mmu.c alone, byte for byte (its image size and layout are part of
 * what make bench measures). Both turn the MMU on with mmu_on.h's
 * mmu_switch_on().
 */
#include "mmu_on.h"

#define DESC_TABLE   0x3ull         /* level 1/2: next-level table */
#define DESC_PAGE    0x3ull         /* level 3: 4 KiB page */
#define NORMAL_ATTRS (DESC_ATTR(1) | DESC_SH_IS | DESC_AF)
#define DEVICE_ATTRS (DESC_ATTR(0) | DESC_AF | DESC_PXN | DESC_UXN)
#define ADDR_MASK    0xfffffffff000ull
#define MIB2 (1ull << 21)

static uint64_t l1[512] __attribute__((aligned(4096)));
/* A level-2 table for each of the (at most two) 1 GiB blocks the range
 * covers only partly, a level-3 table for each end that does not fill a
 * 2 MiB block. */
#define NR_SUBTABLES 4
static uint64_t sub[NR_SUBTABLES][512] __attribute__((aligned(4096)));
static unsigned sub_used;

static bool is_normal(uint64_t desc)
{
	return (desc & DESC_ATTR(7)) == DESC_ATTR(1);
}

/* The table a level-1/2 entry points to, made from its block first if it
 * is one (same attributes, split into 512 entries of the next size). */
static uint64_t *split(uint64_t *entry, uint64_t base, uint64_t step, uint64_t type)
{
	if ((*entry & 3) == DESC_TABLE)
		return (uint64_t *)(uintptr_t)(*entry & ADDR_MASK);
	if (sub_used == NR_SUBTABLES)
		return NULL;
	uint64_t *t = sub[sub_used++];
	uint64_t attrs = is_normal(*entry) ? NORMAL_ATTRS : DEVICE_ATTRS;
	for (uint64_t k = 0; k < 512; k++)
		t[k] = (base + k * step) | type | attrs;
	*entry = (uint64_t)(uintptr_t)t | DESC_TABLE;
	return t;
}

bool mmu_enable_identity_extra(uint64_t ram_base, uint64_t ram_end,
			       uint64_t x_base, uint64_t x_end)
{
	if (x_end <= x_base || x_end > 512 * GIB || (x_base | x_end) & 0xfff)
		return false;
	for (uint64_t i = 0; i < 512; i++) {
		uint64_t start = i * GIB, end = start + GIB;
		bool ram = start < ram_end && ram_base < end;
		l1[i] = start | DESC_BLOCK | (ram ? NORMAL_ATTRS : DEVICE_ATTRS);
	}
	sub_used = 0;
	for (uint64_t a = x_base; a < x_end;) {
		uint64_t i = a / GIB;
		if ((l1[i] & 3) == DESC_BLOCK && is_normal(l1[i])) {
			a = (i + 1) * GIB;      /* a RAM block: Normal already */
			continue;
		}
		if (a == i * GIB && x_end >= (i + 1) * GIB) {
			l1[i] = a | DESC_BLOCK | NORMAL_ATTRS;
			a += GIB;
			continue;
		}
		uint64_t *l2 = split(&l1[i], i * GIB, MIB2, DESC_BLOCK);
		if (!l2)
			return false;
		uint64_t j = (a - i * GIB) / MIB2;
		if (a == j * MIB2 + i * GIB && x_end >= a + MIB2) {
			l2[j] = a | DESC_BLOCK | NORMAL_ATTRS;
			a += MIB2;
			continue;
		}
		uint64_t *l3 = split(&l2[j], i * GIB + j * MIB2, 4096, DESC_PAGE);
		if (!l3)
			return false;
		l3[(a >> 12) & 511] = a | DESC_PAGE | NORMAL_ATTRS;
		a += 4096;
	}

	mmu_switch_on(l1);
	return true;
}
