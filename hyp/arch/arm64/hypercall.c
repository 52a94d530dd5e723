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
	/* x0-x4 lie next to each other in the frame: no copy needed. */
	r->x[0] = (uint64_t)do_hypercall(v, (unsigned long)r->x[16], &r->x[0]);
}
