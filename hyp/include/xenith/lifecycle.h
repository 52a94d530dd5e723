/* SPDX-License-Identifier: MIT */
/*
 * Domains made and unmade at run time (common/lifecycle.c, domain_mem.c),
 * as Xen 4.17's XEN_DOMCTL_createdomain and destroydomain make and unmake
 * them; docs/architecture.md, "Domain lifecycle", has the states and who
 * owns what.
 *
 * The lifecycle lock serialises every change of a domain's existence
 * (creation, each step of a teardown, the reaping of zombies) and the
 * control domain's changes to a domain being built (vCPUs, P2M pool,
 * vCPU context). It is the outermost lock and is only ever tried: a
 * domctl that finds it taken continues (the guest retries the call),
 * the idle loop's reaper goes on idling. So nobody waits for it with
 * interrupts masked, and the grace periods the teardown waits for
 * always end.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct domain;
struct vcpu;
struct xen_domctl_createdomain;
struct vcpu_guest_context;

/* A call that is not finished: the domctl continues (the guest makes it
 * again, and it goes on from where it stopped). */
#define LIFECYCLE_CONTINUE 1

/* A teardown's progress (struct domain.teardown), across continuations. */
enum teardown {
	T_NONE = 0,
	T_GRACE,        /* waiting for the grace period after DYING */
	T_CONTEXTS,     /* waiting for the vCPUs' contexts to be saved */
	T_RELEASE,      /* vCPUs gone; event channels, grant and foreign mappings */
	T_DEAD,         /* released; references may remain (a zombie) */
	T_MEMORY,       /* no reference left: memory going back (the destroyer) */
	T_REAPER,       /* the same, for a zombie: the reaper's */
	T_GONE,         /* out of the table; structures wait for a grace period */
};

bool lifecycle_trylock(void);
void lifecycle_unlock(void);

/* The rest, but lifecycle_last_ref() and lifecycle_idle(): lock held. */

/* XEN_DOMCTL_createdomain: a new domain, paused, with no memory and no
 * vCPUs yet (XEN_DOMCTL_max_vcpus makes them); want is the id asked for
 * (1 .. 0x7fef), else the next free one after the last given out, as
 * Xen's rover. c is checked and completed as Xen does (gic_version
 * native becomes v3). Its id in *id, or a Xen error. */
int64_t lifecycle_create(struct vcpu *caller, uint32_t want,
			 struct xen_domctl_createdomain *c, uint32_t *id);
/* XEN_DOMCTL_destroydomain: 0, -EINVAL for the caller's own domain, or
 * LIFECYCLE_CONTINUE while the teardown goes on. */
int64_t lifecycle_destroy(struct vcpu *caller, struct domain *d);
/* XEN_DOMCTL_max_vcpus (max must be createdomain's). */
int64_t lifecycle_max_vcpus(struct vcpu *caller, struct domain *d, uint32_t max);
/* XEN_DOMCTL_setvcpucontext: vCPU vcpu of d from ctx (NULL: back to
 * offline, Xen's vcpu_reset). */
int64_t lifecycle_set_context(struct vcpu *caller, struct domain *d, uint32_t vcpu,
			      const struct vcpu_guest_context *ctx);
/* The last reference of a dead domain went (domain_put; any context, any
 * lock held): the reaper gives its memory back. */
void lifecycle_last_ref(struct domain *d);
/* The idle loop, with no lock held: zombies and memory waiting for a
 * grace period are given back (a little at a time). */
void lifecycle_idle(void);
/* Sends VIRQ_DOM_EXC to the control domain (a domain shut down or went):
 * Xen's send_global_virq, which xenstored waits for. */
void lifecycle_notify_dom_exc(void);

/* ---- memory (common/domain_mem.c) ---- */

/* XENMEM_populate_physmap for d: a new extent of 2^order pages at gfn,
 * counted against d's max_pages. 0, or a Xen error. p2m_lock not held. */
int64_t domain_populate(struct domain *d, uint64_t gfn, unsigned int order);
/* XEN_DOMCTL_set/get_paging_mempool_size: the P2M pool, in bytes. */
int64_t domain_set_p2m_pool(struct domain *d, uint64_t bytes);
uint64_t domain_p2m_pool_bytes(struct domain *d);
/* XEN_DOMCTL_cacheflush: cleans and invalidates d's RAM pages among
 * [gfn, gfn + nr) to the point of coherency. */
void domain_cache_flush(struct domain *d, uint64_t gfn, uint64_t nr);
/* Pages d owns (Xen's tot_pages): boot RAM, owned shared regions and
 * populated extents. */
uint64_t domain_tot_pages(const struct domain *d);
/* The teardown's last part: gives back up to *budget extents of d's
 * memory; true once all of it is back (d then owns nothing but its
 * structures). */
bool domain_free_memory(struct domain *d, unsigned int *budget);
