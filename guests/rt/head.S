/* SPDX-License-Identifier: MIT */
/*
 * Entry, Linux arm64 Image header and EL1 exception vectors of the test
 * guests. Register contract at _text (arm64 boot protocol): x0 = IPA of the
 * device tree, EL1, MMU and caches off, interrupts masked.
 */
#define STACK_SIZE 0x4000

	.section .head, "ax"
	.global _text_start
_text_start:
	b	primary_entry		/* code0 */
	.long	0			/* code1 */
	.quad	0			/* text_offset */
	.quad	_image_size		/* image_size: file + bss + stacks */
	.quad	0x2			/* flags: LE, 4K pages */
	.quad	0			/* res2 */
	.quad	0			/* res3 */
	.quad	0			/* res4 */
	.ascii	"ARM\x64"		/* magic */
	.long	0			/* res5 (no PE header) */

	.text
primary_entry:
	mov	x19, x0				/* DTB */
	msr	daifset, #0xf
	adr	x1, vectors
	msr	vbar_el1, x1
	isb
	/* Clear BSS (and stacks) before anything uses memory. */
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
	/* Report SErrors from now on; IRQ and FIQ stay masked. */
	msr	daifclr, #4
	mov	x0, x19
	bl	guest_main
3:	wfi
	b	3b

/* PSCI CPU_ON entry: x0 = context id = vCPU index (1..127). */
	.global secondary_entry
secondary_entry:
	msr	daifset, #0xf
	adr	x1, vectors
	msr	vbar_el1, x1
	isb
	and	x0, x0, #127
	cmp	x0, #8
	b.hs	5f
	ldr	x1, =_stacks
	add	x2, x0, #1
	mov	x3, #STACK_SIZE
	madd	x1, x2, x3, x1
	b	6f
5:	ldr	x1, =_small_stacks	/* vCPUs 8..127: 2 KiB stacks */
	sub	x2, x0, #7
	mov	x3, #0x800
	madd	x1, x2, x3, x1
6:	mov	sp, x1
	msr	daifclr, #4
	bl	secondary_main
4:	wfi
	b	4b

/*
 * Vectors: every entry saves x0-x30, ELR and SPSR into a frame on the
 * current stack and calls exc_handle(frame, entry index); the handler may
 * change the saved ELR to resume elsewhere.
 */
#define FRAME_SIZE (34 * 8)

.macro	ventry idx
	.balign	0x80
	sub	sp, sp, #FRAME_SIZE
	stp	x0, x1, [sp, #0]
	mov	x1, #\idx
	b	exc_common
.endm

	.section .text.vectors, "ax"
	.balign	0x800
	.global vectors
vectors:
	ventry	0
	ventry	1
	ventry	2
	ventry	3
	ventry	4
	ventry	5
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

exc_common:
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
