// SPDX-License-Identifier: MIT
/*
 * memory_op: what an Arm domU uses. XENMEM_add_to_physmap maps the
 * domain's shared_info page or a grant-table frame at a guest frame of its
 * choice, replacing whatever was there. Guest RAM is static (dom0less):
 * ballooning is not offered.
 */
#include <xenith/evtchn.h>
#include <public/xen_abi.h>
#include <xenith/arch-api.h>
#include <xenith/domain.h>
#include <xenith/errno.h>
#include <xenith/guest_access.h>
#include <xenith/xen_ops.h>

#define PAGE_SIZE 4096ULL
#define MAX_GFN ((1ULL << 39) >> 12)

static int64_t map_grant_frame(struct domain *d, uint64_t idx, uint64_t gpfn)
{
	struct grant_table *gt = &d->gnttab;

	if ((idx & XENMAPIDX_grant_table_status) || idx >= GNTTAB_MAX_FRAMES)
		return -XEN_EINVAL; /* v1 has no status frames */
	if (arch_p2m_map_page(d, gpfn, gt->frames_pa + idx * PAGE_SIZE))
		return -XEN_ENOMEM;
	/* A frame lives at one place: remove it from where it was, as Xen does. */
	if (gt->gfn[idx] && gt->gfn[idx] != gpfn)
		arch_p2m_unmap_page(d, gt->gfn[idx]);
	gt->gfn[idx] = gpfn;
	if (idx >= gt->nr_frames)
		gt->nr_frames = (unsigned int)idx + 1;
	return 0;
}

static int64_t add_to_physmap(struct vcpu *v, uint64_t arg)
{
	struct xen_add_to_physmap x;
	struct domain *d = v->dom;

	if (copy_from_guest(&x, arg, sizeof(x)))
		return -XEN_EFAULT;
	if (!domain_is_self(v->dom, x.domid))
		return -XEN_EPERM;
	if (x.gpfn >= MAX_GFN)
		return -XEN_EINVAL;
	switch (x.space) {
	case XENMAPSPACE_shared_info:
		if (x.idx != 0)
			return -XEN_EINVAL;
		if (arch_p2m_map_page(d, x.gpfn, d->shared_info_pa))
			return -XEN_ENOMEM;
		if (d->shared_info_gfn && d->shared_info_gfn != x.gpfn)
			arch_p2m_unmap_page(d, d->shared_info_gfn); /* one place only */
		d->shared_info_gfn = x.gpfn;
		return 0;
	case XENMAPSPACE_grant_table:
		return map_grant_frame(d, x.idx, x.gpfn);
	default:
		return -XEN_EINVAL;
	}
}

int64_t do_memory_op(struct vcpu *v, unsigned int cmd, uint64_t arg)
{
	switch (cmd) {
	case XENMEM_add_to_physmap:
		return add_to_physmap(v, arg);
	default:
		return -XEN_ENOSYS;
	}
}
