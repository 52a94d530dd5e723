// SPDX-License-Identifier: MIT
/*
 * domctl (hypercall 36): the control domain's operations on a domain, at
 * Xen 4.17's interface version 0x15. Offered: getdomaininfo,
 * pausedomain, unpausedomain, getvcpuinfo, max_mem, setdomainhandle, and
 * what xl create and xl destroy need (common/lifecycle.c): createdomain,
 * destroydomain, max_vcpus, setvcpucontext, set/get_paging_mempool_size,
 * scheduler_op (credit2 weight and cap, rtds period and budget),
 * set/getvcpuaffinity and setnodeaffinity (recorded; the scheduler does
 * not pin), set_address_size, cacheflush.
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
 * Other domains are borrowed through domain_by_id() (domain.h: valid
 * until the hypercall ends, grace periods keep them), dying ones too, as
 * Xen's rcu_lock_domain_by_id finds them: getdomaininfo says "dying".
 * What is read of a running domain is safe to read while it runs: its
 * vCPUs' states through the scheduler, under their pool's lock; its
 * handle and max_pages under ctl_lock; the rest is fixed at
 * construction. Every sub-operation but getdomaininfo runs under the
 * lifecycle lock (Xen's domctl_lock), only ever tried: a call that finds
 * it taken continues, as Xen's does.
 */
#include <arch/spinlock.h>
#include <xenith/arch-api.h>
#include <xenith/assert.h>
#include <xenith/control.h>
#include <xenith/domain.h>
#include <xenith/vpl011.h>
#include <xenith/errno.h>
#include <xenith/guest_access.h>
#include <xenith/heap.h>
#include <xenith/lifecycle.h>
#include <xenith/lib.h>
#include <xenith/sched.h>

#define PAGE_SHIFT 12

spinlock_t ctl_lock = SPINLOCK_INIT_RANK(LOCK_DOMCTL);

uint32_t ctl_last_domid(void)
{
	uint32_t last = 0;
	struct domain *d;

	for_each_domain(d)
		last = d->id;
	return last;
}

/* The domain with the lowest id >= from, or NULL. */
static struct domain *domain_from(uint32_t from)
{
	struct domain *d;

	for_each_domain(d)
		if (d->id >= from)
			return d;
	return NULL;
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

uint64_t ctl_max_pages(const struct domain *d)
{
	uint64_t n;

	spin_lock(&ctl_lock);
	n = max_pages(d);
	spin_unlock(&ctl_lock);
	return n;
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
		      (__atomic_load_n(&d->dying, __ATOMIC_ACQUIRE) ? XEN_DOMINF_dying : 0) |
		      (down ? XEN_DOMINF_shutdown : 0) |
		      (__atomic_load_n(&d->ctl_pause_count, __ATOMIC_RELAXED) ?
		       XEN_DOMINF_paused : 0) |
		      XEN_DOMINF_hvm_guest | XEN_DOMINF_hap |
		      code << XEN_DOMINF_shutdownshift;
	info->tot_pages = domain_tot_pages(d);
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

	/* Xen: -EINVAL beyond max_vcpus, -ESRCH for a vCPU not created
	 * yet (a run-time domain before XEN_DOMCTL_max_vcpus). */
	if (gi->vcpu >= d->max_vcpus)
		return -XEN_EINVAL;
	if (gi->vcpu >= d->nr_vcpus)
		return -XEN_ESRCH;
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

/* ---- run-time domains ------------------------------------------------------- */

/* XEN_DOMCTL_scheduler_op: the pool's scheduler must be the one named
 * (-EINVAL otherwise, as Xen's sched_adjust). credit2 has a weight and a
 * cap per domain (Xen's csched2_dom_cntl: a cap above 100% per vCPU is
 * -EINVAL); rtds a period and budget (domain-wide; per-vCPU values are
 * not offered); null and arinc653 have nothing to adjust. */
static int64_t scheduler_op(struct domain *d, struct xen_domctl_scheduler_op *s)
{
	enum sched_kind k = d->pool->cfg->sched;

	if (s->sched_id != ctl_sched_id(k))
		return -XEN_EINVAL;
	if (s->cmd > XEN_DOMCTL_SCHEDOP_getvcpuinfo)
		return -XEN_EINVAL;
	switch (k) {
	case SCHED_CREDIT2:
		if (s->cmd == XEN_DOMCTL_SCHEDOP_getinfo) {
			uint32_t w, c;

			sched_credit2_get(d, &w, &c);
			s->u.credit2.weight = (uint16_t)w;
			s->u.credit2.cap = (uint16_t)c;
			return 0;
		}
		if (s->cmd != XEN_DOMCTL_SCHEDOP_putinfo)
			return -XEN_EINVAL;
		if (s->u.credit2.cap > 100 * d->max_vcpus)
			return -XEN_EINVAL;
		sched_credit2_set(d, s->u.credit2.weight, s->u.credit2.cap);
		return 0;
	case SCHED_RTDS:
		if (s->cmd == XEN_DOMCTL_SCHEDOP_getinfo) {
			s->u.rtds.period = d->cfg->rtds_period_us;
			s->u.rtds.budget = d->cfg->rtds_budget_us;
			s->u.rtds.flags = 0;
			return 0;
		}
		return -XEN_EINVAL;   /* set at construction only, for now */
	default:
		return 0;
	}
}

/* A caller's bitmap of CPUs into a mask (Xen's xenctl_bitmap_to_bitmap:
 * as many bits as both sides have). */
static int64_t get_cpumap(const struct xenctl_bitmap *b, uint32_t *mask)
{
	uint8_t bytes[4] = { 0 };
	uint64_t n = MIN(((uint64_t)b->nr_bits + 7) / 8, (uint64_t)sizeof(bytes));

	if (n && copy_from_guest(bytes, b->bitmap, n))
		return -XEN_EFAULT;
	if (b->nr_bits % 8 && n == ((uint64_t)b->nr_bits + 7) / 8)
		bytes[n - 1] &= (uint8_t)((1U << (b->nr_bits % 8)) - 1);
	*mask = (uint32_t)bytes[0] | (uint32_t)bytes[1] << 8 | (uint32_t)bytes[2] << 16 |
		(uint32_t)bytes[3] << 24;
	return 0;
}

/* set/getvcpuaffinity, in Xen's vcpu_affinity_domctl order: the vCPU,
 * the flags and bitmaps, then (set) the hard affinity must meet the
 * pool's CPUs; what is effective goes back into the caller's bitmaps.
 * Recorded; the scheduler does not pin vCPUs (docs/status.md). */
static int64_t vcpu_affinity(struct domain *d, uint32_t cmd, struct xen_domctl_vcpuaffinity *a)
{
	uint32_t hard, soft, pool = d->pool->cpus;
	struct vcpu *v;
	int64_t rc;

	if (a->vcpu >= d->max_vcpus)
		return -XEN_EINVAL;
	if (a->vcpu >= d->nr_vcpus)
		return -XEN_ESRCH;
	v = d->vcpu[a->vcpu];
	if ((a->flags & ~(XEN_VCPUAFFINITY_HARD | XEN_VCPUAFFINITY_SOFT |
			  XEN_VCPUAFFINITY_FORCE)) ||
	    !(a->flags & (XEN_VCPUAFFINITY_HARD | XEN_VCPUAFFINITY_SOFT)) ||
	    ((a->flags & XEN_VCPUAFFINITY_HARD) && !a->cpumap_hard.bitmap) ||
	    ((a->flags & XEN_VCPUAFFINITY_SOFT) && !a->cpumap_soft.bitmap))
		return -XEN_EINVAL;
	if (cmd == XEN_DOMCTL_getvcpuaffinity) {
		rc = 0;
		if (a->flags & XEN_VCPUAFFINITY_HARD)
			rc = ctl_put_cpumap(&a->cpumap_hard, v->aff_hard);
		if (!rc && (a->flags & XEN_VCPUAFFINITY_SOFT))
			rc = ctl_put_cpumap(&a->cpumap_soft, v->aff_soft);
		return rc;
	}
	if (a->flags & XEN_VCPUAFFINITY_HARD) {
		rc = get_cpumap(&a->cpumap_hard, &hard);
		if (rc)
			return rc;
		if (!(hard & pool))
			return -XEN_EINVAL;
		v->aff_hard = hard;
		rc = ctl_put_cpumap(&a->cpumap_hard, hard & pool);
		if (rc)
			return rc;
	}
	if (a->flags & XEN_VCPUAFFINITY_SOFT) {
		rc = get_cpumap(&a->cpumap_soft, &soft);
		if (rc)
			return rc;
		v->aff_soft = soft;
		rc = ctl_put_cpumap(&a->cpumap_soft, soft & v->aff_hard & pool);
		if (rc)
			return rc;
	}
	return 0;
}

/* setnodeaffinity: one NUMA node here, which the mask must contain
 * (Xen: -EINVAL unless it meets the online nodes). */
static int64_t node_affinity(const struct xenctl_bitmap *b)
{
	uint32_t nodes;
	int64_t rc = get_cpumap(b, &nodes);

	return rc ? rc : (nodes & 1) ? 0 : -XEN_EINVAL;
}

/* set_address_size: a run-time domain starts 32-bit, as on Xen, and
 * becomes 64-bit here, only before it has memory (Xen's switch_mode:
 * -EBUSY). AArch32 guests are not offered: 32 is -EINVAL, Xen's answer
 * on a CPU without AArch32 at EL1. */
static int64_t address_size(struct domain *d, uint32_t size)
{
	if (size != 64)
		return -XEN_EINVAL;
	if (domain_tot_pages(d))
		return -XEN_EBUSY;
	d->guest_64bit = true;
	return 0;
}

/* Xen's MAX_ORDER on Arm: a flush covers at most 2^18 frames. */
#define CACHEFLUSH_MAX (1ULL << 18)

static int64_t cacheflush(struct domain *d, const struct xen_domctl_cacheflush *c)
{
	if (c->nr_pfns > CACHEFLUSH_MAX || c->start_pfn + c->nr_pfns < c->start_pfn)
		return -XEN_EINVAL;
	domain_cache_flush(d, c->start_pfn, c->nr_pfns);
	return 0;
}

static int64_t set_vcpu_context(struct vcpu *v, struct domain *d,
				const struct xen_domctl_vcpucontext *vc)
{
	struct vcpu_guest_context ctx;

	/* Xen: the caller's own domain, a vCPU beyond max_vcpus or not
	 * created yet: -EINVAL; then the context is read. */
	if (d == v->dom || vc->vcpu >= d->max_vcpus || vc->vcpu >= d->nr_vcpus)
		return -XEN_EINVAL;
	if (!vc->ctxt)
		return lifecycle_set_context(v, d, vc->vcpu, NULL);
	if (copy_from_guest(&ctx, vc->ctxt, sizeof(ctx)))
		return -XEN_EFAULT;
	return lifecycle_set_context(v, d, vc->vcpu, &ctx);
}

/* The guest makes the call again (x0 back to the argument). */
/* Xen 4.17's arch_do_domctl: the padding must be 0, only INIT, only
 * before the domain first ran, only a vpl011 (-EOPNOTSUPP). */
static int64_t vuart_op(struct domain *d, struct xen_domctl_vuart_op *u)
{
	if (u->pad[0] || u->pad[1] || u->cmd != XEN_DOMCTL_VUART_OP_INIT)
		return -XEN_EINVAL;
	if (!d->runtime || d->ran)
		return -XEN_EPERM;
	if (u->type != XEN_DOMCTL_VUART_TYPE_VPL011)
		return -XEN_EOPNOTSUPP;
	return vpl011_init_ring(d, u->gfn, u->console_domid, &u->evtchn);
}

/* What builds a domain, gives it memory or walks its stage 2: refused
 * once it is dying (checked under the lifecycle lock, which every step
 * of the teardown holds), since its vCPUs, pool and tables are being
 * taken apart. Xen acts on whatever is left; no toolstack asks. A cache
 * flush finds nothing (0), as on Xen once its pages are gone. */
static bool builds(const struct xen_domctl *op)
{
	switch (op->cmd) {
	case XEN_DOMCTL_max_vcpus:
	case XEN_DOMCTL_setvcpucontext:
	case XEN_DOMCTL_set_paging_mempool_size:
	case XEN_DOMCTL_set_address_size:
	case XEN_DOMCTL_setvcpuaffinity:
	case XEN_DOMCTL_cacheflush:
	case XEN_DOMCTL_vuart_op:
		return true;
	case XEN_DOMCTL_scheduler_op:
		return op->u.scheduler_op.cmd == XEN_DOMCTL_SCHEDOP_putinfo;
	default:
		return false;
	}
}

static int64_t again(uint64_t arg)
{
	arch_hypercall_continue();
	return (int64_t)arg;
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
	/* Xen's domctl_lock: one at a time, and a busy one continues. */
	if (!lifecycle_trylock())
		return again(arg);
	if (d && __atomic_load_n(&d->dying, __ATOMIC_ACQUIRE) && builds(&op)) {
		lifecycle_unlock();
		return op.cmd == XEN_DOMCTL_cacheflush ? 0 : -XEN_EINVAL;
	}

	switch (op.cmd) {
	case XEN_DOMCTL_createdomain: {
		uint32_t id;

		rc = lifecycle_create(v, op.domain, &op.u.createdomain, &id);
		if (!rc) {
			op.domain = (uint16_t)id;
			copyback = true;
		}
		break;
	}
	case XEN_DOMCTL_destroydomain:
		rc = lifecycle_destroy(v, d);
		break;
	case XEN_DOMCTL_pausedomain:
		/* Waiting for our own vCPUs would never end. */
		rc = d == v->dom ? -XEN_EINVAL : sched_domain_ctl_pause(d);
		break;
	case XEN_DOMCTL_unpausedomain:
		d->ran = true;
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
	case XEN_DOMCTL_max_vcpus:
		rc = lifecycle_max_vcpus(v, d, op.u.max_vcpus.max);
		break;
	case XEN_DOMCTL_setvcpucontext:
		rc = set_vcpu_context(v, d, &op.u.vcpucontext);
		break;
	case XEN_DOMCTL_scheduler_op:
		rc = scheduler_op(d, &op.u.scheduler_op);
		copyback = true;   /* Xen copies back whatever the answer */
		break;
	case XEN_DOMCTL_setvcpuaffinity:
	case XEN_DOMCTL_getvcpuaffinity:
		rc = vcpu_affinity(d, op.cmd, (struct xen_domctl_vcpuaffinity *)(void *)op.u.raw);
		break;
	case XEN_DOMCTL_setnodeaffinity:
		rc = node_affinity(&((struct xen_domctl_nodeaffinity *)(void *)op.u.raw)->nodemap);
		break;
	case XEN_DOMCTL_set_address_size:
		rc = address_size(d, op.u.address_size.size);
		break;
	case XEN_DOMCTL_cacheflush:
		rc = cacheflush(d, &op.u.cacheflush);
		break;
	case XEN_DOMCTL_get_paging_mempool_size:
		op.u.paging_mempool.size = domain_p2m_pool_bytes(d);
		rc = 0;
		copyback = true;
		break;
	case XEN_DOMCTL_set_paging_mempool_size:
		rc = domain_set_p2m_pool(d, op.u.paging_mempool.size);
		break;
	case XEN_DOMCTL_vuart_op:
		rc = vuart_op(d, &op.u.vuart_op);
		copyback = rc == 0;
		break;
	default:
		rc = -XEN_ENOSYS;
		break;
	}
	lifecycle_unlock();
	if (rc == LIFECYCLE_CONTINUE)
		return again(arg);
	if (copyback && copy_to_guest(arg, &op, sizeof(op)))
		rc = -XEN_EFAULT;
	return rc;
}
