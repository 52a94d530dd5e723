// SPDX-License-Identifier: MIT
/*
 * race: several vCPUs of one domain attack the hypervisor at the same
 * moment, on purpose, many rounds in a row.
 *
 *   test=race attack=<conio|remap|vcpuinfo|cpuon> rounds=N (default 200)
 *
 * The boot vCPU starts the others with PSCI CPU_ON. Every round begins
 * with a start barrier that all racing vCPUs pass together; each then
 * waits a pseudo-random number of loop iterations (0..MAX_DELAY, its own
 * generator) before acting, so the interleavings differ from round to
 * round. Only the boot vCPU prints (the vCPUs share one UART and there
 * are no locks with the MMU off): the others leave their results in
 * shared variables. The run ends with exactly one verdict line:
 *
 *   <name>: race <attack>: PASS <details>
 *   <name>: race <attack>: FAIL <what went wrong>
 *
 * Attacks:
 *
 * conio     every vCPU calls console_io(CONSOLEIO_write) with 1..300
 *           bytes at once, mostly without a newline, so the hypervisor's
 *           per-domain line buffer fills from all of them together.
 *           Every call must return 0, and the guest's GICD_TYPER (a
 *           value the hypervisor keeps in its domain structure) must read
 *           the same after every round.
 * remap     vCPU 0 moves shared_info (XENMEM_add_to_physmap) each round
 *           into a page of a 2 MiB block of guest RAM that was never
 *           touched that way, so the hypervisor must split the block
 *           mapping (break-before-make) while vCPU 1 keeps reading and
 *           writing other pages of the same block: it must never take an
 *           abort nor read back something else than it wrote. After
 *           each move the old gfn must be unmapped (a load faults),
 *           also when the old gfn was 0 (outside RAM).
 * vcpuinfo  shared_info is put over RAM gfn X, then moved away, leaving
 *           X unmapped; VCPUOP_register_vcpu_info for the powered-off
 *           vCPU 1 with mfn = X must fail with -EINVAL (-22). Then vCPU 1
 *           gets a proper vcpu_info, is started and makes hypercalls.
 * cpuon     three vCPUs: vCPU 0 and vCPU 1 both CPU_ON vCPU 2 at once.
 *           Exactly one call per round may succeed, the other gets
 *           ALREADY_ON (-4) or ON_PENDING (-5); vCPU 2 counts its starts
 *           (which must equal the successes), waits until both calls
 *           returned, and CPU_OFFs itself; AFFINITY_INFO must report it
 *           off before the next round.
 *
 * Moving shared_info: Xen 4.17 refuses to map it a second time while it
 * is still mapped (-EBUSY, "unmap it first"); the guest then removes the
 * old mapping (XENMEM_remove_from_physmap) and maps it again. A
 * hypervisor may also move it in one call. Either way the old gfn must
 * end up unmapped.
 *
 * Extra bootargs: seed=N (the delay generators), offwait=MS (cpuon: a
 * pause between "vCPU 2 is off" and the next round, to study a
 * hypervisor that needs one; 0 by default).
 */
#include "tg.h"
#include "../rt/xen.h"

#define MAX_CPUS   4
#define MAX_DELAY  400
#define BLOCK      0x200000ull
#define PAGE       0x1000ull

#define XENMEM_remove_from_physmap 15
#define XEN_EBUSY 16
struct xen_remove_from_physmap {
	uint16_t domid;
	uint16_t pad[3];
	uint64_t gpfn;
};
_Static_assert(sizeof(struct xen_remove_from_physmap) == 16, "remove_from_physmap");

#define PSCI_ALREADY_ON  (-4)
#define PSCI_ON_PENDING  (-5)

static const char *attack;
static unsigned ncpus;          /* vCPUs taking part in the barrier */
static uint64_t mpidr[MAX_CPUS];

/* Shared between the vCPUs (MMU off: every access goes to memory). */
static volatile uint32_t arrive[MAX_CPUS];
static volatile uint32_t release_gen;
static volatile uint32_t up[MAX_CPUS];
static volatile uint32_t aborted;
static volatile uint32_t finished;

static void attack_conio(unsigned cpu, uint32_t round);
static void attack_remap(unsigned cpu, uint32_t round);
static void cpuon_racer(unsigned cpu, uint32_t round);
static void cpuon_target(void);
static void vcpuinfo_secondary(void);

/* ---- small helpers ---- */

static uint64_t seeds[MAX_CPUS];

static uint32_t rnd(unsigned cpu)
{
	uint64_t s = seeds[cpu];
	s ^= s << 13;
	s ^= s >> 7;
	s ^= s << 17;
	seeds[cpu] = s;
	return (uint32_t)(s >> 16);
}

static void spin(uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		__asm__ volatile("nop");
}

static void random_delay(unsigned cpu)
{
	spin(rnd(cpu) % (MAX_DELAY + 1));
}

static uint64_t deadline(uint64_t ms)
{
	return cntvct() + cntfrq() * ms / 1000;
}

static bool passed(uint64_t when)
{
	return (int64_t)(cntvct() - when) > 0;
}

/*
 * Start barrier without atomics: each vCPU publishes its generation in
 * its own slot, vCPU 0 waits for all of them and releases. vCPU 0 gives
 * up after 5 s (a vCPU died); the others leave when `aborted` is set.
 */
static bool barrier(unsigned cpu, uint32_t gen)
{
	arrive[cpu] = gen;
	dsb();
	if (cpu == 0) {
		uint64_t end = deadline(5000);
		for (unsigned i = 1; i < ncpus; i++)
			while (arrive[i] != gen) {
				if (passed(end) || aborted)
					return false;
				cpu_relax();
			}
		release_gen = gen;
		dsb();
		return true;
	}
	while (release_gen != gen) {
		if (aborted)
			return false;
		cpu_relax();
	}
	return true;
}

/* What went wrong: every failure, "; "-separated, as far as it fits. */
static char fail_msg[192];

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void fail(const char *fmt, ...)
{
	size_t n = strlen(fail_msg);
	if (n && n + 3 < sizeof(fail_msg)) {
		memcpy(fail_msg + n, "; ", 3);
		n += 2;
	}
	if (n + 1 >= sizeof(fail_msg))
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(fail_msg + n, sizeof(fail_msg) - n, fmt, ap);
	va_end(ap);
}

/* An attack that printed a lot (conio) has used up the domain's console
 * budget (the hypervisor drops lines over 32 KiB, refilling 8 KiB a
 * second): wait until the verdict line fits again. */
static void quiet_before_verdict(void)
{
	uint64_t end = cntvct() + cntfrq() / 4;

	while ((int64_t)(cntvct() - end) < 0)
		cpu_relax();
}

static void verdict_pass(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void verdict_pass(const char *fmt, ...)
{
	char buf[160];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	quiet_before_verdict();
	say("race %s: PASS %s", attack, buf);
}

static void verdict_fail(void)
{
	quiet_before_verdict();
	say("race %s: FAIL %s", attack, fail_msg);
}

static int64_t add_shared_info(uint64_t gfn)
{
	struct xen_add_to_physmap x = {
		.domid = DOMID_SELF,
		.space = XENMAPSPACE_shared_info,
		.idx = 0,
		.gpfn = gfn,
	};
	return xen_hypercall(XEN_HC_memory_op, XENMEM_add_to_physmap,
			     (uint64_t)(uintptr_t)&x, 0, 0, 0);
}

static int64_t remove_gfn(uint64_t gfn)
{
	struct xen_remove_from_physmap r = { .domid = DOMID_SELF, .gpfn = gfn };
	return xen_hypercall(XEN_HC_memory_op, XENMEM_remove_from_physmap,
			     (uint64_t)(uintptr_t)&r, 0, 0, 0);
}

static uint32_t busy_moves;   /* moves that needed remove_from_physmap */

/* Moves shared_info from gfn `from` (or nowhere: ~0) to `to`. */
static int64_t move_shared_info(uint64_t from, uint64_t to)
{
	int64_t rc = add_shared_info(to);
	if (rc == -XEN_EBUSY && from != ~0ull) {
		/* Xen 4.17: unmap first, then map again. */
		busy_moves++;
		rc = remove_gfn(from);
		if (rc)
			return rc;
		rc = add_shared_info(to);
	}
	return rc;
}

/* True if a 32-bit load at addr takes an exception. Prints the abort
 * (exc.c does) when it does. */
static bool load_faults(uint64_t addr)
{
	uint32_t v;
	return try_load32(addr, &v, NULL) != 0;
}

/* ---- guest RAM carved into 2 MiB blocks nobody else uses ---- */

#define MAX_BLOCKS 512
static uint64_t blocks[MAX_BLOCKS];
static unsigned nblocks;

extern char _end[];

/* Whole 2 MiB blocks of RAM clear of the image, its stacks and the DTB,
 * from 4 MiB above the image upward. */
static void find_blocks(void)
{
	uint64_t base, end;
	if (!ram_info(&base, &end))
		return;
	uint64_t fdt = (uint64_t)(uintptr_t)g_fdt;
	uint64_t fdt_end = fdt + (g_fdt ? ((uint64_t)be32((const uint8_t *)g_fdt + 4)) : 0);
	uint64_t img_end = (uint64_t)(uintptr_t)_end;
	uint64_t b = ((img_end + BLOCK - 1) & ~(BLOCK - 1)) + 2 * BLOCK;
	for (; b + BLOCK <= end && nblocks < MAX_BLOCKS; b += BLOCK) {
		if (b < base)
			continue;
		if (b < fdt_end && fdt < b + BLOCK)
			continue;
		blocks[nblocks++] = b;
	}
}

/* ---- the run ---- */

static uint32_t rounds;
static volatile uint32_t cur_round;

static void race_loop(unsigned cpu)
{
	for (uint32_t r = 1; r <= rounds; r++) {
		if (!barrier(cpu, 2 * r - 1))
			return;
		if (!strcmp(attack, "conio"))
			attack_conio(cpu, r);
		else if (!strcmp(attack, "remap"))
			attack_remap(cpu, r);
		else if (!strcmp(attack, "cpuon"))
			cpuon_racer(cpu, r);
		if (!barrier(cpu, 2 * r))
			return;
		if (finished)
			return;
	}
}

static void race_secondary(uint64_t idx)
{
	unsigned cpu = (unsigned)idx;
	if (!strcmp(attack, "cpuon") && cpu == 2) {
		cpuon_target();
		return;
	}
	if (!strcmp(attack, "vcpuinfo")) {
		vcpuinfo_secondary();
		return;
	}
	up[cpu] = 1;
	dsb();
	race_loop(cpu);
	halt();
}

/* Starts vCPUs 1..n-1 and waits until each reports in. */
static bool start_cpus(unsigned n)
{
	for (unsigned i = 1; i < n; i++) {
		int64_t rc = psci_call(PSCI_CPU_ON_64, mpidr[i],
				       (uint64_t)(uintptr_t)secondary_entry, i);
		uint64_t end = deadline(3000);
		while (!rc && !up[i] && !passed(end))
			cpu_relax();
		if (rc || !up[i]) {
			fail("could not start vCPU %u (CPU_ON = %lld)", i,
				  (long long)rc);
			return false;
		}
	}
	return true;
}

/* ---- conio ---- */

static uint64_t gicd_base;
static uint32_t gicd_typer0;
static char conio_buf[MAX_CPUS][320];
static volatile int64_t conio_bad_rc[MAX_CPUS];
static volatile uint32_t conio_bad_round[MAX_CPUS];
static volatile uint32_t conio_calls[MAX_CPUS];
static volatile uint32_t conio_bytes[MAX_CPUS];

static bool find_gicd(void)
{
	struct dt_node it = { .off = -1 };
	uint64_t size;
	while (dt_next(g_fdt, &it))
		if (dt_compatible(g_fdt, it.off, "arm,gic-v3"))
			return dt_reg(g_fdt, it.off, 0, &gicd_base, &size);
	return false;
}

static uint32_t gicd_typer(void)
{
	return *(volatile uint32_t *)(uintptr_t)(gicd_base + 4);
}

/*
 * What the guest can see of its virtual distributor, i.e. of state the
 * hypervisor keeps in its domain structure: CTLR, TYPER, IIDR and, for
 * every SPI, group, enable, priority, configuration and routing. Nothing
 * in this guest writes them, so they must never change.
 */
#define MAX_SNAP 1024
static uint32_t snap_ref[MAX_SNAP], snap_now[MAX_SNAP];
static uint16_t snap_off[MAX_SNAP];
static unsigned snap_n;

static unsigned gicd_snapshot(uint32_t *out)
{
	unsigned n = 0, lines = ((gicd_typer0 & 0x1f) + 1) * 32;
	if (lines > 1020)
		lines = 1020;
#define RD(off) do { if (n < MAX_SNAP) { snap_off[n] = (uint16_t)(off); \
	out[n++] = *(volatile uint32_t *)(uintptr_t)(gicd_base + (off)); } } while (0)
	RD(0x0);  /* CTLR */
	RD(0x4);  /* TYPER */
	RD(0x8);  /* IIDR */
	for (unsigned i = 32; i < lines; i += 32) {
		RD(0x80 + i / 8);    /* IGROUPR */
		RD(0x100 + i / 8);   /* ISENABLER */
	}
	for (unsigned i = 32; i < lines; i += 4)
		RD(0x400 + i);       /* IPRIORITYR */
	for (unsigned i = 32; i < lines; i += 16)
		RD(0xc00 + i / 4);   /* ICFGR */
#undef RD
	for (unsigned i = 32; i < lines && n + 1 < MAX_SNAP; i++) {
		/* IROUTER: 64-bit registers, read whole. */
		uint64_t v = *(volatile uint64_t *)(uintptr_t)(gicd_base + 0x6000 + 8 * i);
		snap_off[n] = (uint16_t)(0x6000 + 8 * i);
		out[n++] = (uint32_t)v;
		snap_off[n] = (uint16_t)(0x6004 + 8 * i);
		out[n++] = (uint32_t)(v >> 32);
	}
	return n;
}

static const char *gicd_name(unsigned off)
{
	if (off < 0xc)
		return off == 0 ? "CTLR" : off == 4 ? "TYPER" : "IIDR";
	if (off < 0x100)
		return "IGROUPR";
	if (off < 0x180)
		return "ISENABLER";
	if (off < 0x800)
		return "IPRIORITYR";
	if (off < 0xd00)
		return "ICFGR";
	return "IROUTER";
}

/* 0 if the distributor reads as it did at the start, else the offset+1
 * of the first register that changed. */
static unsigned gicd_changed(uint32_t *was, uint32_t *now)
{
	unsigned n = gicd_snapshot(snap_now);
	for (unsigned i = 0; i < n && i < snap_n; i++)
		if (snap_now[i] != snap_ref[i]) {
			*was = snap_ref[i];
			*now = snap_now[i];
			return snap_off[i] + 1u;
		}
	return 0;
}

static void attack_conio(unsigned cpu, uint32_t round)
{
	char *b = conio_buf[cpu];
	uint32_t len = 1 + rnd(cpu) % 300;
	/* Digits and dots only: nothing a scenario could mistake for a
	 * message. A newline at the end one time in eight. */
	for (uint32_t i = 0; i < len; i++)
		b[i] = (i % 10 == 9) ? '.' : (char)('0' + cpu);
	if (rnd(cpu) % 8 == 0)
		b[len - 1] = '\n';
	random_delay(cpu);
	int64_t rc = xen_hypercall(XEN_HC_console_io, CONSOLEIO_write, len,
				   (uint64_t)(uintptr_t)b, 0, 0);
	conio_calls[cpu]++;
	conio_bytes[cpu] += len;
	if (rc && !conio_bad_round[cpu]) {
		conio_bad_rc[cpu] = rc;
		conio_bad_round[cpu] = round;
	}
}

static void run_conio(void)
{
	if (!find_gicd()) {
		fail("no arm,gic-v3 node in the DT");
		return;
	}
	gicd_typer0 = gicd_typer();
	snap_n = gicd_snapshot(snap_ref);
	say("race conio: GICD_TYPER %#x (%u distributor registers watched), "
	    "%u vCPUs, %u rounds", gicd_typer0, snap_n, ncpus, rounds);
	if (!start_cpus(ncpus))
		return;
	uint32_t r;
	for (r = 1; r <= rounds; r++) {
		cur_round = r;
		if (!barrier(0, 2 * r - 1))
			break;
		attack_conio(0, r);
		if (!barrier(0, 2 * r))
			break;
		uint32_t was, now;
		unsigned off = gicd_changed(&was, &now);
		if (off) {
			fail("GICD_%s (+%#x) changed %#x -> %#x after round %u "
				  "(hypervisor state corrupted)",
				  gicd_name(off - 1), off - 1, was, now, r);
			break;
		}
		for (unsigned c = 0; c < ncpus; c++)
			if (conio_bad_round[c]) {
				fail("console_io on vCPU %u returned %lld in round %u",
					  c, (long long)conio_bad_rc[c],
					  conio_bad_round[c]);
			}
		if (fail_msg[0])
			break;
	}
	finished = 1;
	dsb();
	if (r <= rounds && !fail_msg[0])
		fail("a vCPU stopped answering in round %u", r);
	aborted = 1;   /* releases anyone still waiting */
	dsb();
	/* End the last partial line of the console_io output. */
	xen_hypercall(XEN_HC_console_io, CONSOLEIO_write, 1,
		      (uint64_t)(uintptr_t)"\n", 0, 0);
	if (fail_msg[0])
		return;
	uint32_t calls = 0, bytes = 0;
	for (unsigned c = 0; c < ncpus; c++)
		calls += conio_calls[c], bytes += conio_bytes[c];
	verdict_pass("%u rounds x %u vCPUs, %u calls, %u bytes; GICD_TYPER %#x and %u "
		     "more GICD registers unchanged", rounds, ncpus, calls, bytes,
		     gicd_typer0, snap_n - 1);
}

/* ---- remap ---- */

static volatile uint64_t remap_block;     /* block under attack this round */
static volatile uint64_t remap_target;    /* the page shared_info goes to */
static volatile uint32_t remap_moved;     /* vCPU 0 finished its move */
static volatile uint32_t hammer_faults, hammer_mismatch, hammer_ops;
static volatile uint32_t hammer_fault_round, hammer_mismatch_round;
static volatile uint64_t hammer_far;

static void attack_remap(unsigned cpu, uint32_t round)
{
	if (cpu == 0)
		return;   /* vCPU 0's part is in run_remap */
	uint64_t block = remap_block, target = remap_target;
	uint32_t pattern = 0x5a000000u | (round << 8);
	/* Read and write other pages of the block until the move is done,
	 * and a few more times after it. */
	for (uint32_t extra = 0; extra < 64;) {
		uint64_t page = block + (rnd(cpu) % 512) * PAGE;
		if (page == target)
			continue;
		uint64_t a = page + (rnd(cpu) % 1024) * 4;
		struct fault_record fr;
		uint32_t v = 0;
		uint32_t f = try_store32(a, pattern ^ (uint32_t)a, &fr);
		if (!f)
			f = try_load32(a, &v, &fr);
		hammer_ops++;
		if (f) {
			if (!hammer_faults++) {
				hammer_fault_round = round;
				hammer_far = fr.far;
			}
		} else if (v != (pattern ^ (uint32_t)a)) {
			if (!hammer_mismatch++)
				hammer_mismatch_round = round;
		}
		if (remap_moved)
			extra++;
	}
}

static void run_remap(void)
{
	find_blocks();
	if (ncpus < 2) {
		fail("needs 2 vCPUs, the DT has %u", ncpus);
		return;
	}
	/* Block 0 is for the gfn 0 check, the others are raced on. */
	if (nblocks < 3) {
		fail("only %u free 2 MiB blocks of RAM", nblocks);
		return;
	}
	if (rounds > nblocks - 1)
		rounds = nblocks - 1;
	say("race remap: %u vCPUs, %u rounds, blocks %#llx..%#llx", ncpus, rounds,
	    (unsigned long long)blocks[1],
	    (unsigned long long)blocks[rounds] + BLOCK - 1);

	/* gfn 0 (outside RAM): map shared_info there, move it, and gfn 0
	 * must not map anything any more. */
	int64_t rc = add_shared_info(0);
	say("race remap: shared_info at gfn 0: %lld", (long long)rc);
	if (rc) {
		fail("add_to_physmap shared_info at gfn 0 = %lld", (long long)rc);
		return;
	}
	bool zero_mapped = !load_faults(0);
	uint64_t g0 = (blocks[0] >> 12) + 7;
	rc = move_shared_info(0, g0);
	say("race remap: moved to gfn %#llx: %lld", (unsigned long long)g0,
	    (long long)rc);
	if (rc) {
		fail("moving shared_info from gfn 0 to %#llx = %lld",
			  (unsigned long long)g0, (long long)rc);
		return;
	}
	bool zero_after = load_faults(0);
	say("race remap: gfn 0 %s before the move, %s after it",
	    zero_mapped ? "mapped" : "NOT mapped",
	    zero_after ? "unmapped" : "STILL MAPPED");
	if (!zero_mapped)
		fail("shared_info mapped at gfn 0 but a load there faults");
	if (!zero_after)
		fail("gfn 0 still mapped after shared_info moved to %#llx",
			  (unsigned long long)g0);
	if (load_faults(g0 << 12))
		fail("shared_info's new gfn %#llx faults", (unsigned long long)g0);

	if (!start_cpus(ncpus))
		return;
	uint64_t cur = g0;
	uint32_t stale = 0, stale_round = 0, r;
	uint64_t stale_gfn = 0;
	for (r = 1; r <= rounds; r++) {
		uint64_t block = blocks[r];
		uint64_t to = (block >> 12) + rnd(0) % 512;
		remap_block = block;
		remap_target = to << 12;
		remap_moved = 0;
		cur_round = r;
		dsb();
		if (!barrier(0, 2 * r - 1))
			break;
		random_delay(0);
		rc = move_shared_info(cur, to);
		remap_moved = 1;
		dsb();
		if (!barrier(0, 2 * r))
			break;
		if (rc) {
			fail("round %u: moving shared_info %#llx -> %#llx = %lld", r,
				  (unsigned long long)cur, (unsigned long long)to,
				  (long long)rc);
			break;
		}
		/* The old place is a hole now, the new one is mapped. Only
		 * every 8th round prints its abort, to keep the log short. */
		if (r % 8 == 1 || r == rounds) {
			if (!load_faults(cur << 12)) {
				if (!stale++)
					stale_round = r, stale_gfn = cur;
			}
		}
		cur = to;
	}
	finished = 1;
	aborted = 1;
	dsb();
	if (r <= rounds && !fail_msg[0])
		fail("a vCPU stopped answering in round %u", r);
	if (hammer_faults)
		fail("data abort during break-before-make: %u on vCPU 1 "
			  "(round %u, FAR %#llx) in %u accesses",
			  hammer_faults, hammer_fault_round,
			  (unsigned long long)hammer_far, hammer_ops);
	if (hammer_mismatch)
		fail("vCPU 1 read back other data than it wrote: %u times "
			  "(first in round %u)", hammer_mismatch,
			  hammer_mismatch_round);
	if (stale)
		fail("old gfn %#llx still mapped after shared_info moved "
			  "(round %u, %u stale)", (unsigned long long)stale_gfn,
			  stale_round, stale);
	if (fail_msg[0])
		return;
	verdict_pass("%u block splits raced by %u accesses, no abort; gfn 0 and old "
		     "gfns unmapped%s", rounds, hammer_ops,
		     busy_moves ? " (-EBUSY: removed first)" : "");
}

/* ---- vcpuinfo ---- */

static uint8_t vinfo_page[4096] __attribute__((aligned(4096)));
static volatile int64_t v1_rc[8];
static volatile uint32_t v1_calls;

static void vcpuinfo_secondary(void)
{
	up[1] = 1;
	dsb();
	/* The vcpu_info vCPU 0 registered for us: the hypervisor writes
	 * there; a second registration must be refused. */
	struct vcpu_register_vcpu_info reg = {
		.mfn = (uint64_t)(uintptr_t)vinfo_page >> 12,
		.offset = 64,
	};
	v1_rc[0] = xen_hypercall(XEN_HC_vcpu_op, VCPUOP_register_vcpu_info, 1,
				 (uint64_t)(uintptr_t)&reg, 0, 0);
	v1_rc[1] = xen_hypercall(XEN_HC_xen_version, 0, 0, 0, 0, 0);
	for (uint32_t i = 0; i < 200; i++) {
		int64_t rc = xen_hypercall(XEN_HC_xen_version, 0, 0, 0, 0, 0);
		if (rc != v1_rc[1])
			v1_rc[2] = rc;
		v1_calls++;
	}
	/* An event channel to ourselves, then a notification on it. */
	struct evtchn_alloc_unbound a = { .dom = DOMID_SELF, .remote_dom = DOMID_SELF };
	v1_rc[3] = evtchn_op(EVTCHNOP_alloc_unbound, &a);
	if (!v1_rc[3]) {
		struct evtchn_port_arg s = { .port = a.port };
		v1_rc[4] = evtchn_op(EVTCHNOP_send, &s);
		v1_rc[5] = evtchn_op(EVTCHNOP_close, &s);
	}
	dsb();
	up[1] = 2;
	dsb();
	halt();
}

static void run_vcpuinfo(void)
{
	find_blocks();
	if (ncpus < 2) {
		fail("needs 2 vCPUs, the DT has %u", ncpus);
		return;
	}
	if (nblocks < 2) {
		fail("only %u free 2 MiB blocks of RAM", nblocks);
		return;
	}
	uint64_t x = (blocks[0] >> 12) + 3, y = (blocks[1] >> 12) + 5;
	/* Something in X the hypervisor might later find there. */
	*(volatile uint32_t *)(uintptr_t)(x << 12) = 0x12345678;
	int64_t rc = add_shared_info(x);
	say("race vcpuinfo: shared_info over RAM gfn %#llx: %lld",
	    (unsigned long long)x, (long long)rc);
	if (rc) {
		fail("add_to_physmap shared_info at gfn %#llx = %lld",
			  (unsigned long long)x, (long long)rc);
		return;
	}
	rc = move_shared_info(x, y);
	bool hole = load_faults(x << 12);
	say("race vcpuinfo: moved to gfn %#llx: %lld; gfn %#llx %s",
	    (unsigned long long)y, (long long)rc, (unsigned long long)x,
	    hole ? "unmapped" : "STILL MAPPED");
	if (rc) {
		fail("moving shared_info %#llx -> %#llx = %lld",
			  (unsigned long long)x, (unsigned long long)y, (long long)rc);
		return;
	}
	struct vcpu_register_vcpu_info reg = { .mfn = x, .offset = 0x100 };
	rc = xen_hypercall(XEN_HC_vcpu_op, VCPUOP_register_vcpu_info, 1,
			   (uint64_t)(uintptr_t)&reg, 0, 0);
	say("race vcpuinfo: register_vcpu_info vCPU 1 on unmapped gfn %#llx: %lld",
	    (unsigned long long)x, (long long)rc);
	if (rc != -XEN_EINVAL) {
		/* Do not start vCPU 1: the hypervisor would write its
		 * vcpu_info wherever it thinks gfn X is. */
		fail("register_vcpu_info on unmapped gfn %#llx = %lld, want -22",
			  (unsigned long long)x, (long long)rc);
		return;
	}
	reg = (struct vcpu_register_vcpu_info){
		.mfn = (uint64_t)(uintptr_t)vinfo_page >> 12, .offset = 64 };
	rc = xen_hypercall(XEN_HC_vcpu_op, VCPUOP_register_vcpu_info, 1,
			   (uint64_t)(uintptr_t)&reg, 0, 0);
	say("race vcpuinfo: register_vcpu_info vCPU 1 on RAM gfn %#llx: %lld",
	    (unsigned long long)reg.mfn, (long long)rc);
	if (rc) {
		fail("register_vcpu_info on RAM gfn %#llx = %lld, want 0",
			  (unsigned long long)reg.mfn, (long long)rc);
		return;
	}
	if (!start_cpus(2))
		return;
	uint64_t end = deadline(5000);
	while (up[1] != 2 && !passed(end))
		cpu_relax();
	if (up[1] != 2) {
		fail("vCPU 1 did not finish its hypercalls");
		return;
	}
	say("race vcpuinfo: vCPU 1: register again %lld, xen_version %#llx x%u%s, "
	    "evtchn alloc_unbound %lld send %lld close %lld",
	    (long long)v1_rc[0], (unsigned long long)v1_rc[1], v1_calls + 1,
	    v1_rc[2] ? " (changed!)" : "", (long long)v1_rc[3],
	    (long long)v1_rc[4], (long long)v1_rc[5]);
	if (v1_rc[0] != -XEN_EINVAL)
		fail("vCPU 1 registering a second vcpu_info got %lld, want -22",
			  (long long)v1_rc[0]);
	if (v1_rc[1] <= 0 || v1_rc[2])
		fail("xen_version on vCPU 1 = %#llx / %#llx",
			  (unsigned long long)v1_rc[1], (unsigned long long)v1_rc[2]);
	if (fail_msg[0])
		return;
	verdict_pass("register_vcpu_info on the unmapped gfn refused (-22); vCPU 1 "
		     "ran %u hypercalls", v1_calls + 4);
}

/* ---- cpuon ---- */

static volatile int64_t on_rc[MAX_CPUS];
static volatile uint32_t target_starts;
static volatile uint32_t target_round;     /* round vCPU 2 saw when it started */
static volatile uint32_t target_release;   /* vCPU 2 may CPU_OFF in this round */
static volatile uint32_t off_returned;     /* CPU_OFF came back (it must not) */

static uint64_t offwait_ms;

static void spin_ms(uint64_t ms)
{
	uint64_t end = deadline(ms);
	while (!passed(end))
		cpu_relax();
}

static void cpuon_racer(unsigned cpu, uint32_t round)
{
	random_delay(cpu);
	on_rc[cpu] = psci_call(PSCI_CPU_ON_64, mpidr[2],
			       (uint64_t)(uintptr_t)secondary_entry, 2);
	(void)round;
}

static void cpuon_target(void)
{
	uint32_t r = cur_round;
	target_starts++;
	target_round = r;
	dsb();
	/* Stay on until both CPU_ON calls of this round have returned: a
	 * late call must find us on, not off-and-startable again. */
	while (target_release < r && !aborted)
		cpu_relax();
	psci_call(PSCI_CPU_OFF, 0, 0, 0);
	off_returned++;
	dsb();
	halt();
}

static void run_cpuon(void)
{
	if (ncpus < 3) {
		fail("needs 3 vCPUs, the DT has %u", ncpus);
		return;
	}
	say("race cpuon: vCPU 0 and 1 CPU_ON vCPU 2 (mpidr %#llx) at once, %u rounds",
	    (unsigned long long)mpidr[2], rounds);
	ncpus = 2;   /* the barrier is between the two racers */
	offwait_ms = arg_num("offwait", 0);
	if (!start_cpus(2))
		return;
	uint32_t successes = 0, already = 0, pending = 0, r;
	for (r = 1; r <= rounds; r++) {
		cur_round = r;
		on_rc[0] = on_rc[1] = 99;
		dsb();
		if (!barrier(0, 2 * r - 1))
			break;
		cpuon_racer(0, r);
		if (!barrier(0, 2 * r))
			break;
		unsigned ok = 0;
		for (unsigned c = 0; c < 2; c++) {
			if (on_rc[c] == 0)
				ok++;
			else if (on_rc[c] == PSCI_ALREADY_ON)
				already++;
			else if (on_rc[c] == PSCI_ON_PENDING)
				pending++;
			else
				fail("round %u: CPU_ON from vCPU %u = %lld", r, c,
					  (long long)on_rc[c]);
		}
		successes += ok;
		if (ok != 1)
			fail("round %u: %u of 2 simultaneous CPU_ON calls succeeded "
				  "(%lld, %lld)", r, ok, (long long)on_rc[0],
				  (long long)on_rc[1]);
		/* vCPU 2 must have started as often as CPU_ON said it would. */
		uint64_t end = deadline(2000);
		while (target_starts < successes && !passed(end))
			cpu_relax();
		target_release = r;
		dsb();
		end = deadline(2000);
		int64_t st;
		while ((st = psci_call(PSCI_AFFINITY_INFO_64, mpidr[2], 0, 0)) != 1 &&
		       !passed(end))
			cpu_relax();
		if (st != 1)
			fail("round %u: vCPU 2 not off 2 s after release (AFFINITY_INFO "
				  "%lld), %u starts / %u ok%s", r, (long long)st,
				  target_starts, successes,
				  off_returned ? ", its CPU_OFF returned" : "");
		/* offwait=MS: a pause between "off" and the next CPU_ON (only
		 * to study hypervisors that need one; 0 by default). */
		if (offwait_ms)
			spin_ms(offwait_ms);
		if (target_starts != successes)
			fail("round %u: vCPU 2 started %u times for %u successful "
				  "CPU_ON calls", r, target_starts, successes);
		if (fail_msg[0])
			break;
	}
	finished = 1;
	aborted = 1;
	dsb();
	if (r <= rounds && !fail_msg[0])
		fail("vCPU 1 stopped answering in round %u", r);
	if (fail_msg[0])
		return;
	verdict_pass("%u rounds, one CPU_ON ok per round, others ALREADY_ON %u / "
		     "ON_PENDING %u, %u starts", rounds, already, pending, target_starts);
}

void mode_race(void)
{
	static char which[16];
	const char *a = arg("attack", "conio");
	size_t n = strlen(a) < sizeof(which) ? strlen(a) : sizeof(which) - 1;
	memcpy(which, a, n);
	which[n] = '\0';
	attack = which;
	rounds = (uint32_t)arg_num("rounds", 200);
	if (!rounds)
		rounds = 1;
	unsigned dtn = dt_cpu_mpidrs(mpidr, MAX_CPUS);
	ncpus = dtn < MAX_CPUS ? dtn : MAX_CPUS;
	uint64_t seed = arg_num("seed", 0x9e3779b97f4a7c15ull);
	for (unsigned i = 0; i < MAX_CPUS; i++)
		seeds[i] = (seed ^ ((uint64_t)(i + 1) * 0x2545f4914f6cdd1dull)) | 1;
	secondary_hook = race_secondary;

	if (!strcmp(attack, "conio"))
		run_conio();
	else if (!strcmp(attack, "remap"))
		run_remap();
	else if (!strcmp(attack, "vcpuinfo"))
		run_vcpuinfo();
	else if (!strcmp(attack, "cpuon"))
		run_cpuon();
	else
		fail("unknown attack '%s' (conio, remap, vcpuinfo, cpuon)", attack);
	aborted = 1;
	dsb();
	if (fail_msg[0])
		verdict_fail();
}
