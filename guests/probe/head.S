/* SPDX-License-Identifier: MIT */
/*
 * Entry, arm64 Image header and EL1 vectors of the latency probe.
 *
 * The first instruction a hypervisor (or QEMU) runs is the branch at
 * _text_start; the one after it reads CNTPCT_EL0, which under QEMU counts
 * from power-on, so "power-on to first guest instruction" is that stamp
 * minus one instruction. The IRQ vector stamps the counter after a fixed,
 * known number of instructions (irq_entry .. irq_stamp) so the latency of
 * an interrupt can be computed to the instruction.
 */
#include "stamp.h"

#define STACK_SIZE 0x4000

	.section .head, "ax"
	.global _text_start
_text_start:
	b	primary_entry		/* code0 */
	.long	0			/* code1 */
	.quad	PROBE_TEXT_OFFSET	/* text_offset (probe.ld) */
	.quad	_image_size		/* image_size: file + bss + stacks */
	.quad	0x2			/* flags: LE, 4K pages */
	.quad	0			/* res2 */
	.quad	0			/* res3 */
	.quad	0			/* res4 */
	.ascii	"ARM\x64"		/* magic */
	.long	0			/* res5 (no PE header) */

	.text
	.global primary_entry
primary_entry:
	/* x0 = DTB: keep it. x1..x17 and x18 are free at entry. */
	STAMP_J	cntpct_el0, x18
	mov	x20, x1				/* k */
	mov	x21, x18			/* j */
	mov	x19, x0				/* DTB */
	msr	daifset, #0xf
	adr	x1, probe_vectors
	msr	vbar_el1, x1
	isb
	ldr	x1, =_bss_start
	ldr	x2, =_stacks_end
1:	cmp	x1, x2
	b.hs	2f
	str	xzr, [x1], #8
	b	1b
2:	dsb	sy
	ldr	x1, =_stacks
	add	x1, x1, #STACK_SIZE
	mov	sp, x1
	msr	daifclr, #4			/* SErrors reported */
	mov	x0, x19
	mov	x1, x20
	mov	x2, x21
	bl	probe_main
3:	wfi
	b	3b

/* PSCI CPU_ON entry: x0 = context id = CPU index (1..7). */
	.global probe_secondary_entry
probe_secondary_entry:
	msr	daifset, #0xf
	adr	x1, probe_vectors
	msr	vbar_el1, x1
	isb
	and	x0, x0, #7
	ldr	x1, =_stacks
	add	x2, x0, #1
	mov	x3, #STACK_SIZE
	madd	x1, x2, x3, x1
	mov	sp, x1
	msr	daifclr, #4
	bl	probe_secondary_main
4:	wfi
	b	4b

/*
 * Vectors. IRQs from EL1h (the only IRQs the probe takes) go to the fast
 * path; everything else builds a struct exc_frame and calls the runtime's
 * exc_handle (report and halt, or resume an armed fault).
 */
#define FRAME_SIZE (34 * 8)

.macro	ventry idx
	.balign	0x80
	sub	sp, sp, #FRAME_SIZE
	stp	x0, x1, [sp, #0]
	mov	x1, #\idx
	b	slow_common
.endm

	.section .text.vectors, "ax"
	.balign	0x800
	.global probe_vectors
probe_vectors:
	ventry	0
	ventry	1
	ventry	2
	ventry	3
	ventry	4
	.balign	0x80			/* 0x280: IRQ, current EL, SPx */
	b	irq_entry
	ventry	6
	ventry	7
	ventry	8
	ventry	9
	ventry	10
	ventry	11
	ventry	12
	ventry	13
	ventry	14
	ventry	15

/*
 * IRQ fast path: save the caller-saved registers, stamp, call
 * irq_handle(j, k) with the raw stamp (the C side turns it into ns).
 * Straight-line from the vector to irq_stamp: the vector's first
 * instruction ran (irq_stamp - irq_entry) / 4 + 1 instructions before the
 * stamp's first read. Handlers run with IRQs masked (no nesting).
 */
	.global irq_entry, irq_stamp
irq_entry:
	sub	sp, sp, #(20 * 8)
	stp	x0, x1, [sp, #0]
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
	stp	x18, x30, [sp, #144]
irq_stamp:
	STAMP_J	cntvct_el0, x0
	bl	irq_handle
	ldp	x18, x30, [sp, #144]
	ldp	x16, x17, [sp, #128]
	ldp	x14, x15, [sp, #112]
	ldp	x12, x13, [sp, #96]
	ldp	x10, x11, [sp, #80]
	ldp	x8, x9, [sp, #64]
	ldp	x6, x7, [sp, #48]
	ldp	x4, x5, [sp, #32]
	ldp	x2, x3, [sp, #16]
	ldp	x0, x1, [sp, #0]
	add	sp, sp, #(20 * 8)
	eret

slow_common:
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
	stp	x18, x19, [sp, #144]
	stp	x20, x21, [sp, #160]
	stp	x22, x23, [sp, #176]
	stp	x24, x25, [sp, #192]
	stp	x26, x27, [sp, #208]
	stp	x28, x29, [sp, #224]
	mrs	x2, elr_el1
	mrs	x3, spsr_el1
	stp	x30, x2, [sp, #240]
	str	x3, [sp, #256]
	mov	x0, sp
	bl	exc_handle
	ldp	x30, x2, [sp, #240]
	ldr	x3, [sp, #256]
	msr	elr_el1, x2
	msr	spsr_el1, x3
	ldp	x2, x3, [sp, #16]
	ldp	x4, x5, [sp, #32]
	ldp	x6, x7, [sp, #48]
	ldp	x8, x9, [sp, #64]
	ldp	x10, x11, [sp, #80]
	ldp	x12, x13, [sp, #96]
	ldp	x14, x15, [sp, #112]
	ldp	x16, x17, [sp, #128]
	ldp	x18, x19, [sp, #144]
	ldp	x20, x21, [sp, #160]
	ldp	x22, x23, [sp, #176]
	ldp	x24, x25, [sp, #192]
	ldp	x26, x27, [sp, #208]
	ldp	x28, x29, [sp, #224]
	ldp	x0, x1, [sp, #0]
	add	sp, sp, #FRAME_SIZE
	eret
