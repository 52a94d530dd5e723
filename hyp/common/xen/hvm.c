// SPDX-License-Identifier: MIT
/*
 * hvm_op get/set_param, as Xen 4.17 on Arm: a domain reads its own
 * event, store and console parameters, and only the control domain sets
 * them (init-dom0less reads a dom0less domain's xenstore port and sets
 * its store page). What Xen sets at construction is in xen_domain.c
 * (xen_params_init).
 */
#include <public/xen_abi.h>
#include <xenith/domain.h>
#include <xenith/errno.h>
#include <xenith/evtchn.h>
#include <xenith/guest_access.h>
#include <xenith/xen_ops.h>

#define HVM_PARAM_MONITOR_RING_PFN 28

/* Xen 4.17 on Arm: the parameters the toolstack sets for a domain, which
 * the domain itself may not set (-EPERM); every other index -EINVAL. */
static int64_t may_set(const struct vcpu *v, const struct domain *d, uint32_t index)
{
	switch (index) {
	case HVM_PARAM_CALLBACK_IRQ:
	case HVM_PARAM_STORE_PFN:
	case HVM_PARAM_STORE_EVTCHN:
	case HVM_PARAM_CONSOLE_PFN:
	case HVM_PARAM_CONSOLE_EVTCHN:
	case HVM_PARAM_MONITOR_RING_PFN:
		return d == v->dom ? -XEN_EPERM : 0;
	default:
		return -XEN_EINVAL;
	}
}

/* ... and those it may read: the same but the monitor ring (the
 * toolstack's only). */
static int64_t may_get(const struct vcpu *v, const struct domain *d, uint32_t index)
{
	switch (index) {
	case HVM_PARAM_CALLBACK_IRQ:
	case HVM_PARAM_STORE_PFN:
	case HVM_PARAM_STORE_EVTCHN:
	case HVM_PARAM_CONSOLE_PFN:
	case HVM_PARAM_CONSOLE_EVTCHN:
		return 0;
	case HVM_PARAM_MONITOR_RING_PFN:
		return d == v->dom ? -XEN_EPERM : 0;
	default:
		return -XEN_EINVAL;
	}
}

/* In Xen's order: the domain (-ESRCH), who may ask (XSM_TARGET: the
 * domain itself or the control domain, else -EPERM), then the index. */
int64_t do_hvm_op(struct vcpu *v, unsigned int cmd, uint64_t arg)
{
	struct xen_hvm_param p;
	struct domain *d;
	int64_t rc;

	if (cmd != HVMOP_set_param && cmd != HVMOP_get_param)
		return -XEN_ENOSYS;
	if (copy_from_guest(&p, arg, sizeof(p)))
		return -XEN_EFAULT;
	d = domain_is_self(v->dom, p.domid) ? v->dom : domain_by_id(p.domid);
	if (!d)
		return -XEN_ESRCH;
	if (d != v->dom && !v->dom->is_control)
		return -XEN_EPERM;
	if (cmd == HVMOP_set_param) {
		rc = may_set(v, d, p.index);
		if (!rc)
			__atomic_store_n(&d->hvm_param[p.index], p.value, __ATOMIC_RELEASE);
		return rc;
	}
	rc = may_get(v, d, p.index);
	if (rc)
		return rc;
	p.value = __atomic_load_n(&d->hvm_param[p.index], __ATOMIC_ACQUIRE);
	return copy_to_guest(arg, &p, sizeof(p));
}
