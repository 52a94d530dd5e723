// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: everything a guest reaches with HVC #0xEA1, from
 * do_hypercall() (common/hypercall.c) down: xen_version, memory_op,
 * console_io, grant_table_op, vm_assist, vcpu_op, sched_op,
 * event_channel_op (common/evtchn*.c, both ABIs), hvm_op, and the
 * control interface (domctl, sysctl: common/xen/domctl.c, sysctl.c), with the
 * hypervisor's own guest-memory copies (common/xen/guest_access.c), its
 * per-domain Xen state (xen_domain.c), its domain lookups (domain.c) and
 * its stage-2 table code (arch/arm64/p2m.c). fuzz_arch.c stands in for
 * the rest of the architecture.
 *
 * Each input builds four domains afresh, as domain_create() leaves them
 * (d1: 2 vCPUs, d2: 1, d3: 3, and d0, the control domain, 2; 64 KiB of
 * guest RAM at 0x40000000 each, an 8-page P2M pool, shared_info and 64
 * grant frames; one pool of 8 CPUs), then runs up to MAX_OPS operations
 * from the input, and at its end destroys every domain left (the
 * lifecycle's teardown, common/lifecycle.c). Everything comes from a
 * heap made of separate host allocations (one per page or range, so the
 * sanitizers see any use after it was given back) with a budget of
 * HEAP_PAGES; the lifecycle's grace periods run over one CPU, whose idle
 * loop comes between two operations. The operations:
 *
 *   byte 0  caller: b < 0xf0 a domU that runs (b % n of the n there
 *           are, in domid order) and vCPU ((b / n) % its vCPUs); b >=
 *           0xf0: d0, vCPU b & 1
 *   byte 1  what (b % 17): 0-8 the nine hypercalls above; 9 a hypercall
 *           number from the next byte (unknown ones too); 10 a VIRQ
 *           raised by the hypervisor; 11 the guest writes its memory
 *           only; 12 the guest entry path (xen_vcpu_entry); 13 PSCI
 *           CPU_ON / CPU_OFF of the caller's vCPU; 14 domctl, 15 sysctl:
 *           the argument at a[1] (a guest address) gets a header (the
 *           command from byte 2, Xen 4.17's interface version unless
 *           bit 0 of a[2] is set, for domctl the domain: bits 1-3 of
 *           a[2] pick d0-d5, DOMID_SELF or bits 8-23) and the struct's
 *           bytes after it, in the union; 16 a step of xl's (byte 2:
 *           createdomain with sane arguments, max_vcpus,
 *           set_address_size, P2M pool, max_mem, populate, a vCPU
 *           context, unpause, pause, destroydomain, a foreign mapping of
 *           a domain's page into d0 and its removal), made by d0 through
 *           the hypercalls, on the domain bits 8-15 of a[0] pick
 *   byte 2  command (>= 0xf0: a 32-bit command from the next 4 bytes)
 *   byte 3  argument kinds, 2 bits each for a[1] and a[2] (0 a guest
 *           address in RAM: 2 bytes of offset; 1 an address in the
 *           grant-table window 0x38000000: page and offset / 16 bytes;
 *           2 a number: 1 byte; 3 any 64 bits: 8 bytes), and in the
 *           top 4 bits the length / 4 of bytes the guest writes first
 *           (the argument struct) at a[1], or at a[2] if only that one
 *           is an address
 *   then    the arguments' bytes, then the struct's bytes, then for
 *           what == 9 the hypercall number (every operation has the
 *           four bytes, the arguments and the struct, used or not).
 *
 * Checked after every operation (a failure aborts, which libFuzzer
 * reports as a crash): the return value is a result or a Xen errno; a
 * domain that is not the control domain changed no domain's control
 * state (pause counts, handle, max_pages) and got an error from every
 * domctl and sysctl; pause counts stay within Xen's 255 and a paused
 * domain's vCPUs make no hypercalls; a getdomaininfo that succeeded
 * describes a real domain as Arm does (hvm and hap, its vCPUs); no
 * lock is held; locks were taken in the documented order
 * (lock_order.h); the event-channel tables are consistent (as in
 * tests/unit/test_evtchn.c: peers mirror each other, VIRQ maps match);
 * every page the hypervisor writes for a guest (vcpu_info, FIFO control
 * blocks and event arrays) is one of that guest's own pages; where the
 * domain's records say shared_info and each grant frame are mapped is
 * what its stage-2 tables say; a dying domain's vCPUs make no call; a
 * dead one is in the table only while someone holds a reference. At the
 * end, once every domain is destroyed and the grace periods have passed,
 * the heap is back to what it was before the input: not a page lost or
 * freed twice (unless a destroyed domain still had grant mappings of its
 * own, whose release is grant_map.c's to come). The sanitizers watch
 * every byte besides.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arch/p2m.h>
#include <public/xen_abi.h>
#include <xenith/arch-api.h>
#include <xenith/control.h>
#include <xenith/domain.h>
#include <xenith/errno.h>
#include <xenith/evtchn.h>
#include <xenith/grace.h>
#include <xenith/heap.h>
#include <xenith/hypercall.h>
#include <xenith/lifecycle.h>

#include "fuzz_hyp.h"

#define PAGE 4096ULL
#define NR_DOMS 4
#define NR_DOMUS 3   /* byte 0 picks among these; d0 is the last */
#define CTL 3        /* doms[CTL]: d0, the control domain */
#define RAM_PAGES 16
#define RAM_SIZE (RAM_PAGES * PAGE)
#define POOL_PAGES 8
#define XEN_PAGES (1 + GNTTAB_MAX_FRAMES)
#define MAX_OPS 256
#define HEAP_PAGES 8192       /* the heap's budget, per input */
#define MAX_LIVE 64           /* domains an input may have at once (checked) */

#define CHECK(cond, ...)                                                     \
	do {                                                                 \
		if (!(cond)) {                                               \
			fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, \
				__LINE__, #cond);                            \
			fprintf(stderr, __VA_ARGS__);                        \
			fprintf(stderr, " (operation %d)\n", op_index);      \
			abort();                                             \
		}                                                            \
	} while (0)

static const unsigned int dom_vcpus[NR_DOMS] = { 2, 1, 3, 2 };

#define FUZZ_VCPUS 4   /* at most dom_vcpus[] */

struct fdom {
	struct domain d;
	struct domain_config cfg;
	struct vcpu vcpu[FUZZ_VCPUS];
	struct vcpu *vcpu_ptr[FUZZ_VCPUS];
	struct evtchn_vcpu ev[FUZZ_VCPUS];
};

/* ---- the heap (heap.h): every page or range a host allocation of its
 * own, counted against HEAP_PAGES; the owner table a small hash ---- */

static uint64_t heap_used;      /* pages handed out */

uint64_t heap_alloc_range(uint64_t bytes, uint64_t align)
{
	void *p;

	if (!bytes || bytes % PAGE || heap_used + bytes / PAGE > HEAP_PAGES)
		return 0;
	if (align < PAGE)
		align = PAGE;
	p = aligned_alloc(align, (bytes + align - 1) / align * align);
	if (!p)
		abort();
	memset(p, 0, bytes);
	heap_used += bytes / PAGE;
	return (uintptr_t)p;
}

uint64_t heap_alloc_page(void)
{
	return heap_alloc_range(PAGE, PAGE);
}

void heap_free_range(uint64_t pa, uint64_t bytes)
{
	if (bytes / PAGE > heap_used)
		abort();   /* more given back than was handed out */
	heap_used -= bytes / PAGE;
	free((void *)(uintptr_t)pa);
}

void heap_free_page(uint64_t pa)
{
	heap_free_range(pa, PAGE);
}

uint64_t heap_free_bytes(void)
{
	return (HEAP_PAGES - heap_used) * PAGE;
}

uint64_t heap_owner_bytes(void)
{
	return 0;
}

#define OWNERS 16384
static struct { uint64_t pfn; int id; } owners[OWNERS];   /* id -1: a hole */

static unsigned int owner_slot(uint64_t pfn)
{
	return (unsigned int)((pfn * 0x9e3779b97f4a7c15ULL) >> 50) % OWNERS;
}

int heap_set_owner(uint64_t pa, uint64_t pages, uint32_t domid)
{
	for (uint64_t i = 0; i < pages; i++) {
		uint64_t pfn = (pa >> 12) + i;
		unsigned int k = owner_slot(pfn), n = 0;

		while (owners[k].pfn && owners[k].pfn != pfn && owners[k].id >= 0 &&
		       n++ < OWNERS)
			k = (k + 1) % OWNERS;
		if (n >= OWNERS)
			abort();
		owners[k].pfn = pfn;
		owners[k].id = (int)domid;
	}
	return 0;
}

void heap_clear_owner(uint64_t pa, uint64_t pages)
{
	for (uint64_t i = 0; i < pages; i++) {
		uint64_t pfn = (pa >> 12) + i;
		unsigned int k = owner_slot(pfn);

		for (unsigned int n = 0; owners[k].pfn && n < OWNERS; n++, k = (k + 1) % OWNERS)
			if (owners[k].pfn == pfn && owners[k].id >= 0) {
				owners[k].id = -1;   /* a hole: later keys still found */
				break;
			}
	}
}

int heap_owner(uint64_t pa)
{
	uint64_t pfn = pa >> 12;
	unsigned int k = owner_slot(pfn);

	for (unsigned int n = 0; owners[k].pfn && n < OWNERS; n++, k = (k + 1) % OWNERS)
		if (owners[k].pfn == pfn && owners[k].id >= 0)
			return owners[k].id;
	return -1;
}

static struct fdom *doms[NR_DOMS];
static int op_index;
static bool verbose; /* FUZZ_VERBOSE set: each hypercall and its result */

/* ---- locks: balance and order ---- */

void (*fake_spin_hook)(spinlock_t *l, int taking);
static spinlock_t *held[8];
static int nheld;

static int rank_of(spinlock_t *l, uint32_t *domid)
{
	struct domain *d;

	*domid = 0;
	/* Two event-channel locks at once go by domid: find whose. */
	if (l->rank == LOCK_EVTCHN)
		for_each_domain(d)
			if (l == &d->evtchn.lock)
				*domid = d->id;
	if (l->rank != LOCK_UNRANKED)
		return l->rank;
	/* An unranked lock private to its file counts as a leaf: taken
	 * last, nothing taken while it is held. */
	return LOCK_RANKS;
}

static void lock_hook(spinlock_t *l, int taking)
{
	uint32_t id, hid;
	int r = rank_of(l, &id);

	if (!taking) {
		for (int i = 0; i < nheld; i++)
			if (held[i] == l) {
				memmove(&held[i], &held[i + 1],
					(size_t)(nheld - i - 1) * sizeof(held[0]));
				nheld--;
				return;
			}
		CHECK(0, "unlock of a lock not held");
	}
	CHECK(nheld < 8, "too many locks held");
	for (int i = 0; i < nheld; i++) {
		int hr = rank_of(held[i], &hid);

		/* Outer ranks first; two event-channel locks: lower domid
		 * first (lock_order.h, docs/architecture.md). */
		CHECK(hr < r || (hr == r && r == LOCK_EVTCHN && hid < id),
		      "lock rank %d (d%u) taken while holding rank %d (d%u)",
		      r, id, hr, hid);
	}
	held[nheld++] = l;
}

/* ---- domains ---- */

/* What sysctl reports of the machine: 8 CPUs in one credit2 pool, 1 GiB
 * of RAM. */
static struct pool_config pool0 = {
	.path = "Pool-0", .node = -1, .id = 0, .sched = SCHED_CREDIT2, .cpus = 0xff,
	.ok = true,
};
static struct host_info host = {
	.nr_cpus = 8, .nr_mem = 1, .mem = { { 0x40000000, 0x40000000 } },
	.xen_bootargs = "console=dtuart",
};
static struct system_config sys;

/* Pages the heap had given out before the input's domains were built
 * (the domain table's first leaf, kept for good). */
static uint64_t heap_base;

static void build_domains(void)
{
	static bool once;
	unsigned int pcpu_next = 0;

	fake_spin_hook = NULL;
	nheld = 0;
	memset(owners, 0, sizeof(owners));
	if (!once) {
		once = true;
		for (unsigned int c = 0; c < MAX_CPUS; c++)
			grace_cpu_up(c);
		if (domains_init(NR_DOMS, NULL))
			abort();
	}
	heap_base = heap_used;
	nr_sched_pools = 1;
	sched_pools[0].cfg = &pool0;
	sched_pools[0].id = 0;
	sched_pools[0].cpus = pool0.cpus;
	for (unsigned int c = 0; c < MAX_CPUS; c++)
		pcpu[c].pool = &sched_pools[0];
	ctl_init(&host, &sys);
	for (int i = 0; i < NR_DOMS; i++) {
		uint64_t bytes = (sizeof(struct fdom) + PAGE - 1) / PAGE * PAGE;
		struct fdom *f = (struct fdom *)(uintptr_t)heap_alloc_range(bytes, PAGE);
		struct domain *d = &f->d;
		uint64_t ram = heap_alloc_range(RAM_SIZE, PAGE);
		uint64_t pool = heap_alloc_range(POOL_PAGES * PAGE, PAGE);

		if (!f || !ram || !pool)
			abort();
		doms[i] = f;
		snprintf(f->cfg.path, sizeof(f->cfg.path), "/chosen/domU%d", i + 1);
		f->cfg.domid = i == CTL ? 0 : (uint32_t)i + 1;
		f->cfg.vcpus = dom_vcpus[i];
		f->cfg.mem_kb = RAM_SIZE / 1024;
		f->cfg.ok = true;
		/* domain.c: build(), from the heap as the teardown expects */
		d->self_pa = (uintptr_t)f;
		d->self_bytes = bytes;
		spin_lock_init(&d->p2m_lock, LOCK_P2M);
		spin_lock_init(&d->conio_lock, LOCK_CONIO);
		spin_lock_init(&d->vcpu_lock, LOCK_VCPUS);
		d->id = f->cfg.domid;
		d->cfg = &f->cfg;
		d->is_control = i == CTL;
		d->guest_64bit = true;
		d->pool = &sched_pools[0];
		d->nr_vcpus = d->max_vcpus = dom_vcpus[i];
		d->layout.nr_ram = 1;
		d->layout.ram[0] = (struct mem_bank){ GUEST_RAM0_BASE, RAM_SIZE };
		d->layout.evtchn_intid = 16 + GUEST_EVTCHN_PPI;
		d->ram[0] = (struct ram_piece){ GUEST_RAM0_BASE, ram, RAM_SIZE };
		d->nr_ram = 1;
		page_pool_init(&d->p2m_pool, pool, POOL_PAGES);
		if (arch_domain_create(d) ||
		    arch_p2m_map_ram(d, GUEST_RAM0_BASE, d->ram[0].pa, RAM_SIZE))
			abort();
		d->vcpu = f->vcpu_ptr;
		if (xen_domain_init(d, f->ev))
			abort();
		/* create_vcpus() */
		for (unsigned int v = 0; v < d->nr_vcpus; v++) {
			struct vcpu *vc = &f->vcpu[v];

			vc->dom = d;
			vc->id = v;
			vc->sched.cpu = pcpu_next++;
			vc->sched.ctx_cpu = -1;
			vc->sched.run = v == 0 ? RUN_RUNNING : RUN_OFFLINE;
			vc->power = v == 0 ? VCPU_ON : VCPU_OFF;
			vc->upcall_pending = d->evtchn.vcpu[v].info;
			d->vcpu[v] = vc;
		}
		if (domain_register(d))
			abort();
	}
	fake_spin_hook = lock_hook;
}

/* ---- invariants ---- */

/* Is [p, p + n) inside one of d's own pages (RAM, populated pages,
 * shared_info, grant frames)? */
static bool own(struct domain *d, const void *p, size_t n)
{
	uintptr_t a = (uintptr_t)p;

	if (a / PAGE != (a + n - 1) / PAGE)
		return false;
	for (int i = 0; i < d->nr_ram; i++)
		if (a >= d->ram[i].pa && a + n <= d->ram[i].pa + d->ram[i].size)
			return true;
	if (heap_owner(a) == (int)d->id)
		return true;
	if (a >= d->shared_info_pa && a + n <= d->shared_info_pa + PAGE)
		return true;
	for (unsigned int i = 0; i < d->gnttab.nr_frames; i++)
		if (a >= d->gnttab.frame_pa[i] && a + n <= d->gnttab.frame_pa[i] + PAGE)
			return true;
	return false;
}

/* full: every port, not only those below valid_ports (which must be all
 * there is; a whole scan per operation would cost more than the call). */
static void check_evtchn(struct domain *f, bool full)
{
	const struct evtchn_domain *ed = &f->evtchn;
	uint32_t end = full ? EVTCHN_MAX_PORTS : ed->valid_ports;

	CHECK(ed->domid == f->id && ed->nr_vcpus == f->max_vcpus, "d%u", f->id);
	CHECK(ed->ch[0].state == ECS_RESERVED, "d%u port 0 state %u", ed->domid,
	      ed->ch[0].state);
	CHECK(ed->valid_ports % EVTCHN_BUCKET_PORTS == 0 &&
	      ed->valid_ports <= EVTCHN_MAX_PORTS, "d%u valid_ports %u",
	      ed->domid, ed->valid_ports);
	for (uint32_t p = 1; p < end && p < EVTCHN_MAX_PORTS; p++) {
		const struct evtchn *ch = &ed->ch[p];

		if (ch->state == ECS_FREE)
			continue;
		CHECK(p < ed->valid_ports, "d%u port %u beyond valid", ed->domid, p);
		CHECK(ch->state <= ECS_IPI && ch->state != ECS_RESERVED &&
		      ch->state != ECS_PIRQ, "d%u port %u state %u", ed->domid, p,
		      ch->state);
		CHECK(ch->notify_vcpu < ed->nr_vcpus, "d%u port %u vcpu %u",
		      ed->domid, p, ch->notify_vcpu);
		CHECK(ch->priority < EVTCHN_FIFO_MAX_QUEUES, "d%u port %u prio %u",
		      ed->domid, p, ch->priority);
		if (ch->state == ECS_INTERDOMAIN) {
			struct domain *rd = domain_by_id(ch->remote_dom);
			const struct evtchn *rc;

			CHECK(rd, "d%u port %u peer d%u", ed->domid, p, ch->remote_dom);
			CHECK(ch->remote_port < rd->evtchn.valid_ports,
			      "d%u port %u peer port %u", ed->domid, p, ch->remote_port);
			rc = &rd->evtchn.ch[ch->remote_port];
			CHECK(rc->state == ECS_INTERDOMAIN && rc->remote_dom == ed->domid &&
			      rc->remote_port == p, "d%u port %u not mirrored by d%u port %u",
			      ed->domid, p, ch->remote_dom, ch->remote_port);
		}
		if (ch->state == ECS_VIRQ) {
			bool per_vcpu = ch->virq == VIRQ_TIMER || ch->virq == VIRQ_DEBUG ||
					ch->virq == VIRQ_XENOPROF || ch->virq == VIRQ_XENPMU;
			unsigned int v = per_vcpu ? ch->notify_vcpu : 0;

			CHECK(ch->virq < NR_VIRQS, "d%u port %u virq %u", ed->domid, p,
			      ch->virq);
			CHECK(ed->vcpu[v].virq_port[ch->virq] == p, "d%u virq port %u unmapped",
			      ed->domid, p);
		}
	}
	for (unsigned int v = 0; v < ed->nr_vcpus; v++)
		for (unsigned int q = 0; q < NR_VIRQS; q++) {
			uint32_t p = ed->vcpu[v].virq_port[q];

			CHECK(!p || (p < EVTCHN_MAX_PORTS && ed->ch[p].state == ECS_VIRQ &&
				     ed->ch[p].virq == q), "d%u virq %u -> port %u",
			      ed->domid, q, p);
		}
	/* What the hypervisor writes for the guest is the guest's. */
	for (unsigned int v = 0; v < ed->nr_vcpus; v++) {
		const void *vi = ed->vcpu[v].info;
		const void *cb = ed->vcpu[v].fifo.control;

		CHECK(!vi || own(f, vi, VCPU_INFO_SIZE), "d%u vcpu_info %u at %p",
		      ed->domid, v, vi);
		CHECK(!cb || own(f, cb, sizeof(struct evtchn_fifo_control_block)),
		      "d%u control block %u at %p", ed->domid, v, cb);
		CHECK(v >= f->nr_vcpus || f->vcpu[v]->upcall_pending == vi,
		      "d%u vcpu %u upcall_pending", ed->domid, v);
	}
	CHECK(ed->fifo_array_pages <= EVTCHN_FIFO_MAX_PAGES, "d%u array pages %u",
	      ed->domid, ed->fifo_array_pages);
	for (unsigned int i = 0; i < ed->fifo_array_pages; i++)
		CHECK(own(f, ed->fifo_array[i], PAGE), "d%u event array %u at %p",
		      ed->domid, i, ed->fifo_array[i]);
}

static uint64_t lookup(struct domain *d, uint64_t gfn)
{
	uint64_t pa;

	if (gfn >= (1ULL << (P2M_IPA_BITS - 12)))
		return 0;
	return p2m_lookup(d->p2m_root, gfn << 12, &pa) ? pa : 0;
}

static void check_memory(struct domain *d)
{
	uint64_t gfns[1 + GNTTAB_MAX_FRAMES];
	int n = 0;

	CHECK(d->p2m_pool.used <= d->p2m_pool.pages, "d%u pool", d->id);
	CHECK(d->conio_len < CONIO_LINE_MAX, "d%u conio_len %u", d->id, d->conio_len);
	CHECK(d->gnttab.nr_frames <= GNTTAB_MAX_FRAMES && d->gnttab.version == 1,
	      "d%u gnttab nr_frames %u version %u", d->id, d->gnttab.nr_frames,
	      d->gnttab.version);
	if (d->shared_info_gfn != INVALID_GFN) {
		CHECK(lookup(d, d->shared_info_gfn) == d->shared_info_pa,
		      "d%u shared_info recorded at gfn %#llx, not mapped there", d->id,
		      (unsigned long long)d->shared_info_gfn);
		gfns[n++] = d->shared_info_gfn;
	}
	for (unsigned int i = 0; i < d->gnttab.nr_frames; i++) {
		uint64_t g = d->gnttab.gfn[i];

		if (g == INVALID_GFN)
			continue;
		CHECK(lookup(d, g) == d->gnttab.frame_pa[i],
		      "d%u grant frame %u recorded at gfn %#llx, not mapped there",
		      d->id, i, (unsigned long long)g);
		for (int k = 0; k < n; k++)
			CHECK(gfns[k] != g, "d%u gfn %#llx recorded twice", d->id,
			      (unsigned long long)g);
		gfns[n++] = g;
	}
}

static void check_all(int64_t rc, bool full)
{
	struct domain *d;
	unsigned int n = 0;

	CHECK(nheld == 0, "%d locks held after the operation", nheld);
	CHECK(rc >= -200 && rc <= 0x7fffffff, "return value %lld",
	      (long long)rc);
	for_each_domain(d) {
		n++;
		/* The control domain's pauses, the teardown's, and the
		 * lifecycle's own while it changes a domain (none between
		 * two operations). */
		CHECK(d->ctl_pause_count <= 255 &&
		      d->pause_count == d->ctl_pause_count + (d->dying ? 1 : 0),
		      "d%u pause counts %u/%u", d->id, d->pause_count, d->ctl_pause_count);
		/* A dead domain stays only while another holds a reference,
		 * or, its last one gone, until the reaper (an idle CPU) or
		 * its destroyer's continuation has given its memory back. */
		CHECK(d->dying != DOM_DEAD || d->refs || d->teardown == T_REAPER ||
		      d->teardown == T_MEMORY, "d%u dead without references", d->id);
		if (!d->dying)   /* a dying one's ports are sealed */
			check_evtchn(d, full);
		if (d->nr_ram || d->p2m_root)
			check_memory(d);
	}
	CHECK(n == nr_domains && n <= MAX_LIVE, "%u domains listed, %u counted", n, nr_domains);
}

/* ---- the input ---- */

struct input {
	const uint8_t *p;
	size_t n;
};

static uint64_t take(struct input *in, size_t bytes)
{
	uint64_t v = 0;

	for (size_t i = 0; i < bytes; i++) {
		uint8_t b = 0;

		if (in->n) {
			b = *in->p++;
			in->n--;
		}
		v |= (uint64_t)b << (8 * i);
	}
	return v;
}

static void skip(struct input *in, size_t bytes)
{
	bytes = bytes < in->n ? bytes : in->n;
	in->p += bytes;
	in->n -= bytes;
}

static uint64_t take_arg(struct input *in, unsigned int kind)
{
	switch (kind & 3) {
	case 0:
		return GUEST_RAM0_BASE + take(in, 2) % (RAM_SIZE + 64);
	case 1:
		return GUEST_GNTTAB_BASE + take(in, 1) * PAGE + take(in, 1) * 16;
	case 2:
		return take(in, 1);
	default:
		return take(in, 8);
	}
}

/* The guest writes its own memory (through its stage 2, as its loads and
 * stores would go); bytes that fall on no mapped frame are dropped. */
static void guest_write(struct vcpu *v, uint64_t gva, struct input *in, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		uint8_t b = (uint8_t)take(in, 1);
		uint64_t pa = lookup(v->dom, (gva + i) >> 12);

		if (pa)
			*(uint8_t *)(uintptr_t)(pa + ((gva + i) & 0xfff)) = b;
	}
}

static const unsigned long calls[] = {
	__HYPERVISOR_xen_version, __HYPERVISOR_memory_op,
	__HYPERVISOR_console_io, __HYPERVISOR_grant_table_op,
	__HYPERVISOR_vm_assist, __HYPERVISOR_vcpu_op, __HYPERVISOR_sched_op,
	__HYPERVISOR_event_channel_op, __HYPERVISOR_hvm_op,
};

/* A vCPU that may make hypercalls: powered on, in a running domain
 * that is not paused. */
static bool runs(const struct vcpu *v)
{
	return vcpu_running(v) && !v->dom->pause_count;
}

/* The hypervisor's copy of guest bytes (false if one is unmapped). */
static bool guest_read(struct vcpu *v, uint64_t gva, void *buf, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		uint64_t pa = lookup(v->dom, (gva + i) >> 12);

		if (!pa)
			return false;
		((uint8_t *)buf)[i] = *(uint8_t *)(uintptr_t)(pa + ((gva + i) & 0xfff));
	}
	return true;
}

static void guest_put(struct vcpu *v, uint64_t gva, const void *buf, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		uint64_t pa = lookup(v->dom, (gva + i) >> 12);

		if (pa)
			*(uint8_t *)(uintptr_t)(pa + ((gva + i) & 0xfff)) = ((const uint8_t *)buf)[i];
	}
}

/* domctl/sysctl's header: command, interface version (bit 0 of sel:
 * a wrong one), for domctl the domain (bits 1-3: d0-d5, DOMID_SELF, or
 * bits 8-23). */
static void put_ctl_header(struct vcpu *v, bool domctl, uint64_t gva, uint32_t cmd,
			   uint64_t sel)
{
	static const uint16_t ids[7] = { 0, 1, 2, 3, 4, 5, DOMID_SELF };
	uint32_t hdr[4] = { cmd, (sel & 1) ? 0x14 : XEN_DOMCTL_INTERFACE_VERSION, 0, 0 };
	unsigned int pick = (sel >> 1) & 7;

	hdr[2] = pick < 7 ? ids[pick] : (uint16_t)(sel >> 8);
	guest_put(v, gva, hdr, domctl ? 16 : 8);
}

/* What only the control domain may change, for every domain: which
 * there are, and their control state. */
struct ctl_state {
	uint32_t id;
	unsigned int pause, ctl_pause, dying;
	uint8_t handle[16];
	uint64_t max_pages;
	bool max_set;
};

static void ctl_snapshot(struct ctl_state st[MAX_LIVE])
{
	struct domain *d;
	unsigned int i = 0;

	memset(st, 0, MAX_LIVE * sizeof(*st));
	for_each_domain(d) {
		if (i == MAX_LIVE)
			break;
		st[i].id = d->id + 1;
		st[i].pause = d->pause_count;
		st[i].ctl_pause = d->ctl_pause_count;
		st[i].dying = d->dying;
		memcpy(st[i].handle, d->handle, sizeof(d->handle));
		st[i].max_pages = d->max_pages;
		st[i].max_set = d->max_pages_set;
		i++;
	}
}

/* After a successful domctl/sysctl of the control domain: what it got
 * back describes the domains as they are. */
static void check_ctl_answer(struct vcpu *v, unsigned long nr, uint64_t gva)
{
	struct xen_domctl op;
	struct xen_sysctl sop;

	if (nr == __HYPERVISOR_domctl && guest_read(v, gva, &op, sizeof(op)) &&
	    op.cmd == XEN_DOMCTL_getdomaininfo) {
		const struct xen_domctl_getdomaininfo *gi = &op.u.getdomaininfo;
		struct domain *d = domain_by_id(gi->domain);

		CHECK(d && op.domain == gi->domain, "getdomaininfo of d%u (%u)", gi->domain,
		      op.domain);
		CHECK((gi->flags & (XEN_DOMINF_hvm_guest | XEN_DOMINF_hap)) ==
		      (XEN_DOMINF_hvm_guest | XEN_DOMINF_hap), "flags %#x", gi->flags);
		CHECK(gi->max_vcpu_id == d->nr_vcpus - 1 && gi->nr_online_vcpus <= d->nr_vcpus,
		      "d%u vCPUs %u online, max id %u", d->id, gi->nr_online_vcpus,
		      gi->max_vcpu_id);
		CHECK(!!(gi->flags & XEN_DOMINF_paused) == !!d->ctl_pause_count,
		      "d%u paused flag %#x count %u", d->id, gi->flags, d->ctl_pause_count);
		CHECK(gi->cpupool == 0 && gi->gpaddr_bits == P2M_IPA_BITS &&
		      gi->tot_pages == domain_tot_pages(d), "d%u pool %u bits %u pages %llu",
		      d->id, gi->cpupool, gi->gpaddr_bits, (unsigned long long)gi->tot_pages);
		CHECK(!!(gi->flags & XEN_DOMINF_dying) == !!d->dying, "d%u dying flag %#x",
		      d->id, gi->flags);
	}
	if (nr == __HYPERVISOR_sysctl && guest_read(v, gva, &sop, sizeof(sop)) &&
	    sop.cmd == XEN_SYSCTL_getdomaininfolist)
		CHECK(sop.u.getdomaininfolist.num_domains <= sop.u.getdomaininfolist.max_domains &&
		      sop.u.getdomaininfolist.num_domains <= nr_domains, "%u domains listed",
		      sop.u.getdomaininfolist.num_domains);
}

/* The caller byte 0 names: d0's vCPU, or a domU that is alive and has
 * vCPUs (in domid order). NULL if there is none. */
static struct vcpu *pick_caller(unsigned int b0)
{
	struct domain *d, *list[MAX_LIVE];
	unsigned int n = 0;

	if (b0 >= 0xf0) {
		d = domain_by_id(0);
		return d && !d->dying && d->nr_vcpus ? d->vcpu[(b0 & 1) % d->nr_vcpus] : NULL;
	}
	for_each_domain(d)
		if (!d->is_control && d->dying == DOM_ALIVE && d->nr_vcpus && n < MAX_LIVE)
			list[n++] = d;
	if (!n)
		return NULL;
	d = list[b0 % n];
	return d->vcpu[(b0 / n) % d->nr_vcpus];
}

/* ---- xl's steps, made by d0 through the hypercalls ---- */

/* Where d0 keeps the arguments: the last two pages of its RAM. */
#define XL_ARG (GUEST_RAM0_BASE + RAM_SIZE - 2 * PAGE)
#define XL_BUF (GUEST_RAM0_BASE + RAM_SIZE - PAGE)

/* The domain (d0 not among them) that b names, by its place in the list. */
static struct domain *pick_target(unsigned int b)
{
	struct domain *d, *list[MAX_LIVE];
	unsigned int n = 0;

	for_each_domain(d)
		if (!d->is_control && n < MAX_LIVE)
			list[n++] = d;
	return n ? list[b % n] : NULL;
}

/* Every CPU passes a quiescent point (its idle loop, or a kick taken
 * from its guest), and the idle loops reap: what happens between two
 * operations, and between two tries of a call that continues. */
static void all_quiescent(void)
{
	for (int c = 0; c < MAX_CPUS; c++) {
		fuzz_cpu = c;
		grace_quiescent();
		lifecycle_idle();
	}
	fuzz_cpu = -1;
}

/* A call from d0 as the guest makes it, again while it continues. */
static int64_t call(struct vcpu *v, unsigned long nr, uint64_t a0, uint64_t a1)
{
	uint64_t a[5] = { a0, a1, 0, 0, 0 };
	int64_t rc;

	fuzz_current = v;
	continued = 0;
	rc = do_hypercall(v, nr, a);
	for (int i = 0; continued && i < 64; i++) {
		continued = 0;
		fuzz_current = NULL;
		all_quiescent();     /* the CPU passes through its guest, */
		fuzz_current = v;    /* the others through theirs */
		rc = do_hypercall(v, nr, a);
	}
	fuzz_current = NULL;
	return rc;
}

static int64_t xl_domctl(struct vcpu *v, struct xen_domctl *op, uint32_t cmd, uint16_t dom)
{
	int64_t rc;

	op->cmd = cmd;
	op->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
	op->domain = dom;
	guest_put(v, XL_ARG, op, sizeof(*op));
	rc = call(v, __HYPERVISOR_domctl, XL_ARG, 0);
	guest_read(v, XL_ARG, op, sizeof(*op));
	return rc;
}

static int64_t xl_step(struct vcpu *v, struct input *in)
{
	unsigned int step = (unsigned int)take(in, 1) % 12;
	unsigned int b = (unsigned int)take(in, 1);
	struct domain *t = pick_target((unsigned int)take(in, 1));
	uint16_t id = t ? (uint16_t)t->id : 0x7000;
	struct xen_domctl op;

	memset(&op, 0, sizeof(op));
	switch (step) {
	case 0:
		op.u.createdomain.flags = XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap;
		op.u.createdomain.max_vcpus = 1 + b % 3;
		op.u.createdomain.max_evtchn_port = 1023;
		op.u.createdomain.max_grant_frames = (b & 0x40) ? 1 + b % 64 : -1;
		op.u.createdomain.max_maptrack_frames = -1;
		op.u.createdomain.grant_opts = 1;
		return xl_domctl(v, &op, XEN_DOMCTL_createdomain, 0);
	case 1:
		op.u.max_vcpus.max = t ? t->max_vcpus : 1;
		return xl_domctl(v, &op, XEN_DOMCTL_max_vcpus, id);
	case 2:
		op.u.address_size.size = (b & 1) ? 32 : 64;
		return xl_domctl(v, &op, XEN_DOMCTL_set_address_size, id);
	case 3:
		op.u.paging_mempool.size = (uint64_t)b * PAGE;
		return xl_domctl(v, &op, XEN_DOMCTL_set_paging_mempool_size, id);
	case 4:
		op.u.max_mem.max_memkb = (uint64_t)b * 16;
		return xl_domctl(v, &op, XEN_DOMCTL_max_mem, id);
	case 5: {
		struct { uint64_t start, nr; uint32_t order, flags; uint16_t dom, pad[3]; } r = {
			XL_BUF, 1 + b % 4, (b & 0x80) ? 9 : 0, 0, id, { 0 } };
		uint64_t gfns[4];

		for (int i = 0; i < 4; i++)
			gfns[i] = (GUEST_RAM0_BASE >> 12) + (b >> 2) % 32 + (uint64_t)i * 512;
		guest_put(v, XL_BUF, gfns, sizeof(gfns));
		guest_put(v, XL_ARG, &r, sizeof(r));
		return call(v, __HYPERVISOR_memory_op, XENMEM_populate_physmap, XL_ARG);
	}
	case 6: {
		struct vcpu_guest_context ctx;

		memset(&ctx, 0, sizeof(ctx));
		ctx.flags = b & 1 ? VGCF_online : 0;
		ctx.user_regs.pc64 = GUEST_RAM0_BASE;
		ctx.user_regs.cpsr = (b & 2) ? 0x3c9 : 0x3c5;   /* EL2h: refused */
		guest_put(v, XL_BUF, &ctx, sizeof(ctx));
		op.u.vcpucontext.vcpu = (b >> 2) % 4;
		op.u.vcpucontext.ctxt = (b & 0x40) ? 0 : XL_BUF;
		return xl_domctl(v, &op, XEN_DOMCTL_setvcpucontext, id);
	}
	case 7:
		return xl_domctl(v, &op, XEN_DOMCTL_unpausedomain, id);
	case 8:
		return xl_domctl(v, &op, XEN_DOMCTL_pausedomain, id);
	case 9:
		return xl_domctl(v, &op, XEN_DOMCTL_destroydomain, id);
	case 10: {
		/* One of the target's frames at one of d0's (a foreign map). */
		struct { uint16_t dom, space, size, fdom; uint64_t idxs, gpfns, errs; } bt = {
			DOMID_SELF, 4, 1, id, XL_BUF, XL_BUF + 8, XL_BUF + 16 };
		uint64_t f[2] = { (GUEST_RAM0_BASE >> 12) + b % 8,
				  (GUEST_RAM0_BASE >> 12) + 4 + (b >> 3) % 8 };

		guest_put(v, XL_BUF, f, sizeof(f));
		guest_put(v, XL_ARG, &bt, sizeof(bt));
		return call(v, __HYPERVISOR_memory_op, XENMEM_add_to_physmap_batch, XL_ARG);
	}
	default: {
		struct { uint16_t dom, pad[3]; uint64_t gpfn; } rm = {
			DOMID_SELF, { 0 }, (GUEST_RAM0_BASE >> 12) + 4 + (b >> 3) % 8 };

		guest_put(v, XL_ARG, &rm, sizeof(rm));
		return call(v, __HYPERVISOR_memory_op, XENMEM_remove_from_physmap, XL_ARG);
	}
	}
}

static int64_t one_op(struct input *in)
{
	unsigned int b0 = (unsigned int)take(in, 1);
	struct vcpu *v = pick_caller(b0);
	unsigned int what = (unsigned int)take(in, 1) % 17;
	uint64_t a[5] = { take(in, 1), 0, 0, 0, 0 };
	/* domctl/sysctl: the struct's bytes go into the union */
	unsigned int hdr = what == 14 ? 16 : what == 15 ? 8 : 0;
	struct ctl_state before[MAX_LIVE], after[MAX_LIVE];
	unsigned int kinds, len;
	unsigned long nr;
	int64_t rc;

	if (a[0] >= 0xf0)
		a[0] = take(in, 4);
	kinds = (unsigned int)take(in, 1);
	a[1] = take_arg(in, kinds);
	a[2] = take_arg(in, kinds >> 2);
	len = (kinds >> 4) * 4;
	if (!v) {
		skip(in, len);
		return 0;
	}
	/* An online vCPU of an unpaused domain is entered (the scheduler
	 * would): a new domain's first vCPU starts. */
	if (v->power == VCPU_ON_PENDING && !v->dom->pause_count)
		v->power = VCPU_ON;
	/* The struct goes to the first argument that is a guest address
	 * (a[2] for console_io and vcpu_op, whose a[1] is a number); only
	 * a running vCPU writes. */
	if (!runs(v))
		skip(in, len);
	else if ((kinds & 2) == 0)
		guest_write(v, a[1] + hdr, in, len);
	else if ((kinds >> 2 & 2) == 0)
		guest_write(v, a[2], in, len);
	else
		skip(in, len);
	switch (what) {
	case 10:
		/* The hypervisor raises a VIRQ (timer, console, ...). */
		return evtchn_send_virq(&v->dom->evtchn, v->id,
					(uint32_t)a[0] % (NR_VIRQS + 2)) ? 0 : 1;
	case 12:
		if (!runs(v))
			return 0; /* a paused vCPU is not entered */
		fuzz_current = v;
		xen_vcpu_entry(v);
		fuzz_current = NULL;
		return 0;
	case 13:
		/* PSCI CPU_ON from a running vCPU, or CPU_OFF by itself. */
		if (v->dom->pause_count)
			return 0;
		if (v->power == VCPU_OFF)
			v->power = VCPU_ON;
		else if (v->id != 0)
			v->power = VCPU_OFF;
		return 0;
	}
	/* Only a running vCPU of a running, unpaused domain makes
	 * hypercalls. */
	if (!runs(v)) {
		if (v->dom->state == DOM_RUNNING && v->power == VCPU_OFF &&
		    !v->dom->pause_count)
			v->power = VCPU_ON; /* another vCPU's CPU_ON */
		return 0;
	}
	if (what == 11)
		return 0;
	ctl_snapshot(before);
	if (what == 16) {
		/* xl's steps are the control domain's. */
		if (!v->dom->is_control)
			return 0;
		rc = xl_step(v, in);
		if (verbose)
			fprintf(stderr, "op %d: xl step = %lld\n", op_index, (long long)rc);
		return rc > 0 ? 0 : rc;
	}
	switch (what) {
	case 9:
		nr = (unsigned long)take(in, 1);
		break;
	case 14:
	case 15:
		/* x0 is the argument's address; the command is in it. */
		nr = what == 14 ? __HYPERVISOR_domctl : __HYPERVISOR_sysctl;
		if ((kinds & 2) == 0)
			put_ctl_header(v, what == 14, a[1], (uint32_t)a[0], a[2]);
		a[0] = a[1];
		break;
	default:
		nr = calls[what];
		break;
	}
	fuzz_current = v;
	continued = 0;	/* fuzz_arch.c */
	rc = do_hypercall(v, nr, a);
	/* A continuation: the guest would execute the call again with the
	 * arguments the handler left; a few rounds, then it counts as done. */
	for (int i = 0; continued && i < 64; i++) {
		continued = 0;
		fuzz_current = NULL;
		all_quiescent();
		fuzz_current = v;
		rc = do_hypercall(v, nr, a);
	}
	fuzz_current = NULL;
	if (verbose)
		fprintf(stderr, "op %d: d%u vcpu%u hypercall %lu cmd %llu (%#llx, %#llx) = %lld\n",
			op_index, v->dom->id, v->id, nr, (unsigned long long)a[0],
			(unsigned long long)a[1], (unsigned long long)a[2],
			(long long)rc);
	ctl_snapshot(after);
	if (!v->dom->is_control) {
		CHECK(!memcmp(before, after, sizeof(before)),
		      "d%u (not the control domain) changed control state", v->dom->id);
		if (nr == __HYPERVISOR_domctl || nr == __HYPERVISOR_sysctl)
			CHECK(rc == -XEN_EPERM || rc == -XEN_EFAULT || rc == -XEN_EACCES ||
			      rc == -XEN_ESRCH || rc == -XEN_EINVAL || rc == -XEN_ENOSYS,
			      "d%u: control hypercall %lu answered %lld", v->dom->id, nr,
			      (long long)rc);
	} else if (rc == 0 && domain_by_id(v->dom->id) == v->dom) {
		check_ctl_answer(v, nr, a[0]);
	}
	return continued ? 0 : rc;
}

/* The end of an input: every domain destroyed, as the lifecycle does it
 * (by a caller that is none of them), the grace periods run out; the
 * heap must be back where it was. A domain that made grant mappings may
 * keep its granters as zombies: grant_map.c's release of them is to come. */
static void teardown(void)
{
	static struct domain nobody = { .id = 0x7fef, .is_control = true };
	static struct vcpu caller = { .dom = &nobody };
	bool grant_maps = false;
	struct domain *d;

	for (int round = 0; round < 4096; round++) {
		struct domain *victim = NULL;
		int64_t rc;

		for_each_domain(d) {
			grant_maps |= d->maptrack != NULL;
			if (d->dying != DOM_DEAD || d->teardown == T_MEMORY) {
				victim = d;
				break;
			}
		}
		all_quiescent();
		if (!victim)
			break;
		if (!lifecycle_trylock())
			abort();
		rc = lifecycle_destroy(&caller, victim);
		lifecycle_unlock();
		CHECK(rc == 0 || rc == LIFECYCLE_CONTINUE, "teardown of d%u: %lld", victim->id,
		      (long long)rc);
	}
	for (int i = 0; i < 8; i++)
		all_quiescent();
	CHECK(grant_maps || (!nr_domains && heap_used == heap_base),
	      "after destroying everything: %u domains, %llu pages still out of %llu",
	      nr_domains, (unsigned long long)heap_used, (unsigned long long)heap_base);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size };

	if (size > 16384)
		return -1;
	verbose = getenv("FUZZ_VERBOSE") != NULL;
	build_domains();
	op_index = -1;
	check_all(0, false);
	for (op_index = 0; op_index < MAX_OPS && in.n; op_index++) {
		check_all(one_op(&in), op_index % 32 == 31);
		/* The CPUs' idle loops between two operations. */
		all_quiescent();
	}
	check_all(0, true);
	teardown();
	fake_spin_hook = NULL;
	return 0;
}
