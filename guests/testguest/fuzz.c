// SPDX-License-Identifier: MIT
/*
 * fuzz: random Xen hypercalls from every vCPU of the domain at once.
 *
 *   test=fuzz batches=B calls=N seed=S [ref=xen]
 *
 * vCPU 0 starts the other vCPUs of the DT with PSCI CPU_ON. Each vCPU has
 * its own xorshift generator (from seed= and its index, so a run can be
 * replayed) and makes N calls per batch, B batches; all vCPUs meet at a
 * barrier after each batch, and vCPU 0 checks there:
 *
 *  - every return value was 0, a negated Xen errno, or the positive value
 *    the call gives (xen_version's version and page size);
 *  - every vCPU reached the barrier (it still answers);
 *  - the guest's own image (code, read-only data, data) and the guard
 *    pages around the scratch area have the checksum they had before.
 *
 * What is called: every hypercall number and sub-operation Xenith accepts
 * (list `known` below) with random and edge-case arguments, unknown
 * sub-operations and random hypercall numbers. The calls that change the
 * guest's memory map or make the hypervisor write guest memory are made
 * safe by construction, not left out:
 *
 *  - frame numbers (memory_op, register_vcpu_info, FIFO control block and
 *    event arrays, grant frames) are inside a 4 MiB sacrificial window of
 *    RAM the guest never touches itself, or outside RAM (0, below RAM,
 *    past its end, past the IPA space, ~0), never the vGIC or vPL011;
 *  - pointer arguments point into a per-vCPU scratch area (16 KiB, a
 *    pointer at most 8 KiB in, so what a call writes stays in it), into
 *    the window, or outside RAM; where nothing may be read (a shutdown
 *    reason, a huge count, numbers Xenith lacks) at an address no frame
 *    the fuzzer maps can cover. Scratch is refilled with random words
 *    before each call; any word that would name guest RAM outside the
 *    scratch area or the window (as an address or a frame) is replaced,
 *    so nested pointers and frame numbers obey the same rule;
 *  - console_io: counts up to 24 bytes, and 2^32 + 5, 2^32 and 2^62 (the
 *    hypervisor takes the count as 32 bits: 5, 0 and 0 bytes); 0xffffffff
 *    only with a pointer outside RAM;
 *  - sched_op block and poll only with the virtual timer armed 50..250 us
 *    ahead (its PPI enabled on every vCPU, acknowledged after each call);
 *    shutdown only with an invalid reason (> 4) or an unreadable one;
 *  - counts (grant_table_op) above 16 only with a pointer outside RAM.
 *
 * ref=xen (for runs under Xen 4.17): Xen's whole errno set is accepted,
 * memory_op may return any positive value (extents done, max_page, or the
 * start extent a cmd's high bits encode) and console_io read a byte count;
 * sched_op shutdown and watchdog get only unreadable arguments (Xen shuts
 * the domain down for any reason, even one > 4, and a constructed
 * watchdog call stopped the domain). On both, poll gets a timeout in the
 * past: Xen 4.17, and Xenith since it follows it, look for interrupts
 * already pending only while PSTATE.I is clear, so the armed vtimer may not
 * end it. SCHEDOP_block returning with PSTATE.I clear is accepted on
 * both: Xen "enables event delivery" that way. Random
 * hypercall numbers are >= 64 under ref=xen (see one_call()).
 *
 * Only vCPU 0 prints (no locks with the MMU off); the others leave their
 * counts in their own slot. Output: a line every 5 batches, a line per
 * vCPU, a coverage line, then
 *
 *   <name>: fuzz: N calls on V vCPUs answered, K bad return values
 *   <name>: FUZZ DONE
 *
 * and "fuzz: FAIL ..." lines for any broken invariant.
 *
 * test=fuzzwatch is the neighbour: it fills 1 MiB of its RAM with a
 * pattern and prints, every tick, a checksum of that block and of its own
 * image ("<name>: tick N csum 0x..."); the scenario checks it never
 * changes while the fuzzer runs and that the ticks go on after it.
 */
#include "tg.h"
#include "../rt/xen.h"

#define MAX_CPUS   4
#define PAGE       4096ull
#define SCRATCH    (16 * 1024)     /* per vCPU */
#define PTR_SPAN   (8 * 1024)      /* pointers land in the first half */
#define GUARD      4096
#define WIN_PAGES  1024ull         /* the sacrificial window: 4 MiB */
#define WIN_SAFE   (WIN_PAGES - 64) /* frames handed out; ranges stay inside */
#define BLOCK2M    0x200000ull

#define HC_XEN_VERSION 17
#define HC_MEMORY_OP   12
#define HC_CONSOLE_IO  18
#define HC_GNTTAB_OP   20
#define HC_VM_ASSIST   21
#define HC_VCPU_OP     24
#define HC_SCHED_OP    29
#define HC_EVTCHN_OP   32
#define HC_HVM_OP      34

#define XENMEM_remove_from_physmap 15
#define VCPUOP_register_runstate   5
#define SCHEDOP_yield     0
#define SCHEDOP_block     1
#define SCHEDOP_shutdown  2
#define SCHEDOP_poll      3
#define SCHEDOP_watchdog  6

extern char _text[], _bss_start[], _end[];

/* ---- what is called ---- */

struct op { uint8_t nr, cmd; const char *name; };
static const struct op known[] = {
	{ 17, 0, "xen_version/version" }, { 17, 1, "xen_version/extraversion" },
	{ 17, 2, "xen_version/compile_info" }, { 17, 3, "xen_version/capabilities" },
	{ 17, 4, "xen_version/changeset" }, { 17, 5, "xen_version/platform_parameters" },
	{ 17, 6, "xen_version/get_features" }, { 17, 7, "xen_version/pagesize" },
	{ 17, 8, "xen_version/guest_handle" }, { 17, 9, "xen_version/commandline" },
	{ 12, 7, "memory_op/add_to_physmap" }, { 12, 15, "memory_op/remove_from_physmap" },
	{ 18, 0, "console_io/write" }, { 18, 1, "console_io/read" },
	{ 20, 2, "grant_table_op/setup_table" }, { 20, 6, "grant_table_op/query_size" },
	{ 20, 8, "grant_table_op/set_version" }, { 20, 10, "grant_table_op/get_version" },
	{ 21, 0, "vm_assist/enable" }, { 21, 1, "vm_assist/disable" },
	{ 24, 5, "vcpu_op/register_runstate_memory_area" },
	{ 24, 10, "vcpu_op/register_vcpu_info" },
	{ 29, 0, "sched_op/yield" }, { 29, 1, "sched_op/block" },
	{ 29, 2, "sched_op/shutdown" }, { 29, 3, "sched_op/poll" },
	{ 32, 0, "evtchn/bind_interdomain" }, { 32, 1, "evtchn/bind_virq" },
	{ 32, 2, "evtchn/bind_pirq" }, { 32, 3, "evtchn/close" },
	{ 32, 4, "evtchn/send" }, { 32, 5, "evtchn/status" },
	{ 32, 6, "evtchn/alloc_unbound" }, { 32, 7, "evtchn/bind_ipi" },
	{ 32, 8, "evtchn/bind_vcpu" }, { 32, 9, "evtchn/unmask" },
	{ 32, 10, "evtchn/reset" }, { 32, 11, "evtchn/init_control" },
	{ 32, 12, "evtchn/expand_array" }, { 32, 13, "evtchn/set_priority" },
	{ 34, 0, "hvm_op/set_param" }, { 34, 1, "hvm_op/get_param" },
};
#define NKNOWN ARRAY_LEN(known)
static const uint8_t hypercalls[] = { 17, 12, 18, 20, 21, 24, 29, 32, 34 };

/* Xenith's errno set (hyp/include/xenith/errno.h) and Xen's public one. */
static const uint8_t errs_xenith[] = { 1, 2, 3, 5, 6, 7, 11, 12, 13, 14, 16,
				       17, 19, 22, 28, 33, 38, 61, 95 };
static const uint8_t errs_xen[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13,
	14, 16, 17, 18, 19, 21, 22, 23, 24, 28, 30, 31, 33, 34, 35, 36, 37, 38,
	39, 61, 62, 74, 75, 84, 85, 88, 90, 95, 98, 99, 105, 106, 107, 110, 111 };

/* ---- shared state (MMU off: every access goes to memory) ---- */

struct cpu_state {
	uint64_t seed;
	uint64_t calls, nonneg, enosys, bad, timed, timer_lost;
	uint64_t unknown;              /* calls outside `known` */
	uint64_t first_bad[4];         /* nr, cmd, rc, batch */
	uint64_t unmasked, first_unmask[3];  /* calls returning with PSTATE.I clear */
	uint64_t irqs, irq_spsr;       /* interrupts taken anyway */
	uint64_t cur_nr, cur_cmd;      /* the call in progress */
	uint64_t block_unmasked;       /* SCHEDOP_block returning with I clear */
	volatile uint32_t in_sched;    /* a timed block/poll is under way */
	volatile uint32_t timer_in_irq;
	volatile uint32_t where;       /* 1 in a hypercall, 2 waiting for the timer */
	uint32_t hits[NKNOWN];
	uint32_t wins[NKNOWN];         /* answered >= 0 */
	volatile uint32_t arrive;      /* last batch finished */
	volatile uint32_t up;
};

static struct cpu_state cpus[MAX_CPUS];
static uint64_t mpidr[MAX_CPUS];
static unsigned ncpus;
static volatile uint32_t release;   /* batch the vCPUs may start */
static volatile uint32_t stop;      /* give up: a vCPU stopped answering */
static uint32_t batches, per_batch;
static bool xen_ref;
static uint64_t skip_mask;          /* skip=: bit i leaves out hypercalls[i], bit 9 other numbers */

static uint8_t zone[GUARD + MAX_CPUS * SCRATCH + GUARD] __attribute__((aligned(4096)));
#define SCR(c) (zone + GUARD + (c) * SCRATCH)

static uint64_t ram_lo, ram_hi, win_lo, win_gfn;
static uint64_t gicr_base, gicr_size;
static uint32_t vt_intid;

/* ---- small helpers ---- */

static uint64_t rnd(struct cpu_state *cs)
{
	uint64_t s = cs->seed;
	s ^= s << 13;
	s ^= s >> 7;
	s ^= s << 17;
	cs->seed = s;
	return s;
}

/* True with probability n/100. */
static bool pct(struct cpu_state *cs, unsigned n)
{
	return rnd(cs) % 100 < n;
}

static uint64_t ticks_ms(uint64_t ms)
{
	return cntfrq() * ms / 1000;
}

static bool passed(uint64_t when)
{
	return (int64_t)(cntvct() - when) >= 0;
}

static uint64_t checksum(const void *p, size_t n, uint64_t h)
{
	const volatile uint64_t *w = p;
	for (size_t i = 0; i < n / 8; i++) {
		h ^= w[i];
		h *= 0x100000001b3ull;
		h ^= h >> 29;
	}
	return h;
}

/* Code, read-only data, data, and the guard pages around the scratch. */
static uint64_t own_checksum(void)
{
	uint64_t h = checksum(_text, (size_t)(_bss_start - _text) & ~7ul,
			      0xcbf29ce484222325ull);
	h = checksum(zone, GUARD, h);
	return checksum(zone + sizeof(zone) - GUARD, GUARD, h);
}

/* ---- argument generation ---- */

static const uint16_t domids[] = {
	DOMID_SELF, DOMID_SELF, 1, 2, 0, 3, 9, 0x7ff1, 0x7ff2, 0x7ff4, 0x7ffe,
	0x7fff, 0xffff,
};

static uint16_t pick_domid(struct cpu_state *cs)
{
	if (pct(cs, 10))
		return (uint16_t)rnd(cs);
	return domids[rnd(cs) % ARRAY_LEN(domids)];
}

/* A frame that is nothing the guest needs: the window, or outside RAM
 * (with 64 frames of room above, for ranges), never a device page. */
static uint64_t bad_gfn(struct cpu_state *cs)
{
	uint64_t end = ram_hi >> 12;
	const uint64_t g[] = {
		0, 1, 0x100, 0x10000, 0x3fe00, end, end + 0x100, end + 0x40000,
		(1ull << 27) - 64, 1ull << 27, 1ull << 28, 1ull << 36,
		1ull << 52, ~0ull, ~0ull - 16, 0x7fffffffffffffffull,
	};
	return g[rnd(cs) % ARRAY_LEN(g)];
}

static uint64_t pick_gfn(struct cpu_state *cs)
{
	if (pct(cs, 65))
		return win_gfn + rnd(cs) % WIN_SAFE;
	return bad_gfn(cs);
}

/* An address outside guest RAM (and not a device either). The fuzzer's
 * own memory_op may map a shared page at some of these (gfn 0, RAM end). */
static uint64_t bad_ptr(struct cpu_state *cs)
{
	const uint64_t p[] = {
		0, 1, 7, 0x7ff0, 0x10000000, 0x3ffff000, 0x38000000,
		0xffffffffull, 0x8000000000ull, 0x8000000000000000ull, ~0ull,
		~0ull - 7, 0xffff000000000000ull, ram_hi, ram_hi + 0x100000,
	};
	if (pct(cs, 20)) {
		uint64_t v = rnd(cs);
		if (v >= ram_lo - 0x100000 && v < ram_hi + 0x100000)
			v ^= 1ull << 40;
		return v;
	}
	return p[rnd(cs) % ARRAY_LEN(p)];
}

/* An address nothing is ever mapped at: no frame bad_gfn() hands out
 * (nor the 64 after it) covers it. For arguments that must not be read
 * (a shutdown reason, a huge count, calls Xenith does not have). */
static uint64_t dead_ptr(struct cpu_state *cs)
{
	const uint64_t p[] = {
		0x200000, 0x20000000, 0x3ffff000, 0x38000000, 0xffffffffull,
		0x9000000000ull, 0x8000000000000000ull, ~0ull, ~0ull - 7,
		0xffff000000000000ull, ram_hi + 0x80000000ull,
	};
	return p[rnd(cs) % ARRAY_LEN(p)];
}

/* Somewhere in any vCPU's scratch with 8 KiB of room after it. */
static uint64_t scratch_ptr(struct cpu_state *cs, unsigned cpu, unsigned align)
{
	unsigned c = pct(cs, 85) ? cpu : (unsigned)(rnd(cs) % ncpus);
	uint64_t off = rnd(cs) % PTR_SPAN;
	off &= ~(uint64_t)(align - 1);
	return (uint64_t)(uintptr_t)SCR(c) + off;
}

static uint64_t window_ptr(struct cpu_state *cs)
{
	return win_lo + ((rnd(cs) % (WIN_SAFE * PAGE)) & ~7ull);
}

/* Where a pointer argument points: mostly this vCPU's scratch. */
static uint64_t pick_ptr(struct cpu_state *cs, unsigned cpu)
{
	unsigned r = (unsigned)(rnd(cs) % 100);
	if (r < 70)
		return scratch_ptr(cs, cpu, 8);
	if (r < 82)
		return window_ptr(cs);
	return bad_ptr(cs);
}

/* Keeps a random word from naming guest RAM the guest needs. */
static uint64_t sanitize(struct cpu_state *cs, unsigned cpu, uint64_t w)
{
	uint64_t scr_lo = (uint64_t)(uintptr_t)SCR(0);
	uint64_t scr_hi = (uint64_t)(uintptr_t)SCR(ncpus - 1) + PTR_SPAN;
	uint64_t win_hi = win_lo + WIN_SAFE * PAGE;

	if (w >= ram_lo && w < ram_hi && !(w >= scr_lo && w < scr_hi) &&
	    !(w >= win_lo && w < win_hi))
		return scratch_ptr(cs, cpu, 1);
	if (w >= (ram_lo >> 12) && w < (ram_hi >> 12) &&
	    !(w >= win_gfn && w < win_gfn + WIN_SAFE))
		return win_gfn + rnd(cs) % WIN_SAFE;
	/* vGIC (0x03001000..) and vPL011 (0x22000000) frames. */
	if ((w >= 0x3000 && w < 0x3200) || w == 0x22000)
		return w + 0x100000;
	return w;
}

/* A word for the scratch area: whatever a struct field might hold. */
static uint64_t gen_word(struct cpu_state *cs, unsigned cpu)
{
	static const uint64_t edge[] = {
		0, 1, 2, 3, 4, 5, 7, 8, 15, 16, 63, 64, 1023, 1024, 4095, 4096,
		0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ull, ~0ull,
		0x8000000000000000ull, 0x7ff0, 0x7ff07ff0ull,
	};
	uint64_t w;

	switch (rnd(cs) % 10) {
	case 0: case 1: w = rnd(cs); break;
	case 2: w = rnd(cs) % 64; break;
	case 3: w = edge[rnd(cs) % ARRAY_LEN(edge)]; break;
	case 4: /* four 16-bit fields: domain ids and small numbers */
		w = 0;
		for (int i = 0; i < 4; i++)
			w |= (uint64_t)(pct(cs, 50) ? pick_domid(cs)
						    : (uint16_t)(rnd(cs) % 16)) << (16 * i);
		break;
	case 5: /* two 32-bit fields: ports, vCPUs, VIRQs, offsets */
		w = (rnd(cs) % 1100) | ((rnd(cs) % 6) << 32);
		break;
	case 6: w = scratch_ptr(cs, cpu, 8); break;
	case 7: w = pick_gfn(cs); break;
	case 8: w = pct(cs, 50) ? window_ptr(cs) : bad_ptr(cs); break;
	default: w = rnd(cs) & 0xffffffffull; break;
	}
	return sanitize(cs, cpu, w);
}

static bool in_scratch(uint64_t a)
{
	return a >= (uint64_t)(uintptr_t)SCR(0) && a < (uint64_t)(uintptr_t)SCR(ncpus) &&
	       !(a & 7);
}

static void fill(struct cpu_state *cs, unsigned cpu, uint64_t at, unsigned words)
{
	uint64_t lo = (uint64_t)(uintptr_t)SCR(0);
	uint64_t hi = (uint64_t)(uintptr_t)SCR(ncpus);
	volatile uint64_t *p = (volatile uint64_t *)(uintptr_t)(at & ~7ull);

	if (at < lo || at >= hi || hi - at < 8ull * words)
		return;   /* the window or outside RAM: not ours to write */
	for (unsigned i = 0; i < words; i++)
		p[i] = gen_word(cs, cpu);
}

/* A struct of `words` 64-bit words the caller fills in: in this vCPU's
 * scratch, refilled with random words first. */
static volatile uint64_t *build(struct cpu_state *cs, unsigned cpu, unsigned words)
{
	uint64_t at = (uint64_t)(uintptr_t)SCR(cpu) + ((rnd(cs) % PTR_SPAN) & ~7ull);
	fill(cs, cpu, at, words + 8);
	return (volatile uint64_t *)(uintptr_t)at;
}

/* ---- the virtual timer, to wake sched_op block/poll ---- */

static uint64_t find_rd(void)
{
	uint64_t m = read_sysreg(mpidr_el1);
	uint32_t aff = (uint32_t)(((m >> 32) & 0xff) << 24) | (uint32_t)(m & 0xffffff);
	for (uint64_t rd = gicr_base; rd + 0x20000 <= gicr_base + gicr_size; rd += 0x20000) {
		volatile uint32_t *typer = (volatile uint32_t *)(uintptr_t)(rd + 8);
		if (typer[1] == aff)
			return rd;
		if (typer[0] & (1u << 4))
			break;
	}
	return 0;
}

/* This vCPU's redistributor and CPU interface: the vtimer PPI in group 1,
 * enabled; PSTATE.I stays set, so it only ends a block/poll (or WFI). */
static bool timer_irq_init(void)
{
	uint64_t rd = find_rd();
	if (!rd)
		return false;
	volatile uint32_t *sgi = (volatile uint32_t *)(uintptr_t)(rd + 0x10000);
	volatile uint32_t *prio = sgi + (0x400 + (vt_intid & ~3u)) / 4;
	unsigned sh = (vt_intid & 3) * 8;
	*prio = (*prio & ~(0xffu << sh)) | (0xa0u << sh);
	sgi[0x80 / 4] |= 1u << vt_intid;     /* IGROUPR0 */
	sgi[0x100 / 4] = 1u << vt_intid;     /* ISENABLER0 */
	uint64_t sre = read_sysreg(icc_sre_el1);
	if (!(sre & 1))
		__asm__ volatile("msr icc_sre_el1, %0\n\tisb" :: "r"(sre | 1));
	__asm__ volatile("msr icc_pmr_el1, %0\n\t"
			 "msr icc_igrpen1_el1, %1\n\tisb"
			 :: "r"(0xf0ull), "r"(1ull) : "memory");
	dsb();
	return true;
}

/* sched_op block or poll with the timer armed 50..250 us ahead, then the
 * timer interrupt taken off the CPU interface so the next one can come. */
static int64_t timed_sched(struct cpu_state *cs, uint64_t cmd, uint64_t arg)
{
	uint64_t when = cntvct() + cntfrq() / 20000 + rnd(cs) % (cntfrq() / 5000);
	__asm__ volatile("msr cntv_cval_el0, %0\n\t"
			 "msr cntv_ctl_el0, %1\n\tisb"
			 :: "r"(when), "r"(1ull) : "memory");
	cs->timer_in_irq = 0;
	cs->in_sched = 1;
	int64_t rc = xen_hypercall(HC_SCHED_OP, cmd, arg, 0, 0, 0);
	cs->where = 2;
	if (!(read_sysreg(daif) & DAIF_I)) {
		/* Xen 4.17 on Arm enables "event delivery" on SCHEDOP_block by
		 * clearing PSTATE.I (local_event_delivery_enable()): the ABI
		 * says block enables events. Anything else must not. */
		irq_disable();
		if ((uint32_t)cmd == SCHEDOP_block)
			cs->block_unmasked++;
		else if (!cs->unmasked++) {
			cs->first_unmask[0] = HC_SCHED_OP;
			cs->first_unmask[1] = cmd;
			cs->first_unmask[2] = (uint64_t)rc;
		}
	}
	uint64_t give_up = when + ticks_ms(1000);
	uint32_t id;
	for (;;) {
		bool last = passed(give_up);
		if (cs->timer_in_irq) {
			id = vt_intid;   /* taken and ended by fuzz_irq */
			break;
		}
		id = gic_ack();
		if (id == vt_intid || last)
			break;
		if (id < 1020)
			gic_eoi(id);
		cpu_relax();
	}
	__asm__ volatile("msr cntv_ctl_el0, xzr\n\tisb" ::: "memory");
	if (id == vt_intid && !cs->timer_in_irq)
		gic_eoi(id);
	else if (id != vt_intid)
		cs->timer_lost++;
	cs->in_sched = 0;
	cs->timed++;
	return rc;
}

/* ---- one call ---- */

static int64_t call(struct cpu_state *cs, unsigned cpu, uint64_t nr, uint64_t cmd,
		    uint64_t *count_out)
{
	uint64_t a1, a2 = 0, a3 = 0;
	volatile uint64_t *s;
	uint32_t c = (uint32_t)cmd;

	*count_out = 0;
	switch (nr) {
	case HC_XEN_VERSION:
		a1 = pick_ptr(cs, cpu);
		fill(cs, cpu, a1, 64);
		return xen_hypercall(nr, cmd, a1, 0, 0, 0);

	case HC_MEMORY_OP:
		if (cmd != XENMEM_add_to_physmap && cmd != XENMEM_remove_from_physmap)
			return xen_hypercall(nr, cmd, dead_ptr(cs), dead_ptr(cs), 0, 0);
		if (pct(cs, 8))
			return xen_hypercall(nr, cmd, pct(cs, 50) ? bad_ptr(cs) : dead_ptr(cs),
					     0, 0, 0);
		s = build(cs, cpu, 3);
		if (cmd == XENMEM_add_to_physmap) {
			static const uint32_t spaces[] = { 0, 0, 0, 1, 1, 1, 2, 3, 4, 5, 6, 0xffffffff };
			uint64_t idx;
			switch (rnd(cs) % 6) {
			case 0: idx = 0; break;
			case 1: idx = rnd(cs) % 70; break;
			case 2: idx = (1ull << 31) | (rnd(cs) % 64); break;
			case 3: idx = pick_gfn(cs); break;
			case 4: idx = 1; break;
			default: idx = sanitize(cs, cpu, rnd(cs)); break;
			}
			uint32_t space = pct(cs, 5) ? (uint32_t)rnd(cs)
						    : spaces[rnd(cs) % ARRAY_LEN(spaces)];
			/* domid, size (ranges: at most 32 frames), space */
			s[0] = pick_domid(cs) | ((rnd(cs) % 33) << 16) | ((uint64_t)space << 32);
			s[1] = idx;
			s[2] = pick_gfn(cs);
		} else {
			s[0] = pick_domid(cs) | (rnd(cs) & 0xffffffffffff0000ull);
			s[1] = pick_gfn(cs);
		}
		return xen_hypercall(nr, cmd, (uint64_t)(uintptr_t)s, 0, 0, 0);

	case HC_CONSOLE_IO: {
		uint64_t count;
		unsigned r = (unsigned)(rnd(cs) % 100);
		if (r < 75)
			count = rnd(cs) % 25;
		else if (r < 80)
			count = (1ull << 32) + 5;   /* 5 bytes */
		else if (r < 85)
			count = 1ull << 32;         /* nothing */
		else if (r < 90)
			count = 1ull << 62;         /* nothing */
		else
			count = pct(cs, 50) ? 0xffffffffull : rnd(cs);
		if ((uint32_t)count > 64)
			a2 = dead_ptr(cs);          /* never print our RAM */
		else
			a2 = pct(cs, 85) ? scratch_ptr(cs, cpu, 1) :
			     pct(cs, 50) ? window_ptr(cs) : bad_ptr(cs);
		fill(cs, cpu, a2, 8);
		*count_out = (uint32_t)count;
		return xen_hypercall(nr, cmd, count, a2, 0, 0);
	}

	case HC_GNTTAB_OP: {
		uint64_t count;
		unsigned r = (unsigned)(rnd(cs) % 100);
		a1 = pick_ptr(cs, cpu);
		if (r < 75)
			count = 1;
		else if (r < 83)
			count = 0;
		else if (r < 93)
			count = 2 + rnd(cs) % 15;
		else
			count = pct(cs, 50) ? (1ull << 32) + 1 : rnd(cs) | (1ull << 20);
		if (count > 16)
			a1 = dead_ptr(cs);
		fill(cs, cpu, a1, 64);
		if (in_scratch(a1) && pct(cs, 50)) {
			/* A well-formed first op: own or another domain,
			 * frame lists into scratch. */
			s = (volatile uint64_t *)(uintptr_t)a1;
			switch (c) {
			case 2:  /* setup_table: dom, nr_frames, status, frame_list */
				s[0] = pick_domid(cs) | ((rnd(cs) % 70) << 32);
				s[2] = pct(cs, 80) ? scratch_ptr(cs, cpu, 8) : bad_ptr(cs);
				break;
			case 6: case 10:  /* query_size / get_version: dom first */
				s[0] = pick_domid(cs) | (rnd(cs) & ~0xffffull);
				break;
			case 8:  /* set_version */
				s[0] = rnd(cs) % 4;
				break;
			}
		}
		return xen_hypercall(nr, cmd, a1, count, 0, 0);
	}

	case HC_VM_ASSIST:
		a1 = pct(cs, 60) ? 5 : pct(cs, 50) ? rnd(cs) % 40 : rnd(cs);
		return xen_hypercall(nr, cmd, a1, 0, 0, 0);

	case HC_VCPU_OP:
		a1 = pct(cs, 85) ? rnd(cs) % (ncpus + 2) : rnd(cs);
		if (c == VCPUOP_register_vcpu_info && pct(cs, 90)) {
			s = build(cs, cpu, 2);
			uint64_t off = pct(cs, 70) ? (rnd(cs) % 4096) & ~7ull :
				       pct(cs, 50) ? 4096 - 64 + (rnd(cs) % 64) : rnd(cs);
			s[0] = pick_gfn(cs);
			s[1] = (off & 0xffffffff) | (pct(cs, 80) ? 0 : rnd(cs) << 32);
			a2 = (uint64_t)(uintptr_t)s;
		} else if (c == VCPUOP_register_runstate && pct(cs, 90)) {
			s = build(cs, cpu, 1);
			/* Where runstate goes: scratch (48 bytes fit), window,
			 * nowhere (0), outside RAM. */
			unsigned r = (unsigned)(rnd(cs) % 4);
			s[0] = r == 0 ? scratch_ptr(cs, cpu, 8) : r == 1 ? window_ptr(cs) :
			       r == 2 ? 0 : bad_ptr(cs);
			a2 = (uint64_t)(uintptr_t)s;
		} else {
			a2 = pick_ptr(cs, cpu);
			fill(cs, cpu, a2, 8);
		}
		return xen_hypercall(nr, cmd, a1, a2, 0, 0);

	case HC_SCHED_OP:
		switch (c) {   /* the hypervisor takes cmd as 32 bits */
		case SCHEDOP_yield:
			return xen_hypercall(nr, cmd, pick_ptr(cs, cpu), 0, 0, 0);
		case SCHEDOP_block:
			return timed_sched(cs, cmd, pick_ptr(cs, cpu));
		case SCHEDOP_poll:
			/* ports, nr_ports, timeout (absolute ns) */
			s = build(cs, cpu, 3);
			s[0] = pct(cs, 80) ? scratch_ptr(cs, cpu, 4) : bad_ptr(cs);
			s[1] = pct(cs, 80) ? rnd(cs) % 4 : pct(cs, 50) ? 129 : rnd(cs);
			/* Xen 4.17 (and Xenith, which follows it) checks for
			 * pending interrupts only while PSTATE.I is clear, so
			 * a timer that fired before the poll blocked would be
			 * missed: a timeout in the past (absolute ns) ends it. */
			s[2] = 1 + rnd(cs) % 1000000;
			return timed_sched(cs, cmd, pct(cs, 90) ? (uint64_t)(uintptr_t)s
							       : bad_ptr(cs));
		case SCHEDOP_shutdown:
			if (xen_ref || pct(cs, 30))
				return xen_hypercall(nr, cmd, dead_ptr(cs), 0, 0, 0);
			s = build(cs, cpu, 1);
			s[0] = (5 + rnd(cs) % 0xfffffffaull) | (rnd(cs) << 32);
			return xen_hypercall(nr, cmd, (uint64_t)(uintptr_t)s, 0, 0, 0);
		case SCHEDOP_watchdog:
			/* Only for a watchdog that does not exist (id > 2):
			 * id 0 would start one that kills the domain. */
			s = build(cs, cpu, 1);
			s[0] = (3 + rnd(cs) % 1000) | (rnd(cs) << 32);
			return xen_hypercall(nr, cmd, pct(cs, 50) && !xen_ref
						? (uint64_t)(uintptr_t)s : dead_ptr(cs), 0, 0, 0);
		default: /* remote_shutdown, shutdown_code, pin_override, ...:
			  * nothing readable */
			return xen_hypercall(nr, cmd, dead_ptr(cs), 0, 0, 0);
		}

	case HC_EVTCHN_OP:
		a1 = pick_ptr(cs, cpu);
		fill(cs, cpu, a1, 8);
		if (in_scratch(a1) && pct(cs, 40)) {
			s = (volatile uint64_t *)(uintptr_t)a1;
			uint64_t port = pct(cs, 80) ? rnd(cs) % 64 : rnd(cs) % 5000;
			switch (c) {
			case 11: /* init_control: gfn, offset, vcpu */
				s[0] = pick_gfn(cs);
				s[1] = (pct(cs, 80) ? (rnd(cs) % 4096) & ~7ull : rnd(cs) & 0xffffffff) |
				       ((rnd(cs) % (ncpus + 1)) << 32);
				break;
			case 12: /* expand_array */
				s[0] = pick_gfn(cs);
				break;
			case 1: /* bind_virq: virq, vcpu */
				s[0] = (rnd(cs) % 24) | ((rnd(cs) % (ncpus + 1)) << 32);
				break;
			case 6: /* alloc_unbound: dom, remote_dom */
				s[0] = pick_domid(cs) | ((uint64_t)pick_domid(cs) << 16);
				break;
			case 0: /* bind_interdomain: remote_dom, remote_port */
				s[0] = pick_domid(cs) | (port << 32);
				break;
			case 8: case 13: /* port + vcpu / priority */
				s[0] = port | ((rnd(cs) % (pct(cs, 70) ? ncpus : 20)) << 32);
				break;
			case 10: /* reset: dom */
				s[0] = pick_domid(cs);
				break;
			default: /* close, send, unmask, status's dom/port */
				s[0] = c == 5 ? pick_domid(cs) | (port << 32) : port;
				break;
			}
		}
		return xen_hypercall(nr, cmd, a1, 0, 0, 0);

	case HC_HVM_OP:
		if (pct(cs, 70)) {
			s = build(cs, cpu, 2);
			/* domid, index, value */
			s[0] = pick_domid(cs) |
			       ((pct(cs, 80) ? rnd(cs) % 45 : rnd(cs) & 0xffffffff) << 32);
			s[1] = rnd(cs);
			a1 = (uint64_t)(uintptr_t)s;
		} else {
			a1 = pick_ptr(cs, cpu);
			fill(cs, cpu, a1, 4);
		}
		return xen_hypercall(nr, cmd, a1, 0, 0, 0);

	default:
		/* A number Xenith does not have: nothing readable. */
		a1 = dead_ptr(cs);
		a2 = dead_ptr(cs);
		a3 = dead_ptr(cs);
		return xen_hypercall(nr, cmd, a1, a2, a3, dead_ptr(cs));
	}
}

static bool rc_ok(uint64_t nr, uint64_t cmd, int64_t rc, uint64_t count)
{
	if (rc == 0)
		return true;
	if (rc < 0) {
		const uint8_t *set = xen_ref ? errs_xen : errs_xenith;
		size_t n = xen_ref ? sizeof(errs_xen) : sizeof(errs_xenith);
		for (size_t i = 0; i < n; i++)
			if (rc == -(int64_t)set[i])
				return true;
		return false;
	}
	if (nr == HC_XEN_VERSION && (uint32_t)cmd == 0)
		return rc < (1ll << 32);          /* major << 16 | minor */
	if (nr == HC_XEN_VERSION && (uint32_t)cmd == 7)
		return rc == 4096;
	if (xen_ref && nr == HC_MEMORY_OP)
		return true;   /* extents done, max_page; for a cmd with high
				* bits, the start extent they encode */
	if (xen_ref && nr == HC_CONSOLE_IO && (uint32_t)cmd == 1)
		return (uint64_t)rc <= count;     /* bytes read */
	return false;
}

static bool memchr_u8(const uint8_t *a, uint8_t v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (a[i] == v)
			return true;
	return false;
}

static void one_call(struct cpu_state *cs, unsigned cpu, uint32_t batch)
{
	uint64_t nr, cmd, count;
	int k = -1;
	unsigned r = (unsigned)(rnd(cs) % 100);

	if ((skip_mask >> ARRAY_LEN(hypercalls)) & 1)
		r %= 80;
	if (r < 80) {
		/* A known hypercall; mostly one of its sub-ops. */
		unsigned h;
		do
			h = (unsigned)(rnd(cs) % ARRAY_LEN(hypercalls));
		while ((skip_mask >> h) & 1);
		nr = hypercalls[h];
		if (pct(cs, 85)) {
			unsigned lo = 0, n = 0;
			for (unsigned i = 0; i < NKNOWN; i++)
				if (known[i].nr == nr) {
					if (!n)
						lo = i;
					n++;
				}
			k = (int)(lo + rnd(cs) % n);
			cmd = known[k].cmd;
			if (pct(cs, 3))
				cmd |= rnd(cs) << 32;   /* high bits: ignored */
		} else {
			cmd = pct(cs, 70) ? rnd(cs) % 32 : rnd(cs);
		}
	} else if (r < 95) {
		nr = rnd(cs) % 64;
		cmd = pct(cs, 50) ? rnd(cs) % 16 : rnd(cs);
	} else {
		nr = pct(cs, 50) ? rnd(cs) : 64 + rnd(cs) % 1024;
		cmd = rnd(cs);
	}
	/* Xen 4.17 has hypercalls below 64 that Xenith has not: multicall
	 * would run nested calls read from our memory, sched_op_compat takes
	 * a shutdown reason by value. Under ref=xen unknown numbers are >= 64. */
	if (xen_ref && k < 0 && nr < 64 &&
	    !memchr_u8(hypercalls, (uint8_t)nr, ARRAY_LEN(hypercalls)))
		nr += 64;
	if (k < 0)
		for (unsigned i = 0; i < NKNOWN; i++)
			if (known[i].nr == nr && known[i].cmd == cmd)
				k = (int)i;

	cs->cur_nr = nr;
	cs->cur_cmd = cmd;
	cs->where = 1;
	int64_t rc = call(cs, cpu, nr, cmd, &count);
	cs->where = 0;
	if (!(read_sysreg(daif) & DAIF_I)) {
		/* The hypervisor changed our PSTATE: note it, mask again. */
		irq_disable();
		if (!cs->unmasked++) {
			cs->first_unmask[0] = nr;
			cs->first_unmask[1] = cmd;
			cs->first_unmask[2] = (uint64_t)rc;
		}
	}
	cs->calls++;
	if (k >= 0) {
		cs->hits[k]++;
		cs->wins[k] += rc >= 0;
	} else
		cs->unknown++;
	if (rc >= 0)
		cs->nonneg++;
	if (rc == -XEN_ENOSYS)
		cs->enosys++;
	if (!rc_ok(nr, cmd, rc, count) && !cs->bad++) {
		cs->first_bad[0] = nr;
		cs->first_bad[1] = cmd;
		cs->first_bad[2] = (uint64_t)rc;
		cs->first_bad[3] = batch;
	}
}

/* IRQs are masked throughout; one taken means a call unmasked them. */
static void fuzz_irq(void)
{
	uint64_t m = read_sysreg(mpidr_el1) & 0xffffff;
	struct cpu_state *cs = NULL;
	for (unsigned c = 0; c < ncpus; c++)
		if (mpidr[c] == m)
			cs = &cpus[c];
	uint32_t id = gic_ack();
	if (id == vt_intid)
		__asm__ volatile("msr cntv_ctl_el0, xzr\n\tisb" ::: "memory");
	if (id < 1020)
		gic_eoi(id);
	if (!cs)
		return;
	if (cs->in_sched && id == vt_intid) {
		cs->timer_in_irq = 1;   /* right after a block that unmasked */
		return;
	}
	if (!cs->irqs++)
		cs->irq_spsr = read_sysreg(spsr_el1);
}

/* ---- vCPUs and the barrier ---- */

static void fuzz_batches(unsigned cpu)
{
	struct cpu_state *cs = &cpus[cpu];
	for (uint32_t b = 1; b <= batches; b++) {
		while (release < b) {
			if (stop)
				return;
			cpu_relax();
		}
		for (uint32_t i = 0; i < per_batch; i++)
			one_call(cs, cpu, b);
		cs->arrive = b;
		dsb();
	}
}

static void fuzz_secondary(uint64_t idx)
{
	unsigned cpu = (unsigned)idx;
	if (cpu >= MAX_CPUS)
		halt();
	if (timer_irq_init())
		cpus[cpu].up = 1;
	else
		cpus[cpu].up = 2;
	dsb();
	fuzz_batches(cpu);
	halt();
}

static bool find_gicr(void)
{
	struct dt_node it = { .off = -1 };
	while (dt_next(g_fdt, &it))
		if (dt_compatible(g_fdt, it.off, "arm,gic-v3"))
			return dt_reg(g_fdt, it.off, 1, &gicr_base, &gicr_size);
	return false;
}

static unsigned fails;
static void fuzz_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void fuzz_fail(const char *fmt, ...)
{
	char buf[180];
	va_list ap;
	if (++fails > 12)
		return;   /* enough to go on */
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	say("fuzz: FAIL %s", buf);
}

static bool setup(void)
{
	uint64_t img_end = (uint64_t)(uintptr_t)_end;
	uint64_t fdt = (uint64_t)(uintptr_t)g_fdt;
	uint64_t fdt_end = fdt + be32((const uint8_t *)g_fdt + 4);

	if (!ram_info(&ram_lo, &ram_hi)) {
		fuzz_fail("no memory node in the DT");
		return false;
	}
	win_lo = ((img_end + BLOCK2M - 1) & ~(BLOCK2M - 1)) + BLOCK2M;
	win_gfn = win_lo >> 12;
	if (win_lo + WIN_PAGES * PAGE > ram_hi ||
	    (fdt < win_lo + WIN_PAGES * PAGE && fdt_end > win_lo)) {
		fuzz_fail("no room for a 4 MiB window above the image (RAM %#llx..%#llx, "
			  "DTB %#llx)", (unsigned long long)ram_lo,
			  (unsigned long long)ram_hi, (unsigned long long)fdt);
		return false;
	}
	unsigned n = dt_cpu_mpidrs(mpidr, MAX_CPUS);
	ncpus = n == 0 ? 1 : n < MAX_CPUS ? n : MAX_CPUS;
	vt_intid = vtimer_intid();
	if (!find_gicr() || !gic_init(g_fdt) || !timer_irq_init()) {
		fuzz_fail("no GICv3 redistributor for the timer");
		return false;
	}
	for (size_t i = 0; i < GUARD; i++) {
		zone[i] = (uint8_t)(0xa5 ^ i);
		zone[sizeof(zone) - GUARD + i] = (uint8_t)(0x5a ^ i);
	}
	return true;
}

static bool start_secondaries(void)
{
	for (unsigned i = 1; i < ncpus; i++) {
		int64_t rc = psci_call(PSCI_CPU_ON_64, mpidr[i],
				       (uint64_t)(uintptr_t)secondary_entry, i);
		uint64_t end = cntvct() + ticks_ms(3000);
		while (!rc && !cpus[i].up && !passed(end))
			cpu_relax();
		if (rc || cpus[i].up != 1) {
			fuzz_fail("vCPU %u did not start (CPU_ON %lld, state %u)", i,
				  (long long)rc, cpus[i].up);
			return false;
		}
	}
	return true;
}

void mode_fuzz(void)
{
	uint64_t seed = arg_num("seed", 0x5eed1234abcdULL);
	batches = (uint32_t)arg_num("batches", 20);
	per_batch = (uint32_t)arg_num("calls", 250);
	xen_ref = !strcmp(arg("ref", "xenith"), "xen");
	skip_mask = arg_num("skip", 0);
	if ((skip_mask & 0x1ff) == 0x1ff)
		skip_mask &= ~1ull;
	if (!batches)
		batches = 1;
	if (!setup())
		goto out;
	for (unsigned i = 0; i < MAX_CPUS; i++)
		cpus[i].seed = (seed ^ ((uint64_t)(i + 1) * 0x9e3779b97f4a7c15ull)) | 1;
	say("fuzz: %u vCPUs x %u batches x %u calls, seed %#llx, window %#llx..%#llx%s",
	    ncpus, batches, per_batch, (unsigned long long)seed,
	    (unsigned long long)win_lo,
	    (unsigned long long)(win_lo + WIN_PAGES * PAGE - 1),
	    xen_ref ? ", Xen's errno set" : "");
	uint64_t ref = own_checksum();
	secondary_hook = fuzz_secondary;
	irq_handler = fuzz_irq;
	if (!start_secondaries())
		goto out;

	uint64_t seen_bad[MAX_CPUS] = { 0 };
	uint32_t b;
	for (b = 1; b <= batches; b++) {
		release = b;
		dsb();
		for (uint32_t i = 0; i < per_batch; i++)
			one_call(&cpus[0], 0, b);
		cpus[0].arrive = b;
		/* (b) every vCPU finished the batch: it still answers. */
		uint64_t end = cntvct() + ticks_ms(10000);
		bool all = true;
		for (unsigned c = 1; c < ncpus; c++) {
			while (cpus[c].arrive < b && !passed(end))
				cpu_relax();
			if (cpus[c].arrive < b) {
				fuzz_fail("batch %u: vCPU %u did not reach the barrier in 10 s "
					  "(%llu calls made; %s hypercall %llu cmd %#llx)", b, c,
					  (unsigned long long)cpus[c].calls,
					  cpus[c].where == 1 ? "in" : cpus[c].where == 2 ?
					  "waiting for the timer after" : "after",
					  (unsigned long long)cpus[c].cur_nr,
					  (unsigned long long)cpus[c].cur_cmd);
				all = false;
			}
		}
		/* (a) return values. */
		for (unsigned c = 0; c < ncpus; c++) {
			struct cpu_state *cs = &cpus[c];
			if (cs->bad != seen_bad[c] && !seen_bad[c])
				fuzz_fail("batch %u: vCPU %u: hypercall %llu cmd %#llx returned "
					  "%lld (%#llx), not 0 / a Xen errno",
					  (unsigned)cs->first_bad[3], c,
					  (unsigned long long)cs->first_bad[0],
					  (unsigned long long)cs->first_bad[1],
					  (long long)cs->first_bad[2],
					  (unsigned long long)cs->first_bad[2]);
			seen_bad[c] = cs->bad;
			if (cs->unmasked)
				fuzz_fail("vCPU %u: %llu calls returned with IRQs unmasked, first "
					  "hypercall %llu cmd %#llx (rc %lld); %llu IRQs taken "
					  "(SPSR %#llx)", c, (unsigned long long)cs->unmasked,
					  (unsigned long long)cs->first_unmask[0],
					  (unsigned long long)cs->first_unmask[1],
					  (long long)cs->first_unmask[2],
					  (unsigned long long)cs->irqs,
					  (unsigned long long)cs->irq_spsr);
			else if (cs->irqs)
				fuzz_fail("vCPU %u: %llu IRQs taken with IRQs masked? (SPSR "
					  "%#llx, during hypercall %llu cmd %#llx)", c,
					  (unsigned long long)cs->irqs,
					  (unsigned long long)cs->irq_spsr,
					  (unsigned long long)cs->cur_nr,
					  (unsigned long long)cs->cur_cmd);
			cs->unmasked = cs->irqs = 0;
			if (cs->timer_lost)
				fuzz_fail("batch %u: vCPU %u: vtimer interrupt never came "
					  "after %llu of %llu block/poll calls", b, c,
					  (unsigned long long)cs->timer_lost,
					  (unsigned long long)cs->timed);
		}
		/* (d) own image and guard pages. */
		uint64_t now = own_checksum();
		if (now != ref) {
			fuzz_fail("batch %u: own image/guard checksum %#llx, was %#llx",
				  b, (unsigned long long)now, (unsigned long long)ref);
			ref = now;
		}
		if (!all)
			break;
		if (b % 5 == 0 || b == batches) {
			uint64_t n = 0;
			for (unsigned c = 0; c < ncpus; c++)
				n += cpus[c].calls;
			say("fuzz: batch %u/%u: %llu calls, all %u vCPUs at the barrier", b,
			    batches, (unsigned long long)n, ncpus);
		}
	}
	stop = 1;
	dsb();

	/* End a console_io line some call left open. */
	xen_hypercall(HC_CONSOLE_IO, CONSOLEIO_write, 1, (uint64_t)(uintptr_t)"\n", 0, 0);

	uint64_t total = 0, bad = 0, unknown = 0, minhits = ~0ull;
	unsigned covered = 0, succeeded = 0;
	char never[160];
	size_t nl = 0;
	never[0] = '\0';
	const char *rarest = "";
	for (unsigned c = 0; c < ncpus; c++) {
		struct cpu_state *cs = &cpus[c];
		say("fuzz: vCPU %u: %llu calls, %llu >= 0, %llu -ENOSYS, %llu other errors, "
		    "%llu blocked/polled (%llu blocks returned with IRQs unmasked)", c,
		    (unsigned long long)cs->calls,
		    (unsigned long long)cs->nonneg, (unsigned long long)cs->enosys,
		    (unsigned long long)(cs->calls - cs->nonneg - cs->enosys),
		    (unsigned long long)cs->timed, (unsigned long long)cs->block_unmasked);
		total += cs->calls;
		bad += cs->bad;
		unknown += cs->unknown;
	}
	for (unsigned k = 0; k < NKNOWN; k++) {
		uint64_t h = 0;
		for (unsigned c = 0; c < ncpus; c++)
			h += cpus[c].hits[k];
		uint64_t w = 0;
		for (unsigned c = 0; c < ncpus; c++)
			w += cpus[c].wins[k];
		if (h)
			covered++;
		else
			fuzz_fail("sub-op %s never called", known[k].name);
		if (w)
			succeeded++;
		else if (nl + 40 < sizeof(never))
			nl += (size_t)snprintf(never + nl, sizeof(never) - nl, " %s",
					       known[k].name);
		if (h < minhits) {
			minhits = h;
			rarest = known[k].name;
		}
	}
	say("fuzz: coverage: %u/%u sub-ops (fewest: %s, %llu calls), %llu calls to "
	    "unknown numbers or sub-ops", covered, (unsigned)NKNOWN, rarest,
	    (unsigned long long)minhits, (unsigned long long)unknown);
	say("fuzz: %u/%u sub-ops answered >= 0 at least once; never:%s", succeeded,
	    (unsigned)NKNOWN, nl ? never : " none");
	if (b > batches && own_checksum() == ref)
		say("fuzz: own image and guard pages unchanged (checksum %#llx)",
		    (unsigned long long)ref);
	say("fuzz: %llu calls on %u vCPUs answered, %llu bad return values",
	    (unsigned long long)total, ncpus, (unsigned long long)bad);
out:
	stop = 1;
	dsb();
	say("FUZZ DONE");
}

/* ---- the neighbour ---- */

#define WATCH_BYTES (1024 * 1024)

void mode_fuzz_neighbour(void)
{
	uint64_t base = (((uint64_t)(uintptr_t)_end + BLOCK2M - 1) & ~(BLOCK2M - 1)) + BLOCK2M;
	uint64_t lo, hi, period = cntfrq() * arg_num("period", 50) / 1000;
	volatile uint64_t *blk = (volatile uint64_t *)(uintptr_t)base;
	uint64_t s = 0x243f6a8885a308d3ull;

	if (!ram_info(&lo, &hi) || base + WATCH_BYTES > hi) {
		say("fuzzwatch: no room for the watched block");
		hello_loop();
	}
	for (uint64_t i = 0; i < WATCH_BYTES / 8; i++) {
		s ^= s << 13;
		s ^= s >> 7;
		s ^= s << 17;
		blk[i] = s;
	}
	bool wfi = gic_init(g_fdt) && gic_enable_ppi(vtimer_intid());
	uint64_t first = 0, next = cntvct() + period;
	say("fuzzwatch: %u KiB at %#llx and the image [%p, %p) checksummed every tick",
	    WATCH_BYTES / 1024, (unsigned long long)base, _text, _bss_start);
	for (uint64_t n = 1;; n++) {
		while (!passed(next)) {
			if (!wfi) {
				cpu_relax();
				continue;
			}
			__asm__ volatile("msr cntv_cval_el0, %0\n\t"
					 "msr cntv_ctl_el0, %1\n\tisb\n\twfi"
					 :: "r"(next), "r"(1ull) : "memory");
			uint32_t id = gic_ack();
			__asm__ volatile("msr cntv_ctl_el0, xzr\n\tisb" ::: "memory");
			if (id < 1020)
				gic_eoi(id);
		}
		uint64_t h = checksum(_text, (size_t)(_bss_start - _text) & ~7ul,
				      0xcbf29ce484222325ull);
		h = checksum((const void *)(uintptr_t)base, WATCH_BYTES, h);
		if (n == 1)
			first = h;
		say("tick %llu csum %#llx%s", (unsigned long long)n, (unsigned long long)h,
		    h == first ? "" : " CHANGED");
		next += period;
		if ((int64_t)(cntvct() - next) > (int64_t)(4 * period))
			next = cntvct() + period;
	}
}
