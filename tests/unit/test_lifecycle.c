// SPDX-License-Identifier: MIT
/*
 * The run-time domain lifecycle on the host: XEN_DOMCTL_createdomain,
 * destroydomain and the calls between (common/lifecycle.c,
 * domain_mem.c) through the real domctl and sysctl (common/xen/domctl.c,
 * sysctl.c), with the real domain table and references
 * (domain_table.c), grace periods (grace.c), heap and owner table
 * (heap.c, page_list.c, page_alloc.c), event channels (evtchn*.c,
 * xen_domain.c), scheduler (common/sched) and stage-2 tables
 * (arch/arm64/p2m.c), and the real VMID allocator (arch/arm64/vmid.c).
 * The rest of the architecture is faked here: a physical address is a
 * host pointer into one heap block, guest memory one block at GBASE.
 *
 * The world: dom0 (the control domain, one vCPU) built by hand and
 * registered, two CPUs taking part in grace periods; the heap over
 * HEAP_MB of host memory. A domctl is made as the guest makes it, again
 * while it continues; between two tries the other CPU passes a quiescent
 * point (its idle loop or a kick), unless a test holds it back.
 *
 * Checked: free memory is exactly what it was after every destruction
 * (300 domains, more than there are VMIDs), after failed creations and
 * after a zombie's last reference; Xen's errors for every refused
 * creation and destruction; 255 VMIDs live at most and given again;
 * references refused to a dying domain and never revived; a borrower
 * on another CPU holds the teardown back and the structures' memory
 * until it passes a quiescent point; interdomain event channels left
 * unbound at the peer's end; max_pages, the P2M pool, the scheduler's
 * weight and cap, set_address_size and setvcpucontext's rules.
 */
#include <stdarg.h>
#include <stdlib.h>

#include <arch/p2m.h>
#include <arch/vmid.h>
#include <public/control.h>
#include <public/event_channel.h>
#include <xenith/arch-api.h>
#include <xenith/console.h>
#include <xenith/control.h>
#include <xenith/domain.h>
#include <xenith/errno.h>
#include <xenith/evtchn.h>
#include <xenith/grace.h>
#include <xenith/heap.h>
#include <xenith/lifecycle.h>
#include <xenith/sched.h>
#include <xenith/timer.h>
#include <xenith/xen_ops.h>

#include "check.h"

#define PAGE 4096ULL
#define HEAP_MB 64
#define GBASE 0x40000000ULL
#define GPAGES 4
#define ARG GBASE
#define CTX (GBASE + PAGE)

/* ---- fakes: CPUs, time, timers, console -------------------------------------- */

static unsigned int this_cpu;
static uint64_t sim_now = 1000000000ULL;
static unsigned int kicks[MAX_CPUS], flushes, continued;

uint64_t arch_time_ns(void) { return sim_now += 1000; }
uint64_t arch_ticks_to_ns(uint64_t t) { return t * 16; }
uint64_t arch_counter_freq(void) { return 62500000; }
unsigned int arch_guest_ipa_bits(void) { return P2M_IPA_BITS; }
unsigned int arch_cpu_id(void) { return this_cpu; }
void arch_cpu_kick(unsigned int cpu) { kicks[cpu]++; }
void arch_console_poll(void) { }
void arch_dump_cpus(void) { }
void xen_runstate_update(struct vcpu *v) { (void)v; }
void arch_vcpu_load(struct vcpu *v) { (void)v; }
void arch_vcpu_save(struct vcpu *v) { (void)v; }
void arch_vcpu_frame_save(struct vcpu *v) { (void)v; }
void arch_vcpu_resume(struct vcpu *v) { (void)v; }
void arch_vcpu_enter(struct vcpu *v) { (void)v; abort(); }
void arch_cpu_idle(void) { abort(); }
bool arch_vcpu_wants_wake(struct vcpu *v) { (void)v; return false; }
void arch_hypercall_continue(void) { continued++; }
void arch_tlb_flush_guests(void) { flushes++; }
void arch_vgic_set_level(struct domain *d, unsigned int v, unsigned int intid, bool level)
{
	(void)d; (void)v; (void)intid; (void)level;
}
void arch_clear_memory(uint64_t pa, uint64_t size) { memset((void *)(uintptr_t)pa, 0, size); }
void arch_ioreq_complete(void *regs, uint32_t arch, uint64_t value, unsigned int size)
{
	(void)regs; (void)arch; (void)value; (void)size;
}
void arch_clean_dcache(uint64_t pa, uint64_t size) { (void)pa; (void)size; }
void arch_flush_dcache(uint64_t pa, uint64_t size) { (void)pa; (void)size; flushes += 0; }
#include "fake_core.h"

/* ---- fakes: the vpl011 with a backend in another domain (vpl011.c) ---------------- */
int vpl011_init_ring(struct domain *d, uint64_t gfn, uint16_t backend, uint32_t *port)
{
	(void)d; (void)gfn; (void)backend; (void)port;
	return -XEN_ENOSYS;
}

void vpl011_ring_event(struct domain *d)
{
	(void)d;
}

/* ---- fakes: the rest of the architecture ----------------------------------------- */

static uint8_t *gmem;

uint64_t arch_gva_to_pa(uint64_t gva, bool write)
{
	(void)write;
	if (gva < GBASE || gva >= GBASE + GPAGES * PAGE)
		return 0;
	return (uint64_t)(uintptr_t)(gmem + (gva - GBASE));
}

/* Stage 2 as hyp/arch/arm64/vcpu.c, without the VTTBR switch. */
uint64_t arch_gfn_to_pa(struct domain *d, uint64_t gfn)
{
	uint64_t pa;

	return p2m_lookup(d->p2m_root, gfn << 12, &pa) ? pa : 0;
}
uint64_t arch_gfn_foreign_pa(struct domain *d, uint64_t gfn) { (void)d; (void)gfn; return 0; }
uint64_t arch_gfn_grant_pa(struct domain *d, uint64_t gfn) { (void)d; (void)gfn; return 0; }
/* No grant mappings here (grant_map.c is not linked): no maptrack. */
void gnttab_free_maptrack(struct domain *d) { (void)d; }
int arch_p2m_map_page(struct domain *d, uint64_t gfn, uint64_t pa)
{
	if (gfn >= (1ULL << (P2M_IPA_BITS - 12)))
		return -1;
	return p2m_map(d->p2m_root, &d->p2m_pool, gfn << 12, pa, PAGE, P2M_RAM) ? -2 : 0;
}
int arch_p2m_map_ram(struct domain *d, uint64_t ipa, uint64_t pa, uint64_t size)
{
	return p2m_map(d->p2m_root, &d->p2m_pool, ipa, pa, size, P2M_RAM);
}
void p2m_flush_tlb(void) { }
void arch_p2m_each_foreign(struct domain *d, void (*fn)(void *arg, uint64_t pa), void *arg)
{
	p2m_each_foreign(d->p2m_root, fn, arg);
}
void memory_forget_gfn(struct domain *d, uint64_t gfn) { (void)d; (void)gfn; }
void memory_release_foreign(uint64_t pa)
{
	struct domain *owner = domain_owning_page(pa);

	if (owner)
		domain_put(owner);
}

int arch_domain_create(struct domain *d)
{
	unsigned int vmid;

	d->p2m_root = p2m_new_root(&d->p2m_pool);
	if (!d->p2m_root)
		return -XEN_ENOMEM;
	vmid = vmid_alloc();
	if (!vmid)
		return -XEN_EBUSY;
	d->arch.vmid = vmid;
	return 0;
}

void arch_domain_release(struct domain *d)
{
	vmid_free(d->arch.vmid);
	d->arch.vmid = 0;
}

void arch_vcpu_init(struct vcpu *v, uint64_t entry, uint64_t arg0)
{
	memset(&v->arch.regs, 0, sizeof(v->arch.regs));
	v->arch.regs.pc = entry;
	v->arch.regs.x[0] = arg0;
}

int arch_vcpu_set_context(struct vcpu *v, const struct vcpu_guest_context *ctx)
{
	if (ctx->user_regs.cpsr & 0x10)
		return -XEN_EINVAL;   /* AArch32 */
	arch_vcpu_init(v, ctx->user_regs.pc64, ctx->user_regs.x[0]);
	return 0;
}

/* ---- the world ------------------------------------------------------------------ */

static struct system_config sys;
static struct host_info host;
static struct ram_map ram;
static struct domain_config d0_cfg;
static struct domain *d0;
static struct vcpu *v0;

static void world(void)
{
	static bool once;
	void *heap = NULL;
	static struct domain d0s;
	static struct vcpu d0v;
	static struct vcpu *d0vp[1];
	static struct evtchn_vcpu d0ev[1];
	struct mem_bank bank;

	if (once)
		return;
	once = true;
	if (posix_memalign(&heap, 8 << 20, HEAP_MB << 20) || posix_memalign((void **)&gmem, PAGE, GPAGES * PAGE))
		abort();
	bank = (struct mem_bank){ (uintptr_t)heap, (uint64_t)HEAP_MB << 20 };
	ram_map_init(&ram, &bank, 1);
	heap_init(&ram);
	grace_cpu_up(0);
	grace_cpu_up(1);
	sys.nr_pools = 2;
	sys.default_sched = SCHED_CREDIT2;
	sys.pool[0] = (struct pool_config){ .path = "Pool-0", .node = -1, .id = 0,
		.sched = SCHED_CREDIT2, .cpus = 0x3, .ok = true };
	/* A pool whose CPUs never came up: no domain may be put in it. */
	sys.pool[1] = (struct pool_config){ .path = "/chosen/empty", .node = 1, .id = 1,
		.sched = SCHED_CREDIT2, .cpus = 0x4, .ok = true };
	sched_init(&sys, 3);
	sched_cpu_down(2);
	host.nr_cpus = 2;
	host.nr_mem = 1;
	host.mem[0] = bank;
	ctl_init(&host, &sys);
	CHECK_EQ(domains_init(1, &ram), 0);

	/* dom0, as domain.c builds it, reduced to what the calls need. */
	d0 = &d0s;
	snprintf(d0_cfg.path, sizeof(d0_cfg.path), "dom0");
	d0_cfg.vcpus = 1;
	d0_cfg.ok = true;
	spin_lock_init(&d0->p2m_lock, LOCK_P2M);
	spin_lock_init(&d0->conio_lock, LOCK_CONIO);
	spin_lock_init(&d0->vcpu_lock, LOCK_VCPUS);
	d0->cfg = &d0_cfg;
	d0->is_control = true;
	d0->guest_64bit = true;
	d0->pool = &sched_pools[0];
	d0->nr_vcpus = d0->max_vcpus = 1;
	d0->vcpu = d0vp;
	d0vp[0] = v0 = &d0v;
	v0->dom = d0;
	v0->power = VCPU_ON;
	if (xen_domain_init(d0, d0ev) || sched_add_vcpu(v0) || domain_register(d0))
		abort();
}

/* Every CPU but the caller passes a quiescent point (its idle loop:
 * also the reaper), as they would between two tries of a call. */
static bool hold_cpu1;

static void others_quiescent(void)
{
	unsigned int saved = this_cpu;

	for (unsigned int c = 0; c < 2; c++) {
		if (c == saved || (c == 1 && hold_cpu1))
			continue;
		this_cpu = c;
		grace_quiescent();
		lifecycle_idle();
	}
	this_cpu = saved;
}

/* Everything that waits for a grace period goes. */
static void settle(void)
{
	for (int i = 0; i < 4; i++) {
		others_quiescent();
		grace_quiescent();
		lifecycle_idle();
	}
}

static void *gptr(uint64_t gva)
{
	return gmem + (gva - GBASE);
}

static struct xen_domctl *dctl(uint32_t cmd, uint16_t domid)
{
	struct xen_domctl *op = gptr(ARG);

	memset(op, 0, sizeof(*op));
	op->cmd = cmd;
	op->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
	op->domain = domid;
	return op;
}

/* The call as dom0 makes it, again while it continues (bounded). */
static int64_t domctl_as(struct vcpu *v)
{
	for (int tries = 0; tries < 1000; tries++) {
		unsigned int c = continued;
		int64_t rc = do_domctl(v, ARG);

		if (continued == c)
			return rc;
		CHECK_EQ(rc, ARG);   /* x0 back to the argument */
		others_quiescent();
	}
	return -9999;
}

static int64_t domctl(void)
{
	return domctl_as(v0);
}

static void create_args(struct xen_domctl *op, unsigned int vcpus)
{
	op->u.createdomain.flags = XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap;
	op->u.createdomain.max_vcpus = vcpus;
	op->u.createdomain.max_evtchn_port = 1023;
	op->u.createdomain.max_grant_frames = -1;
	op->u.createdomain.max_maptrack_frames = -1;
	op->u.createdomain.grant_opts = 1;
}

/* A new domain as xl makes it: created, its vCPUs, 64-bit, a P2M pool,
 * max_mem, `pages` populated, vCPU 0's context, unpaused. Its id. */
static uint16_t build(unsigned int pages)
{
	struct xen_domctl *op = dctl(XEN_DOMCTL_createdomain, 0);
	struct vcpu_guest_context *ctx = gptr(CTX);
	uint16_t id;
	struct domain *d;

	create_args(op, 1);
	if (domctl())
		return 0;
	id = op->domain;
	op = dctl(XEN_DOMCTL_max_vcpus, id);
	op->u.max_vcpus.max = 1;
	CHECK_EQ(domctl(), 0);
	op = dctl(XEN_DOMCTL_set_address_size, id);
	op->u.address_size.size = 64;
	CHECK_EQ(domctl(), 0);
	op = dctl(XEN_DOMCTL_set_paging_mempool_size, id);
	op->u.paging_mempool.size = 64 * 1024;
	CHECK_EQ(domctl(), 0);
	op = dctl(XEN_DOMCTL_max_mem, id);
	op->u.max_mem.max_memkb = pages * 4;
	CHECK_EQ(domctl(), 0);
	d = domain_by_id(id);
	for (unsigned int i = 0; i < pages; i++)
		CHECK_EQ(domain_populate(d, (GBASE >> 12) + i, 0), 0);
	memset(ctx, 0, sizeof(*ctx));
	ctx->flags = VGCF_online;
	ctx->user_regs.pc64 = GBASE;
	ctx->user_regs.cpsr = 0x3c5;
	op = dctl(XEN_DOMCTL_setvcpucontext, id);
	op->u.vcpucontext.ctxt = CTX;
	CHECK_EQ(domctl(), 0);
	op = dctl(XEN_DOMCTL_unpausedomain, id);
	CHECK_EQ(domctl(), 0);
	return id;
}

static int64_t destroy(uint16_t id)
{
	dctl(XEN_DOMCTL_destroydomain, id);
	return domctl();
}

/* ---- the tests -------------------------------------------------------------------- */

/* More domains than VMIDs, one at a time: every one's memory back, its
 * id gone, its VMID given again. */
static void test_cycles(void)
{
	uint64_t free0;
	unsigned int vmids0;

	world();
	settle();
	free0 = heap_free_bytes();
	vmids0 = vmid_count();
	for (int i = 0; i < 300; i++) {
		uint16_t id = build(i % 8 + 1);
		struct domain *d = domain_by_id(id);

		CHECK(id != 0 && d);
		CHECK_EQ(domain_tot_pages(d), i % 8 + 1);
		CHECK_EQ(vmid_count(), vmids0 + 1);
		CHECK_EQ(destroy(id), 0);
		CHECK(!domain_by_id(id));
		settle();
		CHECK_EQ(heap_free_bytes(), free0);
		if (heap_free_bytes() != free0)
			break;
	}
	CHECK_EQ(vmid_count(), vmids0);
	CHECK(flushes >= 300);   /* every VMID forgotten before it went */
}

/* 255 VMIDs at most: the 256th creation is -EBUSY (Xen's "VMID pool
 * exhausted"), with nothing taken; all back afterwards. */
static void test_vmid_exhaustion(void)
{
	static uint16_t ids[300];
	unsigned int n = 0;
	uint64_t free0, free1;
	struct xen_domctl *op;
	int64_t rc;

	world();
	settle();
	free0 = heap_free_bytes();
	for (;;) {
		op = dctl(XEN_DOMCTL_createdomain, 0);
		create_args(op, 1);
		free1 = heap_free_bytes();
		rc = domctl();
		if (rc)
			break;
		ids[n++] = op->domain;
	}
	CHECK_EQ(rc, -XEN_EBUSY);
	CHECK_EQ(n, 255);
	CHECK_EQ(vmid_count(), 255);
	CHECK_EQ(heap_free_bytes(), free1);
	for (unsigned int i = 0; i < n; i++)
		CHECK_EQ(destroy(ids[i]), 0);
	settle();
	CHECK_EQ(heap_free_bytes(), free0);
	CHECK_EQ(vmid_count(), 0);
	CHECK(build(1) != 0);   /* and another one comes */
}

/* Every refused creation answers Xen's error and takes nothing. */
static void test_create_errors(void)
{
	static const struct {
		const char *what;
		int field;        /* which to change */
		int64_t value;
		int64_t rc;
	} cases[] = {
		{ "unknown flag", 0, XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap | (1 << 9), -XEN_EINVAL },
		{ "no hap", 0, XEN_DOMCTL_CDF_hvm, -XEN_EINVAL },
		{ "hap without hvm", 0, XEN_DOMCTL_CDF_hap, -XEN_EINVAL },
		{ "iommu", 0, XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap | XEN_DOMCTL_CDF_iommu, -XEN_EINVAL },
		{ "vpmu", 0, XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap | XEN_DOMCTL_CDF_vpmu, -XEN_EINVAL },
		{ "xenstore domain", 0, XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap | XEN_DOMCTL_CDF_xs_domain, -XEN_EINVAL },
		{ "0 vCPUs", 1, 0, -XEN_EINVAL },
		{ "129 vCPUs", 1, 129, -XEN_EINVAL },
		{ "GICv2 and 9 vCPUs", 2, 9, -XEN_EINVAL },
		{ "GICv2", 2, 1, -XEN_ENODEV },
		{ "GIC 3", 3, 3, -XEN_EINVAL },
		{ "OP-TEE", 4, 1, -XEN_EINVAL },
		{ "iommu options", 5, 1, -XEN_EINVAL },
		{ "vmtrace", 6, 4096, -XEN_EINVAL },
		{ "grant v0", 7, 0, -XEN_EINVAL },
		{ "grant v2", 7, 2, -XEN_EINVAL },
		{ "grant options", 7, 0x11, -XEN_EINVAL },
		{ "0 grant frames", 8, 0, -XEN_EINVAL },
		{ "65 grant frames", 8, 65, -XEN_EINVAL },
		{ "1025 maptrack frames", 9, 1025, -XEN_EINVAL },
		{ "pool 7", 10, 7, -XEN_ESRCH },
		{ "pool without CPUs", 10, 1, -XEN_ENODEV },
		{ "id in use", 11, 0, -XEN_EEXIST },
	};
	uint64_t free0;
	unsigned int vmids0;

	world();
	settle();
	free0 = heap_free_bytes();
	vmids0 = vmid_count();
	for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct xen_domctl *op = dctl(XEN_DOMCTL_createdomain, 0);
		struct xen_domctl_createdomain *c = &op->u.createdomain;

		create_args(op, 1);
		switch (cases[i].field) {
		case 0: c->flags = (uint32_t)cases[i].value; break;
		case 1: c->max_vcpus = (uint32_t)cases[i].value; break;
		case 2: c->arch.gic_version = XEN_DOMCTL_CONFIG_GIC_V2;
			if (cases[i].value > 1)
				c->max_vcpus = (uint32_t)cases[i].value;
			break;
		case 3: c->arch.gic_version = (uint8_t)cases[i].value; break;
		case 4: c->arch.tee_type = (uint16_t)cases[i].value; break;
		case 5: c->iommu_opts = (uint32_t)cases[i].value; break;
		case 6: c->vmtrace_size = (uint32_t)cases[i].value; break;
		case 7: c->grant_opts = (uint32_t)cases[i].value; break;
		case 8: c->max_grant_frames = (int32_t)cases[i].value; break;
		case 9: c->max_maptrack_frames = (int32_t)cases[i].value; break;
		case 10: c->cpupool_id = (uint32_t)cases[i].value; break;
		}
		CASE(cases[i].what, {
			int64_t rc;

			if (cases[i].field == 11) {
				uint16_t id = build(1);

				op = dctl(XEN_DOMCTL_createdomain, id);
				create_args(op, 1);
				CHECK_EQ(domctl(), -XEN_EEXIST);
				CHECK_EQ(destroy(id), 0);
				settle();
			} else {
				rc = domctl();
				CHECK_EQ(rc, cases[i].rc);
			}
			CHECK_EQ(heap_free_bytes(), free0);
			CHECK_EQ(vmid_count(), vmids0);
		});
	}
	/* gic_version native comes back as v3, with the id. */
	{
		struct xen_domctl *op = dctl(XEN_DOMCTL_createdomain, 0);

		create_args(op, 2);
		CHECK_EQ(domctl(), 0);
		CHECK_EQ(op->u.createdomain.arch.gic_version, XEN_DOMCTL_CONFIG_GIC_V3);
		CHECK(domain_by_id(op->domain) != NULL);
		CHECK_EQ(destroy(op->domain), 0);
		settle();
		CHECK_EQ(heap_free_bytes(), free0);
	}
}

/* Destruction's answers: oneself, no such domain, twice, a domU. */
static void test_destroy_errors(void)
{
	uint16_t id, other;
	struct domain *o;

	world();
	id = build(1);
	other = build(1);
	o = domain_by_id(other);
	dctl(XEN_DOMCTL_destroydomain, 0);
	CHECK_EQ(domctl(), -XEN_EINVAL);            /* oneself */
	dctl(XEN_DOMCTL_destroydomain, 0x7000);
	CHECK_EQ(domctl(), -XEN_ESRCH);
	dctl(XEN_DOMCTL_destroydomain, id);
	CHECK_EQ(domctl_as(o->vcpu[0]), -XEN_EPERM); /* not the control domain */
	CHECK_EQ(destroy(id), 0);
	CHECK_EQ(destroy(id), -XEN_ESRCH);           /* gone */
	CHECK_EQ(destroy(other), 0);
	settle();
}

/* References: refused to a dying domain and never revived; a zombie
 * keeps its memory until its last one goes, then the reaper frees it. */
static void test_zombie(void)
{
	uint64_t free0;
	struct domain *d, *r;
	uint16_t id;
	struct xen_domctl *op;

	world();
	settle();
	free0 = heap_free_bytes();
	id = build(4);
	d = domain_by_id(id);
	r = domain_get(id);                     /* a mapping of its pages */
	CHECK(r == d);
	CHECK_EQ(d->refs, 2);
	CHECK_EQ(destroy(id), 0);                /* Xen's answer for a zombie */
	CHECK(domain_by_id(id) == d);            /* still in the table, */
	CHECK_EQ(d->dying, DOM_DEAD);
	CHECK(!domain_get(id));                  /* and nobody new gets it */
	CHECK(!domain_get_ref(d));
	op = dctl(XEN_DOMCTL_getdomaininfo, id);
	CHECK_EQ(domctl(), 0);
	CHECK(op->u.getdomaininfo.flags & XEN_DOMINF_dying);
	CHECK_EQ(op->u.getdomaininfo.tot_pages, 4);   /* its memory stays */
	/* Nothing builds it again or gives it memory. */
	op = dctl(XEN_DOMCTL_set_paging_mempool_size, id);
	op->u.paging_mempool.size = 128 * 1024;
	CHECK_EQ(domctl(), -XEN_EINVAL);
	op = dctl(XEN_DOMCTL_max_vcpus, id);
	op->u.max_vcpus.max = 1;
	CHECK_EQ(domctl(), -XEN_EINVAL);
	op = dctl(XEN_DOMCTL_setvcpucontext, id);
	op->u.vcpucontext.ctxt = 0;
	CHECK_EQ(domctl(), -XEN_EINVAL);
	op = dctl(XEN_DOMCTL_cacheflush, id);
	op->u.cacheflush.start_pfn = GBASE >> 12;
	op->u.cacheflush.nr_pfns = 4;
	CHECK_EQ(domctl(), 0);
	CHECK_EQ(domain_populate(d, (GBASE >> 12) + 8, 0), -XEN_EINVAL);
	op = dctl(XEN_DOMCTL_get_paging_mempool_size, id);
	CHECK_EQ(domctl(), 0);                   /* reading is fine */
	op = dctl(XEN_DOMCTL_pausedomain, id);
	CHECK_EQ(domctl(), 0);
	op = dctl(XEN_DOMCTL_unpausedomain, id);
	CHECK_EQ(domctl(), 0);
	settle();
	CHECK(heap_free_bytes() < free0);
	CHECK_EQ(destroy(id), 0);                /* again: still 0, nothing more */
	domain_put(r);                           /* the mapping goes */
	CHECK_EQ(d->refs, 0);
	settle();
	CHECK(!domain_by_id(id));
	CHECK_EQ(heap_free_bytes(), free0);
	CHECK_EQ(destroy(id), -XEN_ESRCH);
}

/* A CPU that borrowed the domain (domain_by_id) and has not passed a
 * quiescent point holds the teardown back, then the structures' memory. */
static void test_borrower(void)
{
	uint64_t free0;
	uint16_t id;
	int64_t rc;

	world();
	settle();
	free0 = heap_free_bytes();
	id = build(2);
	hold_cpu1 = true;                        /* CPU 1 is inside a hypercall */
	dctl(XEN_DOMCTL_destroydomain, id);
	rc = do_domctl(v0, ARG);
	CHECK_EQ(rc, ARG);                       /* continues: the grace period */
	CHECK_EQ(domain_by_id(id)->dying, DOM_DYING);
	for (int i = 0; i < 5; i++)
		CHECK_EQ(do_domctl(v0, ARG), ARG);   /* still */
	CHECK_EQ(domain_by_id(id)->dying, DOM_DYING);
	this_cpu = 1;
	grace_quiescent();                       /* CPU 1 lets go */
	this_cpu = 0;
	CHECK_EQ(domctl(), 0);                   /* the teardown goes on: gone */
	CHECK(!domain_by_id(id));
	/* Out of the table, but its structures wait for CPU 1 again. */
	grace_quiescent();
	grace_reap();
	CHECK(heap_free_bytes() < free0);
	hold_cpu1 = false;
	settle();
	CHECK_EQ(heap_free_bytes(), free0);
}

/* dom0's end of an interdomain channel is left unbound, offered to the
 * domain that went (Xen's evtchn_close of the other end). */
static void test_evtchn_peer(void)
{
	struct evtchn_alloc_unbound a;
	struct evtchn_bind_interdomain b;
	struct evtchn_status st;
	struct evtchn_close cl;
	uint16_t id;

	world();
	id = build(1);
	a = (struct evtchn_alloc_unbound){ .dom = id, .remote_dom = 0 };
	CHECK_EQ(evtchn_op(&d0->evtchn, 0, EVTCHNOP_alloc_unbound, &a), 0);
	b = (struct evtchn_bind_interdomain){ .remote_dom = id, .remote_port = a.port };
	CHECK_EQ(evtchn_op(&d0->evtchn, 0, EVTCHNOP_bind_interdomain, &b), 0);
	CHECK_EQ(destroy(id), 0);
	st = (struct evtchn_status){ .dom = DOMID_SELF, .port = b.local_port };
	CHECK_EQ(evtchn_op(&d0->evtchn, 0, EVTCHNOP_status, &st), 0);
	CHECK_EQ(st.status, EVTCHNSTAT_unbound);
	CHECK_EQ(st.u.unbound.dom, id);
	cl.port = b.local_port;
	CHECK_EQ(evtchn_op(&d0->evtchn, 0, EVTCHNOP_close, &cl), 0);
	settle();
}

/* A port only the hypervisor consumes (a vuart's to its backend in
 * dom0): closed by the teardown like any other (it once made the
 * teardown loop for ever: the guest's close refuses such a port). */
static void test_evtchn_xen_port(void)
{
	struct evtchn_bind_interdomain b;
	struct evtchn_status st;
	struct evtchn_close cl;
	uint64_t free0;
	uint16_t id;
	long port;

	world();
	settle();
	free0 = heap_free_bytes();
	id = build(1);
	port = evtchn_alloc_xen_port(&domain_by_id(id)->evtchn, 0);
	CHECK(port > 0);
	b = (struct evtchn_bind_interdomain){ .remote_dom = id, .remote_port = (uint32_t)port };
	CHECK_EQ(evtchn_op(&d0->evtchn, 0, EVTCHNOP_bind_interdomain, &b), 0);
	CHECK_EQ(destroy(id), 0);
	CHECK(!domain_by_id(id));
	st = (struct evtchn_status){ .dom = DOMID_SELF, .port = b.local_port };
	CHECK_EQ(evtchn_op(&d0->evtchn, 0, EVTCHNOP_status, &st), 0);
	CHECK_EQ(st.status, EVTCHNSTAT_unbound);
	cl.port = b.local_port;
	CHECK_EQ(evtchn_op(&d0->evtchn, 0, EVTCHNOP_close, &cl), 0);
	settle();
	CHECK_EQ(heap_free_bytes(), free0);
}

/* max_pages, the P2M pool, set_address_size and setvcpucontext. */
static void test_memory_rules(void)
{
	struct xen_domctl *op = dctl(XEN_DOMCTL_createdomain, 0);
	struct vcpu_guest_context *ctx = gptr(CTX);
	uint64_t free0;
	struct domain *d;
	uint16_t id;

	world();
	settle();
	free0 = heap_free_bytes();
	create_args(op, 2);
	CHECK_EQ(domctl(), 0);
	id = op->domain;
	d = domain_by_id(id);
	/* Before max_vcpus: no vCPU to set; max_vcpus must be createdomain's. */
	op = dctl(XEN_DOMCTL_setvcpucontext, id);
	op->u.vcpucontext.ctxt = CTX;
	CHECK_EQ(domctl(), -XEN_EINVAL);
	op = dctl(XEN_DOMCTL_max_vcpus, id);
	op->u.max_vcpus.max = 3;
	CHECK_EQ(domctl(), -XEN_EINVAL);
	op = dctl(XEN_DOMCTL_getvcpuinfo, id);
	op->u.getvcpuinfo.vcpu = 1;
	CHECK_EQ(domctl(), -XEN_ESRCH);
	op = dctl(XEN_DOMCTL_max_vcpus, id);
	op->u.max_vcpus.max = 2;
	CHECK_EQ(domctl(), 0);
	CHECK_EQ(d->nr_vcpus, 2);
	/* Created 32-bit (as Xen): no AArch64 context until 64 is set. */
	memset(ctx, 0, sizeof(*ctx));
	ctx->flags = VGCF_online;
	ctx->user_regs.cpsr = 0x3c5;
	op = dctl(XEN_DOMCTL_setvcpucontext, id);
	op->u.vcpucontext.ctxt = CTX;
	CHECK_EQ(domctl(), -XEN_EINVAL);
	op = dctl(XEN_DOMCTL_set_address_size, id);
	op->u.address_size.size = 32;
	CHECK_EQ(domctl(), -XEN_EINVAL);
	op = dctl(XEN_DOMCTL_set_address_size, id);
	op->u.address_size.size = 64;
	CHECK_EQ(domctl(), 0);
	op = dctl(XEN_DOMCTL_setvcpucontext, id);
	op->u.vcpucontext.ctxt = CTX;
	op->u.vcpucontext.vcpu = 1;
	CHECK_EQ(domctl(), 0);
	CHECK_EQ(d->vcpu[1]->power, VCPU_ON_PENDING);
	op = dctl(XEN_DOMCTL_setvcpucontext, id);
	op->u.vcpucontext.vcpu = 1;              /* no context: reset, offline */
	CHECK_EQ(domctl(), 0);
	CHECK_EQ(d->vcpu[1]->power, VCPU_OFF);
	/* max_pages: 0 until max_mem; then counted. */
	CHECK_EQ(domain_populate(d, GBASE >> 12, 0), -XEN_ENOMEM);
	op = dctl(XEN_DOMCTL_max_mem, id);
	op->u.max_mem.max_memkb = 8;             /* 2 pages */
	CHECK_EQ(domctl(), 0);
	CHECK_EQ(domain_populate(d, GBASE >> 12, 0), 0);
	CHECK_EQ(domain_populate(d, (GBASE >> 12) + 1, 1), -XEN_ENOMEM); /* 2 more */
	CHECK_EQ(domain_populate(d, (GBASE >> 12) + 1, 0), 0);
	CHECK_EQ(domain_populate(d, (GBASE >> 12) + 2, 0), -XEN_ENOMEM);
	CHECK_EQ(domain_populate(d, 1ULL << 30, 0), -XEN_ENOMEM);
	op = dctl(XEN_DOMCTL_max_mem, id);
	op->u.max_mem.max_memkb = 4096;
	CHECK_EQ(domctl(), 0);
	CHECK_EQ(domain_populate(d, 1ULL << 30, 0), -XEN_EINVAL);   /* past 39 bits */
	CHECK_EQ(domain_populate(d, 0x50000, 9), 0);                 /* 2 MiB */
	CHECK_EQ(domain_tot_pages(d), 2 + 512);
	CHECK(heap_owner(arch_gfn_to_pa(d, 0x50000 + 7)) == id);
	op = dctl(XEN_DOMCTL_set_address_size, id);
	op->u.address_size.size = 64;
	CHECK_EQ(domctl(), -XEN_EBUSY);          /* it has memory now */
	/* The P2M pool: 16 pages to start, as Xen; grown, shrunk; more than
	 * the heap has is refused with nothing taken. */
	op = dctl(XEN_DOMCTL_get_paging_mempool_size, id);
	CHECK_EQ(domctl(), 0);
	CHECK_EQ(op->u.paging_mempool.size, 16 * PAGE);
	op = dctl(XEN_DOMCTL_set_paging_mempool_size, id);
	op->u.paging_mempool.size = 40 * PAGE;
	CHECK_EQ(domctl(), 0);
	op = dctl(XEN_DOMCTL_set_paging_mempool_size, id);
	op->u.paging_mempool.size = 20 * PAGE;
	CHECK_EQ(domctl(), 0);
	op = dctl(XEN_DOMCTL_get_paging_mempool_size, id);
	CHECK_EQ(domctl(), 0);
	CHECK_EQ(op->u.paging_mempool.size, 20 * PAGE);
	op = dctl(XEN_DOMCTL_set_paging_mempool_size, id);
	op->u.paging_mempool.size = 100 * PAGE + 1;
	CHECK_EQ(domctl(), -XEN_EINVAL);
	{
		uint64_t f = heap_free_bytes();

		op = dctl(XEN_DOMCTL_set_paging_mempool_size, id);
		op->u.paging_mempool.size = (uint64_t)HEAP_MB << 21;
		CHECK_EQ(domctl(), -XEN_ENOMEM);
		CHECK_EQ(heap_free_bytes(), f);
	}
	/* cacheflush: at most 2^18 frames, no wrap. */
	op = dctl(XEN_DOMCTL_cacheflush, id);
	op->u.cacheflush.start_pfn = GBASE >> 12;
	op->u.cacheflush.nr_pfns = 4;
	CHECK_EQ(domctl(), 0);
	op = dctl(XEN_DOMCTL_cacheflush, id);
	op->u.cacheflush.nr_pfns = (1 << 18) + 1;
	CHECK_EQ(domctl(), -XEN_EINVAL);
	CHECK_EQ(destroy(id), 0);
	settle();
	CHECK_EQ(heap_free_bytes(), free0);
}

/* credit2's weight and cap through scheduler_op, as Xen's
 * csched2_dom_cntl. */
static void test_scheduler_op(void)
{
	struct xen_domctl *op;
	uint16_t id;

	world();
	id = build(1);
	op = dctl(XEN_DOMCTL_scheduler_op, id);
	op->u.scheduler_op.sched_id = XEN_SCHEDULER_CREDIT2;
	op->u.scheduler_op.cmd = XEN_DOMCTL_SCHEDOP_getinfo;
	CHECK_EQ(domctl(), 0);
	CHECK_EQ(op->u.scheduler_op.u.credit2.weight, 256);
	CHECK_EQ(op->u.scheduler_op.u.credit2.cap, 0);
	op = dctl(XEN_DOMCTL_scheduler_op, id);
	op->u.scheduler_op.sched_id = XEN_SCHEDULER_CREDIT2;
	op->u.scheduler_op.cmd = XEN_DOMCTL_SCHEDOP_putinfo;
	op->u.scheduler_op.u.credit2.weight = 512;
	op->u.scheduler_op.u.credit2.cap = 50;
	CHECK_EQ(domctl(), 0);
	CHECK_EQ(domain_by_id(id)->c2_weight, 512);
	CHECK_EQ(domain_by_id(id)->c2_cap, 50);
	op->u.scheduler_op.u.credit2.weight = 0;     /* unchanged */
	op->u.scheduler_op.u.credit2.cap = 101;      /* over 100% of one vCPU */
	CHECK_EQ(domctl(), -XEN_EINVAL);
	op->u.scheduler_op.u.credit2.cap = 0;        /* removed */
	CHECK_EQ(domctl(), 0);
	CHECK_EQ(domain_by_id(id)->c2_weight, 512);
	CHECK_EQ(domain_by_id(id)->c2_cap, 0);
	op->u.scheduler_op.cmd = XEN_DOMCTL_SCHEDOP_putvcpuinfo;
	CHECK_EQ(domctl(), -XEN_EINVAL);
	op->u.scheduler_op.cmd = 4;
	CHECK_EQ(domctl(), -XEN_EINVAL);
	op->u.scheduler_op.cmd = XEN_DOMCTL_SCHEDOP_getinfo;
	op->u.scheduler_op.sched_id = XEN_SCHEDULER_RTDS;   /* not its pool's */
	CHECK_EQ(domctl(), -XEN_EINVAL);
	CHECK_EQ(destroy(id), 0);
	settle();
}

/* A domain destroyed while it maps another's page (a foreign mapping in
 * its stage 2): the teardown drops the reference the mapping held, so
 * the other is destroyed completely afterwards. */
static void test_mapper_destroyed(void)
{
	uint64_t free0;
	uint16_t a, b;
	struct domain *da, *db;
	uint64_t pa;

	world();
	settle();
	free0 = heap_free_bytes();
	a = build(2);
	b = build(2);
	da = domain_by_id(a);
	db = domain_by_id(b);
	pa = domain_gfn_to_own_page(db, GBASE >> 12);
	CHECK(pa != 0);
	CHECK(domain_get(b) == db);              /* the mapping's reference */
	CHECK_EQ(p2m_map(da->p2m_root, &da->p2m_pool, 0x10000000, pa, PAGE, P2M_FOREIGN), 0);
	CHECK_EQ(db->refs, 2);
	CHECK_EQ(destroy(a), 0);
	CHECK_EQ(db->refs, 1);                   /* given back by a's teardown */
	CHECK_EQ(destroy(b), 0);
	settle();
	CHECK(!domain_by_id(a) && !domain_by_id(b));
	CHECK_EQ(heap_free_bytes(), free0);
}

int main(void)
{
	RUN(test_cycles);
	RUN(test_vmid_exhaustion);
	RUN(test_create_errors);
	RUN(test_destroy_errors);
	RUN(test_zombie);
	RUN(test_borrower);
	RUN(test_evtchn_peer);
	RUN(test_evtchn_xen_port);
	RUN(test_memory_rules);
	RUN(test_scheduler_op);
	RUN(test_mapper_destroyed);
	return check_done("test_lifecycle");
}
