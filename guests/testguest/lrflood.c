// SPDX-License-Identifier: MIT
/*
 * lrflood: more pending interrupts than the virtual CPU interface has list
 * registers (QEMU's GICv3 has 4), all made pending while the vCPU has
 * IRQs masked, then taken at once.
 *
 * A round: with PSTATE.I set, send this vCPU SGIs 0..N-1 (ICC_SGI1R_EL1
 * with its own affinity) and let the virtual timer fire (CVAL in the
 * past), wait 2 ms so the hypervisor has seen all of them, then unmask.
 * Every interrupt must be taken exactly once, and nothing may come after
 * the last. Two kinds of round:
 *
 *   equal      every interrupt at priority 0xa0: only "exactly once";
 *   distinct   priorities that run against INTID order (SGI N-1 highest,
 *              SGI 0 lowest, the vtimer in the middle): the interrupts
 *              must also be taken highest priority first, as a GIC does
 *              when they are all pending at the moment of the unmask.
 *
 * Per round it prints "lrflood: <kind> round R: S/N SGIs taken, vtimer T,
 * other O, spurious P, U us" (U: unmask to last interrupt), the order
 * they came in (and ICC_HPPIR1_EL1 just before the unmask), and for
 * distinct rounds "priority order ok" or "priority order VIOLATED: ...".
 * Then one summary per kind ("lrflood: equal: 16/16 SGIs taken": every
 * round of that kind took each SGI exactly once; "lrflood: distinct:
 * priority order ok in R/R rounds") and "LRFLOOD DONE" if every
 * interrupt was taken exactly once, else "LRFLOOD FAIL ..." lines.
 *
 * bootargs: sgis=N (1..16, default 16) rounds=R (default 3)
 *           kinds=equal,distinct (default both)
 */
#include "tg.h"

#define MAX_TAKEN 64

static uint32_t timer_intid;  /* virtual timer, from the DT */
static volatile uint32_t taken[32];
static volatile uint32_t order[MAX_TAKEN];
static volatile uint32_t norder, other, spurious;

static void timer_off(void)
{
	__asm__ volatile("msr cntv_ctl_el0, xzr\n\tisb" ::: "memory");
}

static void lr_irq(void)
{
	uint32_t id = gic_ack();
	if (id >= 1020) {
		spurious++;
		return;
	}
	if (id == timer_intid)
		timer_off();   /* the level goes away before the EOI */
	if (id < 32)
		taken[id]++;
	else
		other++;
	if (norder < MAX_TAKEN)
		order[norder] = id;
	norder++;
	gic_eoi(id);
}

static bool has(const char *list, const char *w)
{
	size_t n = strlen(w);
	for (const char *p = list; *p; p++)
		if (!strncmp(p, w, n))
			return true;
	return false;
}

static void delay_us(uint64_t us)
{
	uint64_t end = cntvct() + cntfrq() * us / 1000000;
	while ((int64_t)(cntvct() - end) < 0)
		cpu_relax();
}

static uint64_t hppir1(void)
{
	return read_sysreg(S3_0_C12_C12_2) & 0xffffff;   /* ICC_HPPIR1_EL1 */
}

/* Appends " <n>" to buf. */
static void append(char *buf, size_t size, uint32_t n)
{
	size_t l = strlen(buf);
	if (l + 1 < size)
		snprintf(buf + l, size - l, " %u", n);
}

struct want {
	uint32_t intid;
	uint8_t prio;
};

/* One round. Returns true if every interrupt was taken exactly once;
 * *in_order: also highest priority first (want[] is in that order). */
static bool flood_round(const char *kind, unsigned r, const struct want *want,
			unsigned n, unsigned nsgi, bool *in_order)
{
	char line[160];
	bool ok = true;

	irq_disable();
	for (unsigned i = 0; i < 32; i++)
		taken[i] = 0;
	norder = other = spurious = 0;
	for (unsigned i = 0; i < n; i++)
		gic_set_priority(want[i].intid, want[i].prio);
	for (unsigned i = 0; i < nsgi; i++)
		gic_send_sgi_self(i);
	/* CVAL 0 is in the past: the timer condition holds at once. */
	__asm__ volatile("msr cntv_cval_el0, xzr\n\t"
			 "msr cntv_ctl_el0, %0\n\tisb" :: "r"(1ull) : "memory");
	delay_us(2000);
	uint64_t hp = hppir1();

	uint64_t t0 = cntvct(), t1 = 0;
	irq_enable();
	uint64_t end = t0 + cntfrq() / 10;   /* 100 ms */
	while (norder < n && (int64_t)(cntvct() - end) < 0)
		cpu_relax();
	t1 = cntvct();
	delay_us(10000);                      /* late duplicates */
	irq_disable();
	timer_off();

	unsigned once = 0;
	for (unsigned i = 0; i < nsgi; i++)
		once += taken[i] == 1;
	say("lrflood: %s round %u: %u/%u SGIs taken, vtimer %u, other %u, spurious %u, "
	    "%llu us", kind, r, once, nsgi, taken[timer_intid], other, spurious,
	    (unsigned long long)((t1 - t0) * 1000000 / cntfrq()));
	snprintf(line, sizeof(line), "HPPIR %llu, order", (unsigned long long)hp);
	for (unsigned i = 0; i < norder && i < MAX_TAKEN; i++)
		append(line, sizeof(line), order[i]);
	say("lrflood: %s round %u: %s", kind, r, line);

	for (unsigned i = 0; i < nsgi; i++)
		if (taken[i] != 1) {
			say("LRFLOOD FAIL %s round %u: SGI %u taken %u times", kind, r, i, taken[i]);
			ok = false;
		}
	if (taken[timer_intid] != 1) {
		say("LRFLOOD FAIL %s round %u: vtimer taken %u times", kind, r,
		    taken[timer_intid]);
		ok = false;
	}
	for (unsigned i = 0; i < 32; i++)
		if (i >= nsgi && i != timer_intid && taken[i]) {
			say("LRFLOOD FAIL %s round %u: INTID %u taken %u times", kind, r, i,
			    taken[i]);
			ok = false;
		}
	if (other) {
		say("LRFLOOD FAIL %s round %u: %u other interrupts", kind, r, other);
		ok = false;
	}
	if (in_order) {
		*in_order = norder == n;
		for (unsigned i = 0; i < n && *in_order; i++)
			if (order[i] != want[i].intid) {
				say("lrflood: %s round %u: priority order VIOLATED: taken #%u was "
				    "INTID %u (priority %#x), expected INTID %u (priority %#x)",
				    kind, r, i + 1, order[i], gic_get_priority(order[i]),
				    want[i].intid, want[i].prio);
				*in_order = false;
			}
		if (*in_order)
			say("lrflood: %s round %u: priority order ok", kind, r);
	}
	return ok;
}

void mode_lrflood(void)
{
	unsigned nsgi = (unsigned)arg_num("sgis", 16);
	unsigned rounds = (unsigned)arg_num("rounds", 3);
	const char *kinds = arg("kinds", "equal,distinct");
	bool do_equal = has(kinds, "equal");
	bool do_distinct = has(kinds, "distinct");
	struct want want[17];
	bool all_ok = true;

	if (nsgi < 1 || nsgi > 16)
		nsgi = 16;
	timer_intid = vtimer_intid();
	timer_off();
	if (!gic_init(g_fdt)) {
		say("LRFLOOD FAIL no GICv3");
		return;
	}
	for (unsigned i = 0; i < nsgi; i++)
		gic_enable_ppi(i);
	gic_enable_ppi(timer_intid);
	irq_handler = lr_irq;
	say("lrflood: %u SGIs + vtimer (INTID %u), %u rounds", nsgi, timer_intid, rounds);

	unsigned n = nsgi + 1;
	if (do_equal) {
		unsigned good = 0;
		for (unsigned i = 0; i < nsgi; i++)
			want[i] = (struct want){ i, 0xa0 };
		want[nsgi] = (struct want){ timer_intid, 0xa0 };
		for (unsigned r = 1; r <= rounds; r++)
			good += flood_round("equal", r, want, n, nsgi, NULL);
		say("lrflood: equal: %u/%u SGIs taken%s", good == rounds ? nsgi : 0, nsgi,
		    good == rounds ? "" : " (some rounds failed)");
		all_ok = all_ok && good == rounds;
	}
	if (do_distinct) {
		/* Taken order: SGI N-1 .. N/2, the vtimer, SGI N/2-1 .. 0;
		 * priorities 0x10, 0x18, ... (a virtual GIC keeps 5 bits). */
		unsigned k = 0, good = 0, ordered = 0;
		for (unsigned i = nsgi; i-- > nsgi / 2;)
			want[k++] = (struct want){ i, 0 };
		want[k++] = (struct want){ timer_intid, 0 };
		for (unsigned i = nsgi / 2; i-- > 0;)
			want[k++] = (struct want){ i, 0 };
		for (unsigned i = 0; i < n; i++)
			want[i].prio = (uint8_t)(0x10 + 8 * i);
		for (unsigned r = 1; r <= rounds; r++) {
			bool in_order;
			good += flood_round("distinct", r, want, n, nsgi, &in_order);
			ordered += in_order;
		}
		say("lrflood: distinct: %u/%u SGIs taken%s", good == rounds ? nsgi : 0, nsgi,
		    good == rounds ? "" : " (some rounds failed)");
		say("lrflood: distinct: priority order ok in %u/%u rounds", ordered, rounds);
		all_ok = all_ok && good == rounds;
	}
	irq_enable();
	/* DONE: every interrupt taken exactly once (the order is reported
	 * above, for the scenario to judge). */
	if (all_ok)
		say("LRFLOOD DONE");
	else
		say("LRFLOOD FAIL (see above)");
}
