// SPDX-License-Identifier: MIT
/*
 * mistorm: leave the hypervisor's underflow request (ICH_HCR_EL2.UIE)
 * behind with nothing left to deliver, then sleep.
 *
 * A round, on vCPU 0 with PSTATE.I set: send this vCPU SGIs 0..N-1
 * (ICC_SGI1R_EL1 traps, each one; after the fifth the hypervisor has 4 in
 * the list registers QEMU's GICv3 gives it and one waiting, and sets UIE
 * to hear of the registers draining), clear the last one's pending state
 * through GICR_ICPENDR0 (a trapped write: nothing waits any more, and the
 * exit's flush has nothing to do), acknowledge and EOI the loaded ones
 * (ICC_IAR1_EL1 / ICC_EOIR1_EL1 are not trapped), arm the virtual timer
 * `us` ahead and sleep (WFI, SCHEDOP_block, or polling) until its
 * interrupt is taken. A hypervisor that let the vCPU block with UIE still
 * set takes the maintenance interrupt (a level) after every return to its
 * idle loop and serves nothing else on that CPU: this vCPU's timer never
 * wakes it, and "MISTORM DONE" never comes.
 *
 * (Under QEMU's TCG the maintenance interrupt is raised synchronously by
 * the EOI that leaves fewer than 2 valid list registers, and taken before
 * the next instruction: the exit's flush withdraws UIE before the WFI
 * traps. Real hardware raises it asynchronously, so the WFI can trap
 * first.)
 *
 * A vtimer interrupt may also come after the timer was turned off (seen
 * on -smp 1 with the neighbour switching in, a few in 1000 rounds): it is
 * counted as a "stray tick", turned off and EOId; an SGI it displaced
 * from the list registers is taken later in the same round.
 *
 * Prints "mistorm: N rounds done, S/S SGIs taken, N timer wake-ups, E
 * early, 0 late, T stray ticks, 0 unexpected" and "MISTORM DONE" if every
 * round took its 4 (N-1) SGIs and exactly one timer wake-up, and nothing
 * else came (the cleared SGI least of all); else "MISTORM FAIL ...".
 *
 * bootargs: rounds=N (default 200) sgis=N (5..16, default 5)
 *           sleep=wfi|block|none (default wfi) us=N (default 200)
 *           progress=N (a line every N rounds, 0: none; default 0)
 */
#include "tg.h"

#define GICR_STRIDE     0x20000
#define GICR_SGI        0x10000
#define GICR_ICPENDR0   (GICR_SGI + 0x0280)
#define SCHEDOP_block   1
#define XEN_HC_sched_op 29

static uint64_t find_own_rd(void)
{
	uint64_t base = 0, size = 0;
	struct dt_node it = { .off = -1 };

	while (dt_next(g_fdt, &it))
		if (dt_compatible(g_fdt, it.off, "arm,gic-v3")) {
			if (!dt_reg(g_fdt, it.off, 1, &base, &size))
				return 0;
			break;
		}
	uint64_t m = read_sysreg(mpidr_el1);
	uint32_t aff = (uint32_t)(((m >> 32) & 0xff) << 24) | (uint32_t)(m & 0xffffff);
	for (uint64_t rd = base; size && rd + GICR_STRIDE <= base + size; rd += GICR_STRIDE) {
		volatile uint32_t *typer = (volatile uint32_t *)(uintptr_t)(rd + 8);
		if (typer[1] == aff)
			return rd;
		if (typer[0] & (1u << 4))
			break;
	}
	return 0;
}

static void timer_off(void)
{
	__asm__ volatile("msr cntv_ctl_el0, xzr\n\tisb" ::: "memory");
}

static uint32_t vt;                 /* the vtimer's INTID */
static volatile unsigned fired;     /* vtimer interrupts taken */
static unsigned bad;                /* interrupts that should not come */
static unsigned stray;              /* vtimer interrupts outside the wait */
static unsigned late_sgis;          /* SGIs of a round taken in its wait */
static uint32_t late_below;         /* the SGIs that may come late */
static char bad_log[96];

static void unexpected(unsigned r, const char *where, uint32_t id)
{
	size_t l = strlen(bad_log);
	if (bad++ < 6 && l + 24 < sizeof(bad_log))
		snprintf(bad_log + l, sizeof(bad_log) - l, " r%u:%s:%u", r, where, id);
}

/* Takes one interrupt: the vtimer's (turned off before its EOI, so its
 * level is low when the EOI deactivates it) or an unexpected one. */
static bool take_one(unsigned r, const char *where)
{
	uint32_t id = gic_ack();
	if (id >= 1020)
		return false;
	if (id == vt) {
		timer_off();
		if (fired)
			stray++;
		else
			fired++;
	} else if (id < late_below) {
		late_sgis++;   /* displaced from the list registers by a stray tick */
	} else {
		unexpected(r, where, id);
	}
	gic_eoi(id);
	return true;
}

static unsigned cur_round;

/* SCHEDOP_block returns with PSTATE.I clear (as Xen's): the vtimer's
 * interrupt is then taken here. */
static void block_irq(void)
{
	take_one(cur_round, "h");
}

void mode_mistorm(void)
{
	unsigned rounds = (unsigned)arg_num("rounds", 200);
	unsigned nsgi = (unsigned)arg_num("sgis", 5);
	uint64_t us = arg_num("us", 200);
	unsigned progress = (unsigned)arg_num("progress", 0);
	const char *how = arg("sleep", "wfi");
	int mode = !strcmp(how, "block") ? 1 : !strcmp(how, "none") ? 2 : 0;
	uint64_t freq = cntfrq() ? cntfrq() : 62500000;
	uint64_t rd;
	unsigned taken_sgis = 0, timer_wakes = 0, extra_wakes = 0, late = 0;

	if (nsgi < 5 || nsgi > 16)
		nsgi = 5;
	irq_disable();
	vt = vtimer_intid();
	timer_off();
	irq_handler = block_irq;
	rd = find_own_rd();
	if (!rd || !gic_init(g_fdt)) {
		say("MISTORM FAIL no GICv3 redistributor for this vCPU");
		return;
	}
	for (unsigned i = 0; i < nsgi; i++)
		gic_enable_ppi(i);
	gic_enable_ppi(vt);
	say("mistorm: %u SGIs, %u rounds, sleep=%s, timer %llu us ahead", nsgi, rounds,
	    mode == 1 ? "block" : mode == 2 ? "none" : "wfi", (unsigned long long)us);

	for (unsigned r = 1; r <= rounds; r++) {
		unsigned got = 0;

		/* Every write traps: from the fifth on, one more than the list
		 * registers hold. */
		for (unsigned i = 0; i < nsgi; i++)
			gic_send_sgi_self(i);
		/* The last one no longer pending: nothing waits outside the
		 * list registers, and the next entry's flush has nothing to do. */
		*(volatile uint32_t *)(uintptr_t)(rd + GICR_ICPENDR0) = 1u << (nsgi - 1);
		dsb();
		/* Take what the list registers hold, one after the other (the
		 * next is only signalled once the EOI dropped the running
		 * priority): the registers drain. */
		for (unsigned i = 0; i < nsgi + 3 && got < nsgi - 1; i++) {
			uint32_t id = gic_ack();
			if (id >= 1020)
				break;
			if (id < nsgi - 1) {
				got++;
			} else if (id == vt) {
				timer_off();   /* a tick left from an earlier round */
				stray++;
			} else {
				unexpected(r, "s", id);
			}
			gic_eoi(id);
		}
		uint64_t when = cntvct() + freq * us / 1000000;
		__asm__ volatile("msr cntv_cval_el0, %0\n\t"
				 "msr cntv_ctl_el0, %1\n\tisb"
				 :: "r"(when), "r"(1ull) : "memory");
		/* Until the timer's interrupt is taken (WFI may also return
		 * early); a hypervisor that wedged this CPU never gets us here. */
		uint64_t give_up = when + freq / 2;
		cur_round = r;
		fired = 0;
		late_sgis = 0;
		late_below = nsgi - 1;
		for (;;) {
			if (mode == 0)
				__asm__ volatile("wfi" ::: "memory");
			else if (mode == 1)
				xen_hypercall(XEN_HC_sched_op, SCHEDOP_block, 0, 0, 0, 0);
			irq_disable(); /* SCHEDOP_block enabled them (as Xen does) */
			if (!fired && !take_one(r, "w"))
				extra_wakes++;
			if (fired)
				break;
			if ((int64_t)(cntvct() - give_up) > 0) {
				timer_off();
				late++;
				break;
			}
		}
		/* Whatever else is pending now (a displaced SGI) belongs to
		 * this round. */
		for (unsigned i = 0; i < nsgi && take_one(r, "e"); i++)
			;
		timer_wakes += fired;
		taken_sgis += got + late_sgis;
		late_below = 0;
		if (progress && r % progress == 0)
			say("mistorm: round %u", r);
	}
	timer_off();
	say("mistorm: %u rounds done, %u/%u SGIs taken, %u timer wake-ups, %u early, "
	    "%u late, %u stray ticks, %u unexpected", rounds, taken_sgis, rounds * (nsgi - 1),
	    timer_wakes, extra_wakes, late, stray, bad);
	if (bad)
		say("mistorm: unexpected (round:where:INTID):%s", bad_log);
	if (taken_sgis == rounds * (nsgi - 1) && timer_wakes == rounds && !bad)
		say("MISTORM DONE");
	else
		say("MISTORM FAIL: SGIs %u/%u, timer wake-ups %u/%u, unexpected %u",
		    taken_sgis, rounds * (nsgi - 1), timer_wakes, rounds, bad);
}
