// SPDX-License-Identifier: MIT
/*
 * sysctl (hypercall 35): the control domain's questions about the
 * machine, at Xen 4.17's interface version 0x15. Offered: physinfo,
 * sched_id, getdomaininfolist, cpupool_op (INFO, FREEINFO), cputopoinfo
 * and numainfo, answered as Xen 4.17 answers them on Arm with the
 * machine's real figures.
 *
 * Checks in Xen's order: the argument is read (-EFAULT), its version
 * checked (-EACCES), then the caller must be the control domain (-EPERM
 * for any other, whatever the sub-operation), then the sub-operation
 * (-ENOSYS for those Xenith does not offer). The whole argument is
 * written back when the sub-operation succeeded (never for an unknown
 * one), as on Xen; cputopoinfo and numainfo also write back their count
 * on their own.
 *
 * The machine's figures come from the boot configuration (ctl_host,
 * read only after boot), the scheduler's pools (fixed after boot) and
 * the run-time heap (its own lock).
 */
#include <xenith/arch-api.h>
#include <xenith/control.h>
#include <xenith/domain.h>
#include <xenith/errno.h>
#include <xenith/guest_access.h>
#include <xenith/heap.h>
#include <xenith/lib.h>
#include <xenith/lifecycle.h>
#include <xenith/sched.h>

#define PAGE_SHIFT 12

struct ctl_host ctl_host;

void ctl_init(const struct host_info *h, const struct system_config *sys)
{
	uint64_t start = ~0ULL, end = 0, total = 0;
	/* Xen's cpu_khz: the timer node's clock-frequency, else CNTFRQ. */
	uint64_t hz = h->timer_freq ? h->timer_freq : arch_counter_freq();
	size_t n;

	for (int i = 0; i < h->nr_mem; i++) {
		total += h->mem[i].size >> PAGE_SHIFT;
		start = MIN(start, h->mem[i].base);
		end = MAX(end, h->mem[i].base + h->mem[i].size);
	}
	ctl_host.nr_cpus = (unsigned int)h->nr_cpus;
	ctl_host.cpu_khz = (uint32_t)(hz / 1000);
	ctl_host.total_pages = total;
	ctl_host.ram_start_pfn = h->nr_mem ? start >> PAGE_SHIFT : 0;
	ctl_host.ram_end_pfn = end >> PAGE_SHIFT;
	ctl_host.default_sched = sys->default_sched;
	/* Xen keeps the first 1023 characters (saved_cmdline). */
	memset(ctl_host.cmdline, 0, sizeof(ctl_host.cmdline));
	n = h->xen_bootargs ? strnlen(h->xen_bootargs, sizeof(ctl_host.cmdline) - 1) : 0;
	memcpy(ctl_host.cmdline, h->xen_bootargs ? h->xen_bootargs : "", n);
}

uint32_t ctl_sched_id(enum sched_kind k)
{
	switch (k) {
	case SCHED_NULL:     return XEN_SCHEDULER_NULL;
	case SCHED_RTDS:     return XEN_SCHEDULER_RTDS;
	case SCHED_ARINC653: return XEN_SCHEDULER_ARINC653;
	default:             return XEN_SCHEDULER_CREDIT2;
	}
}

/* The CPUs that came up: those in a pool (a CPU that did not start
 * left its pool, sched_cpu_down()). */
static uint32_t online_cpus(void)
{
	uint32_t mask = 0;

	for (unsigned int c = 0; c < ctl_host.nr_cpus && c < MAX_CPUS; c++)
		if (pcpu[c].pool)
			mask |= 1U << c;
	return mask;
}

static unsigned int weight(uint32_t mask)
{
	unsigned int n = 0;

	for (; mask; mask &= mask - 1)
		n++;
	return n;
}

/* Arm in Xen 4.17: every CPU its own core and socket; HVM guests with
 * hardware paging, grant tables v1 only (no IOMMU, vmtrace or vPMU is
 * offered: Xen adds vpmu when the CPU has a PMU, Xenith gives guests
 * none); no SVE vector length (arch_capabilities) and no hw_cap. */
static void physinfo(struct xen_sysctl_physinfo *pi)
{
	memset(pi, 0, sizeof(*pi));
	pi->threads_per_core = 1;
	pi->cores_per_socket = 1;
	pi->nr_cpus = weight(online_cpus());
	pi->max_cpu_id = ctl_host.nr_cpus - 1;
	pi->nr_nodes = 1;
	pi->max_node_id = 0;
	pi->cpu_khz = ctl_host.cpu_khz;
	pi->capabilities = XEN_SYSCTL_PHYSCAP_hvm | XEN_SYSCTL_PHYSCAP_hap |
			   XEN_SYSCTL_PHYSCAP_gnttab_v1;
	pi->total_pages = ctl_host.total_pages;
	/* What waited for a grace period that has passed goes back first,
	 * as the idle loop would. */
	lifecycle_idle();
	pi->free_pages = heap_free_bytes() >> PAGE_SHIFT;
	pi->max_mfn = ctl_host.ram_end_pfn - 1;
}

/* Every domain from first_domain up, in id order, up to max_domains of
 * them into the caller's array. */
static int64_t domaininfolist(struct xen_sysctl_getdomaininfolist *l)
{
	uint32_t last = ctl_last_domid(), n = 0;

	for (uint32_t id = l->first_domain; id <= last && n < l->max_domains; id++) {
		struct xen_domctl_getdomaininfo info;
		struct domain *d = domain_by_id(id);

		if (!d)
			continue;
		ctl_getdomaininfo(d, &info);
		if (copy_to_guest(l->buffer + (uint64_t)n * sizeof(info), &info, sizeof(info)))
			return -XEN_EFAULT;
		n++;
	}
	l->num_domains = n;
	return 0;
}

/* A CPU mask into the caller's bitmap, as Xen's bitmap_to_xenctl_bitmap:
 * as many bytes as both sides have (Xen's side: nr_cpu_ids bits), the
 * rest of the caller's bytes zeroed. */
int64_t ctl_put_cpumap(const struct xenctl_bitmap *b, uint32_t mask)
{
	static const uint8_t zero[64];
	uint64_t theirs = ((uint64_t)b->nr_bits + 7) / 8;
	uint64_t ours = (ctl_host.nr_cpus + 7) / 8;
	uint64_t n = MIN(theirs, ours);
	uint8_t bytes[4];

	for (unsigned int i = 0; i < sizeof(bytes); i++)
		bytes[i] = (uint8_t)(mask >> (8 * i));
	if (n && copy_to_guest(b->bitmap, bytes, n))
		return -XEN_EFAULT;
	while (n < theirs) {
		uint64_t k = MIN(theirs - n, (uint64_t)sizeof(zero));

		if (copy_to_guest(b->bitmap + n, zero, k))
			return -XEN_EFAULT;
		n += k;
	}
	return 0;
}

/* The pool with the lowest id >= id (pools whose configuration failed
 * do not exist), or NULL. */
static const struct sched_pool *pool_from(uint32_t id)
{
	const struct sched_pool *best = NULL;

	for (unsigned int i = 0; i < nr_sched_pools; i++) {
		const struct sched_pool *p = &sched_pools[i];

		if (p->cfg->ok && p->id >= id && (!best || p->id < best->id))
			best = p;
	}
	return best;
}

/* Pools are fixed at boot (Xen 4.17's boot-time pools): INFO walks them,
 * FREEINFO finds no CPU outside one; changing them is not offered. */
static int64_t cpupool_op(struct xen_sysctl_cpupool_op *op)
{
	const struct sched_pool *p;
	struct domain *d;
	uint32_t n = 0;

	switch (op->op) {
	case XEN_SYSCTL_CPUPOOL_OP_INFO:
		p = pool_from(op->cpupool_id);
		if (!p)
			return -XEN_ENOENT; /* past the last pool */
		for_each_domain(d)
			n += d->pool == p;
		op->cpupool_id = p->id;
		op->sched_id = ctl_sched_id(p->cfg->sched);
		op->n_dom = n;
		return ctl_put_cpumap(&op->cpumap, p->cpus);
	case XEN_SYSCTL_CPUPOOL_OP_FREEINFO:
		return ctl_put_cpumap(&op->cpumap, 0);
	case XEN_SYSCTL_CPUPOOL_OP_CREATE:
	case XEN_SYSCTL_CPUPOOL_OP_DESTROY:
	case XEN_SYSCTL_CPUPOOL_OP_ADDCPU:
	case XEN_SYSCTL_CPUPOOL_OP_RMCPU:
	case XEN_SYSCTL_CPUPOOL_OP_MOVEDOMAIN:
		return -XEN_EOPNOTSUPP;
	default:
		return -XEN_ENOSYS;
	}
}

/* A changed count goes back to the caller at once, as Xen does. */
static int64_t put_count(uint64_t arg, size_t off, uint32_t *field, uint32_t n)
{
	if (*field == n)
		return 0;
	*field = n;
	return copy_to_guest(arg + off, field, sizeof(*field)) ? -XEN_EFAULT : 0;
}

/* Every CPU of the device tree is present: core 0, socket 0, node 0
 * (Xen on Arm has no topology). */
static int64_t cputopoinfo(struct xen_sysctl *op, uint64_t arg)
{
	struct xen_sysctl_cputopoinfo *ti = &op->u.cputopoinfo;
	const struct xen_sysctl_cputopo topo = { 0, 0, 0 };
	uint32_t n = ctl_host.nr_cpus, i = n;

	if (ti->cputopo) {
		n = MIN(n, ti->num_cpus);
		for (i = 0; i < n; i++)
			if (copy_to_guest(ti->cputopo + (uint64_t)i * sizeof(topo), &topo,
					  sizeof(topo)))
				return -XEN_EFAULT;
	}
	return put_count(arg, offsetof(struct xen_sysctl, u.cputopoinfo.num_cpus),
			 &ti->num_cpus, i);
}

/* One node: all of RAM from its lowest to its highest frame, the heap's
 * free memory, distance 20 to itself (Arm without NUMA in Xen 4.17). */
static int64_t numainfo(struct xen_sysctl *op, uint64_t arg)
{
	struct xen_sysctl_numainfo *ni = &op->u.numainfo;
	uint32_t n = 1, i = n;

	if (ni->meminfo || ni->distance) {
		n = MIN(n, ni->num_nodes);
		for (i = 0; i < n; i++) {
			if (ni->meminfo) {
				struct xen_sysctl_meminfo mi = {
					(ctl_host.ram_end_pfn - ctl_host.ram_start_pfn) << PAGE_SHIFT,
					heap_free_bytes(),
				};

				if (copy_to_guest(ni->meminfo + (uint64_t)i * sizeof(mi), &mi,
						  sizeof(mi)))
					return -XEN_EFAULT;
			}
			if (ni->distance) {
				uint32_t dist = XEN_ARM_NODE_DISTANCE; /* n is 1 */

				if (copy_to_guest(ni->distance + (uint64_t)i * n * sizeof(dist),
						  &dist, sizeof(dist)))
					return -XEN_EFAULT;
			}
		}
	}
	return put_count(arg, offsetof(struct xen_sysctl, u.numainfo.num_nodes),
			 &ni->num_nodes, i);
}

int64_t do_sysctl(struct vcpu *v, uint64_t arg)
{
	struct xen_sysctl op;
	int64_t rc;
	bool known = true;

	if (copy_from_guest(&op, arg, sizeof(op)))
		return -XEN_EFAULT;
	if (op.interface_version != XEN_SYSCTL_INTERFACE_VERSION)
		return -XEN_EACCES;
	if (!v->dom->is_control)
		return -XEN_EPERM; /* Xen's dummy XSM: every sysctl is privileged */

	switch (op.cmd) {
	case XEN_SYSCTL_physinfo:
		physinfo(&op.u.physinfo);
		rc = 0;
		break;
	case XEN_SYSCTL_sched_id:
		/* Xen answers with its default scheduler (sched=), which need
		 * not be every pool's. */
		op.u.sched_id.sched_id = ctl_sched_id(ctl_host.default_sched);
		rc = 0;
		break;
	case XEN_SYSCTL_getdomaininfolist:
		rc = domaininfolist(&op.u.getdomaininfolist);
		break;
	case XEN_SYSCTL_cpupool_op:
		rc = cpupool_op(&op.u.cpupool_op);
		break;
	case XEN_SYSCTL_cputopoinfo:
		rc = cputopoinfo(&op, arg);
		break;
	case XEN_SYSCTL_numainfo:
		rc = numainfo(&op, arg);
		break;
	default:
		rc = -XEN_ENOSYS;
		known = false;
		break;
	}
	if (known && rc == 0 && copy_to_guest(arg, &op, sizeof(op)))
		rc = -XEN_EFAULT;
	return rc;
}
