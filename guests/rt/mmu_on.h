/* SPDX-License-Identifier: MIT */
/*
 * What mmu.c and mmu_extra.c share: the descriptor and register bits, and
 * mmu_switch_on(), which turns the EL1 MMU on over a level-1 table
 * written with the MMU off. Inline, so that each file's code stays as it
 * was (the probe's image is part of what make bench measures).
 */
#pragma once

#include "rt.h"

#define DESC_BLOCK   0x1ull         /* level 1/2 */
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

/* 39-bit VAs from TTBR0 alone, 4 KiB granule; the table walks are
 * non-cacheable, so nothing comes from a stale line of the tables the
 * caller wrote with the MMU (and so the caches) off. */
static inline void mmu_switch_on(const uint64_t *l1)
{
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
			 : "r"(mair), "r"(tcr), "r"((uint64_t)(uintptr_t)l1)
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
