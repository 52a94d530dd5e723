// SPDX-License-Identifier: MIT
/*
 * Latency probe: a bare-metal arm64 guest that times hypervisor operations
 * with the virtual counter and prints one "BENCH <key> k=v ..." line per
 * figure for bench/bench.py. It finds its UART, GIC, PSCI conduit and CPUs
 * in the device tree it is given, so the same image runs under Xenith,
 * under Xen 4.17 and directly on QEMU at EL1.
 *
 * All times are in ns of the guest's virtual counter, made exact to the
 * instruction by STAMP (stamp.h); under QEMU -icount shift=0 one
 * instruction is one ns, so every figure is also an instruction count.
 *
 * bootargs (space separated, all optional):
 *   tests=ops,timer,ipi,evtchn,yield   what to run (default ops,timer;
 *                         ipi needs 2 CPUs; evtchn a second domain, see
 *                         evtchn.c; yield a second domain running
 *                         tests=yielder on the same CPU; "none": only the
 *                         power-on figure)
 *   tests=yielder         partner of tests=yield: SCHEDOP_yield forever
 *   tests=hog             spin forever (a CPU hog for the timer test)
 *   tests=idle            print the power-on figure ("BENCH idle
 *                         first_insn_ns=N") and block forever: WFI in a
 *                         loop, nothing masked, no timer armed and no
 *                         interrupt enabled, so the vCPU stays blocked in
 *                         the hypervisor (the extra domains of the scaling
 *                         runs). No bootargs at all means the same: Xen
 *                         4.17 keeps the command lines of only 32 boot
 *                         modules, so those domains get none.
 *   settle=US             before the tests, sleep US microseconds in WFI on
 *                         the vtimer (other domains on the CPU boot and
 *                         block meanwhile, not during the measurements)
 *   nohyp                 no hypervisor: skip the Xen hypercall
 *   loops=N once=N timer=N ipi=N yields=N yield_warm=N   iteration counts
 *   evtchn=tx|rx peer=D port=P evtchn_n=N evtchn_warm=W   (evtchn.c)
 *   tests=ctl target=D    probe-dom0.bin only (built with PROBE_CTL, run as
 *                         dom0): domctl getdomaininfo of domain D and
 *                         sysctl physinfo, timed (ctl.c)
 */
#include "probe.h"
#include "stamp.h"

#define XEN_HC_sched_op 29      /* with x0 = 0: SCHEDOP_yield */

const char *guest_name = "probe";
static const void *fdt;
static char args[256];

static uint64_t P;        /* ns per counter tick */
static uint64_t irq_pre;  /* vector's first insn .. stamp's first read */

static uint64_t cpu_mpidr[MAX_CPUS];
static int nr_cpus;
static bool psci_smc;

/* ---- output ---- */
void say(const char *fmt, ...)
{
	char buf[224];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	printk("%s: %s\n", guest_name, buf);
}

/* ---- bootargs ---- */
static bool has_word(const char *list, const char *w)
{
	size_t n = strlen(w);
	for (const char *p = list; *p;) {
		while (*p == ' ' || *p == ',')
			p++;
		const char *e = p;
		while (*e && *e != ' ' && *e != ',')
			e++;
		if ((size_t)(e - p) == n && !strncmp(p, w, n))
			return true;
		p = e;
	}
	return false;
}

static const char *arg(const char *key)
{
	static char val[64];
	size_t klen = strlen(key);
	for (const char *p = args; *p;) {
		while (*p == ' ')
			p++;
		const char *e = p;
		while (*e && *e != ' ')
			e++;
		if ((size_t)(e - p) > klen && !strncmp(p, key, klen) && p[klen] == '=') {
			size_t n = (size_t)(e - p) - klen - 1;
			if (n >= sizeof(val))
				n = sizeof(val) - 1;
			memcpy(val, p + klen + 1, n);
			val[n] = '\0';
			return val;
		}
		p = e;
	}
	return NULL;
}

static uint64_t arg_num(const char *key, uint64_t dflt)
{
	const char *s = arg(key);
	if (!s || !*s)
		return dflt;
	uint64_t v = 0;
	for (; *s >= '0' && *s <= '9'; s++)
		v = v * 10 + (uint64_t)(*s - '0');
	return v ? v : dflt;
}

static void load_args(void)
{
	int chosen = dt_find_path(fdt, "/chosen");
	int len = 0;
	const char *b = chosen >= 0 ? dt_getprop(fdt, chosen, "bootargs", &len) : NULL;
	if (b && len > 0) {
		size_t n = (size_t)len < sizeof(args) ? (size_t)len : sizeof(args) - 1;
		memcpy(args, b, n);
		args[n] = '\0';
	}
}

/* ---- device tree: CPUs and PSCI ---- */
static void find_cpus(void)
{
	struct dt_node it = { .off = -1 };
	while (dt_next(fdt, &it) && nr_cpus < MAX_CPUS) {
		int len;
		const char *t = dt_getprop(fdt, it.off, "device_type", &len);
		uint64_t a, s;
		if (t && !strcmp(t, "cpu") && dt_reg(fdt, it.off, 0, &a, &s))
			cpu_mpidr[nr_cpus++] = a;
	}
	int psci = -1;
	it.off = -1;
	while (dt_next(fdt, &it))
		if (dt_compatible(fdt, it.off, "arm,psci-0.2") ||
		    dt_compatible(fdt, it.off, "arm,psci")) {
			psci = it.off;
			break;
		}
	int len;
	const char *m = psci >= 0 ? dt_getprop(fdt, psci, "method", &len) : NULL;
	psci_smc = m && !strcmp(m, "smc");
}

static int64_t psci(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3)
{
	if (!psci_smc)
		return psci_call(fid, a1, a2, a3);
	register uint64_t x0 __asm__("x0") = fid;
	register uint64_t x1 __asm__("x1") = a1;
	register uint64_t x2 __asm__("x2") = a2;
	register uint64_t x3 __asm__("x3") = a3;
	__asm__ volatile("smc #0"
			 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
			 :
			 : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11",
			   "x12", "x13", "x14", "x15", "x16", "x17", "memory");
	return (int64_t)x0;
}

/* ---- statistics ---- */
struct stat {
	uint64_t n;
	int64_t sum, min, max;
};

static void st_add(struct stat *s, int64_t v)
{
	if (!s->n || v < s->min)
		s->min = v;
	if (!s->n || v > s->max)
		s->max = v;
	s->sum += v;
	s->n++;
}

static void report(const char *key, const struct stat *s)
{
	printk("BENCH %s n=%llu sum=%lld min=%lld max=%lld\n", key,
	       (unsigned long long)s->n, (long long)s->sum, (long long)s->min,
	       (long long)s->max);
}

/* The same, with the index of the (first) worst sample. */
static void report_i(const char *key, const struct stat *s, uint64_t max_i)
{
	printk("BENCH %s n=%llu sum=%lld min=%lld max=%lld max_i=%llu\n", key,
	       (unsigned long long)s->n, (long long)s->sum, (long long)s->min,
	       (long long)s->max, (unsigned long long)max_i);
}

/* ---- interrupts ---- */
#define INTID_VTIMER 27
#define SGI_PING     1
#define SGI_PONG     2

static volatile uint64_t timer_tv, ping_tv;
static volatile uint32_t timer_hits, ping_hits, pong_hits, other_irqs, spurious;
static volatile uint32_t cpu1_ready;
static uint64_t pong_sgi1r;

static inline void sgi1r_write(uint64_t v)
{
	__asm__ volatile("msr icc_sgi1r_el1, %0\n\tisb" :: "r"(v) : "memory");
}

/* Called by the IRQ vector with the raw stamp of its first instructions. */
void irq_handle(uint64_t j, uint64_t k);
void irq_handle(uint64_t j, uint64_t k)
{
	/* ns at which the vector's first instruction ran */
	uint64_t tv = (k + 1) * P - j - irq_pre;
	uint32_t iar = pgic_ack();
	uint32_t id = iar & 0xffffff;

	if (id >= 1020) {
		spurious++;
		return;
	}
	switch (id) {
	case INTID_VTIMER:
		__asm__ volatile("msr cntv_ctl_el0, xzr\n\tisb" ::: "memory");
		timer_tv = tv;
		timer_hits++;
		break;
	case SGI_PING:
		ping_tv = tv;
		ping_hits++;
		pgic_eoi(iar);
		sgi1r_write(pong_sgi1r);
		return;
	case SGI_PONG:
		pong_hits++;
		break;
	default:
		/* The event-channel upcall (tests=evtchn): off the paths the
		 * other tests time. */
		if (id == ev_intid && ev_intid) {
			ev_upcall(iar, tv);
			return;
		}
		other_irqs++;
		break;
	}
	pgic_eoi(iar);
}

/* ---- tests ---- */
static void run_op(const struct op *op, uint64_t arg, uint64_t nloop, uint64_t nonce)
{
	uint64_t fire = op->loop(nloop, arg, P);
	uint64_t cal = op->loop_cal(nloop, arg, P);
	printk("BENCH %s.loop n=%llu fire=%llu cal=%llu\n", op->key,
	       (unsigned long long)nloop, (unsigned long long)fire,
	       (unsigned long long)cal);

	/* The calibration is deterministic; the minimum of a few skips any
	 * run that a hypervisor interrupt happened to hit. */
	uint64_t c = ~0ull;
	for (int i = 0; i < 8; i++) {
		uint64_t v = op->once_cal(arg, P);
		if (v < c)
			c = v;
	}
	struct stat s = { 0 };
	uint64_t max_i = 0;
	for (uint64_t i = 0; i < nonce; i++) {
		int64_t v = (int64_t)(op->once(arg, P) - c);
		if (!s.n || v > s.max)
			max_i = i;
		st_add(&s, v);
	}
	report_i(op->key, &s, max_i);
}

#ifdef PROBE_CTL
void probe_run_op(const struct op *op, uint64_t arg, uint64_t nloop, uint64_t nonce)
{
	run_op(op, arg, nloop, nonce);
}
#endif

static void test_ops(bool nohyp)
{
	uint64_t nloop = arg_num("loops", 4096), nonce = arg_num("once", 4096);
	static const struct op null = OP("null", null);
	static const struct op xenver = OP("hc_xen_version", hcall);
	static const struct op psci_hvc = OP("psci_version", psci_hvc);
	static const struct op psci_smc_op = OP("psci_version", psci_smc);
	static const struct op rd = OP("mmio_read", mmio_rd);
	static const struct op wr = OP("mmio_write", mmio_wr);

	run_op(&null, 0, nloop, nonce);
	if (!nohyp) {
		int64_t v = xen_hypercall(XEN_HC_xen_version, 0, 0, 0, 0, 0);
		printk("BENCH info xen_version=%lld\n", (long long)v);
		run_op(&xenver, XEN_HC_xen_version, nloop, nonce);
	}
	printk("BENCH info psci_version=%#llx conduit=%s\n",
	       (unsigned long long)psci(PSCI_VERSION, 0, 0, 0), psci_smc ? "smc" : "hvc");
	run_op(psci_smc ? &psci_smc_op : &psci_hvc, 0, nloop, nonce);
	uint32_t typer;
	__asm__ volatile("ldr %w0, [%1]" : "=r"(typer) : "r"(pgic.gicd + GICD_TYPER));
	printk("BENCH info gicd=%#llx typer=%#x\n", (unsigned long long)pgic.gicd, typer);
	run_op(&rd, pgic.gicd + GICD_TYPER, nloop, nonce);
	/* Priority of INTIDs 32..35 (SPI 0 is the vUART; unused here). */
	run_op(&wr, pgic.gicd + GICD_IPRIORITYR + 32, nloop, nonce);
}

/* tests=ioreq: a read and a write of a device whose model is in dom0
 * (probe-dom0's tests=ioreq_dm): the ioreq round trip, guest access to
 * the device model's answer and back. */
static void test_ioreq(void)
{
	static const struct op rd = OP("ioreq_read", mmio_rd);
	static const struct op wr = OP("ioreq_write", mmio_wr);
	uint64_t dev = 0x02000000, nloop = arg_num("loops", 1024), nonce = arg_num("once", 1024);
	uint32_t v;

	__asm__ volatile("ldr %w0, [%1]" : "=r"(v) : "r"(dev) : "memory");
	printk("BENCH info ioreq first read=%#x\n", v);
	run_op(&rd, dev, nloop, nonce);
	run_op(&wr, dev, nloop, nonce);
}

static void timer_arm(uint64_t cval)
{
	__asm__ volatile("msr cntv_cval_el0, %0\n\t"
			 "msr cntv_ctl_el0, %1\n\tisb"
			 :: "r"(cval), "r"(1ull) : "memory");
}

void probe_timer_arm(uint64_t cval)
{
	timer_arm(cval);
}

uint32_t probe_timer_hits(void)
{
	return timer_hits;
}

/* Interrupt latency of the virtual timer: compare value reached ->
 * first instruction of the guest's IRQ vector, in instructions executed
 * in between (0 = taken at once). */
static void test_timer(bool wfi, uint64_t n, uint64_t delta_ns)
{
	uint64_t delta = delta_ns / P + 1;
	struct stat s = { 0 };
	uint32_t lost = 0, slow = 0;
	uint64_t max_i = 0;

	for (uint64_t i = 0; i < n; i++) {
		irq_mask();
		uint32_t h = timer_hits;
		uint64_t cval = cntvct() + delta;
		timer_arm(cval);
		uint64_t guard = cntvct() + 100 * delta;
		if (wfi) {
			while (timer_hits == h && cntvct() < guard) {
				__asm__ volatile("wfi" ::: "memory");
				irq_unmask();
				irq_mask();
			}
		} else {
			irq_unmask();
			while (timer_hits == h && cntvct() < guard)
				;
			irq_mask();
		}
		if (timer_hits == h) {
			lost++;
			__asm__ volatile("msr cntv_ctl_el0, xzr\n\tisb" ::: "memory");
			continue;
		}
		int64_t lat = (int64_t)(timer_tv - cval * P) - 1;
		slow += lat > 10000;
		if (!s.n || lat > s.max)
			max_i = s.n;
		st_add(&s, lat);
	}
	report_i(wfi ? "timer_wfi" : "timer_spin", &s, max_i);
	/* Samples over 10 us: the vCPU waited for another one (tests=hog). */
	if (slow)
		printk("BENCH info %s slow=%u\n", wfi ? "timer_wfi" : "timer_spin", slow);
	if (lost)
		printk("BENCH info %s lost=%u\n", wfi ? "timer_wfi" : "timer_spin", lost);
}

void probe_secondary_main(uint64_t idx);
void probe_secondary_main(uint64_t idx)
{
	__asm__ volatile("msr tpidr_el1, %0" :: "r"(idx));
	if (!pgic_cpu_init((1u << SGI_PING) | (1u << SGI_PONG))) {
		say("CPU%llu: no redistributor", (unsigned long long)idx);
		halt();
	}
	dsb();
	cpu1_ready = 1;
	dsb();
	for (;;) {
		irq_mask();
		__asm__ volatile("wfi" ::: "memory");
		irq_unmask();
	}
}

/* SGI from CPU0 to CPU1 (in WFI): the write of ICC_SGI1R_EL1 -> first
 * instruction of CPU1's IRQ vector. CPU1 answers with another SGI that
 * wakes CPU0 from WFI; only the first leg is timed. */
static void test_ipi(uint64_t n)
{
	if (nr_cpus < 2) {
		printk("BENCH info ipi skipped: %d CPU\n", nr_cpus);
		return;
	}
	int64_t r = psci(PSCI_CPU_ON_64, cpu_mpidr[1],
			 (uint64_t)(uintptr_t)probe_secondary_entry, 1);
	uint64_t guard = cntvct() + cntfrq() / 10;
	while (!cpu1_ready && cntvct() < guard)
		cpu_relax();
	if (!cpu1_ready) {
		printk("BENCH info ipi skipped: CPU_ON=%lld, CPU1 not up\n", (long long)r);
		return;
	}
	pong_sgi1r = pgic_sgi1r(cpu_mpidr[0], SGI_PONG);
	uint64_t ping = pgic_sgi1r(cpu_mpidr[1], SGI_PING);
	uint64_t L = (uint64_t)(ipi_send_msr - ipi_send_stamp) / 4;
	struct stat s = { 0 };
	uint32_t lost = 0;

	for (uint64_t i = 0; i < n; i++) {
		irq_mask();
		uint32_t h = pong_hits, hp = ping_hits;
		uint64_t t0 = ipi_send(ping, P);
		uint64_t guard2 = cntvct() + cntfrq() / 100;
		while (pong_hits == h && cntvct() < guard2) {
			__asm__ volatile("wfi" ::: "memory");
			irq_unmask();
			irq_mask();
		}
		if (pong_hits == h || ping_hits == hp) {
			lost++;
			continue;
		}
		st_add(&s, (int64_t)(ping_tv - (t0 + L)) - 1);
	}
	report("ipi", &s);
	if (lost)
		printk("BENCH info ipi lost=%u\n", lost);
}

/* SCHEDOP_yield while another domain on the same CPU yields too
 * (tests=yielder): each yield runs the other domain up to its next yield,
 * so one yield here is a round trip, two switches. The warm-up lets the
 * partner finish booting and reach its loop. */
static void __attribute__((noinline)) test_yield(void)
{
	uint64_t warm = arg_num("yield_warm", 64), n = arg_num("yields", 2048);
	static const struct op yield = OP("sched_yield", hcall);

	uint64_t t = mloop_hcall(warm, XEN_HC_sched_op, P);
	printk("BENCH info yield warm=%llu ns=%llu\n", (unsigned long long)warm,
	       (unsigned long long)t);
	run_op(&yield, XEN_HC_sched_op, n, n);
}

/* The partner of tests=yield (never returns). Same loop as the timed one,
 * so the partner's share of a round trip is its 5 loop instructions and
 * its hypercall. */
static void __attribute__((noinline, noreturn)) run_yielder(void)
{
	printk("BENCH info yielder running\n");
	for (;;)
		mloop_hcall(1ull << 40, XEN_HC_sched_op, P);
}

/* tests=yielder_fp: the same partner, but it touches the FP/SIMD
 * registers before every yield, as a guest whose user space copies memory
 * with SIMD does: each switch to it then needs its FP state (lazy: a trap
 * and a restore; eager: a restore at the switch). */
static void __attribute__((noinline, noreturn)) run_yielder_fp(void)
{
	uint64_t cpacr;

	printk("BENCH info yielder_fp running\n");
	/* FP/SIMD at EL1 (CPACR_EL1.FPEN = 0b11). */
	__asm__ volatile("mrs %0, cpacr_el1" : "=r"(cpacr));
	cpacr |= 3ull << 20;
	__asm__ volatile("msr cpacr_el1, %0\n\tisb" :: "r"(cpacr) : "memory");
	for (uint64_t i = 0;; i++) {
		register uint64_t x0 __asm__("x0") = 0;
		register uint64_t x16 __asm__("x16") = XEN_HC_sched_op;

		__asm__ volatile(".arch_extension fp\n\t"
				 "fmov d0, %2\n\t"
				 "hvc #0xea1"
				 : "+r"(x0), "+r"(x16) : "r"(i)
				 : "x1", "x2", "x3", "x4", "v0", "memory");
	}
}

/* A CPU hog (never returns): spins with IRQs masked, never traps. */
static void __attribute__((noinline, noreturn)) run_hog(void)
{
	volatile uint64_t spins = 0;

	printk("BENCH info hog running\n");
	irq_mask();
	for (;;)
		spins++;
}

/* The tests with a second domain on the same CPU: first (before the
 * others) the partners that never return, then (after the timer test)
 * the yield test. Out of line, to change probe_main's code as little as
 * possible: the IPI figure runs part of it (it moved by 1 instruction). */
static void __attribute__((noinline)) sched_tests(const char *tl, bool partners)
{
	if (partners && has_word(tl, "yielder"))
		run_yielder();
	if (partners && has_word(tl, "yielder_fp"))
		run_yielder_fp();
	if (partners && has_word(tl, "hog"))
		run_hog();
	if (!partners && has_word(tl, "yield"))
		test_yield();
}

/* tests=idle (never returns): blocked for good. Nothing is enabled at
 * the GIC and the vtimer is off, so no WFI ever completes unless the
 * hypervisor wakes the vCPU spuriously; the loop just goes back. */
static void __attribute__((noinline, noreturn)) run_idle(uint64_t t_first)
{
	printk("BENCH idle first_insn_ns=%llu\n", (unsigned long long)t_first);
	irq_unmask();
	for (;;)
		__asm__ volatile("wfi" ::: "memory");
}

/* settle=US: sleep in WFI until the vtimer fires US microseconds from now
 * (IRQs masked around the WFI, as in the timer test). */
static void __attribute__((noinline)) settle(uint64_t us)
{
	uint64_t t0 = cntvct(), cval = t0 + us * 1000 / P;
	uint32_t wakes = 0;

	irq_mask();
	uint32_t h = timer_hits;
	timer_arm(cval);
	while (timer_hits == h) {
		__asm__ volatile("wfi" ::: "memory");
		wakes++;
		irq_unmask();
		irq_mask();
	}
	printk("BENCH info settle us=%llu wakes=%u late_ns=%llu\n", (unsigned long long)us,
	       wakes, (unsigned long long)((cntvct() - cval) * P));
}

/* CNTVOFF in ticks: CNTPCT - CNTVCT read in the same tick (both counters
 * tick on the same edges, the offset being whole ticks). */
static uint64_t cntvoff(void)
{
	for (;;) {
		uint64_t v1, p, v2;
		__asm__ volatile("isb\n\t"
				 "mrs %0, cntvct_el0\n\t"
				 "mrs %1, cntpct_el0\n\t"
				 "mrs %2, cntvct_el0"
				 : "=&r"(v1), "=&r"(p), "=&r"(v2));
		if (v1 == v2)
			return p - v1;
	}
}

/* From head.S: k, j = raw stamp of CNTPCT_EL0 taken by the instruction
 * after the very first one. */
void probe_main(const void *dtb, uint64_t k, uint64_t j);
void probe_main(const void *dtb, uint64_t k, uint64_t j)
{
	fdt = dtb;
	__asm__ volatile("msr tpidr_el1, xzr");
	console_init(fdt);
	if (!dt_valid(fdt)) {
		say("no valid device tree at %p", fdt);
		halt();
	}
	load_args();
	uint64_t f = cntfrq();
	P = f ? 1000000000ull / f : 16;
	irq_pre = (uint64_t)(irq_stamp - irq_entry) / 4 + 1;
	bool exact = f && 1000000000ull % f == 0 && P <= STAMP_READS - 1;
	uint64_t t_first = (k + 1) * P - j - 1;
	if (!args[0] || has_word(arg("tests") ? arg("tests") : "", "idle"))
		run_idle(t_first);
	printk("BENCH info cntfrq=%llu ns_per_tick=%llu exact=%d el=%llu args=\"%s\"\n",
	       (unsigned long long)f, (unsigned long long)P, exact,
	       (unsigned long long)(read_sysreg(CurrentEL) >> 2), args);
	printk("BENCH boot first_insn_ns=%llu cntvoff_ticks=%llu\n",
	       (unsigned long long)t_first, (unsigned long long)cntvoff());

	find_cpus();
	if (!pgic_find(fdt)) {
		say("no arm,gic-v3 node");
		halt();
	}
	pgic_dist_init();
	if (!pgic_cpu_init((1u << INTID_VTIMER) | (1u << SGI_PONG))) {
		say("no redistributor for this CPU");
		halt();
	}
	printk("BENCH info cpus=%d gicd=%#llx gicr=%#llx irq_pre=%llu\n", nr_cpus,
	       (unsigned long long)pgic.gicd, (unsigned long long)pgic.gicr,
	       (unsigned long long)irq_pre);

	const char *tests = arg("tests");
	if (!tests)
		tests = "ops,timer";
	char tl[64];
	size_t n = strlen(tests) < sizeof(tl) - 1 ? strlen(tests) : sizeof(tl) - 1;
	memcpy(tl, tests, n);
	tl[n] = '\0';
	bool nohyp = has_word(args, "nohyp");

	sched_tests(tl, true);
	if (arg("settle"))
		settle(arg_num("settle", 0));
#ifdef PROBE_CTL
	if (has_word(tl, "ioreq_dm"))
		test_ioreq_dm((uint16_t)arg_num("target", 1));
	if (has_word(tl, "ctl"))
		test_ctl((uint16_t)arg_num("target", 1), arg_num("loops", 4096),
			 arg_num("once", 4096));
#endif
	if (has_word(tl, "ops"))
		test_ops(nohyp);
	if (has_word(tl, "ioreq"))
		test_ioreq();
	if (has_word(tl, "timer")) {
		uint64_t nt = arg_num("timer", 2000);
		test_timer(false, nt, 10000);
		test_timer(true, nt, 20000);
	}
	sched_tests(tl, false);
	if (has_word(tl, "ipi"))
		test_ipi(arg_num("ipi", 1000));
	if (has_word(tl, "evtchn")) {
		const char *role = arg("evtchn");
		char r[8] = "tx";
		if (role && strlen(role) < sizeof(r))
			memcpy(r, role, strlen(role) + 1);
		test_evtchn(fdt, r, (uint16_t)arg_num("peer", 1), (uint32_t)arg_num("port", 1),
			    arg_num("evtchn_n", 1000), arg_num("evtchn_warm", 16), P, cntvoff());
	}
	printk("BENCH info irqs other=%u spurious=%u\n", other_irqs, spurious);
	printk("BENCH done\n");
	halt();
}
