/* SPDX-License-Identifier: MIT */
/*
 * Nanosecond time stamps from a 62.5 MHz counter (assembly macros).
 *
 * Under QEMU with -icount shift=0 every instruction advances virtual time
 * by exactly 1 ns, and each counter read is the last instruction of its
 * translation block, so it sees every instruction before it and itself.
 * The counter ticks every P ns (P = 16 at 62.5 MHz): one read only says
 * "somewhere in this 16 ns window". STAMP reads the counter 17 times in a
 * row (reads i = 0..16 happen at t0 + i); the number j of reads that still
 * show the first value k places the edge: t0 + j = (k + 1) * P, so
 *
 *     t0 = (k + 1) * P - j          exact to the instruction (P <= 16).
 *
 * The tail is branch-free, so a stamp always costs the same number of
 * instructions and stamp-to-stamp intervals can be calibrated once.
 *
 * STAMP cnt, acc, per: reads register cnt (cntvct_el0 or cntpct_el0) into
 * x1..x17, leaves t0 (ns of the first read, counter time base) in acc;
 * per is a register holding P (ns per tick). Clobbers x1-x17 and acc; acc
 * and per must not be x1-x17.
 * STAMP_J cnt, acc: only the reads: k in x1, j in acc (for the entry code,
 * which has no register to spare for P before its first read).
 */
#pragma once

#define STAMP_READS 17

#ifdef __ASSEMBLY__
.macro	STAMP_J cnt, acc
	mrs	x1, \cnt
	mrs	x2, \cnt
	mrs	x3, \cnt
	mrs	x4, \cnt
	mrs	x5, \cnt
	mrs	x6, \cnt
	mrs	x7, \cnt
	mrs	x8, \cnt
	mrs	x9, \cnt
	mrs	x10, \cnt
	mrs	x11, \cnt
	mrs	x12, \cnt
	mrs	x13, \cnt
	mrs	x14, \cnt
	mrs	x15, \cnt
	mrs	x16, \cnt
	mrs	x17, \cnt
	mov	\acc, #1			/* read 0 itself */
	.irp	r, x2, x3, x4, x5, x6, x7, x8, x9, x10, x11, x12, x13, x14, x15, x16, x17
	cmp	\r, x1
	cinc	\acc, \acc, eq
	.endr
.endm

.macro	STAMP cnt, acc, per
	STAMP_J	\cnt, \acc
	add	x1, x1, #1
	mul	x1, x1, \per
	sub	\acc, x1, \acc
.endm
#endif
