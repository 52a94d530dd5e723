// SPDX-License-Identifier: MIT
/*
 * EL1 stage-1 identity map, for guests that share memory with the
 * hypervisor. One level-1 table of 1 GiB blocks covers a 39-bit VA space
 * (T0SZ = 25, 4 KiB granule): guest RAM is Normal write-back, everything
 * else Device-nGnRnE and never executable.
 *
 * The table is written with the MMU off, i.e. straight to memory, so the
 * table walks are made non-cacheable: nothing can then come from a stale
 * cache line.
 */
#include "mmu_on.h"

static uint64_t l1_table[512] __attribute__((aligned(4096)));

void mmu_enable_identity(uint64_t ram_base, uint64_t ram_end)
{
	for (uint64_t i = 0; i < 512; i++) {
		uint64_t start = i * GIB, end = start + GIB;
		bool ram = start < ram_end && ram_base < end;
		l1_table[i] = start | DESC_BLOCK | DESC_AF |
			      (ram ? DESC_ATTR(1) | DESC_SH_IS
				   : DESC_ATTR(0) | DESC_PXN | DESC_UXN);
	}
	mmu_switch_on(l1_table);
}
