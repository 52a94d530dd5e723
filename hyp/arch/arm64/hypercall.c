// SPDX-License-Identifier: MIT
/*
 * Xen hypercall convention on Arm: hvc #0xEA1, number in x16, arguments
 * in x0-x4, result in x0. The generic dispatcher does the work.
 */
#include <arch/traps.h>
#include <xenith/domain.h>
#include <xenith/hypercall.h>

void hypercall_dispatch(struct vcpu *v, struct cpu_regs *r)
{
	uint64_t args[5] = { r->x[0], r->x[1], r->x[2], r->x[3], r->x[4] };

	r->x[0] = (uint64_t)do_hypercall(v, (unsigned long)r->x[16], args);
}
