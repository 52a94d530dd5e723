/* SPDX-License-Identifier: MIT */
/* Arm64 part of a vCPU: register frame, EL1 system registers, vGIC CPU state. */
#pragma once

#include <stdint.h>
#include <arch/regs.h>
#include <arch/vgic.h>
#include <xenith/timer.h>

/* FP/SIMD registers of a vCPU (q0-q31, FPSR, FPCR). */
struct fpsimd_state {
	__uint128_t q[32];
	uint64_t fpsr, fpcr;
} __attribute__((aligned(16)));

/* EL1 state that belongs to the guest and must survive a switch away. */
struct el1_sysregs {
	uint64_t sctlr, ttbr0, ttbr1, tcr, mair, amair, vbar, contextidr;
	uint64_t esr, far, afsr0, afsr1, par, tpidr_el0, tpidrro_el0, tpidr_el1;
	uint64_t sp_el0, sp_el1, elr_el1, spsr_el1, cpacr, cntkctl;
	uint64_t cntv_ctl, cntv_cval;
	uint64_t csselr;            /* cache level the guest selected */
};

struct arch_vcpu {
	struct cpu_regs regs;       /* frame used to (re)enter the guest */
	struct el1_sysregs el1;
	uint64_t vmpidr;
	struct vgic_cpu vgic;
	struct fpsimd_state fp;     /* valid while !fp_live */
	bool fp_live;               /* the CPU's FP registers hold the truth */
	int fp_cpu;                 /* CPU its FP state was last loaded on */
	/* While the vCPU is switched out with its virtual timer armed,
	 * this hypervisor timer wakes it at the same moment. */
	struct timer vtimer_wake;
};
