// SPDX-License-Identifier: MIT
/*
 * Event-channel latency between two domains (tests=evtchn): one probe
 * instance sends (evtchn=tx), another one receives (evtchn=rx).
 *
 * Both map shared_info (XENMEM_add_to_physmap), keep vcpu_info in its
 * legacy slot, enable the upcall PPI the /hypervisor node names and turn
 * the MMU on (identity map, RAM cacheable: memory shared with the
 * hypervisor must be Normal memory, and the exclusives need it). The
 * receiver offers port 1 to the sender (alloc_unbound), the sender binds
 * to it (bind_interdomain). Then, per sample:
 *
 *   sender    sleeps 50 us in WFI (so the receiver is idle again), stamps,
 *             EVTCHNOP_send; waits in WFI for the answer
 *   receiver  idles in WFI with IRQs masked (as Linux does); its IRQ
 *             vector stamps (the upcall handler's first instruction),
 *             clears the event and answers on the same channel
 *
 * The two domains have different counter offsets (CNTVOFF), so each side
 * turns its stamps into physical-counter ns (CNTPCT - CNTVCT, read in the
 * same tick) and prints every sample; bench/bench.py pairs sample i of
 * both sides: latency = vector time - send time - 1, the instructions
 * executed strictly in between, on every CPU.
 *
 * bootargs: evtchn=tx|rx peer=D (the other domain) port=P (tx: the
 * receiver's port, 1) evtchn_n=N (samples, default 1000) evtchn_warm=W
 * (untimed first samples, default 16).
 *
 * evtchn=ping|pong port=P (only in probe-shm.bin, the probe built with
 * PROBE_SHM, so that probe.bin, whose size and layout are part of the
 * other figures, stays as it was): static shared memory + a static event channel,
 * both set up by the hypervisor from the host tree (xen,evtchn-v1 and
 * xen,domain-shared-memory-v1; P is this domain's port there: nothing is
 * allocated or bound here). The region is the guest's /reserved-memory
 * child "xen,shared-memory-v1"; it must lie in a 1 GiB block of guest RAM
 * (the identity map makes those Normal). Pong (the second of the pair in
 * the tree, whose port starts pending) clears that event and sends
 * "ready"; ping waits for it. Per sample, ping sleeps 50 us (pong back in
 * WFI), writes message k (64 bytes: 7 payload words, then k with release
 * semantics) into the first half of the region, stamps and sends; pong's
 * upcall handler checks message k, writes answer k into the second half
 * and sends back; ping's vector stamps. The round trip, on ping's own
 * time base: vector - send - 1 instructions, every CPU's included. Ping
 * checks each answer after its sample (untimed) and prints every round
 * trip as "BENCH shm_rt.t"; both count bad messages.
 */
#include "probe.h"
#include "../rt/xen.h"

#define MAX_SAMPLES 2048
#define VALUES_PER_LINE 6   /* Xen's console splits lines at 128 characters */

static uint8_t shared_page[4096] __attribute__((aligned(4096)));
static volatile struct xen_shared_info *shinfo;
static volatile struct xen_vcpu_info *vinfo;

uint32_t ev_intid;                 /* 0: not set up */
static bool receiver;
static uint32_t my_port;
static volatile uint32_t ev_hits;
static uint64_t stamps[MAX_SAMPLES];  /* ns, physical time base */
static uint64_t voff_ns;              /* CNTVOFF in ns */
static uint64_t P;

static int64_t port_op(uint32_t cmd, uint32_t port)
{
	struct evtchn_port_arg a = { .port = port };
	return evtchn_op(cmd, &a);
}

/* Clears the upcall and every pending, unmasked port (2-level ABI). */
static unsigned take_events(void)
{
	unsigned n = 0;
	vinfo->evtchn_upcall_pending = 0;
	__asm__ volatile("dmb ish" ::: "memory");
	uint64_t sel = atomic_xchg64(&vinfo->evtchn_pending_sel, 0);
	while (sel) {
		unsigned w = (unsigned)__builtin_ctzll(sel);
		sel &= sel - 1;
		uint64_t ready = shinfo->evtchn_pending[w] & ~shinfo->evtchn_mask[w];
		while (ready) {
			uint64_t bit = ready & -ready;
			ready &= ready - 1;
			if (atomic_and64(&shinfo->evtchn_pending[w], ~bit) & bit)
				n++;
		}
	}
	return n;
}

#ifdef PROBE_SHM
/* ---- evtchn=ping|pong: messages in a static shared region ---- */
#define SHM_WORDS 8                   /* a 64-byte message */
static unsigned shm_role;             /* 0 (tx/rx), 1 ping, 2 pong */
static uint8_t *shm_half[2];          /* ping's half, pong's half */
static uint64_t shm_half_size;
static volatile uint64_t shm_tv;      /* ping: vector time of the answer */
static uint32_t shm_k = 1;            /* pong: next message expected */
static uint32_t shm_total;            /* pong: messages to answer */
static uint32_t shm_bad;

static uint64_t shm_pattern(uint32_t k, unsigned side, unsigned j)
{
	uint64_t x = ((uint64_t)k << 16) ^ ((uint64_t)side << 8) ^ j;
	x *= 0x9e3779b97f4a7c15ull;
	return (x ^ (x >> 29)) | 1;
}

static volatile uint64_t *shm_slot(unsigned side, uint32_t k)
{
	return (volatile uint64_t *)(shm_half[side] + ((uint64_t)k * 4160) % shm_half_size);
}

static void shm_put(unsigned side, uint32_t k)
{
	volatile uint64_t *m = shm_slot(side, k);
	for (unsigned j = 1; j < SHM_WORDS; j++)
		m[j] = shm_pattern(k, side, j);
	__asm__ volatile("stlr %1, %0" : "=Q"(m[0]) : "r"((uint64_t)k) : "memory");
	__asm__ volatile("dsb ish" ::: "memory");
}

static bool shm_ok(unsigned side, uint32_t k)
{
	volatile uint64_t *m = shm_slot(side, k);
	uint64_t seq;
	__asm__ volatile("ldar %0, %1" : "=r"(seq) : "Q"(m[0]) : "memory");
	bool ok = seq == k;
	for (unsigned j = 1; j < SHM_WORDS; j++)
		ok &= m[j] == shm_pattern(k, side, j);
	return ok;
}

static void shm_upcall(uint32_t iar, uint64_t tv)
{
	unsigned n = take_events();
	pgic_eoi(iar);
	if (!n)
		return;
	ev_hits += n;
	if (shm_role == 1) {
		shm_tv = tv;
		return;
	}
	/* Pong: the message, the answer, the notification; ping's last
	 * event (after its samples) only ends pong's wait. */
	if (shm_k > shm_total)
		return;
	shm_bad += !shm_ok(0, shm_k);
	shm_put(1, shm_k);
	shm_k++;
	port_op(EVTCHNOP_send, my_port);
}

#endif

/* From the IRQ vector (IRQs masked), tv = ns of its first instruction on
 * this domain's virtual time base. */
void ev_upcall(uint32_t iar, uint64_t tv)
{
#ifdef PROBE_SHM
	if (shm_role) {
		shm_upcall(iar, tv);
		return;
	}
#endif
	unsigned n = take_events();
	if (receiver && n) {
		if (ev_hits < MAX_SAMPLES)
			stamps[ev_hits] = tv + voff_ns;
	}
	ev_hits += n;
	pgic_eoi(iar);
	if (receiver && n)
		port_op(EVTCHNOP_send, my_port);
}

static bool ram_range(const void *fdt, uint64_t *base, uint64_t *end)
{
	struct dt_node it = { .off = -1 };
	bool found = false;
	*base = ~0ull;
	*end = 0;
	while (dt_next(fdt, &it)) {
		int len;
		const char *t = dt_getprop(fdt, it.off, "device_type", &len);
		uint64_t a, s;
		if (!t || strcmp(t, "memory"))
			continue;
		for (int i = 0; dt_reg(fdt, it.off, i, &a, &s); i++)
			if (s) {
				found = true;
				*base = a < *base ? a : *base;
				*end = a + s > *end ? a + s : *end;
			}
	}
	return found;
}

static bool upcall_irq(const void *fdt, uint32_t *intid)
{
	int hv = dt_find_path(fdt, "/hypervisor");
	int len;
	const uint8_t *p = hv >= 0 ? dt_getprop(fdt, hv, "interrupts", &len) : NULL;
	if (!p || len < 12)
		return false;
	*intid = be32(p + 4) + (be32(p) == 1 ? 16 : 32);
	return true;
}

static bool setup(const void *fdt)
{
	uint64_t base, end;
	uint32_t intid;
	if (!ram_range(fdt, &base, &end) || !upcall_irq(fdt, &intid)) {
		printk("BENCH info evtchn skipped: no memory or /hypervisor node\n");
		return false;
	}
	mmu_enable_identity(base, end);
	struct xen_add_to_physmap xatp = {
		.domid = DOMID_SELF,
		.space = XENMAPSPACE_shared_info,
		.gpfn = (uint64_t)(uintptr_t)shared_page >> 12,
	};
	int64_t rc = xen_hypercall(XEN_HC_memory_op, XENMEM_add_to_physmap,
				   (uint64_t)(uintptr_t)&xatp, 0, 0, 0);
	if (rc) {
		printk("BENCH info evtchn skipped: add_to_physmap %lld\n", (long long)rc);
		return false;
	}
	shinfo = (volatile struct xen_shared_info *)shared_page;
	vinfo = &shinfo->vcpu_info[0];
	ev_intid = intid;
	if (!pgic_enable(intid)) {
		printk("BENCH info evtchn skipped: no redistributor\n");
		return false;
	}
	return true;
}

static void dump(const char *key, uint64_t n)
{
	for (uint64_t i = 0; i < n; i += VALUES_PER_LINE) {
		char line[160];
		int l = snprintf(line, sizeof(line), "BENCH %s.t i=%llu v=", key,
				 (unsigned long long)i);
		for (uint64_t k = i; k < n && k < i + VALUES_PER_LINE; k++)
			l += snprintf(line + l, sizeof(line) - (size_t)l, "%s%llu",
				      k > i ? "," : "", (unsigned long long)stamps[k]);
		printk("%s\n", line);
	}
}

/* Waits with IRQs masked in WFI until ev_hits != h or the virtual counter
 * passes guard (the caller arms a timer if it needs one). */
static bool wait_event(uint32_t h, uint64_t guard)
{
	while (ev_hits == h && cntvct() < guard) {
		__asm__ volatile("wfi" ::: "memory");
		irq_unmask();
		irq_mask();
	}
	return ev_hits != h;
}

#ifdef PROBE_SHM
/* The region the hypervisor describes (the first one). */
static bool shm_region(const void *fdt, uint64_t *base, uint64_t *size)
{
	struct dt_node it = { .off = -1 };
	while (dt_next(fdt, &it))
		if (dt_compatible(fdt, it.off, "xen,shared-memory-v1"))
			return dt_reg(fdt, it.off, 0, base, size);
	return false;
}

static void test_shm(const void *fdt, bool ping, uint32_t port, uint64_t n, uint64_t warm)
{
	uint64_t rbase, rsize, base, end;
	uint64_t total = n + warm;
	if (total > MAX_SAMPLES) {
		total = MAX_SAMPLES;
		warm = warm < total ? warm : 0;
		n = total - warm;
	}
	if (!shm_region(fdt, &rbase, &rsize) || !ram_range(fdt, &base, &end) ||
	    rbase >> 30 < base >> 30 || (rbase + rsize - 1) >> 30 > (end - 1) >> 30 ||
	    rsize < 128 || rsize % 128) {
		printk("BENCH info shm skipped: no region, or not in a 1 GiB block of RAM\n");
		return;
	}
	if (!setup(fdt))
		return;
	my_port = port;
	shm_half_size = rsize / 2;
	shm_half[0] = (uint8_t *)(uintptr_t)rbase;
	shm_half[1] = shm_half[0] + shm_half_size;
	shm_role = ping ? 1 : 2;
	uint64_t bit = 1ull << (port % 64);
	if (!ping)   /* the bind's event (the pair's second port) */
		atomic_and64(&shinfo->evtchn_pending[port / 64], ~bit);
	irq_unmask();
	printk("BENCH info shm %s region=%#llx size=%#llx port=%u intid=%u\n",
	       ping ? "ping" : "pong", (unsigned long long)rbase, (unsigned long long)rsize,
	       port, ev_intid);

	if (!ping) {
		/* Pong prints only after ping's final event, so that nothing
		 * runs beside ping's last sample. */
		shm_total = (uint32_t)total;
		port_op(EVTCHNOP_send, port);   /* ready */
		uint64_t guard = cntvct() + 20 * cntfrq();
		irq_mask();
		while (ev_hits < total + 1 && cntvct() < guard) {
			__asm__ volatile("wfi" ::: "memory");
			irq_unmask();
			irq_mask();
		}
		irq_unmask();
		printk("BENCH shm_pong answered=%u events=%u bad=%u\n", shm_k - 1, ev_hits,
		       shm_bad);
		return;
	}

	irq_mask();
	if (!wait_event(0, cntvct() + cntfrq())) {
		irq_unmask();
		printk("BENCH info shm: no ready event from pong\n");
		return;
	}
	uint64_t L = (uint64_t)(evtchn_send_hvc - evtchn_send_stamp) / 4;
	uint64_t settle = 50000 / P + 1;   /* 50 us */
	struct evtchn_port_arg arg = { .port = port };
	uint32_t lost = 0, bad = 0;
	uint64_t i;

	for (i = 0; i < total; i++) {
		uint32_t th = probe_timer_hits();
		probe_timer_arm(cntvct() + settle);
		uint64_t g = cntvct() + 100 * settle;
		while (probe_timer_hits() == th && cntvct() < g) {
			__asm__ volatile("wfi" ::: "memory");
			irq_unmask();
			irq_mask();
		}
		uint32_t h = ev_hits;
		shm_put(0, (uint32_t)i + 1);
		uint64_t t0 = evtchn_send((uint64_t)(uintptr_t)&arg, P);
		if (!wait_event(h, cntvct() + cntfrq() / 100)) {
			lost++;
			break;
		}
		stamps[i] = shm_tv - (t0 + L) - 1;
		bad += !shm_ok(1, (uint32_t)i + 1);
	}
	irq_unmask();
	port_op(EVTCHNOP_send, port);   /* done: pong may print */
	printk("BENCH shm_ping n=%llu warm=%llu sent=%llu lost=%u bad=%u\n",
	       (unsigned long long)n, (unsigned long long)warm, (unsigned long long)i, lost,
	       bad);
	dump("shm_rt", i);
}

#endif

void test_evtchn(const void *fdt, const char *role, uint16_t peer, uint32_t rport,
		 uint64_t n, uint64_t warm, uint64_t per, uint64_t voff_ticks)
{
	P = per;
#ifdef PROBE_SHM
	if (!strcmp(role, "ping") || !strcmp(role, "pong")) {
		test_shm(fdt, !strcmp(role, "ping"), rport, n, warm);
		return;
	}
#endif
	voff_ns = voff_ticks * per;
	receiver = !strcmp(role, "rx");
	uint64_t total = n + warm;
	if (total > MAX_SAMPLES) {
		total = MAX_SAMPLES;
		warm = warm < total ? warm : 0;
		n = total - warm;
	}
	if (!setup(fdt))
		return;
	irq_unmask();

	if (receiver) {
		struct evtchn_alloc_unbound a = { .dom = DOMID_SELF, .remote_dom = peer };
		int64_t rc = evtchn_op(EVTCHNOP_alloc_unbound, &a);
		printk("BENCH info evtchn rx alloc_unbound=%lld port=%u intid=%u\n",
		       (long long)rc, a.port, ev_intid);
		if (rc)
			return;
		my_port = a.port;
		uint64_t guard = cntvct() + 20 * cntfrq();   /* 20 s */
		irq_mask();
		while (ev_hits < total && cntvct() < guard) {
			__asm__ volatile("wfi" ::: "memory");
			irq_unmask();
			irq_mask();
		}
		irq_unmask();
		printk("BENCH evtchn_rx n=%llu warm=%llu got=%u cntvoff_ticks=%llu\n",
		       (unsigned long long)n, (unsigned long long)warm, ev_hits,
		       (unsigned long long)voff_ticks);
		dump("evtchn_rx", ev_hits < total ? ev_hits : total);
		return;
	}

	/* Sender: bind to the receiver's port once it is offered. */
	struct evtchn_bind_interdomain b = { .remote_dom = peer, .remote_port = rport };
	int64_t rc;
	unsigned tries = 0;
	uint64_t until = cntvct() + 5 * cntfrq();
	do {
		if (tries++) {
			uint64_t t = cntvct() + cntfrq() / 1000;   /* 1 ms */
			while (cntvct() < t)
				cpu_relax();
		}
		rc = evtchn_op(EVTCHNOP_bind_interdomain, &b);
	} while (rc == -XEN_EINVAL && cntvct() < until);
	printk("BENCH info evtchn tx bind_interdomain=%lld port=%u tries=%u intid=%u\n",
	       (long long)rc, b.local_port, tries, ev_intid);
	if (rc)
		return;
	my_port = b.local_port;

	/* The bind raises an event on the new port: take it first. */
	irq_mask();
	wait_event(0, cntvct() + cntfrq() / 100);
	uint32_t base_hits = ev_hits;
	uint64_t L = (uint64_t)(evtchn_send_hvc - evtchn_send_stamp) / 4;
	uint64_t settle = 50000 / P + 1;   /* 50 us */
	struct evtchn_port_arg arg = { .port = my_port };
	uint32_t lost = 0;
	uint64_t i;

	for (i = 0; i < total; i++) {
		/* Sleep first, so the receiver is back in WFI. */
		uint32_t th = probe_timer_hits();
		probe_timer_arm(cntvct() + settle);
		uint64_t g = cntvct() + 100 * settle;
		while (probe_timer_hits() == th && cntvct() < g) {
			__asm__ volatile("wfi" ::: "memory");
			irq_unmask();
			irq_mask();
		}
		uint32_t h = ev_hits;
		uint64_t t0 = evtchn_send((uint64_t)(uintptr_t)&arg, P);
		stamps[i] = t0 + L + voff_ns;
		if (!wait_event(h, cntvct() + cntfrq() / 100)) {
			lost++;
			break;
		}
	}
	irq_unmask();
	printk("BENCH evtchn_tx n=%llu warm=%llu sent=%llu lost=%u answers=%u "
	       "cntvoff_ticks=%llu\n", (unsigned long long)n, (unsigned long long)warm,
	       (unsigned long long)i, lost, ev_hits - base_hits,
	       (unsigned long long)voff_ticks);
	dump("evtchn_tx", i);
}
