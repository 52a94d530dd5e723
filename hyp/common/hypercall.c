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
#include <xenith/arch-api.h>
#include <xenith/guest_access.h>
#include <xenith/xen_ops.h>

static int64_t do_multicall(struct vcpu *v, uint64_t a[5]) __attribute__((noinline));

int64_t do_hypercall(struct vcpu *v, unsigned long nr, uint64_t a[5])
{
	unsigned int cmd = (unsigned int)a[0];

	switch (nr) {
	case __HYPERVISOR_xen_version:      return do_xen_version(v, cmd, a[1]);
	case __HYPERVISOR_memory_op:        return do_memory_op(v, a);
	case __HYPERVISOR_console_io:       return do_console_io(v, cmd, &a[1]);
	case __HYPERVISOR_grant_table_op:   return do_grant_table_op(v, cmd, a);
	case __HYPERVISOR_vm_assist:        return do_vm_assist(v, cmd, (unsigned int)a[1]);
	case __HYPERVISOR_vcpu_op:          return do_vcpu_op(v, cmd, (unsigned int)a[1], a[2]);
	case __HYPERVISOR_sched_op:         return do_sched_op(v, cmd, a[1]);
	case __HYPERVISOR_event_channel_op: return do_event_channel_op(v, cmd, a[1]);
	case __HYPERVISOR_hvm_op:           return do_hvm_op(v, cmd, a[1]);
	case __HYPERVISOR_multicall:        return do_multicall(v, a);
	case __HYPERVISOR_sysctl:           return do_sysctl(v, a[0]);
	case __HYPERVISOR_domctl:           return do_domctl(v, a[0]);
	case __HYPERVISOR_dm_op:            return do_dm_op(v, (uint16_t)a[0], a[1], a[2]);
	/* Xen without FLASK (its default dummy policy) has no XSM
	 * operations, for anyone: the tools expect this. */
	case __HYPERVISOR_xsm_op:           return -XEN_ENOSYS;
	default:                            return -XEN_ENOSYS;
	}
}

/*
 * multicall: a list of calls made in one trap (libxenctrl sends
 * populate_physmap this way). Only calls that never continue are taken:
 * a continuation would restart the whole list. Every 64 entries the list
 * itself continues, so a long one cannot hold the CPU.
 */
struct multicall_entry {
	uint64_t op, result;
	uint64_t args[6];
};
_Static_assert(sizeof(struct multicall_entry) == 64, "multicall_entry");

static bool multicall_allowed(uint64_t op)
{
	switch (op) {
	case __HYPERVISOR_memory_op:
	case __HYPERVISOR_xen_version:
	case __HYPERVISOR_event_channel_op:
	case __HYPERVISOR_hvm_op:
		return true;
	default:
		return false;
	}
}

#define MULTICALL_BATCH 64

static int64_t do_multicall(struct vcpu *v, uint64_t a[5])
{
	uint64_t list = a[0];
	uint32_t nr = (uint32_t)a[1];

	for (uint32_t i = 0; i < nr; i++) {
		struct multicall_entry e;

		if (i == MULTICALL_BATCH) {
			a[0] = list + i * sizeof(e);
			a[1] = nr - i;
			arch_hypercall_continue();
			return (int64_t)a[0];
		}
		if (copy_from_guest(&e, list + i * sizeof(e), sizeof(e)))
			return -XEN_EFAULT;
		v->in_multicall = true;
		e.result = multicall_allowed(e.op) ?
			   (uint64_t)do_hypercall(v, (unsigned long)e.op, e.args) :
			   (uint64_t)-XEN_ENOSYS;
		v->in_multicall = false;
		if (copy_to_guest(list + i * sizeof(e) + 8, &e.result, sizeof(e.result)))
			return -XEN_EFAULT;
	}
	return 0;
}
