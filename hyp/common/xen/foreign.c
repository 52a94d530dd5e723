// SPDX-License-Identifier: MIT
/*
 * Memory one domain takes of another, as the control domain's tools do on
 * Xen 4.17 (init-dom0less, xl, xenconsoled through libxenforeignmemory):
 *
 *  - XENMEM_populate_physmap: new pages for a domain (its own, or, from
 *    the control domain, another's: a dom0less domain's xenstore page);
 *  - XENMEM_add_to_physmap_batch with XENMAPSPACE_gmfn_foreign (privcmd's
 *    mmapbatch): the control domain maps pages of another domain into
 *    its own guest-physical space;
 *  - XENMEM_acquire_resource, grant table frames: the same for a
 *    domain's grant table (init-dom0less seeds its xenstore entry).
 *
 * A foreign entry in the mapping domain's stage 2 is marked as such
 * (arch_p2m_map_foreign) and holds a reference on the domain whose page
 * it is, released when XENMEM_remove_from_physmap takes it away, so that
 * domain's memory stays while another domain can reach it. The mapping
 * domain's p2m_lock covers its side; the page's owner is only asked for
 * the page under its own lock (never both locks at once).
 */
#include <public/xen_abi.h>
#include <xenith/arch-api.h>
#include <xenith/domain.h>
#include <xenith/errno.h>
#include <xenith/guest_access.h>
#include <xenith/heap.h>
#include <xenith/ioreq.h>
#include <xenith/lifecycle.h>
#include <xenith/xen_ops.h>

#define XENMAPSPACE_gmfn_foreign 4
#define XENMEM_resource_ioreq_server 0
#define XENMEM_resource_grant_table 1
/* An ioreq server's frames: 0 the buffered page (none on Arm), 1 the
 * request page of up to 128 vCPUs. */
#define IOREQ_RESOURCE_FRAMES 2
#define XENMEM_resource_grant_table_id_shared 0

struct xen_add_to_physmap_batch {
	uint16_t domid;
	uint16_t space;
	uint16_t size;
	uint16_t foreign_domid;  /* union xen_add_to_physmap_batch_extra */
	uint64_t idxs;           /* guest handle: xen_ulong_t[] */
	uint64_t gpfns;          /* guest handle: xen_pfn_t[] */
	uint64_t errs;           /* guest handle: int[] */
};
_Static_assert(sizeof(struct xen_add_to_physmap_batch) == 32, "add_to_physmap_batch");

struct xen_mem_acquire_resource {
	uint16_t domid;
	uint16_t type;
	uint32_t id;
	uint32_t nr_frames;
	uint32_t pad;
	uint64_t frame;
	uint64_t frame_list;     /* guest handle: xen_pfn_t[] */
};
_Static_assert(sizeof(struct xen_mem_acquire_resource) == 32, "acquire_resource");

/* The domain a call names: the caller, or for the control domain any
 * other (a reference is taken on it: release with put_target). */
static struct domain *get_target(struct vcpu *v, uint16_t domid, int64_t *rc)
{
	struct domain *d;

	if (domain_is_self(v->dom, domid))
		return v->dom;
	d = domain_get(domid);
	if (!d) {
		*rc = -XEN_ESRCH;
	} else if (!v->dom->is_control) {
		domain_put(d);
		*rc = -XEN_EPERM;
		d = NULL;
	}
	return d;
}

static void put_target(struct vcpu *v, struct domain *d)
{
	if (d != v->dom)
		domain_put(d);
}

/* ---- populate_physmap -------------------------------------------------------- */

/* Xen 4.17 on Arm (memory.c's max_order()): a domain populating itself
 * gets extents of up to 2 MiB, the control domain up to 1 GiB. */
#define DOMU_MAX_ORDER 9
#define CTLDOM_MAX_ORDER 18
/* Pages given per turn: a longer call continues (Xen preempts too). */
#define POPULATE_TURN 2048

/* Returns how many extents were populated, counting from 0 across the
 * call's continuations (Xen's convention: fewer than asked means the
 * rest failed). Each extent is a fresh, zeroed piece of host RAM that
 * becomes the domain's own (domain_populate, domain_mem.c). Every
 * POPULATE_TURN pages the call continues with the next extent in the
 * command's upper bits, or inside a multicall (which cannot continue)
 * stops short there (memory_continue). */
int64_t mem_populate_physmap(struct vcpu *v, uint64_t a[5], uint64_t start, uint64_t arg)
{
	struct xen_memory_reservation r;
	struct domain *d;
	int64_t rc = 0;
	uint64_t i, turn = 0;

	if (copy_from_guest(&r, arg, sizeof(r)))
		return -XEN_EFAULT;
	d = get_target(v, r.domid, &rc);
	if (!d)
		return rc;
	if (r.extent_order > (v->dom->is_control ? CTLDOM_MAX_ORDER : DOMU_MAX_ORDER)) {
		put_target(v, d);
		return (int64_t)start;
	}
	for (i = start; i < r.nr_extents; i++) {
		uint64_t gfn;

		if (turn >= POPULATE_TURN) {
			put_target(v, d);
			return memory_continue(v, a, XENMEM_populate_physmap, i);
		}
		if (copy_from_guest(&gfn, r.extent_start + 8 * i, sizeof(gfn)) ||
		    domain_populate(d, gfn, r.extent_order))
			break;
		turn += 1ULL << r.extent_order;
	}
	put_target(v, d);
	return (int64_t)i;
}

/* ---- foreign mappings ------------------------------------------------------- */

/* Maps fd's page pa at the caller's gfn, holding a reference on fd; a
 * foreign page that was there is released. 0 or a Xen error. The
 * reference is taken first: a domain that started dying meanwhile (its
 * memory about to go back to the heap) is not mapped at all. */
static int64_t map_foreign(struct vcpu *v, uint64_t gfn, struct domain *fd, uint64_t pa)
{
	struct domain *d = v->dom;
	uint64_t old;
	bool ram;
	int rc;

	if (!domain_get_ref(fd))
		return -XEN_EINVAL;   /* as Xen when it cannot get the page */
	spin_lock(&d->p2m_lock);
	old = arch_gfn_foreign_pa(d, gfn);
	ram = memory_ram_mapped(d, gfn);
	rc = arch_p2m_map_foreign(d, gfn, pa);
	if (!rc)
		memory_forget_gfn(d, gfn);
	spin_unlock(&d->p2m_lock);
	if (rc)
		domain_put(fd);
	if (!rc && old)
		memory_release_foreign(old);
	if (!rc && ram)   /* it covers one of d's RAM pages now */
		ioreq_p2m_changed(v);
	return rc == -1 ? -XEN_EINVAL : rc ? -XEN_ENOMEM : 0;
}

void memory_release_foreign(uint64_t pa)
{
	struct domain *owner = domain_owning_page(pa);

	if (owner)
		domain_put(owner);
}

static int64_t batch_one(struct vcpu *v, struct domain *fd,
			 const struct xen_add_to_physmap_batch *b, uint64_t i)
{
	uint64_t idx, gfn, pa;

	if (copy_from_guest(&idx, b->idxs + 8 * i, sizeof(idx)) ||
	    copy_from_guest(&gfn, b->gpfns + 8 * i, sizeof(gfn)))
		return -XEN_EFAULT;
	pa = domain_gfn_to_own_page(fd, idx);
	if (!pa)
		return -XEN_EINVAL;
	return map_foreign(v, gfn, fd, pa);
}

int64_t mem_add_to_physmap_batch(struct vcpu *v, uint64_t arg)
{
	struct xen_add_to_physmap_batch b;
	struct domain *fd;

	int64_t whole = 0;

	if (copy_from_guest(&b, arg, sizeof(b)))
		return -XEN_EFAULT;
	if (!domain_is_self(v->dom, b.domid))
		return domain_by_id(b.domid) ? -XEN_EPERM : -XEN_ESRCH;
	if (b.space != XENMAPSPACE_gmfn_foreign)
		return -XEN_ENOSYS;   /* the tools batch only foreign frames */
	/* As Xen, a foreign domain that cannot be used fails each frame in
	 * its error slot, not the call. */
	fd = domain_is_self(v->dom, b.foreign_domid) ? NULL : domain_get(b.foreign_domid);
	if (domain_is_self(v->dom, b.foreign_domid))
		whole = -XEN_EINVAL;
	else if (!fd)
		whole = -XEN_ESRCH;
	else if (!v->dom->is_control)
		whole = -XEN_EPERM;
	for (uint64_t i = 0; i < b.size; i++) {
		int32_t err = (int32_t)(whole ? whole : batch_one(v, fd, &b, i));

		if (copy_to_guest(b.errs + 4 * i, &err, sizeof(err)))
			break;
	}
	if (fd)
		domain_put(fd);
	return 0;
}

/* ---- acquire_resource --------------------------------------------------------- */

/* An ioreq server's request page, for its device model (Xen's rules:
 * the size query gives 2 frames; frame 0 is -ENOENT, others past 1
 * -EINVAL, and a frame that fails after the first is -EIO). */
static int64_t acquire_ioreq(struct vcpu *v, struct domain *fd,
			     struct xen_mem_acquire_resource *r, uint64_t arg)
{
	uint64_t pa[IOREQ_RESOURCE_FRAMES];
	int64_t rc = 0;

	if (!r->frame_list) {
		if (r->nr_frames)
			return -XEN_EINVAL;
		r->nr_frames = IOREQ_RESOURCE_FRAMES;
		return copy_to_guest(arg, r, sizeof(*r));
	}
	if (r->nr_frames > IOREQ_RESOURCE_FRAMES)
		return -XEN_EINVAL;
	/* As Xen: every frame found before any is mapped. */
	for (uint32_t i = 0; i < r->nr_frames && !rc; i++)
		rc = ioreq_resource_frame(fd, v->dom, r->id, r->frame + i, &pa[i]);
	for (uint32_t i = 0; i < r->nr_frames && !rc; i++) {
		uint64_t gfn;

		if (copy_from_guest(&gfn, r->frame_list + 8 * i, sizeof(gfn)))
			return -XEN_EFAULT;
		rc = map_foreign(v, gfn, fd, pa[i]);
		if (rc && i)
			rc = -XEN_EIO;
	}
	return rc;
}

int64_t mem_acquire_resource(struct vcpu *v, uint64_t arg)
{
	struct xen_mem_acquire_resource r;
	struct domain *fd;
	int64_t rc = 0;

	if (copy_from_guest(&r, arg, sizeof(r)))
		return -XEN_EFAULT;
	/* In Xen's order: the pad, frames beyond 32 bits, another domain
	 * (itself -EPERM, none -ESRCH), the privilege (-EPERM), then the
	 * resource. */
	if (r.pad || r.frame > UINT32_MAX || r.frame + r.nr_frames > UINT32_MAX)
		return -XEN_EINVAL;
	if (domain_is_self(v->dom, r.domid))
		return -XEN_EPERM;
	if (r.type == XENMEM_resource_ioreq_server) {
		/* XSM_DM_PRIV: the target's device model may map its
		 * servers' pages, which the control domain may too. */
		fd = domain_get(r.domid);
		if (!fd)
			return -XEN_ESRCH;
		rc = ioreq_may_emulate(v->dom, fd) ? acquire_ioreq(v, fd, &r, arg) : -XEN_EPERM;
		domain_put(fd);
		return rc;
	}
	fd = get_target(v, r.domid, &rc);
	if (!fd)
		return rc;
	if (r.type != XENMEM_resource_grant_table) {
		rc = -XEN_EOPNOTSUPP;   /* no vmtrace */
	} else if (r.id != XENMEM_resource_grant_table_id_shared) {
		rc = -XEN_EINVAL;     /* v1 tables have no status frames */
	} else if (!r.nr_frames) {
		/* A query: how many frames may be acquired. */
		r.nr_frames = GNTTAB_MAX_FRAMES;
		rc = r.frame_list ? -XEN_EINVAL : copy_to_guest(arg, &r, sizeof(r));
	} else if (r.frame >= GNTTAB_MAX_FRAMES || r.nr_frames > GNTTAB_MAX_FRAMES - r.frame) {
		rc = -XEN_EINVAL;
	}
	for (uint32_t i = 0; !rc && r.nr_frames && i < r.nr_frames; i++) {
		uint64_t gfn, pa = 0;

		if (copy_from_guest(&gfn, r.frame_list + 8 * i, sizeof(gfn))) {
			rc = -XEN_EFAULT;
			break;
		}
		spin_lock(&fd->p2m_lock);
		if (!gnttab_grow(fd, (unsigned int)(r.frame + i) + 1))
			pa = fd->gnttab.frame_pa[r.frame + i];
		spin_unlock(&fd->p2m_lock);
		rc = pa ? map_foreign(v, gfn, fd, pa) : -XEN_ENOMEM;
	}
	put_target(v, fd);
	return rc;
}
