/* SPDX-License-Identifier: MIT */
/* Assembler helpers and constants shared by .S files. */
#pragma once

#define STACK_SIZE 0x4000

/* MAIR: idx0 Device-nGnRnE, idx1 Normal WB RA/WA, idx2 Normal NC. */
#define MAIR_EL2_VALUE 0x44ff00
#define MT_DEVICE 0
#define MT_NORMAL 1
/* TCR_EL2: T0SZ=25 (39-bit VA), WBWA inner/outer, inner shareable,
 * 4K granule, PS=40-bit, RES1 bits 31 and 23. */
#define TCR_EL2_VALUE ((1 << 31) | (1 << 23) | (2 << 16) | (3 << 12) | \
		       (1 << 10) | (1 << 8) | 25)
/* SCTLR_EL2: RES1 bits | I | SA | C | M. */
#define SCTLR_EL2_VALUE (0x30c50830 | (1 << 12) | (1 << 3) | (1 << 2) | 1)

#ifdef __ASSEMBLER__
/* PC-relative address of a symbol anywhere within +/-4 GiB. */
.macro adr_l reg, sym
	adrp	\reg, \sym
	add	\reg, \reg, :lo12:\sym
.endm
#endif
