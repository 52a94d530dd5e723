// SPDX-License-Identifier: MIT
/*
 * test=shm: two domains exchange messages through a static shared memory
 * region and wake each other through a static event channel, both set up
 * by the hypervisor from the host device tree before the guests run (Xen
 * 4.17's xen,domain-shared-memory-v1 and xen,evtchn-v1 bindings).
 *
 * bootargs:
 *   role=ping|pong  ping starts each exchange, pong answers it
 *   port=P          this domain's static event-channel port: the number in
 *                   the host tree's xen,evtchn = <P &peer>. The hypervisor
 *                   bound it; nothing in the guest's own tree names it
 *   msgs=M          exchanges (default 2000)
 *   shm=0|1         1 (default): messages in the shared region; 0: events
 *                   only (runs where the hypervisor has no static shm)
 *   id=S            use the region whose xen,id is S (default: the first)
 *
 * What it prints, in order:
 *   shm: region 0x<gaddr> size 0x<size> id <xen,id>   (each region found:
 *        the children of /reserved-memory with compatible
 *        "xen,shared-memory-v1"; with their node name and xen,offset)
 *   evtchn: port P pending at start: 0|1   (before anything was sent: the
 *        second port of a static pair starts pending in Xen 4.17; only pong
 *        prints it, ping's may already hold pong's "ready")
 *   evtchn: status port P: 0 interdomain d<D> port <Q> vcpu 0
 *        (EVTCHNOP_status on the own port: the peer's domain and port)
 *   shm: M messages each way, 0 bad       (shm=1)
 *   evtchn: M events each way             (shm=0)
 *   evtchn: E events on port P, U upcalls, X unexpected
 *   SHM DONE (shm=1) / STATIC EVTCHN DONE (shm=0)
 * or "shm: FAIL ..." naming the first bad message or what went wrong.
 *
 * Protocol. Pong sets up (shared_info, the upcall PPI from /hypervisor,
 * 2-level ABI as in evtchn.c), clears the bind's pending event if there
 * is one and sends "ready"; ping waits for that one event before it sends
 * anything, so no notification of the exchange can merge with the bind's.
 * (Ping must therefore be the first of the two in the host tree: the
 * second port of a static pair is the one that starts pending.) Then M
 * times: ping writes message k into its half of the region and sends;
 * pong, woken by the event, checks it, writes its answer k into the other
 * half and sends; ping, woken, checks the answer. Each side counts its
 * events: exactly M (+1 "ready" for ping), none merged or lost.
 *
 * A message is a 64-byte slot: 7 payload words derived from (k, side,
 * word), then the sequence number k, stored with release semantics after
 * the payload; the reader loads k with acquire semantics before the
 * payload. Slot k of a half is at (k * 4160) mod half, so the messages
 * walk every page of the region at changing offsets. Both guests map the
 * region Normal write-back inner-shareable, as their RAM (the hypervisor
 * maps it as normal memory for both), so the two vCPUs see one coherent
 * copy whichever pCPUs they run on; the barriers order payload, sequence
 * number and notification.
 */
#include "tg.h"
#include "../rt/xen.h"

#define SLOT       64
#define SLOT_WORDS (SLOT / 8)
#define MAX_REGIONS 8

static uint8_t shared_page[4096] __attribute__((aligned(4096)));
static volatile struct xen_shared_info *shinfo;
static volatile struct xen_vcpu_info *vinfo;
static uint32_t upcall_intid, timer_intid;
static uint32_t my_port;

static volatile uint32_t my_events, upcalls, unexpected, first_unexpected;

static uint64_t now_ms(void)
{
	return cntvct() * 1000 / cntfrq();
}

static int64_t port_op(uint32_t cmd, uint32_t port)
{
	struct evtchn_port_arg a = { .port = port };
	return evtchn_op(cmd, &a);
}

/* Counts instead of printing, as evtchn.c does. */
static void event_on(uint32_t port)
{
	if (port == my_port)
		my_events++;
	else if (!unexpected++)
		first_unexpected = port;
}

static void upcall(void)
{
	evtchn_scan_2l(vinfo, shinfo, event_on);
}

static void irq_entry(void)
{
	uint32_t intid = gic_ack();
	if (intid >= 1020)
		return;
	if (intid == upcall_intid) {
		upcalls++;
		upcall();
	} else if (intid == timer_intid) {
		__asm__ volatile("msr cntv_ctl_el0, xzr\n\tisb" ::: "memory");
	} else {
		say("UNEXPECTED interrupt %u", intid);
	}
	gic_eoi(intid);
}

/* Until my_events >= n, asleep in WFI with IRQs masked around the check
 * (an event just after it still ends the WFI); the vtimer ends the wait
 * at the deadline. */
static bool wait_events(uint32_t n, uint64_t timeout_ms)
{
	uint64_t end = now_ms() + timeout_ms;
	uint64_t ticks = cntfrq() * (timeout_ms + 1) / 1000;
	bool ok;
	irq_disable();
	__asm__ volatile("msr cntv_tval_el0, %0\n\t"
			 "msr cntv_ctl_el0, %1\n\tisb" :: "r"(ticks), "r"(1ull) : "memory");
	while (!(ok = my_events >= n) && now_ms() <= end) {
		__asm__ volatile("wfi");
		irq_enable();
		__asm__ volatile("isb");
		irq_disable();
	}
	__asm__ volatile("msr cntv_ctl_el0, xzr\n\tisb" ::: "memory");
	irq_enable();
	return ok;
}

/* ---- the region ---- */
struct region {
	uint64_t base, size, offset;
	char id[17];
	char node[48];
};

static unsigned find_regions(struct region *r, unsigned max)
{
	int resv = dt_find_path(g_fdt, "/reserved-memory");
	unsigned n = 0;
	struct dt_node it = { .off = -1 };
	while (resv >= 0 && dt_next(g_fdt, &it)) {
		if (it.parent != resv || !dt_compatible(g_fdt, it.off, "xen,shared-memory-v1"))
			continue;
		if (n == max)
			break;
		memset(&r[n], 0, sizeof(r[n]));
		if (!dt_reg(g_fdt, it.off, 0, &r[n].base, &r[n].size))
			continue;
		int len;
		const char *id = dt_getprop(g_fdt, it.off, "xen,id", &len);
		if (id && len > 0) {
			size_t l = (size_t)len < sizeof(r[n].id) ? (size_t)len : sizeof(r[n].id) - 1;
			memcpy(r[n].id, id, l);
			r[n].id[l] = '\0';
		}
		const uint8_t *off = dt_getprop(g_fdt, it.off, "xen,offset", &len);
		if (off && len == 8)
			r[n].offset = ((uint64_t)be32(off) << 32) | be32(off + 4);
		else if (off && len == 4)
			r[n].offset = be32(off);
		else
			r[n].offset = ~0ull;
		size_t l = strlen(it.name) < sizeof(r[n].node) ? strlen(it.name)
							       : sizeof(r[n].node) - 1;
		memcpy(r[n].node, it.name, l);
		r[n].node[l] = '\0';
		n++;
	}
	return n;
}

/* Payload word j of message k from side s (0 ping, 1 pong): never 0,
 * different for every (k, s, j) of a run. */
static uint64_t pattern(uint32_t k, unsigned s, unsigned j)
{
	uint64_t x = ((uint64_t)k << 16) ^ ((uint64_t)s << 8) ^ j;
	x *= 0x9e3779b97f4a7c15ull;
	return (x ^ (x >> 29)) | 1;
}

static volatile uint64_t *slot(uint8_t *half, uint64_t half_size, uint32_t k)
{
	return (volatile uint64_t *)(half + ((uint64_t)k * 4160) % half_size);
}

static void put_msg(uint8_t *half, uint64_t half_size, uint32_t k, unsigned s)
{
	volatile uint64_t *m = slot(half, half_size, k);
	for (unsigned j = 1; j < SLOT_WORDS; j++)
		m[j] = pattern(k, s, j);
	/* The sequence number last, after the payload (release). */
	__asm__ volatile("stlr %1, %0" : "=Q"(m[0]) : "r"((uint64_t)k) : "memory");
	/* ...and before the notification. */
	__asm__ volatile("dsb ish" ::: "memory");
}

/* 0 if message k from side s is there, else which word is wrong (the
 * sequence number is word 0) with what it held. */
static int check_msg(uint8_t *half, uint64_t half_size, uint32_t k, unsigned s,
		     uint64_t *got, uint64_t *want)
{
	volatile uint64_t *m = slot(half, half_size, k);
	uint64_t seq;
	__asm__ volatile("ldar %0, %1" : "=r"(seq) : "Q"(m[0]) : "memory");
	if (seq != k) {
		*got = seq;
		*want = k;
		return -1;
	}
	for (unsigned j = 1; j < SLOT_WORDS; j++) {
		uint64_t v = m[j], w = pattern(k, s, j);
		if (v != w) {
			*got = v;
			*want = w;
			return (int)j;
		}
	}
	return 0;
}

static bool hypervisor_irq(uint32_t *intid)
{
	int hv = dt_find_path(g_fdt, "/hypervisor");
	int len;
	if (hv < 0 || !dt_compatible(g_fdt, hv, "xen,xen"))
		return false;
	const uint8_t *p = dt_getprop(g_fdt, hv, "interrupts", &len);
	if (!p || len < 12)
		return false;
	*intid = be32(p + 4) + (be32(p) == 1 ? 16 : 32);
	return true;
}

/* Stage-1 memory attributes (MAIR encoding) of a VA as the MMU sees it
 * (AT S1E1R), or -1 if it does not translate. */
static int s1_attr(uint64_t va)
{
	uint64_t par;
	__asm__ volatile("at s1e1r, %1\n\tisb\n\tmrs %0, par_el1"
			 : "=r"(par) : "r"(va) : "memory");
	return (par & 1) ? -1 : (int)(par >> 56);
}

static void stop(void) __attribute__((noreturn));
static void stop(void)
{
	for (;;)
		__asm__ volatile("wfi");
}

void mode_shm(void)
{
	const char *role_s = arg("role", "ping");
	bool ping = strcmp(role_s, "pong") != 0;
	unsigned side = ping ? 0 : 1;
	uint32_t msgs = (uint32_t)arg_num("msgs", 2000);
	bool use_shm = arg_num("shm", 1) != 0;
	const char *want_id = arg("id", NULL);
	char want[17] = "";
	if (want_id) {
		size_t l = strlen(want_id) < sizeof(want) ? strlen(want_id) : sizeof(want) - 1;
		memcpy(want, want_id, l);
		want[l] = '\0';
	}
	my_port = (uint32_t)arg_num("port", 0);
	if (!my_port || my_port >= 4096) {
		say("shm: FAIL no port= (the static event channel's port from the host tree)");
		stop();
	}

	/* The regions the hypervisor describes. */
	static struct region regs[MAX_REGIONS];
	unsigned nr = find_regions(regs, MAX_REGIONS);
	struct region *rg = NULL;
	for (unsigned i = 0; i < nr; i++) {
		say("shm: region %#llx size %#llx id %s", (unsigned long long)regs[i].base,
		    (unsigned long long)regs[i].size, regs[i].id);
		say("shm: node /reserved-memory/%s xen,offset %#llx", regs[i].node,
		    (unsigned long long)regs[i].offset);
		if (!rg && (!want[0] || !strcmp(want, regs[i].id)))
			rg = &regs[i];
	}
	if (!nr)
		say("shm: no xen,shared-memory-v1 node under /reserved-memory");
	if (use_shm && !rg) {
		say("shm: FAIL no region%s%s", want[0] ? " with id " : "", want);
		stop();
	}

	uint64_t base, end;
	if (!ram_info(&base, &end) || !hypervisor_irq(&upcall_intid)) {
		say("shm: FAIL no memory node or no /hypervisor interrupt (xen,enhanced?)");
		stop();
	}
	if (use_shm) {
		if (rg->size < 2 * SLOT || rg->size & (2 * SLOT - 1)) {
			say("shm: FAIL region size %#llx: not a multiple of %u",
			    (unsigned long long)rg->size, 2 * SLOT);
			stop();
		}
		if (rg->base < end && base < rg->base + rg->size)
			say("shm: note: the region overlaps this domain's RAM");
		if (!mmu_enable_identity_extra(base, end, rg->base & ~0xfffull,
					       (rg->base + rg->size + 0xfff) & ~0xfffull)) {
			say("shm: FAIL cannot map the region");
			stop();
		}
		/* Both ends Normal write-back (MAIR 0xff), as RAM; the UART
		 * still Device-nGnRnE (0x00). */
		int a0 = s1_attr(rg->base), a1 = s1_attr(rg->base + rg->size - 8);
		int au = s1_attr(console_base());
		if (a0 != 0xff || a1 != 0xff || (console_base() && au != 0)) {
			say("shm: FAIL stage-1 attributes: region %#x..%#x, UART %#x", a0, a1, au);
			stop();
		}
	} else {
		mmu_enable_identity(base, end);
	}

	struct xen_add_to_physmap xatp = {
		.domid = DOMID_SELF,
		.space = XENMAPSPACE_shared_info,
		.gpfn = (uint64_t)(uintptr_t)shared_page >> 12,
	};
	int64_t rc = xen_hypercall(XEN_HC_memory_op, XENMEM_add_to_physmap,
				   (uint64_t)(uintptr_t)&xatp, 0, 0, 0);
	if (rc) {
		say("shm: FAIL add_to_physmap(shared_info): %lld", (long long)rc);
		stop();
	}
	shinfo = (volatile struct xen_shared_info *)shared_page;
	vinfo = &shinfo->vcpu_info[0];

	/* Before anything is sent by us, and (pong) by the peer. */
	uint64_t bit = 1ull << (my_port % 64);
	bool pending0 = shinfo->evtchn_pending[my_port / 64] & bit;
	if (!ping) {
		say("evtchn: port %u pending at start: %d", my_port, pending0);
		/* The bind's event: not part of the exchange. */
		atomic_and64(&shinfo->evtchn_pending[my_port / 64], ~bit);
	}
	struct evtchn_status st = { .dom = DOMID_SELF, .port = my_port };
	rc = evtchn_op(EVTCHNOP_status, &st);
	if (st.status == 2)
		say("evtchn: status port %u: %lld interdomain d%u port %u vcpu %u", my_port,
		    (long long)rc, st.u[0] & 0xffff, st.u[1], st.vcpu);
	else
		say("evtchn: status port %u: %lld status %u vcpu %u", my_port, (long long)rc,
		    st.status, st.vcpu);
	if (rc || st.status != 2) {
		say("shm: FAIL port %u is not an interdomain channel", my_port);
		stop();
	}

	timer_intid = vtimer_intid();
	__asm__ volatile("msr cntv_ctl_el0, xzr\n\tisb" ::: "memory");
	if (!gic_init(g_fdt) || !gic_enable_ppi(upcall_intid) || !gic_enable_ppi(timer_intid)) {
		say("shm: FAIL GICv3 setup");
		stop();
	}
	irq_handler = irq_entry;
	irq_enable();

	uint8_t *mine = NULL, *theirs = NULL;
	uint64_t half = 0;
	if (use_shm) {
		half = rg->size / 2;
		uint8_t *r = (uint8_t *)(uintptr_t)rg->base;
		mine = ping ? r : r + half;
		theirs = ping ? r + half : r;
	}

	uint32_t bad = 0, done = 0;
	int64_t send_rc = 0;
	if (!ping) {
		send_rc = port_op(EVTCHNOP_send, my_port);   /* ready */
	} else if (!wait_events(1, 10000)) {
		say("shm: FAIL timeout waiting for pong's ready event");
		stop();
	}
	uint32_t base_events = ping ? 1 : 0;
	for (uint32_t k = 1; k <= msgs && !send_rc; k++) {
		if (ping) {
			if (use_shm)
				put_msg(mine, half, k, side);
			send_rc = port_op(EVTCHNOP_send, my_port);
			if (send_rc)
				break;
		}
		if (!wait_events(base_events + k, 10000)) {
			say("shm: FAIL timeout waiting for %s %u (%u events so far)",
			    ping ? "answer" : "message", k, my_events);
			stop();
		}
		if (use_shm) {
			uint64_t got, want_v;
			int w = check_msg(theirs, half, k, 1 - side, &got, &want_v);
			if (w < 0 && !bad++)
				say("shm: FAIL message %u from %s: sequence number %#llx, want %#llx",
				    k, ping ? "pong" : "ping", (unsigned long long)got,
				    (unsigned long long)want_v);
			else if (w > 0 && !bad++)
				say("shm: FAIL message %u from %s: word %d = %#llx, want %#llx", k,
				    ping ? "pong" : "ping", w, (unsigned long long)got,
				    (unsigned long long)want_v);
		}
		if (!ping) {
			if (use_shm)
				put_msg(mine, half, k, side);
			send_rc = port_op(EVTCHNOP_send, my_port);
		}
		done = k;
	}
	if (send_rc) {
		say("shm: FAIL EVTCHNOP_send on port %u: %lld", my_port, (long long)send_rc);
		stop();
	}
	/* Let a late or doubled event show up before counting. */
	delay_ms(50);
	uint32_t want_events = base_events + done;
	if (use_shm)
		say("shm: %u messages each way, %u bad", done, bad);
	else
		say("evtchn: %u events each way", done);
	say("evtchn: %u events on port %u, %u upcalls, %u unexpected", my_events - base_events,
	    my_port, upcalls, unexpected);
	if (my_events != want_events)
		say("shm: FAIL %u events on port %u, want %u", my_events, my_port, want_events);
	if (unexpected)
		say("shm: FAIL %u events on other ports (first: %u)", unexpected,
		    first_unexpected);
	if (!bad && my_events == want_events && !unexpected)
		say(use_shm ? "SHM DONE" : "STATIC EVTCHN DONE");
	stop();
}
