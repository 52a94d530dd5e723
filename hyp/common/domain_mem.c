// SPDX-License-Identifier: MIT
/*
 * A domain's memory at run time (lifecycle.h): the extents
 * XENMEM_populate_physmap gives it, its P2M pool as the control domain
 * sizes it, and everything it holds given back when it goes.
 *
 * Populated extents come from the heap, are recorded in the domain's
 * ram_list (host address | order) and as its own in the heap's owner
 * table, and are mapped in its stage 2; all under its p2m_lock, which
 * also covers the P2M pool and its pool_list. Every extent counts
 * against max_pages (XEN_DOMCTL_max_mem) with the domain's boot RAM, as
 * Xen's tot_pages does; a dying domain gets nothing more (Xen's
 * assign_pages refuses it).
 */
#include <xenith/arch-api.h>
#include <xenith/control.h>
#include <xenith/domain.h>
#include <xenith/errno.h>
#include <xenith/heap.h>
#include <xenith/lib.h>
#include <xenith/lifecycle.h>
#include <xenith/xen_ops.h>

#define PAGE_SIZE 4096ULL
#define ORDER_MASK 0xfffULL

uint64_t domain_tot_pages(const struct domain *d)
{
	uint64_t bytes = 0;

	for (int i = 0; i < d->nr_ram; i++)
		bytes += d->ram[i].size;
	for (int i = 0; i < d->nr_shm_owned; i++)
		bytes += d->shm_owned[i].size;
	return (bytes >> 12) + __atomic_load_n(&d->ram_pages, __ATOMIC_RELAXED);
}

static void give_extent(uint64_t pa, unsigned int order)
{
	heap_clear_owner(pa, 1ULL << order);
	if (order)
		heap_free_range(pa, PAGE_SIZE << order);
	else
		heap_free_page(pa);
}

int64_t domain_populate(struct domain *d, uint64_t gfn, unsigned int order)
{
	uint64_t pages = 1ULL << order, bytes = PAGE_SIZE << order, pa, foreign = 0;
	uint64_t nodes;
	int64_t rc = 0;
	int map;

	spin_lock(&d->p2m_lock);
	/* A frame of its own boot RAM it gave back (decrease_reservation, a
	 * balloon): the same page returns; it never stopped being its. */
	pa = order ? 0 : domain_ram_page(d, gfn);
	if (pa) {
		rc = arch_p2m_map_page(d, gfn, pa) ? -XEN_ENOMEM : 0;
		if (!rc)
			memory_forget_gfn(d, gfn);
		goto out;
	}
	if (__atomic_load_n(&d->dying, __ATOMIC_ACQUIRE) != DOM_ALIVE) {
		rc = -XEN_EINVAL;
	} else if (domain_tot_pages(d) + pages > ctl_max_pages(d)) {
		rc = -XEN_ENOMEM;   /* Xen: "Over-allocation" */
	} else if (gfn >= (1ULL << (arch_guest_ipa_bits() - 12)) ||
		   pages > (1ULL << (arch_guest_ipa_bits() - 12)) - gfn) {
		rc = -XEN_EINVAL;
	}
	if (rc)
		goto out;
	pa = order ? heap_alloc_range(bytes, bytes) : heap_alloc_page();
	if (!pa) {
		rc = -XEN_ENOMEM;
		goto out;
	}
	nodes = d->ram_list.nodes;
	if (heap_set_owner(pa, pages, d->id) || page_list_add(&d->ram_list, pa | order)) {
		give_extent(pa, order);
		rc = -XEN_ENOMEM;
		goto out;
	}
	/* A foreign page that was there loses its mapping (and its owner
	 * the reference the mapping held, foreign.c). */
	if (!order)
		foreign = arch_gfn_foreign_pa(d, gfn);
	map = order ? arch_p2m_map_ram(d, gfn << 12, pa, bytes) : arch_p2m_map_page(d, gfn, pa);
	if (map) {
		uint64_t e;

		page_list_pop(&d->ram_list, &e);
		give_extent(pa, order);
		rc = map == -1 && !order ? -XEN_EINVAL : -XEN_ENOMEM;
		foreign = 0;
		goto out;
	}
	for (uint64_t i = 0; i < pages; i++)
		memory_forget_gfn(d, gfn + i);
	__atomic_store_n(&d->ram_pages, d->ram_pages + pages, __ATOMIC_RELAXED);
	if (d->ram_list.nodes > nodes)
		__atomic_add_fetch(&d->heap_pages, 1, __ATOMIC_RELAXED);
out:
	spin_unlock(&d->p2m_lock);
	if (foreign)
		memory_release_foreign(foreign);
	return rc;
}

/* The root table is a pool page the control domain's figure leaves out
 * (Xen keeps its root apart from the pool). */
uint64_t domain_p2m_pool_bytes(struct domain *d)
{
	uint64_t pages;

	spin_lock(&d->p2m_lock);
	pages = d->p2m_pool.pages;
	spin_unlock(&d->p2m_lock);
	return (pages - (d->runtime ? 1 : 0)) * PAGE_SIZE;
}

int64_t domain_set_p2m_pool(struct domain *d, uint64_t bytes)
{
	uint64_t want = (bytes >> 12) + (d->runtime ? 1 : 0);
	int64_t rc = 0;

	if (bytes & (PAGE_SIZE - 1))
		return -XEN_EINVAL;
	spin_lock(&d->p2m_lock);
	/* All or nothing (Xen keeps what it got before running out): more
	 * than the heap has is refused at once, and a growth that fails
	 * half way gives back what it took. */
	if (d->p2m_pool.pages < want &&
	    (want - d->p2m_pool.pages) * PAGE_SIZE > heap_free_bytes())
		rc = -XEN_ENOMEM;
	for (uint64_t added = 0; !rc && d->p2m_pool.pages < want; added++) {
		uint64_t pa = heap_alloc_page();

		if (!pa || page_list_add(&d->pool_list, pa)) {
			if (pa)
				heap_free_page(pa);
			while (added--) {
				pa = page_pool_shrink(&d->p2m_pool);
				page_list_remove(&d->pool_list, pa);
				heap_free_page(pa);
			}
			rc = -XEN_ENOMEM;
			break;
		}
		page_pool_add(&d->p2m_pool, pa);
	}
	while (!rc && d->p2m_pool.pages > want) {
		/* Only pages added at run time and not in use can go (the
		 * boot range stays whole): Xen's "freelist is empty". */
		uint64_t pa = page_pool_shrink(&d->p2m_pool);

		if (!pa) {
			rc = -XEN_ENOMEM;
			break;
		}
		page_list_remove(&d->pool_list, pa);
		heap_free_page(pa);
	}
	spin_unlock(&d->p2m_lock);
	return rc;
}

void domain_cache_flush(struct domain *d, uint64_t gfn, uint64_t nr)
{
	for (uint64_t i = 0; i < nr; i++) {
		uint64_t pa;

		spin_lock(&d->p2m_lock);
		pa = arch_gfn_to_pa(d, gfn + i);
		spin_unlock(&d->p2m_lock);
		if (pa)
			arch_flush_dcache(pa & ~(PAGE_SIZE - 1), PAGE_SIZE);
	}
}

bool domain_free_memory(struct domain *d, unsigned int *budget)
{
	struct grant_table *gt = &d->gnttab;
	uint64_t e;

	spin_lock(&d->p2m_lock);
	while (*budget && page_list_pop(&d->ram_list, &e)) {
		give_extent(e & ~ORDER_MASK, (unsigned int)(e & ORDER_MASK));
		d->ram_pages -= 1ULL << (e & ORDER_MASK);
		(*budget)--;
	}
	while (*budget && page_list_pop(&d->pool_list, &e)) {
		heap_free_page(e);
		(*budget)--;
	}
	if (d->ram_list.count || d->pool_list.count) {
		spin_unlock(&d->p2m_lock);
		return false;
	}
	for (unsigned int i = 0; i < gt->nr_alloc; i++)
		heap_free_page(gt->frame_pa[i]);
	for (unsigned int i = 0; i < GNTTAB_MAX_FRAMES; i++) {
		if (gt->pins[i])
			heap_free_page((uint64_t)(uintptr_t)gt->pins[i]);
		gt->pins[i] = NULL;
	}
	gt->nr_alloc = gt->nr_frames = 0;
	if (d->shared_info_pa)
		heap_free_page(d->shared_info_pa);
	d->shared_info_pa = 0;
	ioreq_free_pages(d);
	gnttab_free_maptrack(d);
	/* Boot RAM from the allocator (not static memory, which stays
	 * reserved) and the boot P2M pool's range. */
	if (!d->cfg->nr_static_mem)
		for (int i = 0; i < d->nr_ram; i++)
			heap_free_range(d->ram[i].pa, d->ram[i].size);
	d->nr_ram = 0;
	if (d->p2m_pool.cont)
		heap_free_range(d->p2m_pool.base, d->p2m_pool.cont * PAGE_SIZE);
	d->p2m_pool.cont = 0;
	d->p2m_root = 0;
	spin_unlock(&d->p2m_lock);
	/* The stage-2 tables are gone: the VMID's TLB entries with them,
	 * on every CPU, before the VMID is anyone else's. */
	arch_domain_release(d);
	return true;
}
