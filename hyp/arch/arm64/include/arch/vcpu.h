/* SPDX-License-Identifier: MIT */
/* Arm64 part of a vCPU: register frame, EL1 system registers, vGIC CPU state. */
#pragma once

#include <stdint.h>
#include <arch/regs.h>
#include <arch/vgic.h>

/* EL1 state that belongs to the guest and must survive a switch away. */
struct el1_sysregs {
	uint64_t sctlr, ttbr0, ttbr1, tcr, mair, amair, vbar, contextidr;
	uint64_t esr, far, afsr0, afsr1, par, tpidr_el0, tpidrro_el0, tpidr_el1;
	uint64_t sp_el0, sp_el1, elr_el1, spsr_el1, cpacr, cntkctl;
	uint64_t cntv_ctl, cntv_cval;
};

struct arch_vcpu {
	struct cpu_regs regs;       /* frame used to (re)enter the guest */
	struct el1_sysregs el1;
	uint64_t vmpidr;
	struct vgic_cpu vgic;
};
