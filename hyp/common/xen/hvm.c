// SPDX-License-Identifier: MIT
/*
 * hvm_op get/set_param. A dom0less domU has no xenstore and no PV console
 * ring under Xen 4.17, so every parameter it can ask for reads 0; a guest
 * may not set its own parameters.
 */
#include <public/xen_abi.h>
#include <xenith/domain.h>
#include <xenith/errno.h>
#include <xenith/evtchn.h>
#include <xenith/guest_access.h>
#include <xenith/xen_ops.h>

#define HVM_NR_PARAMS 39

int64_t do_hvm_op(struct vcpu *v, unsigned int cmd, uint64_t arg)
{
	struct xen_hvm_param p;

	if (cmd != HVMOP_set_param && cmd != HVMOP_get_param)
		return -XEN_ENOSYS;
	if (copy_from_guest(&p, arg, sizeof(p)))
		return -XEN_EFAULT;
	if (!domain_is_self(v->dom, p.domid))
		return -XEN_EPERM;
	if (p.index >= HVM_NR_PARAMS)
		return -XEN_EINVAL;
	if (cmd == HVMOP_set_param)
		return -XEN_EPERM;
	p.value = 0;
	return copy_to_guest(arg, &p, sizeof(p));
}
