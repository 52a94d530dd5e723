// SPDX-License-Identifier: MIT
/*
 * vcpu_op: the two calls Xen offers on Arm. register_vcpu_info moves a
 * vCPU's vcpu_info into a page the guest has mapped at that frame now (one
 * of its own pages: domain_gfn_to_own_page() says why the page stays
 * valid if the guest maps something else there later); register_runstate
 * remembers where the guest wants its runstate written.
 */
#include <public/xen_abi.h>
#include <xenith/arch-api.h>
#include <xenith/domain.h>
#include <xenith/errno.h>
#include <xenith/guest_access.h>
#include <xenith/xen_ops.h>
#include <xenith/lib.h>

#define PAGE_SIZE 4096U

static int64_t register_vcpu_info(struct vcpu *v, struct vcpu *t, uint64_t arg)
{
	struct domain *d = v->dom;
	struct vcpu_register_vcpu_info r;
	struct xen_vcpu_info *vi;
	uint64_t pa;
	void *old, *p;

	if (copy_from_guest(&r, arg, sizeof(r)))
		return -XEN_EFAULT;
	if (r.offset > PAGE_SIZE - VCPU_INFO_SIZE || (r.offset & 7))
		return -XEN_ENXIO;
	/* Under the domain's vcpu_lock: no CPU_ON starts t meanwhile, and
	 * of two registrations for t, one sees the other's. */
	spin_lock(&d->vcpu_lock);
	if (t->vcpu_info_set || (t != v && t->power != VCPU_OFF)) {
		spin_unlock(&d->vcpu_lock);
		return -XEN_EINVAL;
	}
	pa = domain_gfn_to_own_page(d, r.mfn);
	if (!pa) {
		spin_unlock(&d->vcpu_lock);
		return -XEN_EINVAL; /* not mapped (Xen: get_page_from_gfn fails) */
	}
	p = (void *)(uintptr_t)(pa + r.offset);
	old = d->evtchn.vcpu[t->id].info;
	if (old)
		memcpy(p, old, VCPU_INFO_SIZE);
	else
		memset(p, 0, VCPU_INFO_SIZE);
	t->vcpu_info_set = true;
	t->upcall_pending = p; /* evtchn_upcall_pending is byte 0 */
	evtchn_set_vcpu_info(&d->evtchn, t->id, p);
	/* An event raised in the old place during the copy is not lost: as
	 * Xen does, the guest is told to look at every selector word. */
	vi = p;
	__atomic_store_n(&vi->evtchn_pending_sel, ~0ULL, __ATOMIC_RELEASE);
	__atomic_store_n(&vi->evtchn_upcall_pending, 1, __ATOMIC_RELEASE);
	spin_unlock(&d->vcpu_lock);
	return 0;
}

#define XEN_RUNSTATE_UPDATE (1ULL << 63)

/*
 * As Xen: written at every context switch, for the vCPU leaving (its new
 * state) and the one arriving (running), through the guest's own page
 * tables while its context is loaded here. With VMASST runstate_update_flag
 * the guest sees bit 63 of state_entry_time set while the copy is torn.
 * Failures are ignored, as on Xen.
 */
void xen_runstate_update(struct vcpu *v)
{
	uint64_t gva = v->runstate_gva;
	struct vcpu_runstate_info rs = { 0 };
	unsigned int state;

	if (!gva)
		return;
	sched_runstate(v, &state, &rs.state_entry_time, rs.time);
	rs.state = (int)state;
	if (!v->dom->runstate_update_flag) {
		copy_to_guest(gva, &rs, sizeof(rs));
		return;
	}
	/* As Xen: the flag alone first, then the whole area, then the flag
	 * cleared, each step ordered after the one before. */
	rs.state_entry_time |= XEN_RUNSTATE_UPDATE;
	copy_to_guest(gva + offsetof(struct vcpu_runstate_info, state_entry_time),
		      &rs.state_entry_time, sizeof(rs.state_entry_time));
	__atomic_thread_fence(__ATOMIC_RELEASE);
	copy_to_guest(gva, &rs, sizeof(rs));
	__atomic_thread_fence(__ATOMIC_RELEASE);
	rs.state_entry_time &= ~XEN_RUNSTATE_UPDATE;
	copy_to_guest(gva + offsetof(struct vcpu_runstate_info, state_entry_time),
		      &rs.state_entry_time, sizeof(rs.state_entry_time));
}

/* Remembered for every switch to come, and written now, as Xen does,
 * through the caller's page tables (also for another vCPU's area). */
static int64_t register_runstate(struct vcpu *v, struct vcpu *t, uint64_t arg)
{
	uint64_t gva;

	(void)v; /* the caller's tables are the ones loaded */
	if (copy_from_guest(&gva, arg, sizeof(gva)))
		return -XEN_EFAULT;
	t->runstate_gva = gva;
	xen_runstate_update(t);
	return 0;
}

int64_t do_vcpu_op(struct vcpu *v, unsigned int cmd, unsigned int vcpuid,
		   uint64_t arg)
{
	struct domain *d = v->dom;
	struct vcpu *t;

	/* As Xen 4.17 on Arm: the command first (only these two exist
	 * there, anything else is -EINVAL), then the vCPU (-ENOENT). */
	if (cmd != VCPUOP_register_vcpu_info &&
	    cmd != VCPUOP_register_runstate_memory_area)
		return -XEN_EINVAL;
	if (vcpuid >= d->nr_vcpus)
		return -XEN_ENOENT;
	t = d->vcpu[vcpuid];
	if (cmd == VCPUOP_register_vcpu_info)
		return register_vcpu_info(v, t, arg);
	return register_runstate(v, t, arg);
}
