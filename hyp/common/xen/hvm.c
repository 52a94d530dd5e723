// SPDX-License-Identifier: MIT
/*
 * hvm_op get/set_param, as Xen 4.17 on Arm: a domain reads and sets its
 * own parameters, the control domain anyone's (init-dom0less reads a
 * dom0less domain's xenstore port and sets its store page). What Xen
 * sets at construction is in xen_domain.c (xen_params_init).
 */
#include <public/xen_abi.h>
#include <xenith/domain.h>
#include <xenith/errno.h>
#include <xenith/evtchn.h>
#include <xenith/guest_access.h>
#include <xenith/xen_ops.h>

int64_t do_hvm_op(struct vcpu *v, unsigned int cmd, uint64_t arg)
{
	struct xen_hvm_param p;
	struct domain *d;

	if (cmd != HVMOP_set_param && cmd != HVMOP_get_param)
		return -XEN_ENOSYS;
	if (copy_from_guest(&p, arg, sizeof(p)))
		return -XEN_EFAULT;
	if (p.index >= HVM_NR_PARAMS)
		return -XEN_EINVAL;
	d = domain_is_self(v->dom, p.domid) ? v->dom : domain_by_id(p.domid);
	if (!d)
		return -XEN_ESRCH;
	/* Xen's XSM_TARGET: a domain's own parameters, or the control
	 * domain on anyone's. */
	if (d != v->dom && !v->dom->is_control)
		return -XEN_EPERM;
	if (cmd == HVMOP_set_param) {
		__atomic_store_n(&d->hvm_param[p.index], p.value, __ATOMIC_RELEASE);
		return 0;
	}
	p.value = __atomic_load_n(&d->hvm_param[p.index], __ATOMIC_ACQUIRE);
	return copy_to_guest(arg, &p, sizeof(p));
}
