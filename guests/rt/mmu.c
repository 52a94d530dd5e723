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
#include "rt.h"

#define DESC_BLOCK   0x1ull
#define DESC_ATTR(i) ((uint64_t)(i) << 2)
#define DESC_SH_IS   (3ull << 8)
#define DESC_AF      (1ull << 10)
#define DESC_PXN     (1ull << 53)
#define DESC_UXN     (1ull << 54)

#define MAIR_DEVICE_nGnRnE 0x00ull  /* attribute index 0 */
#define MAIR_NORMAL_WB     0xffull  /* attribute index 1 */

#define SCTLR_M (1ull << 0)
#define SCTLR_A (1ull << 1)
#define SCTLR_C (1ull << 2)
#define SCTLR_I (1ull << 12)
#define SCTLR_WXN (1ull << 19)

#define GIB (1ull << 30)

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
	uint64_t parange = read_sysreg(id_aa64mmfr0_el1) & 0xf;
	if (parange > 5)
		parange = 5;
	uint64_t tcr = 25                /* T0SZ: 39-bit VAs */
		       | (0ull << 8)     /* IRGN0: walks non-cacheable */
		       | (0ull << 10)    /* ORGN0 */
		       | (0ull << 14)    /* TG0: 4 KiB */
		       | (1ull << 23)    /* EPD1: no TTBR1 walks */
		       | (parange << 32); /* IPS */
	uint64_t mair = MAIR_DEVICE_nGnRnE | (MAIR_NORMAL_WB << 8);
	__asm__ volatile("dsb sy\n\t"
			 "msr mair_el1, %0\n\t"
			 "msr tcr_el1, %1\n\t"
			 "msr ttbr0_el1, %2\n\t"
			 "isb\n\t"
			 "tlbi vmalle1\n\t"
			 "dsb nsh\n\t"
			 "isb"
			 :
			 : "r"(mair), "r"(tcr), "r"((uint64_t)(uintptr_t)l1_table)
			 : "memory");
	uint64_t sctlr = read_sysreg(sctlr_el1);
	sctlr |= SCTLR_M | SCTLR_C | SCTLR_I;
	sctlr &= ~(SCTLR_A | SCTLR_WXN);
	__asm__ volatile("msr sctlr_el1, %0\n\t"
			 "isb\n\t"
			 "ic iallu\n\t"
			 "dsb nsh\n\t"
			 "isb"
			 :
			 : "r"(sctlr)
			 : "memory");
}
