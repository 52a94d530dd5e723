// SPDX-License-Identifier: MIT
/* sched_op and vm_assist. */
#include <public/xen_abi.h>
#include <xenith/arch-api.h>
#include <xenith/domain.h>
#include <xenith/errno.h>
#include <xenith/guest_access.h>
#include <xenith/xen_ops.h>

static int64_t shutdown(struct vcpu *v, uint64_t arg)
{
	uint32_t reason;

	if (copy_from_guest(&reason, arg, sizeof(reason)))
		return -XEN_EFAULT;
	if (reason > SHUTDOWN_watchdog)
		return -XEN_EINVAL;
	domain_shutdown(v->dom, (enum shutdown_reason)reason);
	return 0;
}

int64_t do_sched_op(struct vcpu *v, unsigned int cmd, uint64_t arg)
{
	switch (cmd) {
	case SCHEDOP_yield:
		return 0; /* the vCPU owns its CPU: nobody to yield to */
	case SCHEDOP_block:
	case SCHEDOP_poll:
		/* Poll is served as block: any event wakes the vCPU, and the
		 * guest re-checks its ports, as it must for spurious wakes. */
		arch_vcpu_block(v);
		return 0;
	case SCHEDOP_shutdown:
		return shutdown(v, arg);
	default:
		return -XEN_ENOSYS;
	}
}

int64_t do_vm_assist(struct vcpu *v, unsigned int cmd, unsigned int type)
{
	if (cmd > VMASST_CMD_disable || type != VMASST_TYPE_runstate_update_flag)
		return -XEN_EINVAL;
	v->dom->runstate_update_flag = cmd == VMASST_CMD_enable;
	return 0;
}
