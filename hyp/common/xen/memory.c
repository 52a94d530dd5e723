// SPDX-License-Identifier: MIT
/*
 * memory_op: what an Arm domU uses, with Xen 4.17's rules.
 *
 * XENMEM_add_to_physmap maps the domain's shared_info page or one of its
 * grant-table frames at a guest frame of its choice, replacing whatever
 * was there (a RAM page it covers stays the domain's, unreachable, as on
 * Xen). Such a page lives at one place at a time: mapping it again while
 * it is mapped, even at the same frame, is refused with -EBUSY, and the
 * guest first takes it away with XENMEM_remove_from_physmap.
 *
 * Every step runs under the domain's p2m_lock, so two vCPUs remapping at
 * once see one order of events, and the records of where shared_info and
 * each grant frame are (INVALID_GFN: nowhere) always match the P2M. Guest
 * RAM is static (dom0less): ballooning is not offered.
 */
#include <public/control.h>
#include <public/xen_abi.h>
#include <xenith/arch-api.h>
#include <xenith/assert.h>
#include <xenith/domain.h>
#include <xenith/errno.h>
#include <xenith/guest_access.h>
#include <xenith/ioreq.h>
#include <xenith/xen_ops.h>

#define PAGE_SIZE 4096ULL
#define XENMAPSPACE_gmfn        2
#define XENMAPSPACE_gmfn_range  3
#define XENMAPSPACE_gmfn_foreign 4
#define XENMAPSPACE_dev_mmio    5

/* Forgets any shared page recorded at gfn: something else now sits there. */
void memory_forget_gfn(struct domain *d, uint64_t gfn)
{
	ASSERT_LOCKED(&d->p2m_lock);
	if (d->shared_info_gfn == gfn)
		d->shared_info_gfn = INVALID_GFN;
	for (unsigned int i = 0; i < d->gnttab.nr_frames; i++)
		if (d->gnttab.gfn[i] == gfn)
			d->gnttab.gfn[i] = INVALID_GFN;
}

bool memory_ram_mapped(struct domain *d, uint64_t gfn)
{
	uint64_t pa = arch_gfn_to_pa(d, gfn);

	return pa && pa == domain_ram_page(d, gfn);
}

/* Maps the shared page at `pa`, recorded in *where, at gfn. */
static int64_t map_shared(struct domain *d, uint64_t *where, uint64_t pa,
			  uint64_t gfn)
{
	ASSERT_LOCKED(&d->p2m_lock);
	if (*where != INVALID_GFN)
		return -XEN_EBUSY; /* unmap it first (Xen 4.17) */
	/* Another domain's page there (a foreign or grant mapping) goes
	 * first through its own removal, which releases what it holds. */
	if (arch_gfn_foreign_pa(d, gfn) || arch_gfn_grant_pa(d, gfn))
		return -XEN_EBUSY;
	switch (arch_p2m_map_page(d, gfn, pa)) {
	case 0:  break;
	case -1: return -XEN_EINVAL; /* beyond the IPA space */
	default: return -XEN_ENOMEM; /* the P2M pool has no page for a split */
	}
	memory_forget_gfn(d, gfn);
	*where = gfn;
	return 0;
}

static int64_t map_grant_frame(struct domain *d, uint64_t idx, uint64_t gfn)
{
	struct grant_table *gt = &d->gnttab;
	int64_t rc;

	if ((idx & XENMAPIDX_grant_table_status) || idx >= GNTTAB_MAX_FRAMES)
		return -XEN_EINVAL; /* v1 has no status frames */
	/* Mapping a frame beyond the table grows it (Xen 4.17). */
	if (gnttab_grow(d, (unsigned int)idx + 1))
		return -XEN_ENOMEM;
	rc = map_shared(d, &gt->gfn[idx], gt->frame_pa[idx], gfn);
	return rc;
}

/* The domain a memory_op names, checked in Xen's order: -ESRCH if there
 * is none, -EACCES for device MMIO (only the hardware domain maps it, for
 * itself), -EPERM if it is not the caller (a domU changes only its own
 * P2M), 0 if it is the caller. */
static int64_t check_domid(struct vcpu *v, uint16_t domid, uint32_t space)
{
	bool self = domain_is_self(v->dom, domid);

	if (!self && !domain_by_id(domid))
		return -XEN_ESRCH;
	if (space == XENMAPSPACE_dev_mmio)
		return -XEN_EACCES;
	return self ? 0 : -XEN_EPERM;
}

static int64_t add_to_physmap(struct vcpu *v, uint64_t arg)
{
	struct xen_add_to_physmap x;
	struct domain *d = v->dom;
	bool ram;
	int64_t rc;

	if (copy_from_guest(&x, arg, sizeof(x)))
		return -XEN_EFAULT;
	if (x.space == XENMAPSPACE_gmfn_foreign)
		return -XEN_ENOSYS; /* only through add_to_physmap_batch */
	rc = check_domid(v, x.domid, x.space);
	if (rc)
		return rc;
	if (x.gpfn == INVALID_GFN)
		return -XEN_EINVAL;
	switch (x.space) {
	case XENMAPSPACE_shared_info:
		if (x.idx != 0)
			return -XEN_EINVAL;
		spin_lock(&d->p2m_lock);
		ram = memory_ram_mapped(d, x.gpfn);
		rc = map_shared(d, &d->shared_info_gfn, d->shared_info_pa, x.gpfn);
		spin_unlock(&d->p2m_lock);
		break;
	case XENMAPSPACE_grant_table:
		spin_lock(&d->p2m_lock);
		ram = memory_ram_mapped(d, x.gpfn);
		rc = map_grant_frame(d, x.idx, x.gpfn);
		spin_unlock(&d->p2m_lock);
		break;
	case XENMAPSPACE_gmfn_range:
		if (!x.size)
			return 0;
		return -XEN_ENOSYS; /* moving RAM frames: not on Arm */
	default:
		return -XEN_ENOSYS;
	}
	if (!rc && ram)   /* the shared page covers a RAM page now */
		ioreq_p2m_changed(v);
	return rc;
}

/* Unmaps whatever is at gfn: a shared page is then mapped nowhere; a RAM
 * page stays the domain's but is gone from its address space (Xen would
 * free it; static RAM is kept). */
static int64_t remove_from_physmap(struct vcpu *v, uint64_t arg)
{
	struct xen_remove_from_physmap x;
	struct domain *d = v->dom;
	uint64_t foreign;
	bool ram;
	int64_t rc;

	if (copy_from_guest(&x, arg, sizeof(x)))
		return -XEN_EFAULT;
	rc = check_domid(v, x.domid, XENMAPSPACE_shared_info);
	if (rc)
		return rc;
	spin_lock(&d->p2m_lock);
	foreign = arch_gfn_foreign_pa(d, x.gpfn);
	ram = memory_ram_mapped(d, x.gpfn);
	if (!arch_gfn_to_pa(d, x.gpfn))
		rc = -XEN_ENOENT;
	else if (arch_gfn_grant_pa(d, x.gpfn))
		rc = -XEN_EINVAL;   /* a grant mapping goes with its unmap */
	else if (arch_p2m_unmap_page(d, x.gpfn))
		rc = -XEN_ENOMEM; /* no page left to split the block around it */
	else
		memory_forget_gfn(d, x.gpfn);
	spin_unlock(&d->p2m_lock);
	/* Another domain's page (foreign.c): its reference goes. */
	if (!rc && foreign)
		memory_release_foreign(foreign);
	if (!rc && ram)
		ioreq_p2m_changed(v);
	return rc;
}

#define MEMOP_CMD_MASK 0x3f
#define MEMOP_EXTENT_SHIFT 6

/* A memory_op that went through MEMOP_BATCH extents: as Xen, it comes
 * back with the extent to go on from in the command's upper bits, so a
 * list of billions of extents cannot hold a CPU. Inside a multicall it
 * stops short instead, returning the extents done. */
int64_t memory_continue(struct vcpu *v, uint64_t a[5], unsigned int cmd, uint64_t done)
{
	if (v->in_multicall || done >> (64 - MEMOP_EXTENT_SHIFT))
		return (int64_t)done;
	a[0] = cmd | (done << MEMOP_EXTENT_SHIFT);
	arch_hypercall_continue();
	return (int64_t)a[0];
}

/*
 * XENMEM_decrease_reservation of the caller's own frames (a balloon, or
 * Linux taking pages out to map foreign ones there): each frame leaves
 * the stage 2. A page of its construction-time RAM stays its own (it
 * comes back with populate_physmap); a foreign page's reference goes.
 * Returns how many extents were done, as Xen; only order 0.
 */
static int64_t decrease_reservation(struct vcpu *v, uint64_t a[5], uint64_t start,
				    uint64_t arg)
{
	struct xen_memory_reservation r;
	struct domain *d = v->dom;
	uint64_t i;

	if (copy_from_guest(&r, arg, sizeof(r)))
		return -XEN_EFAULT;
	if (!domain_is_self(d, r.domid))
		return domain_by_id(r.domid) ? -XEN_EPERM : -XEN_ESRCH;
	for (i = start; i < r.nr_extents && !r.extent_order; i++) {
		uint64_t gfn, foreign;
		bool ok, ram;

		if (i - start == MEMOP_BATCH)
			return memory_continue(v, a, XENMEM_decrease_reservation, i);
		if (copy_from_guest(&gfn, r.extent_start + 8 * i, sizeof(gfn)))
			break;
		spin_lock(&d->p2m_lock);
		foreign = arch_gfn_foreign_pa(d, gfn);
		ram = memory_ram_mapped(d, gfn);
		ok = arch_gfn_to_pa(d, gfn) && !arch_gfn_grant_pa(d, gfn) &&
		     (foreign || domain_ram_page(d, gfn)) && !arch_p2m_unmap_page(d, gfn);
		if (ok)
			memory_forget_gfn(d, gfn);
		spin_unlock(&d->p2m_lock);
		if (ok && ram)
			ioreq_p2m_changed(v);
		if (!ok)
			break;
		if (foreign)
			memory_release_foreign(foreign);
	}
	return (int64_t)i;
}

/* As Xen: the sub-op is the low 6 bits of cmd, the rest a continuation's
 * start extent, which these calls have no use for. */
int64_t do_memory_op(struct vcpu *v, uint64_t a[5])
{
	uint64_t cmd = a[0], arg = a[1];
	uint64_t start = cmd >> MEMOP_EXTENT_SHIFT;

	switch (cmd & MEMOP_CMD_MASK) {
	case XENMEM_add_to_physmap:
		if (start > 0xffff)
			return -XEN_EDOM; /* beyond xen_add_to_physmap.size */
		return add_to_physmap(v, arg);
	case XENMEM_remove_from_physmap:
		return start ? -XEN_EINVAL : remove_from_physmap(v, arg);
	case XENMEM_populate_physmap:
		return mem_populate_physmap(v, a, start, arg);
	case XENMEM_decrease_reservation:
		return decrease_reservation(v, a, start, arg);
	case XENMEM_add_to_physmap_batch:
		return start ? -XEN_EINVAL : mem_add_to_physmap_batch(v, arg);
	case XENMEM_acquire_resource:
		return start ? -XEN_EINVAL : mem_acquire_resource(v, arg);
	case XENMEM_get_sharing_freed_pages:
	case XENMEM_get_sharing_shared_pages:
		/* No memory sharing on Arm: 0 pages, for anyone. Xen passes
		 * these to its Arm code as the command's low 32 bits, so any
		 * other bit set there makes them unknown. */
		return (uint32_t)cmd == (cmd & MEMOP_CMD_MASK) ? 0 : -XEN_ENOSYS;
	default:
		return -XEN_ENOSYS;
	}
}
