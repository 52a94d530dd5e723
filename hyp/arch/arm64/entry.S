/* SPDX-License-Identifier: MIT */
/*
 * EL2 exception vectors. A trap from the guest pushes one struct cpu_regs
 * frame at the top of this CPU's stack, calls one C dispatcher and returns
 * through guest_return; nothing else is saved on the hot path (EL1 state
 * stays live in the CPU until the scheduler switches to another vCPU).
 */
#include <arch/asm.h>

#define FRAME_SIZE 272	/* sizeof(struct cpu_regs): x0-x30, elr, spsr, pad */

/* Pieces of the trap frame (struct cpu_regs), shared by the save paths. */
.macro save_x2_x17
	stp	x2, x3, [sp, #16 * 1]
	stp	x4, x5, [sp, #16 * 2]
	stp	x6, x7, [sp, #16 * 3]
	stp	x8, x9, [sp, #16 * 4]
	stp	x10, x11, [sp, #16 * 5]
	stp	x12, x13, [sp, #16 * 6]
	stp	x14, x15, [sp, #16 * 7]
	stp	x16, x17, [sp, #16 * 8]
.endm

.macro save_x18_x29
	stp	x18, x19, [sp, #16 * 9]
	stp	x20, x21, [sp, #16 * 10]
	stp	x22, x23, [sp, #16 * 11]
	stp	x24, x25, [sp, #16 * 12]
	stp	x26, x27, [sp, #16 * 13]
	stp	x28, x29, [sp, #16 * 14]
.endm

.macro save_return_state	/* x30, ELR, SPSR; uses x0, x1 */
	mrs	x0, elr_el2
	mrs	x1, spsr_el2
	stp	x30, x0, [sp, #16 * 15]
	str	x1, [sp, #16 * 16]
.endm

.macro restore_return_state	/* uses x0, x1 */
	ldp	x30, x0, [sp, #16 * 15]
	ldr	x1, [sp, #16 * 16]
	msr	elr_el2, x0
	msr	spsr_el2, x1
.endm

.macro restore_x0_x17
	ldp	x0, x1, [sp, #16 * 0]
	ldp	x2, x3, [sp, #16 * 1]
	ldp	x4, x5, [sp, #16 * 2]
	ldp	x6, x7, [sp, #16 * 3]
	ldp	x8, x9, [sp, #16 * 4]
	ldp	x10, x11, [sp, #16 * 5]
	ldp	x12, x13, [sp, #16 * 6]
	ldp	x14, x15, [sp, #16 * 7]
	ldp	x16, x17, [sp, #16 * 8]
.endm

.macro save_frame
	sub	sp, sp, #FRAME_SIZE
	stp	x0, x1, [sp, #16 * 0]
	save_x2_x17
	save_x18_x29
	save_return_state
.endm

.macro save_caller_saved	/* x0, x1 already saved */
	save_x2_x17
	str	x18, [sp, #16 * 9]
	save_return_state
.endm

.macro save_rest_of_frame	/* x0, x1 already saved */
	save_x2_x17
	save_x18_x29
	save_return_state
.endm

.macro restore_frame_eret
	restore_return_state
	restore_x0_x17
	ldp	x18, x19, [sp, #16 * 9]
	ldp	x20, x21, [sp, #16 * 10]
	ldp	x22, x23, [sp, #16 * 11]
	ldp	x24, x25, [sp, #16 * 12]
	ldp	x26, x27, [sp, #16 * 13]
	ldp	x28, x29, [sp, #16 * 14]
	add	sp, sp, #FRAME_SIZE
	eret
	dsb	nsh		/* no speculation past eret */
	isb
.endm

/*
 * Spectre-BHB: on every exception from a guest, overwrite the branch
 * history the guest trained before the hypervisor's first indirect
 * branch, with the sequence Xen 4.17 uses for the CPU (spectre.c picks
 * the table): a loop of k taken branches (k per CPU, in bhb_loop_count),
 * the CLRBHB instruction, or the firmware's SMCCC_ARCH_WORKAROUND_3.
 * Exceptions taken in the hypervisor itself need none: every way from a
 * guest into EL2 passes a lower-EL vector first.
 */
.macro bhb_none
.endm

.macro bhb_loop
	stp	x0, x1, [sp, #-16]!
	mrs	x0, tpidr_el2		/* CPU index */
	adr_l	x1, bhb_loop_count
	ldrb	w0, [x1, x0]
1:	b	2f
2:	subs	x0, x0, #1
	b.ne	1b
	dsb	nsh
	isb
	ldp	x0, x1, [sp], #16
.endm

.macro bhb_clrbhb
	hint	#22			/* CLRBHB */
	isb
.endm

.macro bhb_firmware
	stp	x0, x1, [sp, #-32]!
	stp	x2, x3, [sp, #16]
	mov	w0, #0x3fff
	movk	w0, #0x8000, lsl #16	/* SMCCC_ARCH_WORKAROUND_3 */
	smc	#0
	ldp	x2, x3, [sp, #16]
	ldp	x0, x1, [sp], #32
.endm

.macro vector target, pre=bhb_none
	.align 7
	\pre
	b	\target
.endm

.macro vector_table name, pre
	.align 11
	.global \name
\name:
	vector	hyp_bad		/* current EL, SP_EL0 */
	vector	hyp_bad
	vector	hyp_bad
	vector	hyp_bad
	vector	hyp_sync	/* current EL, SP_ELx */
	vector	hyp_irq
	vector	hyp_bad
	vector	hyp_bad
	vector	guest_sync, \pre	/* lower EL, AArch64 */
	vector	guest_irq, \pre
	vector	guest_fiq, \pre
	vector	guest_serror, \pre
	vector	guest_sync, \pre	/* lower EL, AArch32 (a guest's 32-bit EL0) */
	vector	guest_irq, \pre
	vector	guest_fiq, \pre
	vector	guest_serror, \pre
.endm

	.text
	vector_table hyp_vectors, bhb_none
	vector_table hyp_vectors_bhb_loop, bhb_loop
	vector_table hyp_vectors_bhb_clrbhb, bhb_clrbhb
	vector_table hyp_vectors_bhb_firmware, bhb_firmware

/*
 * Most exits (hypercalls, PSCI, WFI, interrupts) never look at the guest's
 * x19-x29: the C code preserves them, so they stay live in the registers
 * and only the caller-saved ones go into the frame. System-register traps,
 * and data aborts whose transfer register (ESR SRT) is x19 or above, may
 * read or write those, so they save the whole frame. x19-x29 slots of a
 * partial frame are never read.
 */
guest_sync:
	sub	sp, sp, #FRAME_SIZE
	stp	x0, x1, [sp, #16 * 0]
	mrs	x1, esr_el2
	lsr	x0, x1, #26
	cmp	x0, #0x18		/* MSR/MRS trap */
	b.eq	guest_sync_full
	cmp	x0, #0x24		/* data abort from the guest ... */
	b.ne	1f
	ubfx	x0, x1, #16, #5		/* ... naming x19-x30 or xzr (SRT) */
	cmp	x0, #19
	b.hs	guest_sync_full
1:	save_caller_saved
	mov	x0, sp
	bl	trap_guest_sync
	cbnz	w0, guest_resched_partial
	b	guest_return_partial

guest_sync_full:
	save_rest_of_frame
	mov	x0, sp
	bl	trap_guest_sync
	cbnz	w0, guest_resched
	b	guest_return

guest_irq:
	sub	sp, sp, #FRAME_SIZE
	stp	x0, x1, [sp, #16 * 0]
	save_caller_saved
	mov	x0, sp
	bl	trap_guest_irq
	cbnz	w0, guest_resched_partial
	/* falls through to guest_return_partial */
guest_return_partial:
	restore_return_state
	restore_x0_x17
	ldr	x18, [sp, #16 * 9]
	add	sp, sp, #FRAME_SIZE
	eret
	dsb	nsh
	isb

/*
 * The handler asked the scheduler to decide (the vCPU blocked, stopped
 * or its slice ended). A partial frame is completed first: x19-x29 hold
 * the guest's values again now that the C code has returned. The
 * scheduler copies the frame into the vCPU and enters whatever runs
 * next, from the top of this stack.
 */
guest_resched_partial:
	str	x19, [sp, #16 * 9 + 8]
	stp	x20, x21, [sp, #16 * 10]
	stp	x22, x23, [sp, #16 * 11]
	stp	x24, x25, [sp, #16 * 12]
	stp	x26, x27, [sp, #16 * 13]
	stp	x28, x29, [sp, #16 * 14]
guest_resched:
	bl	sched_from_trap		/* returns if the same vCPU goes on */
	b	guest_return

guest_fiq:
guest_serror:
	save_frame
	mov	x0, sp
	bl	trap_guest_other
	cbnz	w0, guest_resched
	b	guest_return

	.global guest_return
guest_return:
	restore_frame_eret

/* Exceptions taken in the hypervisor itself. */
hyp_sync:
	save_frame
	mov	x0, sp
	bl	trap_hyp_sync		/* does not return */
	b	.

/*
 * An interrupt while the hypervisor idles (arch_cpu_idle): the C handler
 * preserves x19-x28 itself, so only the caller-saved registers, x29/x30
 * and the return state are kept (a small frame, not struct cpu_regs).
 */
hyp_irq:
	sub	sp, sp, #192
	stp	x0, x1, [sp, #16 * 0]
	stp	x2, x3, [sp, #16 * 1]
	stp	x4, x5, [sp, #16 * 2]
	stp	x6, x7, [sp, #16 * 3]
	stp	x8, x9, [sp, #16 * 4]
	stp	x10, x11, [sp, #16 * 5]
	stp	x12, x13, [sp, #16 * 6]
	stp	x14, x15, [sp, #16 * 7]
	stp	x16, x17, [sp, #16 * 8]
	stp	x18, x29, [sp, #16 * 9]
	mrs	x0, elr_el2
	mrs	x1, spsr_el2
	stp	x30, x0, [sp, #16 * 10]
	str	x1, [sp, #16 * 10 + 16]
	bl	irq_handle_all
	ldp	x30, x0, [sp, #16 * 10]
	ldr	x1, [sp, #16 * 10 + 16]
	msr	elr_el2, x0
	msr	spsr_el2, x1
	ldp	x0, x1, [sp, #16 * 0]
	ldp	x2, x3, [sp, #16 * 1]
	ldp	x4, x5, [sp, #16 * 2]
	ldp	x6, x7, [sp, #16 * 3]
	ldp	x8, x9, [sp, #16 * 4]
	ldp	x10, x11, [sp, #16 * 5]
	ldp	x12, x13, [sp, #16 * 6]
	ldp	x14, x15, [sp, #16 * 7]
	ldp	x16, x17, [sp, #16 * 8]
	ldp	x18, x29, [sp, #16 * 9]
	add	sp, sp, #192
	eret

hyp_bad:
	save_frame
	mov	x0, sp
	bl	trap_hyp_bad
	b	.

/*
 * void vcpu_enter(const struct cpu_regs *regs, uint64_t stack_top)
 * Enters the guest straight from a vCPU's saved registers, with this
 * CPU's stack empty for the next trap. Never returns; the C frames
 * below are abandoned.
 */
	.global vcpu_enter
vcpu_enter:
	mov	sp, x1
	ldp	x30, x2, [x0, #16 * 15]	/* x30, ELR */
	ldr	x3, [x0, #16 * 16]	/* SPSR */
	msr	elr_el2, x2
	msr	spsr_el2, x3
	ldp	x2, x3, [x0, #16 * 1]
	ldp	x4, x5, [x0, #16 * 2]
	ldp	x6, x7, [x0, #16 * 3]
	ldp	x8, x9, [x0, #16 * 4]
	ldp	x10, x11, [x0, #16 * 5]
	ldp	x12, x13, [x0, #16 * 6]
	ldp	x14, x15, [x0, #16 * 7]
	ldp	x16, x17, [x0, #16 * 8]
	ldp	x18, x19, [x0, #16 * 9]
	ldp	x20, x21, [x0, #16 * 10]
	ldp	x22, x23, [x0, #16 * 11]
	ldp	x24, x25, [x0, #16 * 12]
	ldp	x26, x27, [x0, #16 * 13]
	ldp	x28, x29, [x0, #16 * 14]
	ldp	x0, x1, [x0, #16 * 0]
	eret
	dsb	nsh
	isb

/*
 * void regs_copy(struct cpu_regs *dst, const struct cpu_regs *src)
 * The trap frame into the vCPU when it leaves its CPU (272 bytes).
 */
	.global regs_copy
regs_copy:
	.irp off, 0, 16, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224, 240, 256
	ldp	x2, x3, [x1, #\off]
	stp	x2, x3, [x0, #\off]
	.endr
	ret
