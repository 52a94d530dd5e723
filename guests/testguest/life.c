// SPDX-License-Identifier: MIT
/*
 * Domains made and unmade at run time, from the control domain, the way
 * Xen 4.17's toolstack does it with domctl and memory_op:
 *
 *   test=lifecycle [n=1000] [pages=4] [race=1] [fail=1]
 *
 * The testguest is dom0 (XENFEAT_dom0). It reads XEN_SYSCTL_physinfo's
 * free_pages, then n times:
 *   createdomain (id chosen by the hypervisor), max_vcpus 1,
 *   set_paging_mempool_size, max_mem, populate_physmap of `pages` pages
 *   at 0x40000000 (the guest's first RAM bank), maps the first of them
 *   into its own space (add_to_physmap_batch, a foreign mapping), writes
 *   a tiny program there (count in a word of its page, then spin, or
 *   WFI every other domain), cacheflush, setvcpucontext to it,
 *   an interdomain event channel to it, unpausedomain, waits until the
 *   program has counted (it ran), then pausedomain and destroydomain as
 *   xl destroy does. Every 16th domain is destroyed while still mapped:
 *   it must stay a zombie (getdomaininfo: dying) until the mapping goes.
 *   After destruction the domain is gone (-ESRCH) and the event channel
 *   dom0 had with it is closed at the other end (unbound, as Xen leaves
 *   it).
 * Then free_pages again, which must be what it was (waited for up to a
 * second: the last structures go a grace period after destruction).
 *
 * With race=1 dom0's second vCPU meanwhile looks up the domain being
 * built and destroyed, as fast as it can, during the first 250: its
 * getdomaininfo, event channel status, HVM parameter. Every answer must
 * be one Xen gives (0, -ESRCH, -EINVAL ...), and nothing may crash.
 *
 * With fail=1, first the creations that must fail, each with Xen's error
 * and free memory unchanged: too many vCPUs, a CPU pool that does not
 * exist, a GICv2, a TEE, an id in use, more P2M pool than the machine
 * has, more RAM than the machine has (populate gives what it can, the
 * domain is then destroyed); and destroying itself.
 *
 *   test=lifecycle_boot [victims=2,3]
 *
 * Domains the device tree made (dom0less) are destroyed too, as xl
 * destroy does (pause, destroydomain): one still running, one that shut
 * itself down (Xen leaves that to the toolstack). For each, what it
 * owned (getdomaininfo's tot_pages) must be back in free memory, and its
 * id gone; then a new domain is created in its place and destroyed
 * again. Lines "<name>: life boot ...", then "<name>: LIFECYCLE BOOT
 * DONE".
 *
 * Lines: "<name>: life <what> ...", "<name>: LIFECYCLE DONE". Layouts
 * are written from Xen 4.17's public headers, apart from the
 * hypervisor's: domctl and sysctl in rt/xen_ctl.h (shared with ctl.c),
 * memory_op and vcpu_guest_context here.
 */
#include "tg.h"
#include "../rt/xen.h"
#include "../rt/xen_ctl.h"

#define HC_MEMORY_OP 12
#define HC_EVTCHN_OP 32
#define HC_HVM_OP 34

#define PAGE 4096ull
#define GUEST_RAM 0x40000000ull     /* a domU's first RAM bank */
#define WIN 0x88000000ull           /* where dom0 maps the new domain's page */
#define COUNTER_OFF 0x800           /* the program counts here, in its page */

/* domctl and sysctl: rt/xen_ctl.h's */
#define CDF_hvm (1u << 0)
#define CDF_hap (1u << 1)
#define DOMINF_dying (1u << 0)

/* vcpu_guest_context on arm64 */
struct vcpu_ctx {
	uint32_t flags, pad;
	uint64_t x[31];
	uint64_t pc, cpsr, spsr_el1;
	uint32_t spsr32[4];
	uint64_t sp_el0, sp_el1, elr_el1;
	uint64_t sctlr, ttbcr, ttbr0, ttbr1;
};
_Static_assert(sizeof(struct vcpu_ctx) == 352, "vcpu_guest_context");
_Static_assert(__builtin_offsetof(struct vcpu_ctx, sctlr) == 320, "sctlr");

/* memory_op */
#define XENMEM_populate_physmap 6
#define XENMEM_remove_from_physmap 15
#define XENMEM_add_to_physmap_batch 23
#define XENMAPSPACE_gmfn_foreign 4

struct reservation {
	uint64_t extent_start, nr_extents;
	uint32_t extent_order, mem_flags;
	uint16_t domid, pad[3];
};
struct physmap_batch {
	uint16_t domid, space, size, foreign_domid;
	uint64_t idxs, gpfns, errs;
};
struct remove_physmap {
	uint16_t domid, pad[3];
	uint64_t gpfn;
};

/* event channels: rt/xen.h's */
#define EVTCHNSTAT_unbound 1

/* Arguments on pages of their own (vCPU 0's and the racer's). */
static struct ctl_domctl dop __attribute__((aligned(4096)));
static struct ctl_sysctl sop __attribute__((aligned(4096)));
static struct vcpu_ctx vctx __attribute__((aligned(4096)));
static uint64_t xbuf[512] __attribute__((aligned(4096)));
static struct ctl_domctl rop __attribute__((aligned(4096)));
static uint64_t rbuf[64] __attribute__((aligned(4096)));

static uint64_t ptr(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

static uint64_t now_us(void)
{
	return cntvct() * 1000000 / cntfrq();
}

static int64_t domctl(struct ctl_domctl *op, uint32_t cmd, uint16_t dom)
{
	op->cmd = cmd;
	op->version = CTL_VERSION;
	op->domain = dom;
	return xen_hypercall(HC_DOMCTL, ptr(op), 0, 0, 0, 0);
}

static void dclear(struct ctl_domctl *op)
{
	memset(op, 0, sizeof(*op));
}

static uint64_t free_pages(void)
{
	memset(&sop, 0, sizeof(sop));
	sop.cmd = SC_physinfo;
	sop.version = CTL_VERSION;
	if (xen_hypercall(HC_SYSCTL, ptr(&sop), 0, 0, 0, 0))
		return 0;
	return sop.u.phys.free_pages;
}

/* What xl asks for a PVH-less Arm guest: hvm, hap, one vCPU, the native
 * GIC, 1023 ports, default grant limits, grant v1. */
static void create_args(unsigned int vcpus)
{
	dclear(&dop);
	dop.u.create.flags = CDF_hvm | CDF_hap;
	dop.u.create.max_vcpus = vcpus;
	dop.u.create.max_evtchn_port = 1023;
	dop.u.create.max_grant_frames = -1;
	dop.u.create.max_maptrack_frames = -1;
	dop.u.create.grant_opts = 1;
	for (int i = 0; i < 16; i++)
		dop.u.create.handle[i] = (uint8_t)(0x10 + i);
}

static int64_t populate(uint16_t dom, uint64_t gfn, uint64_t n, unsigned int order)
{
	struct reservation r = { ptr(xbuf), n, order, 0, dom, { 0 } };

	for (uint64_t i = 0; i < n && i < 512; i++)
		xbuf[i] = gfn + (i << order);
	return xen_hypercall(HC_MEMORY_OP, XENMEM_populate_physmap, ptr(&r), 0, 0, 0);
}

/* Maps dom's frame gfn at our frame WIN (a foreign mapping). */
static int64_t map_foreign(uint16_t dom, uint64_t gfn)
{
	static uint64_t idx, gpfn;
	static int32_t err;
	struct physmap_batch b = { DOMID_SELF, XENMAPSPACE_gmfn_foreign, 1, dom,
				   ptr(&idx), ptr(&gpfn), ptr(&err) };
	int64_t rc;

	idx = gfn;
	gpfn = WIN >> 12;
	err = 1;
	rc = xen_hypercall(HC_MEMORY_OP, XENMEM_add_to_physmap_batch, ptr(&b), 0, 0, 0);
	return rc ? rc : err;
}

static int64_t unmap_foreign(void)
{
	struct remove_physmap r = { DOMID_SELF, { 0 }, WIN >> 12 };

	return xen_hypercall(HC_MEMORY_OP, XENMEM_remove_from_physmap, ptr(&r), 0, 0, 0);
}

static int64_t evtchn(int cmd, void *arg)
{
	return xen_hypercall(HC_EVTCHN_OP, (uint64_t)cmd, ptr(arg), 0, 0, 0);
}

/* The program a new domain runs, from its first byte, MMU off: counts in
 * the word at COUNTER_OFF of its page; spins, or waits in WFI after each
 * count (with wfi=1 in x0, its only argument). */
extern const uint32_t life_prog[], life_prog_end[];
__asm__(".section .rodata\n"
	".balign 4\n"
	".global life_prog, life_prog_end\n"
	"life_prog:\n"
	"	adr	x1, life_prog\n"          /* its own page */
	"	add	x1, x1, #0x800\n"
	"	mov	x2, #0\n"
	"1:	add	x2, x2, #1\n"
	"	str	x2, [x1]\n"
	"	cbz	x0, 1b\n"
	"	wfi\n"
	"	b	1b\n"
	"life_prog_end:\n"
	".previous\n");

static void clean(const volatile void *p, uint64_t len)
{
	for (uint64_t a = (uint64_t)(uintptr_t)p & ~63ull; a < (uint64_t)(uintptr_t)p + len; a += 64)
		__asm__ volatile("dc civac, %0" : : "r"(a) : "memory");
	dsb();
}

static volatile uint64_t *counter(void)
{
	return (volatile uint64_t *)(uintptr_t)(WIN + COUNTER_OFF);
}

/* ---- the racer: dom0's second vCPU ------------------------------------------- */

static volatile uint32_t race_target;    /* the domain being built / destroyed */
static volatile uint32_t race_stop, race_up;
static volatile uint64_t race_calls, race_bad;
static volatile int64_t race_bad_rc;

static bool xen_answer(int64_t rc)
{
	return rc == 0 || rc == 1 || rc == -XEN_ESRCH || rc == -XEN_EINVAL ||
	       rc == -XEN_EPERM || rc == -3 || rc == -2;
}

static uint64_t ram_base, ram_end;

static bool mmu_on(void)
{
	return mmu_enable_identity_extra(ram_base, ram_end, WIN, WIN + 0x200000);
}

/* The racer stops after this many domains: it has raced enough by then,
 * and on a host with fewer CPUs than QEMU's it slows the rest down. */
#define RACE_DOMAINS 250

static void racer(uint64_t idx)
{
	(void)idx;
	mmu_on();
	race_up = 1;
	dsb();
	while (!race_stop) {
		uint16_t t = (uint16_t)race_target;
		struct evtchn_status *st = (struct evtchn_status *)rbuf;

		int64_t rc;

		if (!t)
			continue;
		dclear(&rop);
		rc = domctl(&rop, DC_info, t);
		if (rc && rc != -XEN_ESRCH) {
			race_bad++;
			race_bad_rc = rc;
		}
		memset(st, 0, sizeof(*st));
		st->dom = t;
		st->port = 1;
		rc = evtchn(EVTCHNOP_status, st);
		if (!xen_answer(rc)) {
			race_bad++;
			race_bad_rc = rc;
		}
		rbuf[32] = t;                    /* hvm_param: domid, index 0 */
		rbuf[33] = 0;
		rc = xen_hypercall(HC_HVM_OP, 1, ptr(&rbuf[32]), 0, 0, 0);
		if (!xen_answer(rc)) {
			race_bad++;
			race_bad_rc = rc;
		}
		race_calls += 3;
	}
	race_up = 0;
	dsb();
	for (;;)
		__asm__ volatile("wfi");
}

static bool start_racer(void)
{
	uint64_t mpidr[2];
	uint64_t t;

	if (dt_cpu_mpidrs(mpidr, 2) < 2)
		return false;
	secondary_hook = racer;
	if (psci_call(0xc4000003, mpidr[1], (uint64_t)(uintptr_t)secondary_entry, 1))
		return false;
	for (t = now_us(); !race_up && now_us() - t < 2000000;)
		;
	return race_up;
}

/* ---- creations that fail ---------------------------------------------------- */

static void fail_case(const char *what, int64_t rc, uint64_t before)
{
	uint64_t after = free_pages();

	say("life fail %s rc=%lld free_delta=%lld", what, (long long)rc,
	    (long long)(after - before));
}

static int64_t destroy(uint16_t id)
{
	dclear(&dop);
	domctl(&dop, DC_pause, id);
	dclear(&dop);
	return domctl(&dop, DC_destroy, id);
}

/* Waits up to a second for free memory to be `want` again (the last of
 * a destroyed domain goes a grace period after destroydomain returned). */
static uint64_t settle(uint64_t want)
{
	uint64_t t = now_us(), f;

	do
		f = free_pages();
	while (f != want && now_us() - t < 1000000);
	return f;
}

/* Free memory once it stopped moving (what a destruction gives back
 * after a grace period has come back): the same over 400 ms (a grace
 * period needs every CPU, and on a loaded host QEMU may leave one
 * CPU's thread unscheduled for a while). */
static uint64_t stable_free(void)
{
	uint64_t f = free_pages(), t = now_us();

	while (now_us() - t < 400000) {
		uint64_t g = free_pages();

		if (g != f) {
			f = g;
			t = now_us();
		}
	}
	return f;
}

static void failures(void)
{
	uint64_t f0 = free_pages();
	int64_t rc;

	create_args(129);
	fail_case("max_vcpus=129", domctl(&dop, DC_create, 0), f0);
	create_args(0);
	fail_case("max_vcpus=0", domctl(&dop, DC_create, 0), f0);
	create_args(1);
	dop.u.create.cpupool_id = 7;
	fail_case("cpupool=7", domctl(&dop, DC_create, 0), f0);
	create_args(1);
	dop.u.create.gic_version = 1;    /* GICv2 */
	fail_case("gic_v2", domctl(&dop, DC_create, 0), f0);
	create_args(1);
	dop.u.create.tee_type = 1;       /* OP-TEE */
	fail_case("tee_optee", domctl(&dop, DC_create, 0), f0);
	create_args(1);
	dop.u.create.flags = CDF_hvm;
	fail_case("no_hap", domctl(&dop, DC_create, 0), f0);
	create_args(1);
	dop.u.create.grant_opts = 2;
	fail_case("grant_v2", domctl(&dop, DC_create, 0), f0);
	create_args(1);
	fail_case("id_in_use", domctl(&dop, DC_create, 1), f0);
	dclear(&dop);
	fail_case("destroy_self", domctl(&dop, DC_destroy, 0), f0);
	dclear(&dop);
	fail_case("destroy_none", domctl(&dop, DC_destroy, 999), f0);

	/* A domain built, then refused what the machine does not have. */
	create_args(1);
	rc = domctl(&dop, DC_create, 0);
	if (rc) {
		say("life fail big: createdomain rc=%lld", (long long)rc);
		return;
	}
	uint16_t id = dop.domain;

	dclear(&dop);
	dop.u.pool_size = 64ull << 30;   /* 64 GiB of P2M pool */
	say("life fail pool_64G rc=%lld", (long long)domctl(&dop, DC_set_pool, id));
	dclear(&dop);
	dop.u.max_memkb = 64ull << 20;   /* 64 GiB */
	domctl(&dop, DC_max_mem, id);
	/* 1 GiB extents: a 2 GiB machine has at most one free. */
	rc = populate(id, GUEST_RAM >> 12, 4, 18);
	say("life fail populate_4x1G short=%u", rc >= 0 && rc < 4);
	rc = destroy(id);
	fail_case("big_destroyed", rc, f0);
	say("life fail settled free_delta=%lld", (long long)(settle(f0) - f0));
}

/* ---- the loop ------------------------------------------------------------------ */

/* One domain: built, run, destroyed. 0, or a line saying what failed. */
static int one(unsigned int i, unsigned int pages)
{
	bool zombie = i % 16 == 15, wfi = i & 1;
	uint64_t t;
	uint16_t id;
	int64_t rc;
	uint32_t lport, rport;
	const char *step = "max_vcpus";

	create_args(1);
	rc = domctl(&dop, DC_create, 0);
	if (rc) {
		say("life %u: createdomain rc=%lld", i, (long long)rc);
		return -1;
	}
	id = dop.domain;
	race_target = id;
	dclear(&dop);
	dop.u.max_vcpus = 1;
	if ((rc = domctl(&dop, DC_max_vcpus, id)))
		goto bad;
	step = "set_paging_mempool_size";
	dclear(&dop);
	dop.u.pool_size = 128 * 1024;
	if ((rc = domctl(&dop, DC_set_pool, id)))
		goto bad;
	step = "set_address_size";
	dclear(&dop);
	dop.u.address_size = 64;
	if ((rc = domctl(&dop, DC_set_address_size, id)))
		goto bad;
	step = "max_mem";
	dclear(&dop);
	dop.u.max_memkb = pages * 4;
	if ((rc = domctl(&dop, DC_max_mem, id)))
		goto bad;
	rc = populate(id, GUEST_RAM >> 12, pages, 0);
	if (rc != pages) {
		say("life %u: populate gave %lld of %u pages", i, (long long)rc, pages);
		goto bad2;
	}
	/* Over max_mem: refused. */
	if (populate(id, (GUEST_RAM >> 12) + pages, 1, 0) != 0) {
		say("life %u: populate beyond max_mem was given", i);
		goto bad2;
	}
	if ((rc = map_foreign(id, GUEST_RAM >> 12))) {
		say("life %u: foreign map rc=%lld", i, (long long)rc);
		goto bad2;
	}
	memcpy((void *)(uintptr_t)WIN, life_prog,
	       (size_t)((const uint8_t *)life_prog_end - (const uint8_t *)life_prog));
	*counter() = 0;
	clean((void *)(uintptr_t)WIN, PAGE);
	step = "cacheflush";
	dclear(&dop);
	dop.u.flush.start = GUEST_RAM >> 12;
	dop.u.flush.nr = pages;
	if ((rc = domctl(&dop, DC_cacheflush, id)))
		goto bad;
	step = "setvcpucontext";
	memset(&vctx, 0, sizeof(vctx));
	vctx.flags = 1;                 /* VGCF_online */
	vctx.pc = GUEST_RAM;
	vctx.cpsr = 0x3c5;              /* EL1h, DAIF masked */
	vctx.x[0] = wfi;
	vctx.sctlr = 0x00c50078;        /* MMU and caches off */
	dclear(&dop);
	dop.u.ctx.vcpu = 0;
	dop.u.ctx.ctxt = ptr(&vctx);
	if ((rc = domctl(&dop, DC_setvcpucontext, id)))
		goto bad;
	/* An interdomain channel: a port of the new domain offered to us,
	 * bound from here. */
	{
		struct evtchn_alloc_unbound a = { id, 0, 0 };
		struct evtchn_bind_interdomain b = { 0 };

		step = "alloc_unbound";
		if ((rc = evtchn(EVTCHNOP_alloc_unbound, &a)))
			goto bad;
		rport = a.port;
		b.remote_dom = id;
		b.remote_port = rport;
		step = "bind_interdomain";
		if ((rc = evtchn(EVTCHNOP_bind_interdomain, &b)))
			goto bad;
		lport = b.local_port;
	}
	step = "unpause";
	dclear(&dop);
	if ((rc = domctl(&dop, DC_unpause, id)))
		goto bad;
	for (t = now_us(); now_us() - t < 2000000;) {
		clean(counter(), 8);
		if (*counter())
			break;
	}
	if (!*counter()) {
		say("life %u: d%u never ran", i, id);
		goto bad2;
	}
	step = "unmap";
	if (!zombie && (rc = unmap_foreign()))
		goto bad;
	rc = destroy(id);
	if (rc) {
		say("life %u: destroydomain rc=%lld", i, (long long)rc);
		return -1;
	}
	dclear(&dop);
	rc = domctl(&dop, DC_info, id);
	if (zombie) {
		/* Still mapped here: a zombie, dying, until we let go. */
		if (rc || dop.u.info.domain != id || !(dop.u.info.flags & DOMINF_dying)) {
			say("life %u: d%u mapped yet not dying: rc=%lld flags=%#x", i, id,
			    (long long)rc, dop.u.info.flags);
			return -1;
		}
		if (i == 15)
			say("life zombie d%u flags=%#x dying=%u", id, dop.u.info.flags,
			    dop.u.info.flags & DOMINF_dying);
		if ((rc = unmap_foreign())) {
			say("life %u: unmap rc=%lld", i, (long long)rc);
			return -1;
		}
		/* The last reference went: gone soon (the reaper). */
		for (t = now_us(); now_us() - t < 1000000;) {
			dclear(&dop);
			rc = domctl(&dop, DC_info, id);
			if (rc || dop.u.info.domain != id)
				break;
		}
	}
	if (!rc && dop.u.info.domain == id) {
		say("life %u: d%u still there after destroy (flags %#x)", i, id,
		    dop.u.info.flags);
		return -1;
	}
	{
		struct evtchn_status st = { DOMID_SELF, 0, lport, 0, 0, { 0 } };
		struct evtchn_port_arg c = { lport };

		rc = evtchn(EVTCHNOP_status, &st);
		if (rc || st.status != EVTCHNSTAT_unbound || (uint16_t)st.u[0] != id) {
			say("life %u: our port %u after d%u went: rc=%lld status=%u dom=%u", i,
			    lport, id, (long long)rc, st.status, (uint16_t)st.u[0]);
			return -1;
		}
		if (i == 1)
			say("life port after destroy status=%u remote_is_it=%u", st.status,
			    (uint16_t)st.u[0] == id);

		evtchn(EVTCHNOP_close, &c);
	}
	return 0;
bad:
	say("life %u: d%u %s failed rc=%lld", i, id, step, (long long)rc);
bad2:
	unmap_foreign();
	destroy(id);
	return -1;
}

void mode_lifecycle(void)
{
	unsigned int n = (unsigned int)arg_num("n", 1000);
	unsigned int pages = (unsigned int)arg_num("pages", 4);
	uint64_t f0, f1, t0, t1;
	unsigned int ok = 0, i;
	bool raced = false;

	if (!ram_info(&ram_base, &ram_end)) {
		ram_base = 0x60000000;
		ram_end = 0x80000000;
	}
	if (!mmu_on()) {
		say("life: no MMU");
		return;
	}
	if (arg_num("fail", 1))
		failures();
	if (arg_num("race", 1))
		raced = start_racer();
	say("life racer %s", raced ? "up" : "none");
	/* One domain first, not counted: what the first one makes of its
	 * kind for good (our own stage-2 tables where we map its page: Xen
	 * takes those from the heap for dom0; buckets of our event
	 * channels) is there before the count starts. */
	if (one(0, pages))
		say("life warm-up failed");
	f0 = stable_free();
	say("life free_pages before=%llu", (unsigned long long)f0);
	t0 = now_us();
	for (i = 0; i < n; i++) {
		if (one(i + 1, pages))
			break;
		ok++;
		if (i + 1 == RACE_DOMAINS)
			race_stop = 1;
		if ((i + 1) % 250 == 0)
			say("life %u domains created and destroyed (%llu ms)", i + 1,
			    (unsigned long long)((now_us() - t0) / 1000));
	}
	t1 = now_us();
	race_target = 0;
	race_stop = 1;
	f1 = settle(f0);
	say("life done %u of %u in %llu ms", ok, n, (unsigned long long)((t1 - t0) / 1000));
	say("life free_pages before=%llu after=%llu equal=%u", (unsigned long long)f0,
	    (unsigned long long)f1, f0 == f1);
	if (raced)
		say("life racer calls=%llu bad=%llu last_bad_rc=%lld",
		    (unsigned long long)race_calls, (unsigned long long)race_bad,
		    (long long)race_bad_rc);
	say("LIFECYCLE DONE");
}

/* ---- domains of the device tree ------------------------------------------------ */

static bool is_shut_down(uint16_t id)
{
	dclear(&dop);
	return !domctl(&dop, DC_info, id) && dop.u.info.domain == id &&
	       (dop.u.info.flags >> 2) & 1;
}

static void destroy_boot(uint16_t id)
{
	uint64_t f0, f1, tot;
	uint32_t flags;
	int64_t rc;

	dclear(&dop);
	rc = domctl(&dop, DC_info, id);
	if (rc || dop.u.info.domain != id) {
		say("life boot d%u: getdomaininfo rc=%lld", id, (long long)rc);
		return;
	}
	tot = dop.u.info.tot_pages;
	flags = dop.u.info.flags;
	f0 = stable_free();
	rc = destroy(id);
	f1 = stable_free();
	dclear(&dop);
	say("life boot d%u shutdown=%u destroy rc=%lld gone=%u given_back_ge_tot=%u", id,
	    (flags >> 2) & 1, (long long)rc,
	    domctl(&dop, DC_info, id) != 0 || dop.u.info.domain != id,
	    f1 >= f0 + tot);
}

void mode_lifecycle_boot(void)
{
	uint64_t t, f0, f1;

	if (!ram_info(&ram_base, &ram_end)) {
		ram_base = 0x60000000;
		ram_end = 0x80000000;
	}
	if (!mmu_on()) {
		say("life: no MMU");
		return;
	}
	/* A first domain, as lifecycle's warm-up (what the first one makes
	 * for good is there before anything is counted). */
	if (one(0, 4))
		say("life boot: warm-up failed");
	/* Let them run (and the one that powers off do so) first: at least
	 * wait_ms, and until the one that powers off is shut down (20 s at
	 * most: a loaded host may start it late). */
	for (t = now_us(); now_us() - t < arg_num("wait_ms", 1500) * 1000;)
		;
	for (t = now_us(); !is_shut_down((uint16_t)arg_num("off", 3)) &&
			   now_us() - t < 20000000;)
		delay_ms(10);   /* ask every 10 ms, not in a tight loop */
	destroy_boot((uint16_t)arg_num("running", 2));
	destroy_boot((uint16_t)arg_num("off", 3));
	/* The memory is there for a new domain, which goes as cleanly. */
	f0 = stable_free();
	if (one(1, 64)) {
		say("life boot: a new domain in their place failed");
		return;
	}
	f1 = stable_free();
	say("life boot new domain equal=%u delta=%lld", f0 == f1, (long long)(f1 - f0));
	say("LIFECYCLE BOOT DONE");
}
