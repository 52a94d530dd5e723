// SPDX-License-Identifier: MIT
/*
 * Domains made and unmade at run time (lifecycle.h), in Xen 4.17's
 * order and with its answers.
 *
 * Destruction (XEN_DOMCTL_destroydomain) is a state machine driven by
 * the control domain's call, which continues until it is done:
 *
 *   ALIVE   paused (its vCPUs leave their CPUs), marked DYING: from now
 *           on domain_get() refuses it; a grace period begins.
 *   DYING   once the grace period has passed, every hypercall that could
 *           have found it alive has ended, so nobody takes a new
 *           reference or a new event channel in it. Its vCPUs' contexts
 *           are saved (the CPUs holding them are kicked), they leave
 *           their pool, their timers stop; its event channels are closed
 *           (interdomain peers see them closed, as on Xen) and sealed;
 *           the grant mappings it made are released. It is DEAD and its
 *           own reference goes.
 *   DEAD    with no reference left, its memory goes back to the heap
 *           (RAM, grant frames, shared_info, the P2M pool and its VMID),
 *           a little per call; then it leaves the domain table and its
 *           structures follow a grace period later (grace_free_later).
 *           With references left (another domain maps its pages) it is
 *           a zombie: destroydomain answers 0, getdomaininfo says dying,
 *           and the last domain_put() hands it to the reaper (the idle
 *           loop, or the next domctl), which does the same.
 *
 * Creation (XEN_DOMCTL_createdomain) checks what Xen's
 * sanitise_domain_config() checks, then builds the domain's structures,
 * stage 2 (an empty root and a 16-page P2M pool, as Xen's p2m_init),
 * vGIC, shared_info, grant table and event channels, puts it in its CPU
 * pool and in the table, paused by the control domain: the toolstack
 * then gives it vCPUs, memory and a first vCPU context, and unpauses it.
 * A failure gives back everything taken, so free memory is what it was.
 */
#include <public/control.h>
#include <public/event_channel.h>
#include <arch/spinlock.h>
#include <xenith/arch-api.h>
#include <xenith/console.h>
#include <xenith/control.h>
#include <xenith/domain.h>
#include <xenith/errno.h>
#include <xenith/evtchn.h>
#include <xenith/grace.h>
#include <xenith/heap.h>
#include <xenith/lib.h>
#include <xenith/lifecycle.h>
#include <xenith/xen_ops.h>

#define PAGE_SIZE 4096ULL
#define FREE_BUDGET 4096           /* extents given back per call */
#define P2M_INITIAL_PAGES 16       /* Xen's p2m_init */
#define DEFAULT_MAX_GRANT_FRAMES GNTTAB_MAX_FRAMES
#define DEFAULT_MAX_MAPTRACK_FRAMES 1024   /* Xen's opt_max_maptrack_frames */

static spinlock_t life_lock = SPINLOCK_INIT_RANK(LOCK_LIFECYCLE);
/* Zombies whose last reference went, for the reaper: pushed from any
 * context (a lock-free stack), taken whole under the lifecycle lock. */
static struct domain *zombies;
/* Xen's rover: the last domid createdomain gave out. */
static uint32_t rover;
/* Creations and destructions said on the console: the first ones, then
 * every 256th (a toolstack looping over thousands must not flood it). */
static unsigned int said;

bool lifecycle_trylock(void)
{
	return spin_trylock(&life_lock);
}

void lifecycle_unlock(void)
{
	spin_unlock(&life_lock);
}

static bool say(void)
{
	return ++said <= 16 || !(said & 255);
}

void lifecycle_notify_dom_exc(void)
{
	struct domain *c = domain_by_id(0);

	if (c && c->is_control && __atomic_load_n(&c->dying, __ATOMIC_ACQUIRE) == DOM_ALIVE)
		evtchn_send_virq(&c->evtchn, 0, VIRQ_DOM_EXC);
}

/* ---- the teardown -------------------------------------------------------- */

/* The grant mappings d made of other domains' pages (its maptrack) are
 * undone and their references put (grant_map.c provides the real one;
 * this one only finds none). */
__attribute__((weak)) void gnttab_release_mappings(struct domain *d)
{
	(void)d;
}

/* Every vCPU's context is saved (its CPU no longer holds it): the CPUs
 * still holding one are kicked, and their idle loop lets go of it (the
 * domain is paused). */
static bool contexts_saved(struct domain *d)
{
	bool all = true;

	for (unsigned int i = 0; i < d->nr_vcpus; i++) {
		int cpu = __atomic_load_n(&d->vcpu[i]->sched.ctx_cpu, __ATOMIC_ACQUIRE);

		if (cpu >= 0) {
			arch_cpu_kick((unsigned int)cpu);
			all = false;
		}
		if (__atomic_load_n(&d->vcpu[i]->sched.run, __ATOMIC_ACQUIRE) == RUN_RUNNING)
			all = false;
	}
	return all;
}

/* Closes every port (interdomain peers see theirs closed), then makes
 * every port reserved, so that none can be allocated again (Xen's
 * get_free_port refuses a dying domain). The hypervisor's own ends (a
 * vuart's port to its backend) are closed too, as Xen's evtchn_destroy
 * closes them: they become ordinary ports first, which the domain,
 * paused for good, can no longer use. False if a port is still bound
 * (the teardown continues and tries again; never a loop here). */
static bool evtchn_seal(struct domain *d)
{
	struct evtchn_domain *ed = &d->evtchn;
	struct evtchn_reset r = { .dom = DOMID_SELF };
	bool bound = false;

	spin_lock(&ed->lock);
	for (uint32_t p = 1; p < EVTCHN_MAX_PORTS; p++)
		ed->ch[p].xen_consumer = 0;
	spin_unlock(&ed->lock);
	evtchn_op(ed, 0, EVTCHNOP_reset, &r);
	spin_lock(&ed->lock);
	for (uint32_t p = 1; p < EVTCHN_MAX_PORTS && !bound; p++)
		bound = ed->ch[p].state > ECS_RESERVED;
	if (!bound) {
		for (uint32_t p = 1; p < EVTCHN_MAX_PORTS; p++)
			ed->ch[p].state = ECS_RESERVED;
		__atomic_store_n(&ed->valid_ports, EVTCHN_MAX_PORTS, __ATOMIC_RELEASE);
	}
	spin_unlock(&ed->lock);
	return !bound;
}

/* A foreign entry of the domain going: its page's owner loses the
 * reference the entry held (Xen's relinquish_p2m_mapping). */
static void put_foreign(void *arg, uint64_t pa)
{
	(void)arg;
	memory_release_foreign(pa);
}

/* The vCPUs leave their pool and their timers stop (once). */
static void release_vcpus(struct domain *d)
{
	for (unsigned int i = 0; i < d->nr_vcpus; i++) {
		struct vcpu *v = d->vcpu[i];

		sched_remove_vcpu(v);
		timer_stop(&v->sched.poll_timer);
		if (v->arch.vtimer_wake.fn)
			timer_stop(&v->arch.vtimer_wake);
	}
}

/* Event channels, then what d holds of other domains (once the channels
 * are sealed). False: a port is still bound, call again. */
static bool release(struct domain *d)
{
	ioreq_release(d);
	if (!evtchn_seal(d))
		return false;
	gnttab_release_mappings(d);
	arch_p2m_each_foreign(d, put_foreign, NULL);
	return true;
}

/* The structures go a grace period after the domain left the table
 * (borrowers may still read them until then). */
static void forget(struct domain *d)
{
	uint64_t self = d->self_pa, self_bytes = d->self_bytes;

	d->teardown = T_GONE;
	domain_unregister(d);
	if (d->vcpu_bytes)
		grace_free_later(d->vcpu_pa, d->vcpu_bytes);
	if (self_bytes)
		grace_free_later(self, self_bytes);
}

/* The memory of a domain with no reference left, up to *budget extents;
 * true once it is out of the table. */
static bool finish(struct domain *d, unsigned int *budget)
{
	if (!domain_free_memory(d, budget))
		return false;
	if (say())
		printk("d%u: destroyed, its memory back (free host RAM %llu KiB)\n", d->id,
		       (unsigned long long)(heap_free_bytes() >> 10));
	forget(d);
	lifecycle_notify_dom_exc();
	return true;
}

void lifecycle_last_ref(struct domain *d)
{
	struct domain *head = __atomic_load_n(&zombies, __ATOMIC_RELAXED);

	d->teardown = T_REAPER;
	do
		d->reap_next = head;
	while (!__atomic_compare_exchange_n(&zombies, &head, d, false, __ATOMIC_RELEASE,
					    __ATOMIC_RELAXED));
	/* Idle CPUs sleep until an interrupt: one wakes to reap it. */
	grace_kick_idle();
}

/* Zombies whose last reference went (lock held). */
static void reap_zombies(unsigned int *budget)
{
	struct domain *list = __atomic_exchange_n(&zombies, NULL, __ATOMIC_ACQUIRE);

	while (list) {
		struct domain *d = list;

		list = d->reap_next;
		if (!finish(d, budget))
			lifecycle_last_ref(d);   /* the rest next time */
		else
			d->reap_next = NULL;
	}
}

void lifecycle_idle(void)
{
	if (__atomic_load_n(&zombies, __ATOMIC_RELAXED) && lifecycle_trylock()) {
		unsigned int budget = FREE_BUDGET;

		reap_zombies(&budget);
		lifecycle_unlock();
	}
	grace_reap();
}

int64_t lifecycle_destroy(struct vcpu *caller, struct domain *d)
{
	unsigned int budget = FREE_BUDGET;

	if (d == caller->dom)
		return -XEN_EINVAL;   /* Xen: no domain_pause() of oneself */
	reap_zombies(&budget);
	switch (d->dying) {
	case DOM_ALIVE:
		sched_domain_pause(d);
		__atomic_store_n(&d->dying, DOM_DYING, __ATOMIC_RELEASE);
		d->grace_ticket = grace_begin();
		d->teardown = T_GRACE;
		if (say())
			printk("d%u: destroyed by d%u\n", d->id, caller->dom->id);
		/* fall through */
	case DOM_DYING:
		if (d->teardown == T_GRACE) {
			if (!grace_passed(d->grace_ticket))
				return LIFECYCLE_CONTINUE;
			d->teardown = T_CONTEXTS;
		}
		if (d->teardown == T_CONTEXTS) {
			if (!contexts_saved(d))
				return LIFECYCLE_CONTINUE;
			release_vcpus(d);
			d->teardown = T_RELEASE;
		}
		if (!release(d))
			return LIFECYCLE_CONTINUE;
		d->teardown = T_DEAD;
		__atomic_store_n(&d->dying, DOM_DEAD, __ATOMIC_RELEASE);
		lifecycle_notify_dom_exc();
		if (__atomic_sub_fetch(&d->refs, 1, __ATOMIC_ACQ_REL))
			return 0;   /* a zombie until its last reference goes */
		d->teardown = T_MEMORY;
		/* fall through */
	case DOM_DEAD:
	default:
		/* Only the teardown that dropped the last reference itself
		 * goes on here; a zombie's is the reaper's. */
		if (d->teardown != T_MEMORY)
			return 0;
		return finish(d, &budget) ? 0 : LIFECYCLE_CONTINUE;
	}
}

/* ---- creation ---------------------------------------------------------- */

#define CDF_hvm   (1U << 0)
#define CDF_hap   (1U << 1)
#define CDF_s3    (1U << 2)
#define CDF_oos   (1U << 3)
#define CDF_xs    (1U << 4)
#define CDF_iommu (1U << 5)
#define CDF_nested (1U << 6)
#define CDF_vpmu  (1U << 7)
#define IOMMU_no_sharept (1U << 0)

/* Xen's sanitise_domain_config() and Arm's arch_sanitise_domain_config(),
 * on a machine without IOMMU, vmtrace, vPMU for guests or TEE. */
static int64_t sanitise(struct xen_domctl_createdomain *c)
{
	unsigned int max;

	if (c->flags & ~(CDF_hvm | CDF_hap | CDF_s3 | CDF_oos | CDF_xs | CDF_iommu |
			 CDF_nested | CDF_vpmu))
		return -XEN_EINVAL;
	if (c->grant_opts & ~0xfU)
		return -XEN_EINVAL;
	if (c->max_vcpus < 1)
		return -XEN_EINVAL;
	if ((c->flags & CDF_hap) && !(c->flags & CDF_hvm))
		return -XEN_EINVAL;
	if ((c->flags & CDF_iommu) || c->iommu_opts)
		return -XEN_EINVAL;   /* no IOMMU here, or options without one */
	if (c->vmtrace_size || (c->flags & CDF_vpmu))
		return -XEN_EINVAL;   /* neither is offered */
	if ((c->flags & ~(CDF_iommu | CDF_vpmu)) != (CDF_hvm | CDF_hap))
		return -XEN_EINVAL;
	if (c->arch.gic_version == XEN_DOMCTL_CONFIG_GIC_NATIVE)
		c->arch.gic_version = XEN_DOMCTL_CONFIG_GIC_V3;
	/* Xen's vgic_max_vcpus(): 8 for a GICv2, 4096 for a GICv3; capped
	 * at MAX_VIRT_CPUS (128). */
	max = c->arch.gic_version == XEN_DOMCTL_CONFIG_GIC_V2 ? 8 :
	      c->arch.gic_version == XEN_DOMCTL_CONFIG_GIC_V3 ? MAX_DOM_VCPUS : 0;
	if (!max || c->max_vcpus > max)
		return -XEN_EINVAL;
	if (c->arch.tee_type != XEN_DOMCTL_CONFIG_TEE_NONE)
		return -XEN_EINVAL;
	return 0;
}

/* The next free domid after the rover (Xen's loop), 0 if none. */
static uint32_t next_free_id(void)
{
	for (uint32_t id = rover + 1; id != rover; id++) {
		if (id >= DOMID_FIRST_RESERVED)
			id = 1;
		if (domain_id_free(id))
			return id;
		if (id == rover)
			break;
	}
	return 0;
}

/* The pool with Xen's cpupool id, or NULL. */
static struct sched_pool *pool_by_id(uint32_t id, int *index)
{
	for (unsigned int i = 0; i < nr_sched_pools; i++)
		if (sched_pools[i].cfg && sched_pools[i].cfg->ok && sched_pools[i].id == id) {
			*index = (int)i;
			return &sched_pools[i];
		}
	return NULL;
}

/* Bytes of the vCPU block: the vCPUs (64-byte aligned each), the table
 * of them and their event-channel state. */
static uint64_t vcpu_block(unsigned int n)
{
	return ALIGN_UP(ALIGN_UP(sizeof(struct vcpu), 64) * n +
			ALIGN_UP(n * sizeof(struct vcpu *), 64) +
			n * sizeof(struct evtchn_vcpu), PAGE_SIZE);
}

/* A failed creation: everything taken goes back at once (the domain was
 * never in the table, so nobody can have found it). */
static void unbuild(struct domain *d)
{
	unsigned int budget = ~0U;

	if (d->p2m_pool.pages || d->shared_info_pa || d->gnttab.nr_alloc || d->arch.vmid)
		domain_free_memory(d, &budget);
	if (d->vcpu_bytes)
		heap_free_range(d->vcpu_pa, d->vcpu_bytes);
	heap_free_range(d->self_pa, d->self_bytes);
}

static int64_t build(struct domain *d, struct xen_domctl_createdomain *c, int pool)
{
	struct domain_config *cfg = (struct domain_config *)(d + 1);
	unsigned int n = c->max_vcpus;
	uint64_t stride = ALIGN_UP(sizeof(struct vcpu), 64), pa;
	struct evtchn_vcpu *ev;
	int max_gnt = c->max_grant_frames < 0 ? DEFAULT_MAX_GRANT_FRAMES : c->max_grant_frames;
	int max_mt = c->max_maptrack_frames < 0 ? DEFAULT_MAX_MAPTRACK_FRAMES :
						  c->max_maptrack_frames;
	int rc;

	/* The vCPU block now (its table is d->vcpu); the vCPUs join their
	 * pool at XEN_DOMCTL_max_vcpus. */
	d->vcpu_bytes = vcpu_block(n);
	d->vcpu_pa = pa = heap_alloc_range(d->vcpu_bytes, PAGE_SIZE);
	if (!pa) {
		d->vcpu_bytes = 0;
		return -XEN_ENOMEM;
	}
	d->vcpu = (struct vcpu **)(uintptr_t)(pa + stride * n);
	for (unsigned int i = 0; i < n; i++) {
		d->vcpu[i] = (struct vcpu *)(uintptr_t)(pa + i * stride);
		d->vcpu[i]->dom = d;
		d->vcpu[i]->id = i;
	}
	ev = (struct evtchn_vcpu *)(uintptr_t)(pa + stride * n +
					       ALIGN_UP(n * sizeof(struct vcpu *), 64));
	/* Stage 2: the root and Xen's first 16 pool pages. */
	if (domain_set_p2m_pool(d, P2M_INITIAL_PAGES * PAGE_SIZE))
		return -XEN_ENOMEM;
	rc = arch_domain_create(d);
	if (rc)
		return rc;
	if (c->arch.gic_version != XEN_DOMCTL_CONFIG_GIC_V3)
		return -XEN_ENODEV;   /* Xen's vgic-v2 on a GICv3 without v2 support */
	if (xen_domain_init(d, ev))
		return -XEN_ENOMEM;
	/* Xen's grant_table_init(): version 1 (Arm has no v2), sizes within
	 * the hypervisor's limits. */
	if ((c->grant_opts & 0xf) != 1 || max_gnt < GNTTAB_INITIAL_FRAMES ||
	    max_gnt > GNTTAB_MAX_FRAMES || max_mt > DEFAULT_MAX_MAPTRACK_FRAMES)
		return -XEN_EINVAL;
	d->gnttab.max_frames = (unsigned int)max_gnt;
	d->maptrack_limit = (uint32_t)max_mt * 512;   /* Xen's handles per frame */
	d->maptrack_limit_set = true;
	/* Xen's cpupool_add_domain(). */
	if (pool < 0)
		return -XEN_ESRCH;
	if (!sched_pools[pool].cpus)
		return -XEN_ENODEV;
	cfg->pool = pool;
	d->pool = &sched_pools[pool];
	return 0;
}

int64_t lifecycle_create(struct vcpu *caller, uint32_t want,
			 struct xen_domctl_createdomain *c, uint32_t *id)
{
	uint64_t bytes = ALIGN_UP(sizeof(struct domain) + sizeof(struct domain_config), PAGE_SIZE);
	struct domain_config *cfg;
	struct domain *d;
	int pool = -1;
	int64_t rc;

	(void)caller;
	/* The id first, as Xen's domctl does before domain_create(). */
	if (want > 0 && want < DOMID_FIRST_RESERVED) {
		if (!domain_id_free(want))
			return -XEN_EEXIST;
	} else {
		want = next_free_id();
		if (!want)
			return -XEN_ENOMEM;
		rover = want;
	}
	rc = sanitise(c);
	if (rc)
		return rc;
	d = (struct domain *)(uintptr_t)heap_alloc_range(bytes, PAGE_SIZE);
	if (!d)
		return -XEN_ENOMEM;
	cfg = (struct domain_config *)(d + 1);
	d->self_pa = (uint64_t)(uintptr_t)d;
	d->self_bytes = bytes;
	d->runtime = true;
	d->id = want;
	d->cfg = cfg;
	d->max_vcpus = c->max_vcpus;
	spin_lock_init(&d->p2m_lock, LOCK_P2M);
	spin_lock_init(&d->conio_lock, LOCK_CONIO);
	spin_lock_init(&d->vcpu_lock, LOCK_VCPUS);
	ioreq_domain_init(d);
	snprintf(cfg->path, sizeof(cfg->path), "d%u", want);
	cfg->domid = want;
	cfg->vcpus = c->max_vcpus;
	cfg->nr_spis = c->arch.nr_spis;
	cfg->sched_weight = 256;
	cfg->rtds_budget_us = 4000;
	cfg->rtds_period_us = 10000;
	cfg->a653_window_us = 10000;
	cfg->ok = true;
	/* Xen's guest map for the emulated devices; no RAM until populated. */
	d->layout.gicd_base = GUEST_GICD_BASE;
	d->layout.gicr_base = GUEST_GICR_BASE;
	d->layout.gicr_size = GUEST_GICR_SIZE;
	d->layout.uart_base = GUEST_PL011_BASE;
	d->layout.uart_spi = GUEST_VPL011_SPI;
	d->layout.evtchn_intid = 16 + GUEST_EVTCHN_PPI;
	d->layout.gnttab_base = GUEST_GNTTAB_BASE;
	d->layout.gnttab_size = GUEST_GNTTAB_SIZE;
	pool_by_id(c->cpupool_id, &pool);
	rc = build(d, c, pool);
	if (!rc) {
		/* Created paused by the control domain (Xen sets its
		 * controller_pause_count to 1); max_pages 0 until max_mem. */
		d->pause_count = 1;
		d->ctl_pause_count = 1;
		d->max_pages_set = true;
		memcpy(d->handle, c->handle, sizeof(d->handle));
		if (domain_register(d))
			rc = -XEN_ENOMEM;
	}
	if (rc) {
		unbuild(d);
		return rc;
	}
	if (say())
		printk("d%u: created by d%u: %u vCPU%s in Pool-%u\n", d->id, caller->dom->id,
		       d->max_vcpus, d->max_vcpus == 1 ? "" : "s", d->pool->id);
	*id = d->id;
	return 0;
}

int64_t lifecycle_max_vcpus(struct vcpu *caller, struct domain *d, uint32_t max)
{
	int64_t rc = 0;

	if (d == caller->dom || max != d->max_vcpus)
		return -XEN_EINVAL;
	if (d->nr_vcpus == d->max_vcpus)
		return 0;
	if (d->dying)
		return -XEN_EINVAL;
	sched_domain_pause(d);
	for (unsigned int i = d->nr_vcpus; i < d->max_vcpus; i++) {
		struct vcpu *v = d->vcpu[i];

		v->power = VCPU_OFF;
		v->aff_hard = v->aff_soft = ~0U;
		v->upcall_pending = d->evtchn.vcpu[i].info;
		arch_vcpu_init(v, 0, 0);
		if (sched_add_vcpu(v)) {
			rc = -XEN_ENOMEM;
			break;
		}
		d->nr_vcpus = i + 1;
	}
	sched_domain_unpause(d);
	return rc;
}

int64_t lifecycle_set_context(struct vcpu *caller, struct domain *d, uint32_t vcpu,
			      const struct vcpu_guest_context *ctx)
{
	struct vcpu *v;
	int64_t rc;

	if (d == caller->dom || vcpu >= d->max_vcpus || vcpu >= d->nr_vcpus)
		return -XEN_EINVAL;
	v = d->vcpu[vcpu];
	sched_domain_pause(d);
	if (v->sched.ctx_cpu >= 0) {
		/* A CPU still holds its registers (it ran before): that CPU
		 * lets go of them first, or its save would undo ours. */
		arch_cpu_kick((unsigned int)v->sched.ctx_cpu);
		sched_domain_unpause(d);
		return LIFECYCLE_CONTINUE;
	}
	/* A new context: an access it was waiting for is forgotten. */
	ioreq_vcpu_reset(v);
	if (!ctx) {
		/* Xen's vcpu_reset: offline, registers cleared. */
		v->power = VCPU_OFF;
		arch_vcpu_init(v, 0, 0);
		rc = 0;
	} else if (!d->guest_64bit) {
		/* Still 32-bit (no set_address_size 64): Xen checks an AArch32
		 * state here, which Xenith does not run. */
		rc = -XEN_EINVAL;
	} else {
		rc = arch_vcpu_set_context(v, ctx);
		if (!rc)
			v->power = (ctx->flags & VGCF_online) ? VCPU_ON_PENDING : VCPU_OFF;
	}
	/* An online vCPU of a domain that is not paused otherwise starts
	 * now (at the last unpause, unhold() makes it runnable). */
	sched_domain_unpause(d);
	return rc;
}
