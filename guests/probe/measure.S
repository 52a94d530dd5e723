/* SPDX-License-Identifier: MIT */
/*
 * Timed operations of the probe. For every operation X there are four
 * functions, all with the same shape so their own cost cancels out:
 *
 *   uint64_t mloop_X(uint64_t n, uint64_t arg, uint64_t per)
 *       ns taken by n iterations of { setup; fire } between two stamps
 *   uint64_t mloop_X_cal(n, arg, per)     the same without "fire"
 *   uint64_t monce_X(uint64_t arg, uint64_t per)
 *       ns between two stamps around one { setup; fire }
 *   uint64_t monce_X_cal(arg, per)        the same without "fire"
 *
 * fire - cal is the cost of the firing instruction and of everything it
 * causes (trap, emulation, return). arg is an address for MMIO; per is
 * the counter period in ns. x19-x22 hold the state (callee-saved in AAPCS64
 * and preserved by SMCCC and the Xen hypercall ABI).
 */
#include "stamp.h"

/* ---- operations ---- */
.macro	op_null_setup
.endm
.macro	op_null_fire
.endm

/* Xen hypercall number arg with arguments (0, 0): xen_version(
 * XENVER_version, NULL), the null hypercall, with arg = 17;
 * sched_op(SCHEDOP_yield, NULL) with arg = 29 (another runnable domain on
 * the same CPU, tests=yielder, runs before it returns). */
.macro	op_hcall_setup
	mov	x16, x20
	mov	x0, #0
	mov	x1, #0
.endm
.macro	op_hcall_fire
	hvc	#0xea1
.endm

#ifdef PROBE_CTL
/* The control domain's calls (probe-dom0 only, guests/probe/ctl.c):
 * domctl(arg) and sysctl(arg), arg the address of the argument. */
.macro	op_domctl_setup
	mov	x16, #36
	mov	x0, x20
.endm
.macro	op_domctl_fire
	hvc	#0xea1
.endm
.macro	op_sysctl_setup
	mov	x16, #35
	mov	x0, x20
.endm
.macro	op_sysctl_fire
	hvc	#0xea1
.endm
#endif

/* PSCI_VERSION over the SMCCC conduit. */
.macro	op_psci_hvc_setup
	movz	x0, #0x8400, lsl #16
.endm
.macro	op_psci_hvc_fire
	hvc	#0
.endm
.macro	op_psci_smc_setup
	movz	x0, #0x8400, lsl #16
.endm
.macro	op_psci_smc_fire
	smc	#0
.endm

/* 32-bit MMIO read and write at arg. */
.macro	op_mmio_rd_setup
.endm
.macro	op_mmio_rd_fire
	ldr	w0, [x20]
.endm
.macro	op_mmio_wr_setup
	movz	w0, #0xa0a0
	movk	w0, #0xa0a0, lsl #16
.endm
.macro	op_mmio_wr_fire
	str	w0, [x20]
.endm

/* ---- generators ---- */
.macro	prologue
	stp	x29, x30, [sp, #-48]!
	mov	x29, sp
	stp	x19, x20, [sp, #16]
	stp	x21, x22, [sp, #32]
.endm
.macro	epilogue
	ldp	x19, x20, [sp, #16]
	ldp	x21, x22, [sp, #32]
	ldp	x29, x30, [sp], #48
	ret
.endm

.macro	loop_body name, fire
	prologue
	mov	x19, x0
	mov	x20, x1
	mov	x21, x2
	STAMP	cntvct_el0, x22, x21
1:	op_\name\()_setup
	.if \fire
	op_\name\()_fire
	.endif
	subs	x19, x19, #1
	b.ne	1b
	STAMP	cntvct_el0, x0, x21
	sub	x0, x0, x22
	epilogue
.endm

.macro	once_body name, fire
	prologue
	mov	x20, x0
	mov	x21, x1
	STAMP	cntvct_el0, x22, x21
	op_\name\()_setup
	.if \fire
	op_\name\()_fire
	.endif
	STAMP	cntvct_el0, x0, x21
	sub	x0, x0, x22
	epilogue
.endm

.macro	gen name
	.global	mloop_\name, mloop_\name\()_cal, monce_\name, monce_\name\()_cal
	.balign	16
mloop_\name:
	loop_body \name, 1
	.balign	16
mloop_\name\()_cal:
	loop_body \name, 0
	.balign	16
monce_\name:
	once_body \name, 1
	.balign	16
monce_\name\()_cal:
	once_body \name, 0
.endm

	.text
	gen	null
	gen	hcall
	gen	psci_hvc
	gen	psci_smc
	gen	mmio_rd
	gen	mmio_wr
#ifdef PROBE_CTL
	gen	domctl
	gen	sysctl
#endif

/*
 * uint64_t ipi_send(uint64_t sgi1r, uint64_t per): stamps, then writes
 * ICC_SGI1R_EL1. Returns the stamp; the write happens
 * (ipi_send_msr - ipi_send_stamp) / 4 instructions after the stamp's
 * first read.
 */
	.global	ipi_send, ipi_send_stamp, ipi_send_msr
	.balign	16
ipi_send:
	prologue
	mov	x19, x0
	mov	x21, x1
ipi_send_stamp:
	STAMP	cntvct_el0, x22, x21
ipi_send_msr:
	msr	icc_sgi1r_el1, x19
	isb
	mov	x0, x22
	epilogue

/*
 * uint64_t evtchn_send(uint64_t arg, uint64_t per): stamps, then
 * event_channel_op(EVTCHNOP_send, arg). Returns the stamp; the hvc runs
 * (evtchn_send_hvc - evtchn_send_stamp) / 4 instructions after the
 * stamp's first read.
 */
	.global	evtchn_send, evtchn_send_stamp, evtchn_send_hvc
	.balign	16
evtchn_send:
	prologue
	mov	x19, x0
	mov	x21, x1
evtchn_send_stamp:
	STAMP	cntvct_el0, x22, x21
	mov	x16, #32			/* event_channel_op */
	mov	x0, #4				/* EVTCHNOP_send */
	mov	x1, x19
evtchn_send_hvc:
	hvc	#0xea1
	mov	x0, x22
	epilogue
