/* SPDX-License-Identifier: MIT */
/* Trap handling shared between the arm64 trap files. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <arch/regs.h>

struct vcpu;

/* Injects an exception into the guest's EL1 (inject.c). */
void inject_undef(struct cpu_regs *r);
void inject_dabt(struct cpu_regs *r, uint64_t far, bool write);
void inject_iabt(struct cpu_regs *r, uint64_t far);

/* SMCCC / PSCI calls from the guest (psci.c); fills x0 with the result.
 * CPU_OFF and SYSTEM_OFF/RESET change the vCPU's or domain's state, which
 * the trap exit then acts on. */
void vpsci_call(struct vcpu *v, struct cpu_regs *r);

/* The vCPU currently running on this physical CPU. */
struct vcpu *current_vcpu(void);

/* The frame of the guest exit being handled on this CPU (traps.c). */
struct cpu_regs *trap_frame(void);
