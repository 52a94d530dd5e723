// SPDX-License-Identifier: MIT
/*
 * Per-domain Xen interface state: the shared_info page, the grant-table
 * frames and the event channels, all allocated when the domain is built
 * (static partitioning: nothing is allocated later).
 */
#include <xenith/arch-api.h>
#include <xenith/console.h>
#include <xenith/domain.h>
#include <xenith/assert.h>
#include <xenith/heap.h>
#include <xenith/evtchn.h>
#include <xenith/lib.h>
#include <public/xen_abi.h>

#define PAGE_SIZE 4096ULL

static struct evtchn_domain *lookup(uint16_t domid)
{
	struct domain *d = domain_by_id(domid);

	return d ? &d->evtchn : NULL;
}

static struct domain *domain_of(struct evtchn_domain *ed)
{
	return (struct domain *)((char *)ed - __builtin_offsetof(struct domain, evtchn));
}

/* From any CPU, after the flag's 0 -> 1 edge (a sequentially consistent
 * OR): the line goes up. upcall_level is only a hint the vCPU's CPU
 * compares with the flag at entry (a wrong hint costs one call there);
 * set here so that the common entry after an event does nothing. */
static void upcall(struct evtchn_domain *ed, unsigned int vcpu)
{
	struct domain *d = domain_of(ed);

	d->vcpu[vcpu]->upcall_level = true;
	arch_vgic_set_level(d, vcpu, d->layout.evtchn_intid, true);
}

/* FIFO control blocks and event arrays: a page the guest has mapped at
 * gfn now, and one of its own (see domain_gfn_to_own_page()). */
static void *map_gfn(struct evtchn_domain *ed, uint64_t gfn)
{
	uint64_t pa = domain_gfn_to_own_page(domain_of(ed), gfn);

	return pa ? (void *)(uintptr_t)pa : NULL;
}

static void port_pending(struct evtchn_domain *ed)
{
	sched_poll_notify(domain_of(ed));
}

/* Ports the hypervisor consumes: a vpl011's backend, ioreq servers'. */
static void xen_event(struct evtchn_domain *ed, uint32_t port)
{
	struct domain *d = domain_of(ed);

	if (d->vpl011.ring && port == d->vpl011.port)
		vpl011_ring_event(d);
	else
		ioreq_event(d, port, ed->ch[port].notify_vcpu);
}

/* A device model closed its end of an ioreq server's port. */
static void xen_peer_closed(struct evtchn_domain *ed, uint32_t port)
{
	ioreq_peer_closed(domain_of(ed), port, ed->ch[port].notify_vcpu);
}

static const struct evtchn_env env = {
	.lookup = lookup,
	.upcall = upcall,
	.port_pending = port_pending,
	.map_gfn = map_gfn,
	.xen_event = xen_event,
	.xen_peer_closed = xen_peer_closed,
};

/* Frames [nr_alloc, n) from the heap, all or nothing. */
static int gnttab_alloc(struct domain *d, unsigned int n)
{
	struct grant_table *gt = &d->gnttab;
	unsigned int had = gt->nr_alloc;

	for (unsigned int i = had; i < n; i++) {
		uint64_t pa = heap_alloc_page();

		if (!pa) {
			/* All or nothing, as Xen's gnttab_grow_table: the
			 * table stays as it was. */
			while (i-- > had)
				heap_free_page(gt->frame_pa[i]);
			return -1;
		}
		gt->frame_pa[i] = pa;
		gt->gfn[i] = INVALID_GFN;
	}
	if (n > had) {
		__atomic_add_fetch(&d->heap_pages, n - had, __ATOMIC_RELAXED);
		gt->nr_alloc = n;
	}
	return 0;
}

int gnttab_grow(struct domain *d, unsigned int n)
{
	struct grant_table *gt = &d->gnttab;

	ASSERT_LOCKED(&d->p2m_lock);
	if (n > (gt->max_frames ? gt->max_frames : GNTTAB_MAX_FRAMES))
		n = gt->max_frames ? gt->max_frames : GNTTAB_MAX_FRAMES;
	if (n > gt->nr_alloc && gnttab_alloc(d, n))
		return -1;
	if (n > gt->nr_frames)
		gt->nr_frames = n;
	return 0;
}

/* shared_info, the first grant frame and event channels; ev holds the
 * per-vCPU event state (allocated with the vCPUs). */
int xen_domain_init(struct domain *d, struct evtchn_vcpu *ev)
{
	int rc;

	d->shared_info_pa = heap_alloc_page();
	if (d->shared_info_pa)
		__atomic_add_fetch(&d->heap_pages, 1, __ATOMIC_RELAXED);
	spin_lock(&d->p2m_lock);
	/* A static domain has every frame it may ever grow to now: after
	 * boot nothing is allocated for it (the heap may be sealed). */
	rc = !d->shared_info_pa ? -1 :
	     d->cfg->nr_static_mem ? gnttab_alloc(d, GNTTAB_MAX_FRAMES) : 0;
	if (!rc)
		rc = gnttab_grow(d, GNTTAB_INITIAL_FRAMES);
	spin_unlock(&d->p2m_lock);
	if (rc) {
		printk("%s: not enough host RAM for shared_info and grant frames\n",
		       d->cfg->path);
		return -1;
	}
	d->shared_info_gfn = INVALID_GFN;
	d->gnttab.version = 1;
	evtchn_domain_init(&d->evtchn, (uint16_t)d->id, d->max_vcpus, ev,
			   (void *)(uintptr_t)d->shared_info_pa, &env);
	d->evtchn.privileged = d->is_control;
	return xen_params_init(d);
}

/*
 * HVM parameters Xen 4.17 sets when it builds a domain: dom0's event
 * upcall (HVM_PARAM_CALLBACK_IRQ: a level-low PPI, evtchn_allocate), and
 * for a dom0less domain with xenstore ("xen,enhanced" = "enabled") a
 * port offered to dom0 for xenstore and the store page "not yet"
 * (~0: Linux waits for an event on the port, then reads the page's
 * frame, which init-dom0less in dom0 sets: late xenstore).
 */
int xen_params_init(struct domain *d)
{
	long port;

	if (d->is_control)
		d->hvm_param[HVM_PARAM_CALLBACK_IRQ] = (2ULL << 56) | (2ULL << 8) |
						       d->layout.evtchn_intid;
	if (d->is_control || d->cfg->enhanced != ENHANCED_ENABLED)
		return 0;
	port = evtchn_alloc_unbound_for(&d->evtchn, 0);
	if (port < 0) {
		printk("%s: no event channel for xenstore\n", d->cfg->path);
		return -1;
	}
	d->hvm_param[HVM_PARAM_STORE_EVTCHN] = (uint64_t)port;
	d->hvm_param[HVM_PARAM_STORE_PFN] = ~0ULL;
	return 0;
}

/* The upcall PPI is level-sensitive: high while evtchn_upcall_pending
 * (xen_vcpu_entry() in domain.h decides when it changed). */
/*
 * On the vCPU's CPU, at entry, when the flag and the line disagree.
 * Lowering races with a sender on another CPU that sets the flag again:
 * if the sender found the line still high it did nothing, and the vCPU
 * would block with an event pending and the line low (seen: a ping-pong
 * of thousands of static-channel messages lost one now and then). So
 * after lowering, look at the flag once more: the store of the level and
 * this load on our side, the flag's OR and the load of the level (under
 * the vGIC lock) on the sender's, each pair with a full barrier between,
 * so at least one of us sees the other.
 */
void xen_upcall_set_level(struct vcpu *v, bool pending)
{
	v->upcall_level = pending;
	arch_vgic_set_level(v->dom, v->id, v->dom->layout.evtchn_intid, pending);
	if (pending)
		return;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (*v->upcall_pending) {
		v->upcall_level = true;
		arch_vgic_set_level(v->dom, v->id, v->dom->layout.evtchn_intid, true);
	}
}
