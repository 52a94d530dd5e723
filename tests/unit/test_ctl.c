// SPDX-License-Identifier: MIT
/*
 * The control interface on the host: domctl and sysctl
 * (common/xen/domctl.c, sysctl.c), the xen_version and memory_op calls
 * the tools make (version.c, memory.c), the dispatch (hypercall.c) and
 * the guest-memory copies (guest_access.c), with the real scheduler
 * (common/sched: core.c and the policies) underneath for pausing.
 *
 * The world: dom0 (the control domain, 2 vCPUs), d1 (2 vCPUs) and d2
 * (1 vCPU) in Pool-0 (credit2, CPUs 0-2); d5 (1 vCPU) in Pool-1 (rtds,
 * CPU 3); no domain 3 or 4. Guest memory is one block every domain
 * shares (addresses from GBASE; the last page read-only), so arguments
 * are written and read here as the guest would.
 *
 * CPUs are played one at a time: run_cpu(c) makes CPU c decide and
 * return when it entered a vCPU or went idle (arch_vcpu_enter and
 * arch_cpu_idle jump back here), trap(c) is its vCPU's exit with the
 * scheduler's flag looked at. One case runs a pausing CPU on a thread
 * of its own, to see it wait for the other CPU to let go of the vCPU.
 *
 * The layouts are checked against numbers worked out by hand from Xen
 * 4.17's public headers (domctl.h, sysctl.h, arch-arm.h): each struct's
 * field list, with 64-bit fields 8-byte aligned and guest handles as
 * 64-bit fields, written down in the comments of public/control.h.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <time.h>
#include <unistd.h>

#include <public/control.h>
#include <public/xen_abi.h>
#include <xenith/arch-api.h>
#include <xenith/console.h>
#include <xenith/control.h>
#include <xenith/domain.h>
#include <xenith/errno.h>
#include <xenith/heap.h>
#include <xenith/hypercall.h>
#include <xenith/lifecycle.h>
#include <xenith/sched.h>
#include <xenith/timer.h>
#include <xenith/xen_ops.h>

#include "check.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define PAGE 4096ULL
#define GBASE 0x40000000ULL
#define GPAGES 8               /* the last one read-only */
#define GRO (GBASE + (GPAGES - 1) * PAGE)
#define GEND (GBASE + GPAGES * PAGE)
#define FREE_BYTES (123456ULL * PAGE)

/* ---- fakes: CPUs, time, timers, console ------------------------------------- */

static __thread unsigned int this_cpu;
static __thread jmp_buf *cpu_jmp;
static uint64_t sim_now = 5000000000ULL;
static volatile int cpu_idle[MAX_CPUS];   /* CPU c idles (played out) */
static unsigned int kicks[MAX_CPUS];

uint64_t arch_time_ns(void) { return sim_now; }
uint64_t arch_ticks_to_ns(uint64_t t) { return t * 16; }
uint64_t arch_counter_freq(void) { return 62500000; }
unsigned int arch_guest_ipa_bits(void) { return 39; }
unsigned int arch_cpu_id(void) { return this_cpu; }
void arch_console_poll(void) { }
void arch_dump_cpus(void) { }
void xen_runstate_update(struct vcpu *v) { (void)v; }
void arch_vcpu_load(struct vcpu *v) { (void)v; }
void arch_vcpu_save(struct vcpu *v) { (void)v; }
void arch_vcpu_frame_save(struct vcpu *v) { (void)v; }
void arch_vcpu_resume(struct vcpu *v) { (void)v; }
bool arch_vcpu_wants_wake(struct vcpu *v) { (void)v; return false; }

/* An idle CPU that is kicked because another wants the vCPU whose
 * context it holds saves it (what its idle loop would do). */
void arch_cpu_kick(unsigned int cpu)
{
	struct vcpu *h = pcpu[cpu].held;

	__atomic_add_fetch(&kicks[cpu], 1, __ATOMIC_RELAXED);
	if (cpu_idle[cpu] && h && h->sched.run == RUN_RUNNING && h->sched.cpu != cpu) {
		pcpu[cpu].held = NULL;
		__atomic_store_n(&h->sched.ctx_cpu, -1, __ATOMIC_RELEASE);
	}
}

void arch_vcpu_enter(struct vcpu *v)
{
	(void)v;
	cpu_idle[this_cpu] = 0;
	longjmp(*cpu_jmp, 1);
}

void arch_cpu_idle(void)
{
	cpu_idle[this_cpu] = 1;
	longjmp(*cpu_jmp, 2);
}

#include "fake_core.h"

/* ---- fakes: the rest of the hypervisor the handlers reach ------------------- */

static uint8_t *gmem;
#define OTHER 0x1234

uint64_t arch_gva_to_pa(uint64_t gva, bool write)
{
	if (gva < GBASE || gva >= GEND || (write && gva >= GRO))
		return 0;
	return (uint64_t)(uintptr_t)(gmem + (gva - GBASE));
}

uint64_t heap_free_bytes(void) { return FREE_BYTES; }
int arch_p2m_map_page(struct domain *d, uint64_t gfn, uint64_t pa)
{
	(void)d; (void)gfn; (void)pa;
	return -1;
}
int arch_p2m_unmap_page(struct domain *d, uint64_t gfn)
{
	(void)d; (void)gfn;
	return -1;
}
uint64_t arch_gfn_to_pa(struct domain *d, uint64_t gfn)
{
	(void)d; (void)gfn;
	return 0;
}
int gnttab_grow(struct domain *d, unsigned int n)
{
	(void)d; (void)n;
	return -1;
}
uint64_t arch_gfn_foreign_pa(struct domain *d, uint64_t gfn)
{
	(void)d; (void)gfn;
	return 0;
}
void arch_hypercall_continue(void) {}
uint64_t arch_gfn_grant_pa(struct domain *d, uint64_t gfn)
{
	(void)d; (void)gfn;
	return 0;
}
uint64_t domain_ram_page(const struct domain *d, uint64_t gfn)
{
	(void)d; (void)gfn;
	return 0;
}
int vpl011_init_ring(struct domain *d, uint64_t gfn, uint16_t backend, uint32_t *port)
{
	(void)d; (void)gfn; (void)backend; (void)port;
	return -XEN_ENOSYS;
}
/* foreign.c (memory.c's calls into it): not these tests' business. */
void memory_release_foreign(uint64_t pa) { (void)pa; }
/* No ioreq servers here (common/ioreq is not linked). */
void ioreq_p2m_changed(struct vcpu *v) { (void)v; }
int64_t mem_populate_physmap(struct vcpu *v, uint64_t a[5], uint64_t s, uint64_t g) { (void)v; (void)a; (void)s; (void)g; return OTHER; }
int64_t mem_add_to_physmap_batch(struct vcpu *v, uint64_t a) { (void)v; (void)a; return OTHER; }
int64_t mem_acquire_resource(struct vcpu *v, uint64_t a) { (void)v; (void)a; return OTHER; }

/* The other hypercalls: not these tests' business. */
int64_t do_console_io(struct vcpu *v, unsigned int c, uint64_t a[2]) { (void)v; (void)c; (void)a; return OTHER; }
int64_t do_grant_table_op(struct vcpu *v, unsigned int c, uint64_t a[3]) { (void)v; (void)c; (void)a; return OTHER; }
int64_t do_vm_assist(struct vcpu *v, unsigned int c, unsigned int t) { (void)v; (void)c; (void)t; return OTHER; }
int64_t do_vcpu_op(struct vcpu *v, unsigned int c, unsigned int i, uint64_t a) { (void)v; (void)c; (void)i; (void)a; return OTHER; }
int64_t do_sched_op(struct vcpu *v, unsigned int c, uint64_t a) { (void)v; (void)c; (void)a; return OTHER; }
int64_t do_event_channel_op(struct vcpu *v, unsigned int c, uint64_t a) { (void)v; (void)c; (void)a; return OTHER; }
int64_t do_hvm_op(struct vcpu *v, unsigned int c, uint64_t a) { (void)v; (void)c; (void)a; return OTHER; }
int64_t do_dm_op(struct vcpu *v, uint16_t d, uint64_t n, uint64_t b) { (void)v; (void)d; (void)n; (void)b; return OTHER; }

/* domain.c's table and lookups. */
#define NDOMS 4
struct domain **domains;
unsigned int nr_domains;
static struct domain *by_id[8];

struct domain *domain_by_id(uint32_t id)
{
	return id < 8 ? by_id[id] : NULL;
}

bool domain_is_self(const struct domain *d, uint16_t domid)
{
	return domid == DOMID_SELF || domid == d->id;
}

struct domain *domain_first(void)
{
	return nr_domains ? domains[0] : NULL;
}

struct domain *domain_next(const struct domain *d)
{
	for (unsigned int i = 0; i + 1 < nr_domains; i++)
		if (domains[i] == d)
			return domains[i + 1];
	return NULL;
}

uint64_t domain_tot_pages(const struct domain *d)
{
	uint64_t bytes = 0;

	for (int i = 0; i < d->nr_ram; i++)
		bytes += d->ram[i].size;
	for (int i = 0; i < d->nr_shm_owned; i++)
		bytes += d->shm_owned[i].size;
	return bytes >> 12;
}

/* The lifecycle (lifecycle.c, domain_mem.c): tests/unit/test_lifecycle.c
 * runs the real one; here the lock is free and the calls answer OTHER. */
bool lifecycle_trylock(void) { return true; }
void lifecycle_unlock(void) { }
void lifecycle_idle(void) { }
void grace_quiescent(void) { }
int64_t lifecycle_create(struct vcpu *v, uint32_t w, struct xen_domctl_createdomain *c, uint32_t *id) { (void)v; (void)w; (void)c; (void)id; return OTHER; }
int64_t lifecycle_destroy(struct vcpu *v, struct domain *d) { (void)v; (void)d; return OTHER; }
int64_t lifecycle_max_vcpus(struct vcpu *v, struct domain *d, uint32_t m) { (void)v; (void)d; (void)m; return OTHER; }
int64_t lifecycle_set_context(struct vcpu *v, struct domain *d, uint32_t n, const struct vcpu_guest_context *c) { (void)v; (void)d; (void)n; (void)c; return OTHER; }
void domain_cache_flush(struct domain *d, uint64_t g, uint64_t n) { (void)d; (void)g; (void)n; }
uint64_t domain_p2m_pool_bytes(struct domain *d) { (void)d; return 0; }
int64_t domain_set_p2m_pool(struct domain *d, uint64_t b) { (void)d; (void)b; return OTHER; }

/* ---- the world ------------------------------------------------------------- */

static struct system_config sys;
static struct host_info host;
static struct domain_config cfg[NDOMS];
static struct domain doms[NDOMS];
static struct vcpu vcpus[NDOMS][2];
static struct vcpu *vptr[NDOMS][2];
static struct domain *dom_list[NDOMS];
static const uint32_t dom_ids[NDOMS] = { 0, 1, 2, 5 };
static const unsigned int dom_vcpus[NDOMS] = { 2, 2, 1, 1 };
static const int dom_pool[NDOMS] = { 0, 0, 0, 1 };
#define D0 (&doms[0])
#define D1 (&doms[1])
#define D2 (&doms[2])
#define D5 (&doms[3])

static void world(void)
{
	memset(&sys, 0, sizeof(sys));
	memset(&host, 0, sizeof(host));
	memset(cfg, 0, sizeof(cfg));
	memset(doms, 0, sizeof(doms));
	memset(vcpus, 0, sizeof(vcpus));
	memset(pcpu, 0, sizeof(pcpu));
	memset(cpu_current, 0, sizeof(cpu_current));
	memset(sched_pools, 0, sizeof(sched_pools));
	memset(by_id, 0, sizeof(by_id));
	memset((void *)cpu_idle, 0, sizeof(cpu_idle));
	memset(gmem, 0, GPAGES * PAGE);
	nr_sched_pools = 0;
	this_cpu = 0;

	sys.dom = cfg;
	sys.dom_cap = NDOMS;
	sys.nr_pools = 2;
	sys.default_sched = SCHED_CREDIT2;
	sys.pool[0] = (struct pool_config){ .path = "Pool-0", .node = -1, .id = 0,
		.sched = SCHED_CREDIT2, .cpus = 0x7, .ok = true };
	sys.pool[1] = (struct pool_config){ .path = "/chosen/rt", .node = 1, .id = 1,
		.sched = SCHED_RTDS, .cpus = 0x8, .ok = true };
	sched_init(&sys, 4);

	host.nr_cpus = 4;
	host.nr_mem = 2;
	host.mem[0] = (struct mem_bank){ 0x40000000, 0x40000000 };   /* 1 GiB */
	host.mem[1] = (struct mem_bank){ 0x100000000, 0x10000000 };  /* 256 MiB */
	host.xen_bootargs = "console=dtuart sched=credit2";
	ctl_init(&host, &sys);

	for (int i = 0; i < NDOMS; i++) {
		struct domain *d = &doms[i];

		snprintf(cfg[i].path, sizeof(cfg[i].path), "/chosen/dom%u", dom_ids[i]);
		cfg[i].domid = dom_ids[i];
		cfg[i].vcpus = dom_vcpus[i];
		cfg[i].mem_kb = 64 * 1024 * (i + 1);
		cfg[i].pool = dom_pool[i];
		cfg[i].sched_weight = 256;
		cfg[i].rtds_budget_us = 4000;
		cfg[i].rtds_period_us = 10000;
		cfg[i].ok = true;
		spin_lock_init(&d->p2m_lock, LOCK_P2M);
		d->id = dom_ids[i];
		d->cfg = &cfg[i];
		d->is_control = i == 0;
		d->pool = &sched_pools[dom_pool[i]];
		d->nr_vcpus = d->max_vcpus = dom_vcpus[i];
		d->vcpu = vptr[i];
		d->nr_ram = 1;
		d->ram[0] = (struct ram_piece){ 0x40000000, 0x50000000ULL + i * 0x10000000ULL,
						cfg[i].mem_kb * 1024 };
		d->shared_info_pa = 0x7fff0000ULL + i * PAGE;
		for (unsigned int k = 0; k < d->nr_vcpus; k++) {
			struct vcpu *v = &vcpus[i][k];

			v->dom = d;
			v->id = k;
			v->power = VCPU_ON;
			d->vcpu[k] = v;
			if (sched_add_vcpu(v))
				abort();
		}
		by_id[d->id] = d;
		dom_list[i] = d;
	}
	domains = dom_list;
	nr_domains = NDOMS;
}

#define V(d, i) ((d)->vcpu[i])

/* CPU c decides with nothing running: returns once it entered a vCPU
 * (which it returns) or went idle (NULL). */
static struct vcpu *run_cpu(unsigned int c)
{
	jmp_buf jb;

	this_cpu = c;
	cpu_jmp = &jb;
	if (!setjmp(jb))
		sched_run_cpu();
	this_cpu = 0;
	return cpu_idle[c] ? NULL : cpu_current[c];
}

/* The vCPU on CPU c exits to the hypervisor; if its CPU was told to
 * decide, it does. Returns what runs there afterwards (NULL: idle). */
static struct vcpu *trap(unsigned int c)
{
	jmp_buf jb;

	this_cpu = c;
	cpu_jmp = &jb;
	if (!setjmp(jb)) {
		if (pcpu[c].resched)
			sched_from_trap();
		/* the same vCPU goes on */
	}
	this_cpu = 0;
	return cpu_idle[c] ? NULL : cpu_current[c];
}

/* v is started (vCPU 0 at boot, or CPU_ON) and CPU c picks it. */
static void start_on(struct vcpu *v, unsigned int c)
{
	sched_vcpu_start(v);
	CHECK(run_cpu(c) == v);
}

/* The usual start: dom0's vCPU 0 on CPU 0 (the caller of everything
 * below), d1's two vCPUs on CPUs 1 and 2, d5's on CPU 3; the other
 * vCPUs (dom0's second, d2's) stay off. */
static void boot(void)
{
	world();
	start_on(V(D0, 0), 0);
	start_on(V(D1, 0), 1);
	start_on(V(D1, 1), 2);
	start_on(V(D5, 0), 3);
	V(D0, 1)->power = VCPU_OFF;
	V(D2, 0)->power = VCPU_OFF;
}

/* ---- calling the hypervisor ------------------------------------------------- */

/* A hypercall from vCPU 0 of d, on CPU 0. */
static int64_t hcall(struct domain *d, unsigned long nr, uint64_t a0, uint64_t a1)
{
	uint64_t a[5] = { a0, a1, 0, 0, 0 };
	unsigned int saved = this_cpu;
	int64_t rc;

	rc = do_hypercall(V(d, 0), nr, a);
	this_cpu = saved;
	return rc;
}

static void *gptr(uint64_t gva)
{
	return gmem + (gva - GBASE);
}

#define ARG GBASE                 /* the xen_domctl / xen_sysctl */
#define BUF (GBASE + PAGE)        /* arrays the calls fill */

static struct xen_domctl *dctl(uint32_t cmd, uint16_t domid)
{
	struct xen_domctl *op = gptr(ARG);

	memset(op, 0, sizeof(*op));
	op->cmd = cmd;
	op->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
	op->domain = domid;
	return op;
}

static struct xen_sysctl *sctl(uint32_t cmd)
{
	struct xen_sysctl *op = gptr(ARG);

	memset(op, 0, sizeof(*op));
	op->cmd = cmd;
	op->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
	return op;
}

static int64_t domctl(struct domain *caller)
{
	return hcall(caller, __HYPERVISOR_domctl, ARG, 0);
}

static int64_t sysctl(struct domain *caller)
{
	return hcall(caller, __HYPERVISOR_sysctl, ARG, 0);
}

/* ---- layouts ------------------------------------------------------------------ */

#define OFF(t, f, n) CHECK_EQ(offsetof(struct t, f), n)
#define SIZE(t, n) CHECK_EQ(sizeof(struct t), n)

static void test_layouts(void)
{
	CHECK_EQ(XEN_DOMCTL_INTERFACE_VERSION, 0x15);
	CHECK_EQ(XEN_SYSCTL_INTERFACE_VERSION, 0x15);
	CHECK_EQ(__HYPERVISOR_domctl, 36);
	CHECK_EQ(__HYPERVISOR_sysctl, 35);
	CHECK_EQ(__HYPERVISOR_xsm_op, 27);

	/* xen_domctl: cmd, interface_version, domid_t domain, 3 x u16
	 * pad, then a 128-byte union of 8-byte alignment. */
	SIZE(xen_domctl, 144);
	OFF(xen_domctl, cmd, 0);
	OFF(xen_domctl, interface_version, 4);
	OFF(xen_domctl, domain, 8);
	OFF(xen_domctl, u, 16);

	/* arch-arm.h: u8 gic_version, u16 tee_type, u32 nr_spis, u32
	 * clock_frequency: 12 bytes, 4-aligned. */
	SIZE(xen_arch_domainconfig, 12);
	OFF(xen_arch_domainconfig, gic_version, 0);
	OFF(xen_arch_domainconfig, tee_type, 2);
	OFF(xen_arch_domainconfig, nr_spis, 4);
	OFF(xen_arch_domainconfig, clock_frequency, 8);

	/* domctl.h getdomaininfo: domid, pad1, flags, seven aligned u64s,
	 * three u32s, a 16-byte handle, cpupool, gpaddr_bits, pad2[7], the
	 * arch config; 116 bytes rounded up to 8. */
	SIZE(xen_domctl_getdomaininfo, 120);
	OFF(xen_domctl_getdomaininfo, domain, 0);
	OFF(xen_domctl_getdomaininfo, flags, 4);
	OFF(xen_domctl_getdomaininfo, tot_pages, 8);
	OFF(xen_domctl_getdomaininfo, max_pages, 16);
	OFF(xen_domctl_getdomaininfo, outstanding_pages, 24);
	OFF(xen_domctl_getdomaininfo, shr_pages, 32);
	OFF(xen_domctl_getdomaininfo, paged_pages, 40);
	OFF(xen_domctl_getdomaininfo, shared_info_frame, 48);
	OFF(xen_domctl_getdomaininfo, cpu_time, 56);
	OFF(xen_domctl_getdomaininfo, nr_online_vcpus, 64);
	OFF(xen_domctl_getdomaininfo, max_vcpu_id, 68);
	OFF(xen_domctl_getdomaininfo, ssidref, 72);
	OFF(xen_domctl_getdomaininfo, handle, 76);
	OFF(xen_domctl_getdomaininfo, cpupool, 92);
	OFF(xen_domctl_getdomaininfo, gpaddr_bits, 96);
	OFF(xen_domctl_getdomaininfo, pad2, 97);
	OFF(xen_domctl_getdomaininfo, arch_config, 104);

	/* getvcpuinfo: u32 vcpu, u8 online/blocked/running, aligned u64
	 * cpu_time, u32 cpu, rounded to 8. */
	SIZE(xen_domctl_getvcpuinfo, 24);
	OFF(xen_domctl_getvcpuinfo, online, 4);
	OFF(xen_domctl_getvcpuinfo, blocked, 5);
	OFF(xen_domctl_getvcpuinfo, running, 6);
	OFF(xen_domctl_getvcpuinfo, cpu_time, 8);
	OFF(xen_domctl_getvcpuinfo, cpu, 16);
	SIZE(xen_domctl_max_mem, 8);
	SIZE(xen_domctl_setdomainhandle, 16);

	/* xen_sysctl: cmd, interface_version, the 128-byte union. */
	SIZE(xen_sysctl, 136);
	OFF(xen_sysctl, interface_version, 4);
	OFF(xen_sysctl, u, 8);

	/* physinfo: ten u32s (the last one padding), five aligned u64s,
	 * hw_cap[8]. */
	SIZE(xen_sysctl_physinfo, 112);
	OFF(xen_sysctl_physinfo, threads_per_core, 0);
	OFF(xen_sysctl_physinfo, cores_per_socket, 4);
	OFF(xen_sysctl_physinfo, nr_cpus, 8);
	OFF(xen_sysctl_physinfo, max_cpu_id, 12);
	OFF(xen_sysctl_physinfo, nr_nodes, 16);
	OFF(xen_sysctl_physinfo, max_node_id, 20);
	OFF(xen_sysctl_physinfo, cpu_khz, 24);
	OFF(xen_sysctl_physinfo, capabilities, 28);
	OFF(xen_sysctl_physinfo, arch_capabilities, 32);
	OFF(xen_sysctl_physinfo, total_pages, 40);
	OFF(xen_sysctl_physinfo, free_pages, 48);
	OFF(xen_sysctl_physinfo, scrub_pages, 56);
	OFF(xen_sysctl_physinfo, outstanding_pages, 64);
	OFF(xen_sysctl_physinfo, max_mfn, 72);
	OFF(xen_sysctl_physinfo, hw_cap, 80);
	SIZE(xen_sysctl_sched_id, 4);

	/* getdomaininfolist: domid first_domain, u32 max_domains, a 64-bit
	 * handle, u32 num_domains. */
	SIZE(xen_sysctl_getdomaininfolist, 24);
	OFF(xen_sysctl_getdomaininfolist, first_domain, 0);
	OFF(xen_sysctl_getdomaininfolist, max_domains, 4);
	OFF(xen_sysctl_getdomaininfolist, buffer, 8);
	OFF(xen_sysctl_getdomaininfolist, num_domains, 16);

	/* cpupool_op: six u32s, then a xenctl_bitmap (handle, u32). */
	SIZE(xenctl_bitmap, 16);
	OFF(xenctl_bitmap, bitmap, 0);
	OFF(xenctl_bitmap, nr_bits, 8);
	SIZE(xen_sysctl_cpupool_op, 40);
	OFF(xen_sysctl_cpupool_op, cpupool_id, 4);
	OFF(xen_sysctl_cpupool_op, sched_id, 8);
	OFF(xen_sysctl_cpupool_op, domid, 12);
	OFF(xen_sysctl_cpupool_op, cpu, 16);
	OFF(xen_sysctl_cpupool_op, n_dom, 20);
	OFF(xen_sysctl_cpupool_op, cpumap, 24);

	SIZE(xen_sysctl_cputopo, 12);
	SIZE(xen_sysctl_cputopoinfo, 16);
	OFF(xen_sysctl_cputopoinfo, cputopo, 8);
	SIZE(xen_sysctl_meminfo, 16);
	SIZE(xen_sysctl_numainfo, 24);
	OFF(xen_sysctl_numainfo, meminfo, 8);
	OFF(xen_sysctl_numainfo, distance, 16);
	SIZE(xen_build_id_hdr, 4);
}

/* ---- pausing ------------------------------------------------------------------- */

static bool is_run(const struct vcpu *v, enum vcpu_run r)
{
	return v->sched.run == r;
}

/* The core: a hold takes running vCPUs off their CPUs (told), queued
 * ones off the queue when picked; the last unhold brings them back. */
static void test_pause_core(void)
{
	boot();
	sched_domain_pause_nosync(D1);
	CHECK_EQ(D1->pause_count, 1);
	CHECK_EQ(D1->ctl_pause_count, 0);
	CHECK(pcpu[1].resched && pcpu[2].resched);   /* both CPUs told */
	CHECK(!pcpu[3].resched);                     /* d5's: not */
	CHECK(trap(1) == NULL);                      /* d1v0 leaves, CPU1 idles */
	CHECK(is_run(V(D1, 0), RUN_OFFLINE));
	CHECK(is_run(V(D1, 1), RUN_RUNNING));        /* CPU2 has not looked yet */
	CHECK(trap(2) == NULL);
	CHECK(is_run(V(D1, 1), RUN_OFFLINE));
	sched_domain_sync(D1);                       /* nothing runs: returns */
	CHECK(run_cpu(1) == NULL);                   /* not picked again */
	CHECK(is_run(V(D0, 0), RUN_RUNNING) && is_run(V(D5, 0), RUN_RUNNING));

	/* A second hold; one unhold leaves it paused. */
	sched_domain_pause(D1);
	CHECK_EQ(D1->pause_count, 2);
	sched_domain_unpause(D1);
	CHECK(is_run(V(D1, 0), RUN_OFFLINE) && is_run(V(D1, 1), RUN_OFFLINE));
	sched_domain_unpause(D1);
	CHECK_EQ(D1->pause_count, 0);
	CHECK(is_run(V(D1, 0), RUN_RUNNABLE) && is_run(V(D1, 1), RUN_RUNNABLE));
	CHECK(run_cpu(1) != NULL);
	CHECK(run_cpu(2) != NULL);
	CHECK(is_run(V(D1, 0), RUN_RUNNING) && is_run(V(D1, 1), RUN_RUNNING));
}

/* A vCPU waiting in the queue when the pause comes is dropped when a CPU
 * picks it; one powered off stays off after the unpause. */
static void test_pause_queued(void)
{
	world();
	start_on(V(D0, 0), 0);
	sched_vcpu_start(V(D1, 0));        /* queued, no CPU has picked it */
	V(D1, 1)->power = VCPU_OFF;        /* never started */
	CHECK(is_run(V(D1, 0), RUN_RUNNABLE));
	sched_domain_pause(D1);            /* nothing runs: no wait */
	CHECK(run_cpu(1) == NULL);
	CHECK(is_run(V(D1, 0), RUN_OFFLINE));
	/* A CPU_ON of a paused domain's vCPU: it waits for the unpause. */
	V(D1, 1)->power = VCPU_ON_PENDING;
	sched_vcpu_start(V(D1, 1));
	CHECK(run_cpu(2) == NULL);
	CHECK(is_run(V(D1, 1), RUN_OFFLINE));
	sched_domain_unpause(D1);
	CHECK(is_run(V(D1, 0), RUN_RUNNABLE) && is_run(V(D1, 1), RUN_RUNNABLE));

	/* Powered off during a pause: not brought back. */
	CHECK(run_cpu(1) != NULL && run_cpu(2) != NULL);
	sched_domain_pause_nosync(D1);
	CHECK(trap(1) == NULL && trap(2) == NULL);
	V(D1, 1)->power = VCPU_OFF;
	sched_domain_unpause(D1);
	CHECK(is_run(V(D1, 0), RUN_RUNNABLE));
	CHECK(is_run(V(D1, 1), RUN_OFFLINE));
}

/* A blocked vCPU stays blocked through a pause: woken meanwhile, it runs
 * at the unpause; not woken, it stays blocked (no spurious wake-up). */
static void test_pause_blocked(void)
{
	boot();
	this_cpu = 1;
	sched_block(V(D1, 0));             /* WFI: blocked, CPU1 decides */
	CHECK(trap(1) == NULL);
	this_cpu = 2;
	sched_block(V(D1, 1));
	CHECK(trap(2) == NULL);
	CHECK(is_run(V(D1, 0), RUN_BLOCKED) && is_run(V(D1, 1), RUN_BLOCKED));

	sched_domain_pause(D1);            /* nothing running: no wait */
	CHECK(is_run(V(D1, 0), RUN_BLOCKED));
	sched_wake(V(D1, 0));              /* an interrupt for it */
	CHECK(is_run(V(D1, 0), RUN_BLOCKED));
	CHECK(V(D1, 0)->sched.wake_deferred);
	CHECK(run_cpu(1) == NULL);         /* nothing to run */
	sched_domain_unpause(D1);
	CHECK(is_run(V(D1, 0), RUN_RUNNABLE));
	CHECK(is_run(V(D1, 1), RUN_BLOCKED));
	CHECK(!V(D1, 0)->sched.wake_deferred);
	CHECK(run_cpu(1) == V(D1, 0));

	/* A vCPU that blocks while its domain is paused (it was on its way
	 * out) stays blocked, not offline. */
	sched_domain_pause_nosync(D1);
	this_cpu = 1;
	sched_block(V(D1, 0));
	CHECK(trap(1) == NULL);
	CHECK(is_run(V(D1, 0), RUN_BLOCKED));
	sched_domain_unpause(D1);
	CHECK(is_run(V(D1, 0), RUN_BLOCKED));
	sched_wake(V(D1, 0));
	CHECK(is_run(V(D1, 0), RUN_RUNNABLE));
}

/* A polling vCPU woken during the pause: its poll ends at the unpause. */
static void test_pause_poll(void)
{
	boot();
	this_cpu = 1;
	sched_poll_begin(V(D1, 0));
	timer_set(&V(D1, 0)->sched.poll_timer, sim_now + 1000000);
	sched_block(V(D1, 0));
	CHECK(trap(1) == NULL);
	CHECK_EQ(D1->nr_polling, 1);
	sched_domain_pause_nosync(D1);
	CHECK(trap(2) == NULL);            /* d1v1 leaves CPU 2 */
	sched_domain_sync(D1);
	sched_poll_notify(D1);             /* a port became pending */
	CHECK(is_run(V(D1, 0), RUN_BLOCKED) && V(D1, 0)->sched.polling);
	sched_domain_unpause(D1);
	CHECK(is_run(V(D1, 0), RUN_RUNNABLE));
	CHECK(!V(D1, 0)->sched.polling);
	CHECK_EQ(D1->nr_polling, 0);
	CHECK_EQ(V(D1, 0)->sched.poll_timer.cpu, -1);
}

/* The control domain's counting (domctl): pause twice, unpause twice,
 * a third unpause is -EINVAL; 255 pauses at most (-EOVERFLOW); pausing
 * itself is -EINVAL; the paused flag follows the count. */
static void test_pause_counting(void)
{
	struct xen_domctl *op;

	boot();
	/* Let d1's vCPUs leave first, so the pause has nothing to wait for. */
	sched_domain_pause_nosync(D1);
	CHECK(trap(1) == NULL && trap(2) == NULL);
	sched_domain_unpause(D1);
	CHECK(is_run(V(D1, 0), RUN_RUNNABLE));

	dctl(XEN_DOMCTL_pausedomain, 1);
	CHECK_EQ(domctl(D0), 0);
	CHECK_EQ(D1->ctl_pause_count, 1);
	dctl(XEN_DOMCTL_pausedomain, 1);
	CHECK_EQ(domctl(D0), 0);
	CHECK_EQ(D1->ctl_pause_count, 2);
	CHECK_EQ(D1->pause_count, 2);
	op = dctl(XEN_DOMCTL_getdomaininfo, 1);
	CHECK_EQ(domctl(D0), 0);
	CHECK(op->u.getdomaininfo.flags & XEN_DOMINF_paused);
	CHECK(!(op->u.getdomaininfo.flags & XEN_DOMINF_running));

	dctl(XEN_DOMCTL_unpausedomain, 1);
	CHECK_EQ(domctl(D0), 0);
	CHECK(run_cpu(1) == NULL);         /* still paused */
	op = dctl(XEN_DOMCTL_getdomaininfo, 1);
	CHECK_EQ(domctl(D0), 0);
	CHECK(op->u.getdomaininfo.flags & XEN_DOMINF_paused);
	dctl(XEN_DOMCTL_unpausedomain, 1);
	CHECK_EQ(domctl(D0), 0);
	CHECK_EQ(D1->ctl_pause_count, 0);
	CHECK_EQ(D1->pause_count, 0);
	op = dctl(XEN_DOMCTL_getdomaininfo, 1);
	CHECK_EQ(domctl(D0), 0);
	CHECK(!(op->u.getdomaininfo.flags & XEN_DOMINF_paused));
	CHECK(run_cpu(1) != NULL);
	dctl(XEN_DOMCTL_unpausedomain, 1);
	CHECK_EQ(domctl(D0), -XEN_EINVAL);   /* unbalanced */
	CHECK_EQ(D1->pause_count, 0);

	/* An internal hold does not make the toolstack's unpause valid. */
	sched_domain_pause_nosync(D2);
	dctl(XEN_DOMCTL_unpausedomain, 2);
	CHECK_EQ(domctl(D0), -XEN_EINVAL);
	CHECK_EQ(D2->pause_count, 1);
	sched_domain_unpause(D2);

	/* Itself: Xen refuses (it would wait for its own vCPUs). */
	dctl(XEN_DOMCTL_pausedomain, 0);
	CHECK_EQ(domctl(D0), -XEN_EINVAL);
	CHECK_EQ(D0->pause_count, 0);
	dctl(XEN_DOMCTL_unpausedomain, 0);
	CHECK_EQ(domctl(D0), -XEN_EINVAL);

	/* 255 at most. d2 has no vCPU running: no waiting. */
	for (int i = 0; i < 255; i++) {
		dctl(XEN_DOMCTL_pausedomain, 2);
		if (domctl(D0) != 0)
			break;
	}
	CHECK_EQ(D2->ctl_pause_count, 255);
	dctl(XEN_DOMCTL_pausedomain, 2);
	CHECK_EQ(domctl(D0), -XEN_EOVERFLOW);
	CHECK_EQ(D2->ctl_pause_count, 255);
	CHECK_EQ(D2->pause_count, 255);
	for (int i = 0; i < 255; i++) {
		dctl(XEN_DOMCTL_unpausedomain, 2);
		if (domctl(D0) != 0)
			break;
	}
	CHECK_EQ(D2->pause_count, 0);
	dctl(XEN_DOMCTL_unpausedomain, 2);
	CHECK_EQ(domctl(D0), -XEN_EINVAL);
}

/* The pause from CPU 0 waits while d1's vCPUs still run on CPUs 1 and 2,
 * and returns once both let go. */
struct pauser {
	int64_t rc;
	volatile int done;
};

static void *pauser_main(void *arg)
{
	struct pauser *p = arg;

	this_cpu = 0;
	p->rc = domctl(D0);
	__atomic_store_n(&p->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { 0, (long)ms * 1000000L };

	nanosleep(&ts, NULL);
}

static bool wait_for(volatile unsigned int *v, unsigned int above)
{
	for (int i = 0; i < 2000; i++) {
		if (__atomic_load_n(v, __ATOMIC_ACQUIRE) > above)
			return true;
		sleep_ms(1);
	}
	return false;
}

static void test_pause_waits(void)
{
	struct pauser p = { 0, 0 };
	unsigned int k2;
	pthread_t t;

	boot();
	k2 = kicks[2];
	dctl(XEN_DOMCTL_pausedomain, 1);
	if (pthread_create(&t, NULL, pauser_main, &p)) {
		CHECK(0);
		return;
	}
	/* The pauser told both CPUs (CPU 2 last) and is waiting. */
	CHECK(wait_for(&kicks[2], k2));
	sleep_ms(30);
	CHECK(!__atomic_load_n(&p.done, __ATOMIC_ACQUIRE));
	CHECK(trap(1) == NULL);
	sleep_ms(30);
	CHECK(!__atomic_load_n(&p.done, __ATOMIC_ACQUIRE)); /* d1v1 still runs */
	CHECK(trap(2) == NULL);
	pthread_join(t, NULL);
	CHECK(p.done);
	CHECK_EQ(p.rc, 0);
	CHECK(is_run(V(D1, 0), RUN_OFFLINE) && is_run(V(D1, 1), RUN_OFFLINE));
	CHECK_EQ(D1->ctl_pause_count, 1);
}

/* A vCPU idling in place (WFI with nobody else waiting) counts as
 * blocked, not running; its CPU is told when the domain is paused. */
static void test_idle_in_place(void)
{
	struct xen_domctl *op;

	boot();
	pcpu[1].idle_in_place = true;
	op = dctl(XEN_DOMCTL_getvcpuinfo, 1);
	op->u.getvcpuinfo.vcpu = 0;
	CHECK_EQ(domctl(D0), 0);
	CHECK_EQ(op->u.getvcpuinfo.online, 1);
	CHECK_EQ(op->u.getvcpuinfo.blocked, 1);
	CHECK_EQ(op->u.getvcpuinfo.running, 0);
	CHECK_EQ(op->u.getvcpuinfo.cpu, 1);
	op = dctl(XEN_DOMCTL_getvcpuinfo, 1);
	op->u.getvcpuinfo.vcpu = 1;
	CHECK_EQ(domctl(D0), 0);
	CHECK_EQ(op->u.getvcpuinfo.blocked, 0);
	CHECK_EQ(op->u.getvcpuinfo.running, 1);
	CHECK_EQ(op->u.getvcpuinfo.cpu, 2);
	pcpu[1].resched = false;
	sched_domain_pause_nosync(D1);
	CHECK(pcpu[1].resched);
	pcpu[1].idle_in_place = false;
}

/* ---- domctl -------------------------------------------------------------------- */

static const uint32_t ops_on_domain[] = {
	XEN_DOMCTL_getdomaininfo, XEN_DOMCTL_pausedomain, XEN_DOMCTL_unpausedomain,
	XEN_DOMCTL_setdomainhandle, XEN_DOMCTL_max_mem, XEN_DOMCTL_getvcpuinfo,
};

/* A domU gets -EPERM for every operation, on others and on itself, and
 * nothing changes; dom0 succeeds. */
static void test_domctl_privilege(void)
{
	boot();
	for (unsigned int i = 0; i < ARRAY_LEN(ops_on_domain); i++) {
		uint32_t cmd = ops_on_domain[i];
		struct xen_domctl *op, before;
		char name[48];

		snprintf(name, sizeof(name), "domctl %u from a domU", cmd);
		CASE(name, {
			op = dctl(cmd, 2);
			memset(&op->u, 0x5a, sizeof(op->u));
			before = *op;
			CHECK_EQ(domctl(D1), -XEN_EPERM);
			CHECK(!memcmp(op, &before, sizeof(before)));  /* not written */
			op = dctl(cmd, 1);                             /* itself */
			CHECK_EQ(domctl(D1), -XEN_EPERM);
			op = dctl(cmd, 0);                             /* dom0 */
			CHECK_EQ(domctl(D5), -XEN_EPERM);
		});
	}
	CHECK_EQ(D2->pause_count, 0);
	CHECK(!D2->max_pages_set);
	/* dom0 (d2 has nothing running, so pause does not wait). */
	dctl(XEN_DOMCTL_getdomaininfo, 2);
	CHECK_EQ(domctl(D0), 0);
	dctl(XEN_DOMCTL_pausedomain, 2);
	CHECK_EQ(domctl(D0), 0);
	dctl(XEN_DOMCTL_unpausedomain, 2);
	CHECK_EQ(domctl(D0), 0);
	dctl(XEN_DOMCTL_setdomainhandle, 2);
	CHECK_EQ(domctl(D0), 0);
	dctl(XEN_DOMCTL_max_mem, 2);
	CHECK_EQ(domctl(D0), 0);
	dctl(XEN_DOMCTL_getvcpuinfo, 2);
	CHECK_EQ(domctl(D0), 0);
	/* getdomaininfo of dom0 itself and of everyone from 0 up. */
	dctl(XEN_DOMCTL_getdomaininfo, 0);
	CHECK_EQ(domctl(D0), 0);
}

/* Interface version: -EACCES before anything else, for everyone. */
static void test_bad_version(void)
{
	const uint32_t vers[] = { 0, 0x14, 0x16, 0x15000000, ~0U };

	boot();
	for (unsigned int i = 0; i < ARRAY_LEN(vers); i++) {
		struct xen_domctl *d;
		struct xen_sysctl *s;

		d = dctl(XEN_DOMCTL_getdomaininfo, 1);
		d->interface_version = vers[i];
		CHECK_EQ(domctl(D0), -XEN_EACCES);
		CHECK_EQ(domctl(D1), -XEN_EACCES);
		d = dctl(XEN_DOMCTL_pausedomain, 99);   /* no such domain either */
		d->interface_version = vers[i];
		CHECK_EQ(domctl(D0), -XEN_EACCES);
		CHECK_EQ(domctl(D1), -XEN_EACCES);
		s = sctl(XEN_SYSCTL_physinfo);
		s->interface_version = vers[i];
		CHECK_EQ(sysctl(D0), -XEN_EACCES);
		CHECK_EQ(sysctl(D1), -XEN_EACCES);
		s = sctl(999);
		s->interface_version = vers[i];
		CHECK_EQ(sysctl(D1), -XEN_EACCES);
	}
	CHECK_EQ(D1->pause_count, 0);
}

/* Domain ids: -ESRCH for a domain that does not exist (also DOMID_SELF,
 * which domctl does not translate), before the privilege check;
 * getdomaininfo returns the next domain up, -EINVAL for reserved ids. */
static void test_bad_domid(void)
{
	struct xen_domctl *op;
	const uint16_t none[] = { 3, 4, 6, 99, 0x7fef, DOMID_SELF, DOMID_IO, 0xffff };

	boot();
	for (unsigned int i = 0; i < ARRAY_LEN(ops_on_domain); i++) {
		if (ops_on_domain[i] == XEN_DOMCTL_getdomaininfo)
			continue;
		for (unsigned int k = 0; k < ARRAY_LEN(none); k++) {
			dctl(ops_on_domain[i], none[k]);
			CHECK_EQ(domctl(D0), -XEN_ESRCH);
			dctl(ops_on_domain[i], none[k]);
			CHECK_EQ(domctl(D1), -XEN_ESRCH);
		}
	}
	/* getdomaininfo: 3 and 4 do not exist, the next is 5. */
	op = dctl(XEN_DOMCTL_getdomaininfo, 3);
	CHECK_EQ(domctl(D0), 0);
	CHECK_EQ(op->domain, 5);
	CHECK_EQ(op->u.getdomaininfo.domain, 5);
	op = dctl(XEN_DOMCTL_getdomaininfo, 6);
	CHECK_EQ(domctl(D0), -XEN_ESRCH);
	op = dctl(XEN_DOMCTL_getdomaininfo, 0x7fef);
	CHECK_EQ(domctl(D0), -XEN_ESRCH);
	op = dctl(XEN_DOMCTL_getdomaininfo, DOMID_SELF);
	CHECK_EQ(domctl(D0), -XEN_EINVAL);
	op = dctl(XEN_DOMCTL_getdomaininfo, 0x7fff);
	CHECK_EQ(domctl(D0), -XEN_EINVAL);
	/* A domU: the same lookups come first. */
	op = dctl(XEN_DOMCTL_getdomaininfo, 6);
	CHECK_EQ(domctl(D1), -XEN_ESRCH);
	op = dctl(XEN_DOMCTL_getdomaininfo, DOMID_SELF);
	CHECK_EQ(domctl(D1), -XEN_EINVAL);
	op = dctl(XEN_DOMCTL_getdomaininfo, 3);
	CHECK_EQ(domctl(D1), -XEN_EPERM);
	(void)op;
}

/* Sub-operations Xenith does not offer: -ENOSYS for dom0, -EPERM for a
 * domU (the privilege check comes first), -ESRCH for a missing domain;
 * the few that name no domain; ioport ones are -ENOSYS on Arm for all. */
static void test_domctl_unknown(void)
{
	const uint32_t cmds[] = { 0, 13, 18, 24, 69, 999, 0x80000000 };

	boot();
	for (unsigned int i = 0; i < ARRAY_LEN(cmds); i++) {
		dctl(cmds[i], 2);
		CHECK_EQ(domctl(D0), -XEN_ENOSYS);
		dctl(cmds[i], 2);
		CHECK_EQ(domctl(D1), -XEN_EPERM);
		dctl(cmds[i], 99);
		CHECK_EQ(domctl(D1), -XEN_ESRCH);
	}
	dctl(XEN_DOMCTL_createdomain, 99);
	CHECK_EQ(domctl(D1), -XEN_EPERM);
	dctl(XEN_DOMCTL_createdomain, 99);
	CHECK_EQ(domctl(D0), OTHER);   /* lifecycle.c's (test_lifecycle) */
	dctl(XEN_DOMCTL_assign_device, DOMID_IO);
	CHECK_EQ(domctl(D1), -XEN_EPERM);
	dctl(XEN_DOMCTL_assign_device, DOMID_INVALID);
	CHECK_EQ(domctl(D1), -XEN_ESRCH);
	dctl(XEN_DOMCTL_test_assign_device, DOMID_INVALID);
	CHECK_EQ(domctl(D1), -XEN_EPERM);
	dctl(XEN_DOMCTL_vm_event_op, DOMID_INVALID);
	CHECK_EQ(domctl(D1), -XEN_EPERM);
	dctl(XEN_DOMCTL_vm_event_op, 99);
	CHECK_EQ(domctl(D1), -XEN_ESRCH);
	dctl(21, 2);
	CHECK_EQ(domctl(D1), -XEN_ENOSYS);
	dctl(40, 2);
	CHECK_EQ(domctl(D0), -XEN_ENOSYS);
	dctl(40, 99);
	CHECK_EQ(domctl(D1), -XEN_ESRCH);
}

/* Argument buffers the hypervisor cannot read or write: -EFAULT, and
 * for a read-only one only after the operation ran (as on Xen). */
static void test_faults(void)
{
	const uint64_t bad[] = { 0, GBASE - 8, GEND, GEND - 100, ~0ULL, 1ULL << 48 };
	struct xen_domctl *op;
	struct xen_sysctl *so;

	boot();
	for (unsigned int i = 0; i < ARRAY_LEN(bad); i++) {
		CHECK_EQ(hcall(D0, __HYPERVISOR_domctl, bad[i], 0), -XEN_EFAULT);
		CHECK_EQ(hcall(D1, __HYPERVISOR_domctl, bad[i], 0), -XEN_EFAULT);
		CHECK_EQ(hcall(D0, __HYPERVISOR_sysctl, bad[i], 0), -XEN_EFAULT);
		CHECK_EQ(hcall(D1, __HYPERVISOR_sysctl, bad[i], 0), -XEN_EFAULT);
	}
	/* Readable, not writable: getdomaininfo reads, then cannot answer. */
	op = gptr(GRO);
	memset(op, 0, sizeof(*op));
	op->cmd = XEN_DOMCTL_getdomaininfo;
	op->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
	op->domain = 1;
	CHECK_EQ(hcall(D0, __HYPERVISOR_domctl, GRO, 0), -XEN_EFAULT);
	CHECK_EQ(hcall(D1, __HYPERVISOR_domctl, GRO, 0), -XEN_EPERM);
	/* pausedomain writes nothing back: it succeeds from there. */
	op->cmd = XEN_DOMCTL_pausedomain;
	op->domain = 2;
	CHECK_EQ(hcall(D0, __HYPERVISOR_domctl, GRO, 0), 0);
	op->cmd = XEN_DOMCTL_unpausedomain;
	CHECK_EQ(hcall(D0, __HYPERVISOR_domctl, GRO, 0), 0);
	op->cmd = XEN_DOMCTL_getvcpuinfo;
	CHECK_EQ(hcall(D0, __HYPERVISOR_domctl, GRO, 0), -XEN_EFAULT);
	so = gptr(GRO);
	memset(so, 0, sizeof(*so));
	so->cmd = XEN_SYSCTL_physinfo;
	so->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
	CHECK_EQ(hcall(D0, __HYPERVISOR_sysctl, GRO, 0), -XEN_EFAULT);
	CHECK_EQ(hcall(D1, __HYPERVISOR_sysctl, GRO, 0), -XEN_EPERM);
	so->cmd = 999;  /* unknown: nothing written, so no fault */
	CHECK_EQ(hcall(D0, __HYPERVISOR_sysctl, GRO, 0), -XEN_ENOSYS);
}

/* getdomaininfo, every field, as Xen 4.17 fills it on Arm. */
static void test_getdomaininfo(void)
{
	struct xen_domctl *op;
	struct xen_domctl_getdomaininfo *gi;
	uint8_t tail[8];

	boot();
	/* d1: v0 has run 3 ms before and 2 ms now, v1 1 ms. */
	V(D1, 0)->sched.rs_time[RS_RUNNING] = 3000000;
	V(D1, 0)->sched.rs_entry = sim_now - 2000000;
	V(D1, 1)->sched.rs_time[RS_RUNNING] = 1000000;
	V(D1, 1)->sched.rs_entry = sim_now;
	op = dctl(XEN_DOMCTL_getdomaininfo, 1);
	memset(tail, 0xa5, sizeof(tail));
	memcpy(op->u.raw + 120, tail, sizeof(tail));
	memset(&op->u, 0xee, 120);
	CHECK_EQ(domctl(D0), 0);
	gi = &op->u.getdomaininfo;
	CHECK_EQ(op->domain, 1);
	CHECK_EQ(gi->domain, 1);
	CHECK_EQ(gi->pad1, 0);
	/* running, not blocked, HVM with HAP, no shutdown reason (~0) */
	CHECK_EQ(gi->flags, 0xffff0000U | XEN_DOMINF_running | XEN_DOMINF_hvm_guest |
			    XEN_DOMINF_hap);
	CHECK_EQ(gi->tot_pages, 128 * 1024 / 4);
	CHECK_EQ(gi->max_pages, 128 * 1024 / 4);
	CHECK_EQ(gi->outstanding_pages, 0);
	CHECK_EQ(gi->shr_pages, 0);
	CHECK_EQ(gi->paged_pages, 0);
	CHECK_EQ(gi->shared_info_frame, (0x7fff0000ULL + PAGE) >> 12);
	CHECK_EQ(gi->cpu_time, 6000000);
	CHECK_EQ(gi->nr_online_vcpus, 2);
	CHECK_EQ(gi->max_vcpu_id, 1);
	CHECK_EQ(gi->ssidref, 0);
	for (int i = 0; i < 16; i++)
		CHECK_EQ(gi->handle[i], 0);
	CHECK_EQ(gi->cpupool, 0);
	CHECK_EQ(gi->gpaddr_bits, 39);
	for (int i = 0; i < 7; i++)
		CHECK_EQ(gi->pad2[i], 0);
	CHECK_EQ(gi->arch_config.gic_version, 0);  /* Arm leaves it zero */
	CHECK_EQ(gi->arch_config.nr_spis, 0);
	CHECK_EQ(gi->arch_config.clock_frequency, 0);
	CHECK_EQ(gi->arch_config.tee_type, 0);
	CHECK(!memcmp(op->u.raw + 120, tail, sizeof(tail))); /* the union's rest */
	CHECK_EQ(op->cmd, XEN_DOMCTL_getdomaininfo);
	CHECK_EQ(op->interface_version, XEN_DOMCTL_INTERFACE_VERSION);

	/* Both vCPUs blocked: blocked, not running. */
	this_cpu = 1;
	sched_block(V(D1, 0));
	CHECK(trap(1) == NULL);
	this_cpu = 2;
	sched_block(V(D1, 1));
	CHECK(trap(2) == NULL);
	op = dctl(XEN_DOMCTL_getdomaininfo, 1);
	CHECK_EQ(domctl(D0), 0);
	CHECK_EQ(op->u.getdomaininfo.flags & 0xffff,
		 XEN_DOMINF_blocked | XEN_DOMINF_hvm_guest | XEN_DOMINF_hap);

	/* dom0: v1 off (not online, but counted in max_vcpu_id), v0 runs. */
	op = dctl(XEN_DOMCTL_getdomaininfo, 0);
	CHECK_EQ(domctl(D0), 0);
	CHECK_EQ(op->u.getdomaininfo.nr_online_vcpus, 1);
	CHECK_EQ(op->u.getdomaininfo.max_vcpu_id, 1);
	CHECK_EQ(op->u.getdomaininfo.flags & 0xffff,
		 XEN_DOMINF_running | XEN_DOMINF_hvm_guest | XEN_DOMINF_hap);

	/* d2: no vCPU online: neither blocked nor running. */
	op = dctl(XEN_DOMCTL_getdomaininfo, 2);
	CHECK_EQ(domctl(D0), 0);
	CHECK_EQ(op->u.getdomaininfo.nr_online_vcpus, 0);
	CHECK_EQ(op->u.getdomaininfo.flags & 0xffff, XEN_DOMINF_hvm_guest | XEN_DOMINF_hap);

	/* d5 in Pool-1, shut down (crashed): its reason in bits 16-23. */
	D5->state = DOM_SHUTDOWN;
	D5->reason = SHUTDOWN_crash;
	op = dctl(XEN_DOMCTL_getdomaininfo, 5);
	CHECK_EQ(domctl(D0), 0);
	CHECK_EQ(op->u.getdomaininfo.cpupool, 1);
	CHECK(op->u.getdomaininfo.flags & XEN_DOMINF_shutdown);
	CHECK_EQ(op->u.getdomaininfo.flags >> XEN_DOMINF_shutdownshift, SHUTDOWN_crash);
	D5->state = DOM_RUNNING;

	/* Static shared memory the domain owns counts, as on Xen. */
	D2->nr_shm_owned = 1;
	D2->shm_owned[0] = (struct mem_bank){ 0x70000000, 2 * 1024 * 1024 };
	op = dctl(XEN_DOMCTL_getdomaininfo, 2);
	CHECK_EQ(domctl(D0), 0);
	CHECK_EQ(op->u.getdomaininfo.tot_pages, 192 * 1024 / 4 + 512);
	CHECK_EQ(op->u.getdomaininfo.max_pages, 192 * 1024 / 4 + 512);
}

/* max_mem and setdomainhandle: recorded, reported by getdomaininfo (and
 * the handle by the domain's own XENVER_guest_handle). */
static void test_max_mem_handle(void)
{
	struct xen_domctl *op;
	uint8_t h[16], *got;

	boot();
	op = dctl(XEN_DOMCTL_max_mem, 1);
	op->u.max_mem.max_memkb = 262144 + 3;   /* KiB: 65536 pages */
	CHECK_EQ(domctl(D0), 0);
	op = dctl(XEN_DOMCTL_getdomaininfo, 1);
	CHECK_EQ(domctl(D0), 0);
	CHECK_EQ(op->u.getdomaininfo.max_pages, 65536);
	CHECK_EQ(op->u.getdomaininfo.tot_pages, 128 * 1024 / 4);  /* unchanged */
	op = dctl(XEN_DOMCTL_max_mem, 1);
	op->u.max_mem.max_memkb = ~0ULL;        /* clipped to 32 bits */
	CHECK_EQ(domctl(D0), 0);
	op = dctl(XEN_DOMCTL_getdomaininfo, 1);
	CHECK_EQ(domctl(D0), 0);
	CHECK_EQ(op->u.getdomaininfo.max_pages, 0xffffffffULL);
	op = dctl(XEN_DOMCTL_max_mem, 1);
	op->u.max_mem.max_memkb = 0;
	CHECK_EQ(domctl(D0), 0);
	op = dctl(XEN_DOMCTL_getdomaininfo, 1);
	CHECK_EQ(domctl(D0), 0);
	CHECK_EQ(op->u.getdomaininfo.max_pages, 0);

	for (int i = 0; i < 16; i++)
		h[i] = (uint8_t)(0xc0 + i);
	op = dctl(XEN_DOMCTL_setdomainhandle, 1);
	memcpy(op->u.setdomainhandle.handle, h, 16);
	CHECK_EQ(domctl(D0), 0);
	op = dctl(XEN_DOMCTL_getdomaininfo, 1);
	CHECK_EQ(domctl(D0), 0);
	CHECK(!memcmp(op->u.getdomaininfo.handle, h, 16));
	got = gptr(BUF);
	memset(got, 0, 16);
	CHECK_EQ(hcall(D1, __HYPERVISOR_xen_version, XENVER_guest_handle, BUF), 0);
	CHECK(!memcmp(got, h, 16));
	memset(got, 0xff, 16);
	CHECK_EQ(hcall(D2, __HYPERVISOR_xen_version, XENVER_guest_handle, BUF), 0);
	for (int i = 0; i < 16; i++)
		CHECK_EQ(got[i], 0);                /* d2's: untouched */
}

static void test_getvcpuinfo(void)
{
	struct xen_domctl *op;

	boot();
	V(D1, 1)->sched.rs_time[RS_RUNNING] = 777;
	V(D1, 1)->sched.rs_entry = sim_now;
	op = dctl(XEN_DOMCTL_getvcpuinfo, 1);
	memset(&op->u, 0xee, sizeof(op->u));
	op->u.getvcpuinfo.vcpu = 1;
	CHECK_EQ(domctl(D0), 0);
	CHECK_EQ(op->u.getvcpuinfo.vcpu, 1);
	CHECK_EQ(op->u.getvcpuinfo.online, 1);
	CHECK_EQ(op->u.getvcpuinfo.blocked, 0);
	CHECK_EQ(op->u.getvcpuinfo.running, 1);
	CHECK_EQ(op->u.getvcpuinfo.cpu_time, 777);
	CHECK_EQ(op->u.getvcpuinfo.cpu, 2);
	CHECK_EQ(op->u.getvcpuinfo.pad, 0xee);    /* only the fields are written */
	op = dctl(XEN_DOMCTL_getvcpuinfo, 0);
	op->u.getvcpuinfo.vcpu = 1;               /* dom0's second: off */
	CHECK_EQ(domctl(D0), 0);
	CHECK_EQ(op->u.getvcpuinfo.online, 0);
	CHECK_EQ(op->u.getvcpuinfo.running, 0);
	op = dctl(XEN_DOMCTL_getvcpuinfo, 1);
	op->u.getvcpuinfo.vcpu = 2;
	CHECK_EQ(domctl(D0), -XEN_EINVAL);
	op = dctl(XEN_DOMCTL_getvcpuinfo, 1);
	op->u.getvcpuinfo.vcpu = ~0U;
	CHECK_EQ(domctl(D0), -XEN_EINVAL);
}

/* ---- sysctl -------------------------------------------------------------------- */

static const uint32_t sysctls[] = {
	XEN_SYSCTL_physinfo, XEN_SYSCTL_sched_id, XEN_SYSCTL_getdomaininfolist,
	XEN_SYSCTL_cpupool_op, XEN_SYSCTL_cputopoinfo, XEN_SYSCTL_numainfo,
	XEN_SYSCTL_readconsole, 0, 999,
};

static void test_sysctl_privilege(void)
{
	boot();
	for (unsigned int i = 0; i < ARRAY_LEN(sysctls); i++) {
		struct xen_sysctl *op = sctl(sysctls[i]), before;

		op->u.cpupool_op.op = XEN_SYSCTL_CPUPOOL_OP_INFO;
		op->u.getdomaininfolist.max_domains = 8;
		op->u.getdomaininfolist.buffer = BUF;
		before = *op;
		CHECK_EQ(sysctl(D1), -XEN_EPERM);
		CHECK_EQ(sysctl(D5), -XEN_EPERM);
		CHECK(!memcmp(op, &before, sizeof(before)));
		if (i < 6) {
			op = sctl(sysctls[i]);
			op->u.cpupool_op.op = XEN_SYSCTL_CPUPOOL_OP_INFO;
			CHECK_EQ(sysctl(D0), 0);
		} else {
			CHECK_EQ(sysctl(D0), -XEN_ENOSYS);
			CHECK(!memcmp(op, &before, sizeof(before)));
		}
	}
}

static void test_physinfo(void)
{
	struct xen_sysctl *op;
	struct xen_sysctl_physinfo *pi;

	boot();
	op = sctl(XEN_SYSCTL_physinfo);
	memset(&op->u, 0xee, sizeof(op->u));
	CHECK_EQ(sysctl(D0), 0);
	pi = &op->u.physinfo;
	CHECK_EQ(pi->threads_per_core, 1);
	CHECK_EQ(pi->cores_per_socket, 1);
	CHECK_EQ(pi->nr_cpus, 4);
	CHECK_EQ(pi->max_cpu_id, 3);
	CHECK_EQ(pi->nr_nodes, 1);
	CHECK_EQ(pi->max_node_id, 0);
	CHECK_EQ(pi->cpu_khz, 62500);
	CHECK_EQ(pi->capabilities, XEN_SYSCTL_PHYSCAP_hvm | XEN_SYSCTL_PHYSCAP_hap |
				   XEN_SYSCTL_PHYSCAP_gnttab_v1);
	CHECK_EQ(pi->arch_capabilities, 0);
	CHECK_EQ(pi->pad, 0);
	CHECK_EQ(pi->total_pages, (0x40000000ULL + 0x10000000ULL) >> 12);
	CHECK_EQ(pi->free_pages, FREE_BYTES >> 12);
	CHECK_EQ(pi->scrub_pages, 0);
	CHECK_EQ(pi->outstanding_pages, 0);
	CHECK_EQ(pi->max_mfn, (0x110000000ULL >> 12) - 1);
	for (int i = 0; i < 8; i++)
		CHECK_EQ(pi->hw_cap[i], 0);

	/* A CPU that did not come up is not online, still counted in
	 * max_cpu_id; the timer node's clock-frequency wins over CNTFRQ. */
	sched_cpu_down(3);
	host.timer_freq = 100000000;
	ctl_init(&host, &sys);
	op = sctl(XEN_SYSCTL_physinfo);
	CHECK_EQ(sysctl(D0), 0);
	CHECK_EQ(op->u.physinfo.nr_cpus, 3);
	CHECK_EQ(op->u.physinfo.max_cpu_id, 3);
	CHECK_EQ(op->u.physinfo.cpu_khz, 100000);
}

static void test_sched_id(void)
{
	struct xen_sysctl *op;

	boot();
	op = sctl(XEN_SYSCTL_sched_id);
	CHECK_EQ(sysctl(D0), 0);
	CHECK_EQ(op->u.sched_id.sched_id, XEN_SCHEDULER_CREDIT2);
	/* Xen answers its default (sched=), not each pool's. */
	sys.default_sched = SCHED_NULL;
	ctl_init(&host, &sys);
	op = sctl(XEN_SYSCTL_sched_id);
	CHECK_EQ(sysctl(D0), 0);
	CHECK_EQ(op->u.sched_id.sched_id, XEN_SCHEDULER_NULL);
	CHECK_EQ(ctl_sched_id(SCHED_RTDS), XEN_SCHEDULER_RTDS);
	CHECK_EQ(ctl_sched_id(SCHED_ARINC653), XEN_SCHEDULER_ARINC653);
}

static void test_getdomaininfolist(void)
{
	struct xen_sysctl *op;
	struct xen_domctl_getdomaininfo *info = gptr(BUF);

	boot();
	op = sctl(XEN_SYSCTL_getdomaininfolist);
	op->u.getdomaininfolist.first_domain = 0;
	op->u.getdomaininfolist.max_domains = 16;
	op->u.getdomaininfolist.buffer = BUF;
	CHECK_EQ(sysctl(D0), 0);       /* the count is in num_domains */
	CHECK_EQ(op->u.getdomaininfolist.num_domains, 4);
	CHECK_EQ(info[0].domain, 0);
	CHECK_EQ(info[1].domain, 1);
	CHECK_EQ(info[2].domain, 2);
	CHECK_EQ(info[3].domain, 5);
	CHECK_EQ(info[1].tot_pages, 128 * 1024 / 4);
	CHECK_EQ(info[3].cpupool, 1);
	/* The same as getdomaininfo says. */
	{
		struct xen_domctl_getdomaininfo one;

		ctl_getdomaininfo(D2, &one);
		CHECK(!memcmp(&one, &info[2], sizeof(one)));
	}
	op = sctl(XEN_SYSCTL_getdomaininfolist);
	op->u.getdomaininfolist.first_domain = 2;
	op->u.getdomaininfolist.max_domains = 1;
	op->u.getdomaininfolist.buffer = BUF;
	CHECK_EQ(sysctl(D0), 0);
	CHECK_EQ(op->u.getdomaininfolist.num_domains, 1);
	CHECK_EQ(info[0].domain, 2);
	op = sctl(XEN_SYSCTL_getdomaininfolist);
	op->u.getdomaininfolist.first_domain = 3;
	op->u.getdomaininfolist.max_domains = 10;
	op->u.getdomaininfolist.buffer = BUF;
	CHECK_EQ(sysctl(D0), 0);
	CHECK_EQ(op->u.getdomaininfolist.num_domains, 1);
	CHECK_EQ(info[0].domain, 5);
	op = sctl(XEN_SYSCTL_getdomaininfolist);
	op->u.getdomaininfolist.first_domain = 6;
	op->u.getdomaininfolist.max_domains = 10;
	op->u.getdomaininfolist.buffer = 0;   /* nothing to write: no fault */
	CHECK_EQ(sysctl(D0), 0);
	CHECK_EQ(op->u.getdomaininfolist.num_domains, 0);
	op = sctl(XEN_SYSCTL_getdomaininfolist);
	op->u.getdomaininfolist.max_domains = 0;
	op->u.getdomaininfolist.buffer = 0;
	CHECK_EQ(sysctl(D0), 0);
	CHECK_EQ(op->u.getdomaininfolist.num_domains, 0);
	/* A buffer that ends after two entries: -EFAULT, no count back. */
	op = sctl(XEN_SYSCTL_getdomaininfolist);
	op->u.getdomaininfolist.max_domains = 4;
	op->u.getdomaininfolist.buffer = GRO - 2 * sizeof(*info);
	op->u.getdomaininfolist.num_domains = 77;
	CHECK_EQ(sysctl(D0), -XEN_EFAULT);
	CHECK_EQ(op->u.getdomaininfolist.num_domains, 77);
	op = sctl(XEN_SYSCTL_getdomaininfolist);
	op->u.getdomaininfolist.max_domains = 4;
	op->u.getdomaininfolist.buffer = 8;
	CHECK_EQ(sysctl(D0), -XEN_EFAULT);
}

static void test_cpupool(void)
{
	struct xen_sysctl *op;
	uint8_t *map = gptr(BUF);

	boot();
	op = sctl(XEN_SYSCTL_cpupool_op);
	op->u.cpupool_op.op = XEN_SYSCTL_CPUPOOL_OP_INFO;
	op->u.cpupool_op.cpupool_id = 0;
	op->u.cpupool_op.cpumap.bitmap = BUF;
	op->u.cpupool_op.cpumap.nr_bits = 8 * 5;   /* more than Xen's 4 bits */
	memset(map, 0xff, 8);
	CHECK_EQ(sysctl(D0), 0);
	CHECK_EQ(op->u.cpupool_op.cpupool_id, 0);
	CHECK_EQ(op->u.cpupool_op.sched_id, XEN_SCHEDULER_CREDIT2);
	CHECK_EQ(op->u.cpupool_op.n_dom, 3);
	CHECK_EQ(map[0], 0x07);
	for (int i = 1; i < 5; i++)
		CHECK_EQ(map[i], 0);               /* the rest zeroed */
	CHECK_EQ(map[5], 0xff);                    /* beyond nr_bits: untouched */

	op = sctl(XEN_SYSCTL_cpupool_op);
	op->u.cpupool_op.op = XEN_SYSCTL_CPUPOOL_OP_INFO;
	op->u.cpupool_op.cpupool_id = 1;
	op->u.cpupool_op.cpumap.bitmap = BUF;
	op->u.cpupool_op.cpumap.nr_bits = 4;
	CHECK_EQ(sysctl(D0), 0);
	CHECK_EQ(op->u.cpupool_op.cpupool_id, 1);
	CHECK_EQ(op->u.cpupool_op.sched_id, XEN_SCHEDULER_RTDS);
	CHECK_EQ(op->u.cpupool_op.n_dom, 1);
	CHECK_EQ(map[0], 0x08);

	/* Past the last pool: -ENOENT (how xen-init-dom0's walk ends), and
	 * nothing written back. */
	op = sctl(XEN_SYSCTL_cpupool_op);
	op->u.cpupool_op.op = XEN_SYSCTL_CPUPOOL_OP_INFO;
	op->u.cpupool_op.cpupool_id = 2;
	op->u.cpupool_op.n_dom = 42;
	CHECK_EQ(sysctl(D0), -XEN_ENOENT);
	CHECK_EQ(op->u.cpupool_op.n_dom, 42);
	op->u.cpupool_op.cpupool_id = ~0U;
	CHECK_EQ(sysctl(D0), -XEN_ENOENT);

	/* No bitmap asked for: nothing written, still the pool. */
	op = sctl(XEN_SYSCTL_cpupool_op);
	op->u.cpupool_op.op = XEN_SYSCTL_CPUPOOL_OP_INFO;
	op->u.cpupool_op.cpumap.bitmap = 0;
	op->u.cpupool_op.cpumap.nr_bits = 0;
	CHECK_EQ(sysctl(D0), 0);
	/* A bitmap that cannot be written. */
	op = sctl(XEN_SYSCTL_cpupool_op);
	op->u.cpupool_op.op = XEN_SYSCTL_CPUPOOL_OP_INFO;
	op->u.cpupool_op.cpumap.bitmap = 16;
	op->u.cpupool_op.cpumap.nr_bits = 8;
	CHECK_EQ(sysctl(D0), -XEN_EFAULT);
	/* Zeroing a long bitmap runs off the guest's memory. */
	op = sctl(XEN_SYSCTL_cpupool_op);
	op->u.cpupool_op.op = XEN_SYSCTL_CPUPOOL_OP_INFO;
	op->u.cpupool_op.cpumap.bitmap = GRO - 100;
	op->u.cpupool_op.cpumap.nr_bits = 8 * 200;
	CHECK_EQ(sysctl(D0), -XEN_EFAULT);

	/* A pool whose configuration failed does not exist. */
	sys.pool[1].ok = false;
	op = sctl(XEN_SYSCTL_cpupool_op);
	op->u.cpupool_op.op = XEN_SYSCTL_CPUPOOL_OP_INFO;
	op->u.cpupool_op.cpupool_id = 1;
	CHECK_EQ(sysctl(D0), -XEN_ENOENT);
	sys.pool[1].ok = true;

	op = sctl(XEN_SYSCTL_cpupool_op);
	op->u.cpupool_op.op = XEN_SYSCTL_CPUPOOL_OP_FREEINFO;
	op->u.cpupool_op.cpumap.bitmap = BUF;
	op->u.cpupool_op.cpumap.nr_bits = 16;
	memset(map, 0xff, 4);
	CHECK_EQ(sysctl(D0), 0);
	CHECK_EQ(map[0], 0);
	CHECK_EQ(map[1], 0);
	CHECK_EQ(map[2], 0xff);
	for (uint32_t o = XEN_SYSCTL_CPUPOOL_OP_CREATE; o <= XEN_SYSCTL_CPUPOOL_OP_MOVEDOMAIN; o++) {
		if (o == XEN_SYSCTL_CPUPOOL_OP_INFO)
			continue;
		op = sctl(XEN_SYSCTL_cpupool_op);
		op->u.cpupool_op.op = o;
		CHECK_EQ(sysctl(D0), -XEN_EOPNOTSUPP);
	}
	op = sctl(XEN_SYSCTL_cpupool_op);
	op->u.cpupool_op.op = 99;
	CHECK_EQ(sysctl(D0), -XEN_ENOSYS);
}

static void test_cputopo_numa(void)
{
	struct xen_sysctl *op;
	struct xen_sysctl_cputopo *topo = gptr(BUF);
	struct xen_sysctl_meminfo *mi = gptr(BUF);
	uint32_t *dist = gptr(BUF + 256);

	boot();
	/* No array: the number of CPUs. */
	op = sctl(XEN_SYSCTL_cputopoinfo);
	CHECK_EQ(sysctl(D0), 0);
	CHECK_EQ(op->u.cputopoinfo.num_cpus, 4);
	op = sctl(XEN_SYSCTL_cputopoinfo);
	op->u.cputopoinfo.num_cpus = 16;
	op->u.cputopoinfo.cputopo = BUF;
	memset(topo, 0xff, 16 * sizeof(*topo));
	CHECK_EQ(sysctl(D0), 0);
	CHECK_EQ(op->u.cputopoinfo.num_cpus, 4);
	for (int i = 0; i < 4; i++)
		CHECK(topo[i].core == 0 && topo[i].socket == 0 && topo[i].node == 0);
	CHECK_EQ(topo[4].core, ~0U);                 /* untouched */
	op = sctl(XEN_SYSCTL_cputopoinfo);
	op->u.cputopoinfo.num_cpus = 2;
	op->u.cputopoinfo.cputopo = BUF;
	CHECK_EQ(sysctl(D0), 0);
	CHECK_EQ(op->u.cputopoinfo.num_cpus, 2);
	op = sctl(XEN_SYSCTL_cputopoinfo);
	op->u.cputopoinfo.num_cpus = 4;
	op->u.cputopoinfo.cputopo = GRO - 12;        /* one fits */
	CHECK_EQ(sysctl(D0), -XEN_EFAULT);

	op = sctl(XEN_SYSCTL_numainfo);
	CHECK_EQ(sysctl(D0), 0);
	CHECK_EQ(op->u.numainfo.num_nodes, 1);
	op = sctl(XEN_SYSCTL_numainfo);
	op->u.numainfo.num_nodes = 8;
	op->u.numainfo.meminfo = BUF;
	op->u.numainfo.distance = BUF + 256;
	memset(gptr(BUF), 0xff, 512);
	CHECK_EQ(sysctl(D0), 0);
	CHECK_EQ(op->u.numainfo.num_nodes, 1);
	CHECK_EQ(mi[0].memsize, 0x110000000ULL - 0x40000000ULL);  /* lowest to highest */
	CHECK_EQ(mi[0].memfree, FREE_BYTES);
	CHECK_EQ(mi[1].memsize, ~0ULL);               /* untouched */
	CHECK_EQ(dist[0], 20);
	CHECK_EQ(dist[1], ~0U);
	op = sctl(XEN_SYSCTL_numainfo);
	op->u.numainfo.num_nodes = 0;                 /* room for none */
	op->u.numainfo.distance = BUF + 256;
	CHECK_EQ(sysctl(D0), 0);
	CHECK_EQ(op->u.numainfo.num_nodes, 0);
	op = sctl(XEN_SYSCTL_numainfo);
	op->u.numainfo.num_nodes = 1;
	op->u.numainfo.meminfo = 64;
	CHECK_EQ(sysctl(D0), -XEN_EFAULT);
}

/* ---- xen_version, memory_op, xsm_op ---------------------------------------------- */

static void test_version_ops(void)
{
	char *s = gptr(BUF);
	struct xen_build_id_hdr *b = gptr(BUF);

	boot();
	/* commandline: the whole 1024 bytes for dom0; "<denied>" (and 0)
	 * for a domU, nothing more written. */
	memset(s, 'x', 2048);
	CHECK_EQ(hcall(D0, __HYPERVISOR_xen_version, XENVER_commandline, BUF), 0);
	CHECK_STR(s, "console=dtuart sched=credit2");
	CHECK_EQ(s[1023], 0);
	CHECK_EQ(s[1024], 'x');
	memset(s, 'x', 2048);
	CHECK_EQ(hcall(D1, __HYPERVISOR_xen_version, XENVER_commandline, BUF), 0);
	CHECK_STR(s, "<denied>");
	CHECK_EQ(s[9], 'x');
	CHECK_EQ(hcall(D0, __HYPERVISOR_xen_version, XENVER_commandline, GRO), -XEN_EFAULT);
	CHECK_EQ(hcall(D1, __HYPERVISOR_xen_version, XENVER_commandline, GRO), -XEN_EFAULT);

	/* build_id: privileged; Xenith has none. */
	b->len = 64;
	CHECK_EQ(hcall(D1, __HYPERVISOR_xen_version, XENVER_build_id, BUF), -XEN_EPERM);
	CHECK_EQ(hcall(D1, __HYPERVISOR_xen_version, XENVER_build_id, 0), -XEN_EPERM);
	CHECK_EQ(hcall(D0, __HYPERVISOR_xen_version, XENVER_build_id, BUF), -XEN_ENODATA);
	CHECK_EQ(hcall(D0, __HYPERVISOR_xen_version, XENVER_build_id, 0), -XEN_ENODATA);
	b->len = 0;
	CHECK_EQ(hcall(D0, __HYPERVISOR_xen_version, XENVER_build_id, BUF), -XEN_EINVAL);
	CHECK_EQ(hcall(D0, __HYPERVISOR_xen_version, XENVER_build_id, 8), -XEN_EFAULT);

	/* pagesize: the argument must be null. */
	CHECK_EQ(hcall(D1, __HYPERVISOR_xen_version, XENVER_pagesize, 0), 4096);
	CHECK_EQ(hcall(D1, __HYPERVISOR_xen_version, XENVER_pagesize, BUF), -XEN_EINVAL);
	CHECK_EQ(hcall(D0, __HYPERVISOR_xen_version, XENVER_version, 0), 0x40011);
}

static void test_memory_xsm(void)
{
	boot();
	for (int i = 0; i < 2; i++) {
		struct domain *d = i ? D1 : D0;

		CHECK_EQ(hcall(d, __HYPERVISOR_memory_op, XENMEM_get_sharing_freed_pages, 0), 0);
		CHECK_EQ(hcall(d, __HYPERVISOR_memory_op, XENMEM_get_sharing_shared_pages, BUF), 0);
		/* Xen hands Arm the command's low 32 bits. */
		CHECK_EQ(hcall(d, __HYPERVISOR_memory_op,
			       XENMEM_get_sharing_freed_pages | (1 << 6), 0), -XEN_ENOSYS);
		CHECK_EQ(hcall(d, __HYPERVISOR_memory_op,
			       XENMEM_get_sharing_shared_pages | (1ULL << 32), 0), 0);
		CHECK_EQ(hcall(d, __HYPERVISOR_xsm_op, 5, BUF), -XEN_ENOSYS);
		CHECK_EQ(hcall(d, __HYPERVISOR_xsm_op, 0, 0), -XEN_ENOSYS);
	}
	/* The other hypercalls still reach their handlers. */
	CHECK_EQ(hcall(D1, __HYPERVISOR_event_channel_op, 0, 0), OTHER);
	CHECK_EQ(hcall(D1, 99, 0, 0), -XEN_ENOSYS);
}

int main(void)
{
	gmem = aligned_alloc(PAGE, GPAGES * PAGE);
	if (!gmem)
		return 2;
	RUN(test_layouts);
	RUN(test_pause_core);
	RUN(test_pause_queued);
	RUN(test_pause_blocked);
	RUN(test_pause_poll);
	RUN(test_pause_counting);
	RUN(test_pause_waits);
	RUN(test_idle_in_place);
	RUN(test_domctl_privilege);
	RUN(test_bad_version);
	RUN(test_bad_domid);
	RUN(test_domctl_unknown);
	RUN(test_faults);
	RUN(test_getdomaininfo);
	RUN(test_max_mem_handle);
	RUN(test_getvcpuinfo);
	RUN(test_sysctl_privilege);
	RUN(test_physinfo);
	RUN(test_sched_id);
	RUN(test_getdomaininfolist);
	RUN(test_cpupool);
	RUN(test_cputopo_numa);
	RUN(test_version_ops);
	RUN(test_memory_xsm);
	free(gmem);
	return check_done("test_ctl");
}
