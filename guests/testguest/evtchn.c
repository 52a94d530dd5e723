// SPDX-License-Identifier: MIT
/*
 * Event channels between bare-metal guests, 2-level ABI (no init_control).
 *
 * Setup (every mode): MMU on (identity map, RAM cacheable: shared pages
 * must be Normal WB), shared_info mapped over a page of our own RAM with
 * XENMEM_add_to_physmap, vcpu_info either registered with
 * VCPUOP_register_vcpu_info or left in shared_info's legacy slot
 * (vcpuinfo=legacy), and the upcall PPI named by the /hypervisor node
 * enabled on our redistributor. The IRQ vector clears
 * evtchn_upcall_pending, takes the pending selector, clears each pending
 * and unmasked port and prints "evtchn: event on port N".
 *
 * evtchn_server  peer=D rounds=N: offers port 1 to D (alloc_unbound) and
 *                a second, never bound "decoy" port 2; answers each
 *                event on port 1 with "pong k" and a notification.
 * evtchn_client  peer=D port=P rounds=N pace=MS: binds to D's port P
 *                (retrying while D has not offered it yet), then N times
 *                "ping k" + notification, waiting for the answer.
 * evtchn_attacker server=D1 client=D2 duration=MS: tries what an
 *                unrelated domain must not be able to do to the pair
 *                and prints each result as "attack <what> = <rc>"; the
 *                same set runs again every 50 ms for `duration`, and a
 *                round whose results differ from the first says so.
 *
 * Both ends print "EVTCHN DONE" after N rounds; the attacker "ATTACK
 * DONE". An event on a port nobody expects prints "UNEXPECTED event".
 * With the MMU off the guest would see the hypervisor's writes
 * uncached and could not use exclusives, hence mmu_enable_identity().
 */
#include "tg.h"
#include "../rt/xen.h"

#define MAX_PORTS 4096

static uint8_t shared_page[4096] __attribute__((aligned(4096)));
static uint8_t vcpu_page[4096] __attribute__((aligned(4096)));

static volatile struct xen_shared_info *shinfo;
static volatile struct xen_vcpu_info *vinfo;
static uint32_t upcall_intid;
static uint32_t timer_intid;  /* virtual timer, from the DT */

/* What the IRQ handler saw. */
static volatile uint32_t events_on[64];   /* per port, ports < 64 */
static volatile uint32_t upcalls;
/* Ports events are expected on; anything else is reported. */
static volatile uint64_t expected_ports;
static volatile bool accept_events = true;

#define SAY(...)                          \
	do {                              \
		irq_disable();            \
		say(__VA_ARGS__);         \
		irq_enable();             \
	} while (0)

static uint64_t now_ms(void)
{
	return cntvct() * 1000 / cntfrq();
}

static void event_on(uint32_t port)
{
	if (port < 64)
		events_on[port]++;
	if (port < 64 && (expected_ports & (1ull << port)) && accept_events)
		say("evtchn: event on port %u", port);
	else
		say("evtchn: UNEXPECTED event on port %u", port);
}

static void upcall(void)
{
	evtchn_scan_2l(vinfo, shinfo, event_on);
}

/* The virtual timer only wakes wait_events() at its deadline. */
static void timer_arm(uint64_t ms)
{
	uint64_t ticks = cntfrq() * ms / 1000;
	__asm__ volatile("msr cntv_tval_el0, %0\n\t"
			 "msr cntv_ctl_el0, %1\n\t"
			 "isb"
			 :: "r"(ticks), "r"(1ull) : "memory");
}

static void timer_disarm(void)
{
	__asm__ volatile("msr cntv_ctl_el0, xzr\n\tisb" ::: "memory");
}

static void irq_entry(void)
{
	uint32_t intid = gic_ack();
	if (intid >= 1020)
		return;  /* spurious */
	if (intid == upcall_intid) {
		upcalls++;
		upcall();
	} else if (intid == timer_intid) {
		timer_disarm();
	} else {
		say("UNEXPECTED interrupt %u", intid);
	}
	gic_eoi(intid);
}

/* INTID of the event upcall: /hypervisor interrupts = <type num flags>. */
static bool hypervisor_irq(uint32_t *intid)
{
	int hv = dt_find_path(g_fdt, "/hypervisor");
	int len;
	if (hv < 0 || !dt_compatible(g_fdt, hv, "xen,xen"))
		return false;
	const uint8_t *p = dt_getprop(g_fdt, hv, "interrupts", &len);
	if (!p || len < 12)
		return false;
	uint32_t type = be32(p), num = be32(p + 4);
	*intid = num + (type == 1 ? 16 : 32);
	return true;
}

static bool setup(bool legacy)
{
	uint64_t base, end;
	if (!ram_info(&base, &end)) {
		say("evtchn: no memory node");
		return false;
	}
	if (!hypervisor_irq(&upcall_intid)) {
		say("evtchn: no /hypervisor node with an interrupt (xen,enhanced?)");
		return false;
	}
	mmu_enable_identity(base, end);

	struct xen_add_to_physmap xatp = {
		.domid = DOMID_SELF,
		.space = XENMAPSPACE_shared_info,
		.idx = 0,
		.gpfn = (uint64_t)(uintptr_t)shared_page >> 12,
	};
	int64_t rc = xen_hypercall(XEN_HC_memory_op, XENMEM_add_to_physmap,
				   (uint64_t)(uintptr_t)&xatp, 0, 0, 0);
	say("evtchn: shared_info at gfn %#llx: %lld",
	    (unsigned long long)xatp.gpfn, (long long)rc);
	if (rc)
		return false;
	shinfo = (volatile struct xen_shared_info *)shared_page;

	if (legacy) {
		vinfo = &shinfo->vcpu_info[0];
		say("evtchn: vcpu_info in the shared_info legacy slot");
	} else {
		struct vcpu_register_vcpu_info reg = {
			.mfn = (uint64_t)(uintptr_t)vcpu_page >> 12,
			.offset = 128,
		};
		rc = xen_hypercall(XEN_HC_vcpu_op, VCPUOP_register_vcpu_info, 0,
				   (uint64_t)(uintptr_t)&reg, 0, 0);
		say("evtchn: register_vcpu_info gfn %#llx offset %u: %lld",
		    (unsigned long long)reg.mfn, reg.offset, (long long)rc);
		if (rc)
			return false;
		vinfo = (volatile struct xen_vcpu_info *)(vcpu_page + 128);
	}

	timer_intid = vtimer_intid();
	timer_disarm();
	if (!gic_init(g_fdt) || !gic_enable_ppi(upcall_intid) ||
	    !gic_enable_ppi(timer_intid)) {
		say("evtchn: GICv3 setup failed");
		return false;
	}
	irq_handler = irq_entry;
	say("evtchn: upcall on INTID %u, 2-level ABI", upcall_intid);
	irq_enable();
	return true;
}

/*
 * Waits until events_on[port] >= n; false after timeout_ms. The check and
 * the WFI run with IRQs masked (a pending interrupt still ends the WFI),
 * so an event arriving just after the check cannot be slept through; the
 * virtual timer ends the wait at the deadline.
 */
static bool wait_events(uint32_t port, uint32_t n, uint64_t timeout_ms)
{
	uint64_t end = now_ms() + timeout_ms;
	bool ok;
	irq_disable();
	timer_arm(timeout_ms + 1);
	while (!(ok = events_on[port] >= n) && now_ms() <= end) {
		__asm__ volatile("wfi");
		irq_enable();   /* the handler runs here */
		__asm__ volatile("isb");
		irq_disable();
	}
	timer_disarm();
	irq_enable();
	return ok;
}

static int64_t alloc_unbound(uint16_t dom, uint16_t remote, uint32_t *port)
{
	struct evtchn_alloc_unbound a = { .dom = dom, .remote_dom = remote };
	int64_t rc = evtchn_op(EVTCHNOP_alloc_unbound, &a);
	*port = a.port;
	return rc;
}

static int64_t bind_interdomain(uint16_t dom, uint32_t rport, uint32_t *lport)
{
	struct evtchn_bind_interdomain b = { .remote_dom = dom, .remote_port = rport };
	int64_t rc = evtchn_op(EVTCHNOP_bind_interdomain, &b);
	*lport = b.local_port;
	return rc;
}

static int64_t port_op(uint32_t cmd, uint32_t port)
{
	struct evtchn_port_arg a = { .port = port };
	return evtchn_op(cmd, &a);
}

/* Idles with events on; anything arriving now is reported by the IRQ
 * handler as unexpected. */
static void idle(void) __attribute__((noreturn));
static void idle(void)
{
	accept_events = false;
	for (;;)
		__asm__ volatile("wfi");
}

void mode_evtchn_server(void)
{
	uint16_t peer = (uint16_t)arg_num("peer", 2);
	uint32_t rounds = (uint32_t)arg_num("rounds", 20);
	uint32_t port, decoy;

	if (!setup(!strcmp(arg("vcpuinfo", "register"), "legacy")))
		idle();
	/* The peer may bind and notify as soon as the port exists: know
	 * the port before the IRQ handler can see an event on it. */
	irq_disable();
	int64_t rc = alloc_unbound(DOMID_SELF, peer, &port);
	if (!rc && port < 64)
		expected_ports = 1ull << port;
	irq_enable();
	SAY("evtchn: alloc_unbound for d%u: %lld port %u", peer, (long long)rc, port);
	if (rc || port >= 64)
		idle();
	/* Offered to the peer too, never bound: the attacker tries it. */
	rc = alloc_unbound(DOMID_SELF, peer, &decoy);
	SAY("evtchn: decoy alloc_unbound for d%u: %lld port %u", peer, (long long)rc, decoy);

	for (uint32_t k = 1; k <= rounds; k++) {
		if (!wait_events(port, k, 10000)) {
			SAY("evtchn: timeout waiting for ping %u", k);
			idle();
		}
		SAY("pong %u", k);
		rc = port_op(EVTCHNOP_send, port);
		if (rc) {
			SAY("evtchn: send failed: %lld", (long long)rc);
			idle();
		}
	}
	/* Let a late duplicate show up before declaring success. */
	delay_ms(50);
	SAY("evtchn: %u events on port %u, %u upcalls", events_on[port], port,
	    upcalls);
	SAY("EVTCHN DONE");
	idle();
}

void mode_evtchn_client(void)
{
	uint16_t peer = (uint16_t)arg_num("peer", 1);
	uint32_t rport = (uint32_t)arg_num("port", 1);
	uint32_t rounds = (uint32_t)arg_num("rounds", 20);
	uint64_t pace = arg_num("pace", 20);
	uint32_t lport = 0;
	int64_t rc = 0;
	unsigned tries = 0;

	if (!setup(!strcmp(arg("vcpuinfo", "register"), "legacy")))
		idle();
	/* The peer may not have offered the port yet: -EINVAL until then. */
	uint64_t end = now_ms() + 10000;
	do {
		if (tries++)
			delay_ms(10);
		expected_ports = ~0ull;  /* the bind event comes on a port we do not know yet */
		rc = bind_interdomain(peer, rport, &lport);
	} while (rc == -XEN_EINVAL && now_ms() < end);
	SAY("evtchn: bind_interdomain d%u port %u: %lld local port %u (%u tries)",
	    peer, rport, (long long)rc, lport, tries);
	if (rc || lport >= 64)
		idle();
	expected_ports = 1ull << lport;
	/* Binding always raises an event on the new local port. */
	SAY("evtchn: bind notification %s",
	    wait_events(lport, 1, 2000) ? "seen" : "MISSING");
	uint32_t base = events_on[lport];

	for (uint32_t k = 1; k <= rounds; k++) {
		SAY("ping %u", k);
		rc = port_op(EVTCHNOP_send, lport);
		if (rc) {
			SAY("evtchn: send failed: %lld", (long long)rc);
			idle();
		}
		if (!wait_events(lport, base + k, 10000)) {
			SAY("evtchn: timeout waiting for pong %u", k);
			idle();
		}
		delay_ms(pace);
	}
	delay_ms(50);
	SAY("evtchn: %u events on port %u, %u upcalls", events_on[lport], lport,
	    upcalls);
	SAY("EVTCHN DONE");
	idle();
}

/* ---- attacker ---- */

#define NR_ATTACKS 32

struct attack {
	char what[48];
	int64_t rc;
};

static struct attack first[NR_ATTACKS], now[NR_ATTACKS];

static unsigned run_attacks(struct attack *out, uint16_t srv, uint16_t cli)
{
	unsigned n = 0;
	uint32_t p;
	const uint16_t nodom = 99;
	const uint32_t bad = 1000;  /* never a valid port here */

#define REC(...)                                                        \
	do {                                                            \
		snprintf(out[n].what, sizeof(out[n].what), __VA_ARGS__); \
		out[n++].rc = rc;                                       \
	} while (0)
	int64_t rc;

	/* Offering another domain's port: only a privileged domain may. */
	rc = alloc_unbound(srv, DOMID_SELF, &p);
	REC("alloc_unbound dom=%u remote=self", srv);
	rc = alloc_unbound(srv, cli, &p);
	REC("alloc_unbound dom=%u remote=%u", srv, cli);
	rc = alloc_unbound(cli, srv, &p);
	REC("alloc_unbound dom=%u remote=%u", cli, srv);
	rc = alloc_unbound(nodom, DOMID_SELF, &p);
	REC("alloc_unbound dom=%u remote=self", nodom);
	/* Domain 0 (absent here) and Xen's system domains. */
	rc = alloc_unbound(0, DOMID_SELF, &p);
	REC("alloc_unbound dom=0 remote=self");
	rc = alloc_unbound(0x7ff2, DOMID_SELF, &p);
	REC("alloc_unbound dom=DOMID_XEN remote=self");
	rc = alloc_unbound(0x7ff1, DOMID_SELF, &p);
	REC("alloc_unbound dom=DOMID_IO remote=self");
	rc = alloc_unbound(srv, 0x7ff2, &p);
	REC("alloc_unbound dom=%u remote=DOMID_XEN", srv);

	/* Binding to ports that are connected or offered to someone else. */
	rc = bind_interdomain(srv, 1, &p);
	REC("bind_interdomain d%u port 1", srv);
	rc = bind_interdomain(srv, 2, &p);
	REC("bind_interdomain d%u port 2", srv);
	rc = bind_interdomain(cli, 1, &p);
	REC("bind_interdomain d%u port 1", cli);
	rc = bind_interdomain(srv, bad, &p);
	REC("bind_interdomain d%u port %u", srv, bad);
	rc = bind_interdomain(nodom, 1, &p);
	REC("bind_interdomain d%u port 1", nodom);

	/* send/close/unmask only name our own ports: the pair's numbers
	 * are closed here. */
	rc = port_op(EVTCHNOP_send, 1);
	REC("send port 1");
	rc = port_op(EVTCHNOP_send, 2);
	REC("send port 2");
	rc = port_op(EVTCHNOP_send, bad);
	REC("send port %u", bad);
	rc = port_op(EVTCHNOP_close, 1);
	REC("close port 1");
	rc = port_op(EVTCHNOP_close, bad);
	REC("close port %u", bad);
	rc = port_op(EVTCHNOP_unmask, 1);
	REC("unmask port 1");
	rc = port_op(EVTCHNOP_unmask, bad);
	REC("unmask port %u", bad);

	/* Looking at or resetting another domain's ports. */
	struct evtchn_status st = { .dom = srv, .port = 1 };
	rc = evtchn_op(EVTCHNOP_status, &st);
	REC("status d%u port 1", srv);
	st = (struct evtchn_status){ .dom = cli, .port = 1 };
	rc = evtchn_op(EVTCHNOP_status, &st);
	REC("status d%u port 1", cli);
	st = (struct evtchn_status){ .dom = srv, .port = bad };
	rc = evtchn_op(EVTCHNOP_status, &st);
	REC("status d%u port %u", srv, bad);
	st = (struct evtchn_status){ .dom = nodom, .port = 1 };
	rc = evtchn_op(EVTCHNOP_status, &st);
	REC("status d%u port 1", nodom);
	struct evtchn_reset r = { .dom = srv };
	rc = evtchn_op(EVTCHNOP_reset, &r);
	REC("reset d%u", srv);
	r.dom = cli;
	rc = evtchn_op(EVTCHNOP_reset, &r);
	REC("reset d%u", cli);

	/* None of the above may have left anything behind on our side. */
	st = (struct evtchn_status){ .dom = DOMID_SELF, .port = 1 };
	rc = evtchn_op(EVTCHNOP_status, &st);
	rc = rc ? rc : (int64_t)st.status;
	REC("own port 1 status");
#undef REC
	return n;
}

void mode_evtchn_attacker(void)
{
	uint16_t srv = (uint16_t)arg_num("server", 1);
	uint16_t cli = (uint16_t)arg_num("client", 2);
	uint64_t duration = arg_num("duration", 3000);

	if (!setup(!strcmp(arg("vcpuinfo", "register"), "legacy")))
		idle();
	expected_ports = 0;  /* nobody talks to us */
	unsigned n = run_attacks(first, srv, cli);
	for (unsigned i = 0; i < n; i++)
		SAY("attack %s = %lld", first[i].what, (long long)first[i].rc);
	uint64_t end = now_ms() + duration;
	unsigned round = 1, bad_rounds = 0;
	while (now_ms() < end) {
		delay_ms(50);
		round++;
		unsigned m = run_attacks(now, srv, cli);
		for (unsigned i = 0; i < m && i < n; i++)
			if (now[i].rc != first[i].rc) {
				SAY("attack round %u: %s = %lld, was %lld", round,
				    now[i].what, (long long)now[i].rc,
				    (long long)first[i].rc);
				bad_rounds++;
			}
		SAY("attack round %u done", round);
	}
	SAY("ATTACK DONE %u rounds, %u changed results", round, bad_rounds);
	idle();
}
