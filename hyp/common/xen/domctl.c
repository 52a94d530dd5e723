// SPDX-License-Identifier: MIT
/*
 * domctl (hypercall 36): the control domain's operations on a domain, at
 * Xen 4.17's interface version 0x15. Offered: getdomaininfo,
 * pausedomain, unpausedomain, getvcpuinfo, max_mem, setdomainhandle.
 *
 * Checks come in Xen's order, so that every caller, privileged or not,
 * gets the answer Xen 4.17 gives it:
 *  1. the argument is read (-EFAULT) and its interface version checked
 *     (-EACCES);
 *  2. the domain it names is looked up (-ESRCH; DOMID_SELF names no
 *     domain here), except by the few sub-operations that may name none;
 *  3. the caller's privilege, as Xen's default (dummy) XSM policy decides
 *     it: only the control domain passes (for getdomaininfo a xenstore
 *     domain would too; Xenith has none), everyone else gets -EPERM. No
 *     domctl is one a domain may do on itself;
 *  4. the sub-operation itself: -ENOSYS for those Xenith does not offer.
 * The argument is written back only when the sub-operation succeeded
 * and has output (getdomaininfo, getvcpuinfo), whole, as on Xen.
 *
 * Other domains are read through domain_by_id() only, which is where
 * reference counting goes once domains are destroyed at run time. What
 * is read of a running domain is safe to read while it runs: its vCPUs'
 * states through the scheduler, under their pool's lock; its handle and
 * max_pages under ctl_lock; the rest is fixed at construction.
 */
#include <arch/spinlock.h>
#include <xenith/arch-api.h>
#include <xenith/assert.h>
#include <xenith/control.h>
#include <xenith/domain.h>
#include <xenith/errno.h>
#include <xenith/guest_access.h>
#include <xenith/lib.h>
#include <xenith/sched.h>

#define PAGE_SHIFT 12

spinlock_t ctl_lock = SPINLOCK_INIT_RANK(LOCK_DOMCTL);

uint32_t ctl_last_domid(void)
{
	uint32_t last = 0;

	for (unsigned int i = 0; i < nr_domains; i++)
		last = MAX(last, domains[i]->id);
	return last;
}

/* The domain with the lowest id >= from, or NULL. */
static struct domain *domain_from(uint32_t from)
{
	uint32_t last = ctl_last_domid();

	for (uint32_t id = from; id <= last; id++) {
		struct domain *d = domain_by_id(id);

		if (d)
			return d;
	}
	return NULL;
}

/* Pages the domain owns, as Xen counts them in tot_pages: its RAM and
 * the static shared regions it owns (Xen assigns those to the owner). */
static uint64_t owned_pages(const struct domain *d)
{
	uint64_t bytes = 0;

	for (int i = 0; i < d->nr_ram; i++)
		bytes += d->ram[i].size;
	for (int i = 0; i < d->nr_shm_owned; i++)
		bytes += d->shm_owned[i].size;
	return bytes >> PAGE_SHIFT;
}

/* Until the toolstack sets it, what Xen sets at construction: the
 * configured memory, plus the owned shared regions. */
static uint64_t max_pages(const struct domain *d)
{
	uint64_t shm = 0;

	ASSERT_LOCKED(&ctl_lock);
	if (d->max_pages_set)
		return d->max_pages;
	for (int i = 0; i < d->nr_shm_owned; i++)
		shm += d->shm_owned[i].size >> PAGE_SHIFT;
	return (d->cfg->mem_kb >> (PAGE_SHIFT - 10)) + shm;
}

void ctl_domain_handle(struct domain *d, uint8_t handle[16])
{
	spin_lock(&ctl_lock);
	memcpy(handle, d->handle, sizeof(d->handle));
	spin_unlock(&ctl_lock);
}

/*
 * As Xen 4.17's getdomaininfo() with arch_get_domain_info() for Arm:
 * "blocked" only if every online vCPU is, "running" if any is; every Arm
 * domain is an HVM guest with hardware-assisted paging; the shutdown
 * reason sits in bits 16-23, and while there is none Xen's ~0 fills bits
 * 16-31; shared_info_frame is the host frame (Arm's mfn_to_gfn is the
 * identity); Arm leaves arch_config zero (only x86 fills it), ssidref is
 * 0 without FLASK, and nothing is outstanding, shared or paged.
 */
void ctl_getdomaininfo(struct domain *d, struct xen_domctl_getdomaininfo *info)
{
	uint32_t flags = XEN_DOMINF_blocked;
	uint64_t cpu_time = 0;
	bool down = d->state == DOM_SHUTDOWN;
	/* domain_shutdown() stores the reason just after the state: for a
	 * moment a new shutdown may show the previous value (0). */
	uint32_t code = down ? (uint32_t)d->reason : ~0U;

	memset(info, 0, sizeof(*info));
	info->domain = (uint16_t)d->id;
	info->max_vcpu_id = XEN_INVALID_MAX_VCPU_ID;
	for (unsigned int i = 0; i < d->nr_vcpus; i++) {
		struct sched_vcpu_info vi;

		sched_vcpu_info(d->vcpu[i], &vi);
		cpu_time += vi.run_ns;
		info->max_vcpu_id = i;
		if (!vi.online)
			continue;
		if (!vi.blocked)
			flags &= ~XEN_DOMINF_blocked;
		if (vi.running)
			flags |= XEN_DOMINF_running;
		info->nr_online_vcpus++;
	}
	info->flags = (info->nr_online_vcpus ? flags : 0) |
		      (down ? XEN_DOMINF_shutdown : 0) |
		      (__atomic_load_n(&d->ctl_pause_count, __ATOMIC_RELAXED) ?
		       XEN_DOMINF_paused : 0) |
		      XEN_DOMINF_hvm_guest | XEN_DOMINF_hap |
		      code << XEN_DOMINF_shutdownshift;
	info->tot_pages = owned_pages(d);
	spin_lock(&ctl_lock);
	info->max_pages = max_pages(d);
	memcpy(info->handle, d->handle, sizeof(info->handle));
	spin_unlock(&ctl_lock);
	info->shared_info_frame = d->shared_info_pa >> PAGE_SHIFT;
	info->cpu_time = cpu_time;
	info->cpupool = d->pool->id;
	info->gpaddr_bits = (uint8_t)arch_guest_ipa_bits();
}

/* The caller passes Xen's privilege check for d (dummy XSM: only the
 * control domain; getdomaininfo's xenstore-domain exception and the
 * device model's "target" do not exist in Xenith). */
static bool privileged(const struct domain *caller)
{
	return caller->is_control;
}

static int64_t getvcpuinfo(struct domain *d, struct xen_domctl_getvcpuinfo *gi)
{
	struct sched_vcpu_info vi;

	/* Xen: -EINVAL beyond max_vcpus, -ESRCH for a vCPU never created;
	 * every vCPU up to nr_vcpus exists here. */
	if (gi->vcpu >= d->nr_vcpus)
		return -XEN_EINVAL;
	sched_vcpu_info(d->vcpu[gi->vcpu], &vi);
	gi->online = vi.online;
	gi->blocked = vi.blocked;
	gi->running = vi.running;
	gi->cpu_time = vi.run_ns;
	gi->cpu = vi.cpu;
	return 0;
}

/* Xen keeps max_pages in 32 bits: a larger request is clipped. */
static void set_max_mem(struct domain *d, uint64_t max_memkb)
{
	uint64_t pages = max_memkb >> (PAGE_SHIFT - 10);

	spin_lock(&ctl_lock);
	d->max_pages = MIN(pages, (uint64_t)UINT32_MAX);
	d->max_pages_set = true;
	spin_unlock(&ctl_lock);
}

static void set_handle(struct domain *d, const uint8_t handle[16])
{
	spin_lock(&ctl_lock);
	memcpy(d->handle, handle, sizeof(d->handle));
	spin_unlock(&ctl_lock);
}

/* getdomaininfo: the named domain or, if there is none with that id,
 * the next one up (how the tools walk the list); -EINVAL for a reserved
 * id, -ESRCH past the last domain. */
static int64_t getdomaininfo(struct vcpu *v, struct domain *d, struct xen_domctl *op,
			     uint64_t arg)
{
	if (!d) {
		if (op->domain >= DOMID_FIRST_RESERVED)
			return -XEN_EINVAL;
		d = domain_from(op->domain);
		if (!d)
			return -XEN_ESRCH;
	}
	if (!privileged(v->dom))
		return -XEN_EPERM;
	ctl_getdomaininfo(d, &op->u.getdomaininfo);
	op->domain = op->u.getdomaininfo.domain;
	return copy_to_guest(arg, op, sizeof(*op)) ? -XEN_EFAULT : 0;
}

int64_t do_domctl(struct vcpu *v, uint64_t arg)
{
	struct xen_domctl op;
	struct domain *d = NULL;
	bool copyback = false;
	int64_t rc;

	if (copy_from_guest(&op, arg, sizeof(op)))
		return -XEN_EFAULT;
	if (op.interface_version != XEN_DOMCTL_INTERFACE_VERSION)
		return -XEN_EACCES;

	/* The domain, in Xen's way: device assignment may name DOMID_IO
	 * (a system domain, which exists) and DOMID_INVALID names none for
	 * it and for vm_event_op; createdomain names none yet. */
	switch (op.cmd) {
	case XEN_DOMCTL_createdomain:
		break;
	case XEN_DOMCTL_assign_device:
	case XEN_DOMCTL_deassign_device:
		if (op.domain == DOMID_IO)
			break;
		if (op.domain == DOMID_INVALID)
			return -XEN_ESRCH;
		/* fall through */
	case XEN_DOMCTL_test_assign_device:
	case XEN_DOMCTL_vm_event_op:
		if (op.domain == DOMID_INVALID)
			break;
		/* fall through */
	default:
		d = domain_by_id(op.domain);
		if (!d && op.cmd != XEN_DOMCTL_getdomaininfo)
			return -XEN_ESRCH;
		break;
	}

	switch (op.cmd) {
	case XEN_DOMCTL_getdomaininfo:
		return getdomaininfo(v, d, &op, arg);
	case 21: /* ioport_permission */
	case 40: /* ioport_mapping: x86 only, Arm answers before any check */
		return -XEN_ENOSYS;
	}

	if (!privileged(v->dom))
		return -XEN_EPERM;

	switch (op.cmd) {
	case XEN_DOMCTL_pausedomain:
		/* Waiting for our own vCPUs would never end. */
		rc = d == v->dom ? -XEN_EINVAL : sched_domain_ctl_pause(d);
		break;
	case XEN_DOMCTL_unpausedomain:
		rc = sched_domain_ctl_unpause(d);
		break;
	case XEN_DOMCTL_getvcpuinfo:
		rc = getvcpuinfo(d, &op.u.getvcpuinfo);
		copyback = rc == 0;
		break;
	case XEN_DOMCTL_max_mem:
		set_max_mem(d, op.u.max_mem.max_memkb);
		rc = 0;
		break;
	case XEN_DOMCTL_setdomainhandle:
		set_handle(d, op.u.setdomainhandle.handle);
		rc = 0;
		break;
	default:
		rc = -XEN_ENOSYS;
		break;
	}
	if (copyback && copy_to_guest(arg, &op, sizeof(op)))
		rc = -XEN_EFAULT;
	return rc;
}
