// SPDX-License-Identifier: MIT
/*
 * grant_table_op, version 1. The frames are preallocated (64, Xen's
 * default maximum) and mapped into the guest with add_to_physmap;
 * setup_table reports where they are mapped.
 */
#include <xenith/evtchn.h>
#include <public/xen_abi.h>
#include <xenith/domain.h>
#include <xenith/errno.h>
#include <xenith/guest_access.h>
#include <xenith/lib.h>
#include <xenith/xen_ops.h>
#include <xenith/arch-api.h>

static int64_t query_size(struct vcpu *v, uint64_t arg)
{
	struct gnttab_query_size q;

	if (copy_from_guest(&q, arg, sizeof(q)))
		return -XEN_EFAULT;
	if (!domain_is_self(v->dom, q.dom)) {
		q.status = GNTST_bad_domain;
	} else {
		q.nr_frames = v->dom->gnttab.nr_frames;
		q.max_nr_frames = GNTTAB_MAX_FRAMES;
		q.status = GNTST_okay;
	}
	return copy_to_guest(arg, &q, sizeof(q));
}

static int64_t setup_table(struct vcpu *v, uint64_t arg)
{
	struct grant_table *gt = &v->dom->gnttab;
	struct gnttab_setup_table s;

	if (copy_from_guest(&s, arg, sizeof(s)))
		return -XEN_EFAULT;
	if (!domain_is_self(v->dom, s.dom)) {
		s.status = GNTST_bad_domain;
	} else if (s.nr_frames > GNTTAB_MAX_FRAMES) {
		s.status = GNTST_general_error;
	} else {
		/* Where each frame is now (INVALID_GFN if unmapped), read
		 * under the lock memory_op changes it under. */
		uint64_t gfn[GNTTAB_MAX_FRAMES];

		spin_lock(&v->dom->p2m_lock);
		s.status = gnttab_grow(v->dom, s.nr_frames) ? GNTST_general_error
							    : GNTST_okay;
		memcpy(gfn, gt->gfn, s.nr_frames * sizeof(gfn[0]));
		spin_unlock(&v->dom->p2m_lock);
		if (s.status != GNTST_okay)
			return copy_to_guest(arg, &s, sizeof(s));
		for (uint32_t i = 0; i < s.nr_frames; i++)
			if (copy_to_guest(s.frame_list + 8 * i, &gfn[i], sizeof(gfn[i])))
				return -XEN_EFAULT;
	}
	return copy_to_guest(arg, &s, sizeof(s));
}

static int64_t set_version(struct vcpu *v, uint64_t arg)
{
	struct gnttab_set_version sv;

	if (copy_from_guest(&sv, arg, sizeof(sv)))
		return -XEN_EFAULT;
	if (sv.version != 1) {
		sv.version = v->dom->gnttab.version;
		copy_to_guest(arg, &sv, sizeof(sv));
		return -XEN_EINVAL; /* only v1 is offered */
	}
	return 0;
}

static int64_t get_version(struct vcpu *v, uint64_t arg)
{
	struct gnttab_get_version gv;

	if (copy_from_guest(&gv, arg, sizeof(gv)))
		return -XEN_EFAULT;
	if (!domain_is_self(v->dom, gv.dom))
		return -XEN_EPERM;
	gv.version = v->dom->gnttab.version;
	return copy_to_guest(arg, &gv, sizeof(gv));
}

/* Batches above this continue (Xen's GNTTAB_BATCH... preemption). */
#define GNTTAB_BATCH 64

/* map and unmap take count entries; a long batch continues from where
 * it stopped (x1 advanced, x2 decreased), as Xen's does. */
static int64_t batched(struct vcpu *v, unsigned int cmd, uint64_t args[3],
		       int64_t (*fn)(struct vcpu *, uint64_t, uint32_t), size_t size)
{
	uint32_t count = (uint32_t)args[2];
	uint32_t n = count > GNTTAB_BATCH ? GNTTAB_BATCH : count;
	int64_t rc = fn(v, args[1], n);

	if (rc || n == count)
		return rc;
	args[1] += n * size;
	args[2] = count - n;
	arch_hypercall_continue();
	return cmd;
}

int64_t do_grant_table_op(struct vcpu *v, unsigned int cmd, uint64_t args[3])
{
	uint64_t arg = args[1], count = args[2];

	if (cmd == GNTTABOP_map_grant_ref)
		return batched(v, cmd, args, gnttab_map_refs, 32);
	if (cmd == GNTTABOP_unmap_grant_ref)
		return batched(v, cmd, args, gnttab_unmap_refs, 24);
	if (cmd == GNTTABOP_copy)
		return batched(v, cmd, args, gnttab_copy, 40);
	if (count != 1)
		return cmd <= GNTTABOP_get_version ? -XEN_EINVAL : -XEN_ENOSYS;
	switch (cmd) {
	case GNTTABOP_query_size:  return query_size(v, arg);
	case GNTTABOP_setup_table: return setup_table(v, arg);
	case GNTTABOP_set_version: return set_version(v, arg);
	case GNTTABOP_get_version: return get_version(v, arg);
	default:                   return -XEN_ENOSYS;
	}
}
