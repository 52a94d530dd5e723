// SPDX-License-Identifier: MIT
/*
 * Xen hypercall dispatch. Numbers from Xen 4.17's public xen.h; the set is
 * what Xen offers an Arm domU, and the control interface (domctl, sysctl)
 * that only the control domain passes. Every other number returns
 * -ENOSYS, as Xen does for hypercalls it does not have.
 */
#include <public/control.h>
#include <public/xen_abi.h>
#include <xenith/control.h>
#include <xenith/domain.h>
#include <xenith/errno.h>
#include <xenith/hypercall.h>
#include <xenith/xen_ops.h>

int64_t do_hypercall(struct vcpu *v, unsigned long nr, uint64_t a[5])
{
	unsigned int cmd = (unsigned int)a[0];

	switch (nr) {
	case __HYPERVISOR_xen_version:      return do_xen_version(v, cmd, a[1]);
	case __HYPERVISOR_memory_op:        return do_memory_op(v, a[0], a[1]);
	case __HYPERVISOR_console_io:       return do_console_io(v, cmd, &a[1]);
	case __HYPERVISOR_grant_table_op:   return do_grant_table_op(v, cmd, a[1], a[2]);
	case __HYPERVISOR_vm_assist:        return do_vm_assist(v, cmd, (unsigned int)a[1]);
	case __HYPERVISOR_vcpu_op:          return do_vcpu_op(v, cmd, (unsigned int)a[1], a[2]);
	case __HYPERVISOR_sched_op:         return do_sched_op(v, cmd, a[1]);
	case __HYPERVISOR_event_channel_op: return do_event_channel_op(v, cmd, a[1]);
	case __HYPERVISOR_hvm_op:           return do_hvm_op(v, cmd, a[1]);
	case __HYPERVISOR_sysctl:           return do_sysctl(v, a[0]);
	case __HYPERVISOR_domctl:           return do_domctl(v, a[0]);
	/* Xen without FLASK (its default dummy policy) has no XSM
	 * operations, for anyone: the tools expect this. */
	case __HYPERVISOR_xsm_op:           return -XEN_ENOSYS;
	default:                            return -XEN_ENOSYS;
	}
}
