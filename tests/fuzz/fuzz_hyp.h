/* SPDX-License-Identifier: MIT */
/* Shared between fuzz_hypercall.c and its fake arch layer, fuzz_arch.c. */
#pragma once

struct vcpu;

/* The vCPU making the hypercall (the one "running on this CPU"). */
extern struct vcpu *fuzz_current;
/* What the fake hardware was asked to do, for the statistics. */
extern unsigned long fuzz_upcalls, fuzz_kicks, fuzz_lines, fuzz_blocks;
/* The CPU arch_cpu_id() answers when >= 0 (the harness playing each
 * CPU's idle loop); otherwise the current vCPU's. */
extern int fuzz_cpu;
/* Set by arch_hypercall_continue(): the call is to be made again. */
extern int continued;
