/* SPDX-License-Identifier: MIT */
/*
 * Entry point. The image carries the Linux arm64 Image header so QEMU's
 * -kernel and U-Boot's booti load it at any 2 MiB-aligned address; the
 * hypervisor is linked position-independent and relocates itself here.
 *
 * Register use in the primary path:
 *   x19 = host DTB physical address (from the boot loader in x0)
 *   x20 = physical load address of _head (= relocation offset, linked at 0)
 */
#include <arch/asm.h>

	.section .text.head, "ax"
	.global _head
_head:
	b	primary_entry		/* code0 */
	.long	0			/* code1 */
	.quad	0			/* text_offset */
	.quad	__image_size		/* image_size: includes bss */
	.quad	0xa			/* flags: LE, 4K pages, anywhere */
	.quad	0, 0, 0			/* res2..res4 */
	.ascii	"ARM\x64"		/* magic */
	.long	0			/* res5 */

primary_entry:
	mov	x19, x0
	adr	x20, _head
	mrs	x0, CurrentEL
	cmp	x0, #(2 << 2)
	b.ne	not_el2

	/* Apply R_AARCH64_RELATIVE relocations: *(base+off) = base+addend. */
	adr_l	x1, __rela_start
	adr_l	x2, __rela_end
1:	cmp	x1, x2
	b.hs	2f
	ldp	x3, x4, [x1], #16	/* r_offset, r_info */
	ldr	x5, [x1], #8		/* r_addend */
	cmp	w4, #1027		/* R_AARCH64_RELATIVE */
	b.ne	1b
	add	x5, x5, x20
	str	x5, [x3, x20]
	b	1b
2:
	/* Clear .bss (both ends 16-byte aligned by the linker script). */
	adr_l	x1, __bss_start
	adr_l	x2, __bss_end
3:	cmp	x1, x2
	b.hs	4f
	stp	xzr, xzr, [x1], #16
	b	3b
4:
	mov	x21, #0			/* boot CPU is logical CPU 0 */
	bl	cpu_setup_stack
	mov	x0, x20
	adr_l	x1, _end
	bl	mmu_boot_tables		/* C, MMU off, strict alignment */
	bl	mmu_enable
	mov	x0, x19
	mov	x1, x20
	bl	start_xenith
	b	halt

/*
 * Secondary CPUs enter here from firmware PSCI CPU_ON at EL2, MMU off,
 * with x0 = logical CPU index (the context id we passed).
 */
	.global secondary_entry
secondary_entry:
	mov	x21, x0
	bl	cpu_setup_stack
	bl	mmu_enable
	mov	x0, x21
	bl	start_secondary
	b	halt

/* sp := top of this CPU's boot stack; x21 = CPU index. */
cpu_setup_stack:
	adr_l	x1, cpu_stacks
	mov	x2, #STACK_SIZE
	madd	x1, x2, x21, x1
	add	sp, x1, x2
	msr	tpidr_el2, x21
	adr_l	x1, hyp_vectors
	msr	vbar_el2, x1
	isb
	ret

/* Turns on the EL2 MMU with the tables mmu_boot_tables built. */
mmu_enable:
	ldr	x1, =MAIR_EL2_VALUE
	msr	mair_el2, x1
	ldr	x1, =TCR_EL2_VALUE
	msr	tcr_el2, x1
	adr_l	x1, boot_l1
	msr	ttbr0_el2, x1
	dsb	sy
	tlbi	alle2
	dsb	sy
	isb
	ldr	x1, =SCTLR_EL2_VALUE
	msr	sctlr_el2, x1
	isb
	ret

not_el2:
	/* Not entered at EL2: nothing we can do; spin. */
halt:
	wfe
	b	halt
