// SPDX-License-Identifier: MIT
/*
 * vGICv3 interrupt state and list registers.
 *
 * Delivery rule: an interrupt wants delivery when it is enabled and either
 * latched pending or (level-sensitive) its line is high. A bitmap per vCPU
 * (SGIs/PPIs) and per domain (SPIs) holds the candidates, so the entry
 * path looks at a few words, not every interrupt. List registers are a
 * cache of this state, written only on the vCPU's own CPU in vgic_flush().
 */
#include <arch/gic.h>
#include <arch/sysreg.h>
#include <arch/vgic_api.h>
#include <arch/vgic_int.h>
#include <xenith/arch-api.h>
#include <xenith/assert.h>
#include <xenith/domain.h>
#include <xenith/sched.h>
#include <xenith/lib.h>

#define LR_STATE_SHIFT 62
#define LR_PENDING     (1ULL << 62)
#define LR_ACTIVE      (2ULL << 62)
#define LR_STATE_MASK  (3ULL << 62)
#define LR_HW          (1ULL << 61)
#define LR_GROUP1      (1ULL << 60)
#define LR_PRIO_SHIFT  48
#define LR_PINTID_SHIFT 32
#define ICH_HCR_EN     (1ULL << 0)
#define ICH_HCR_UIE    (1ULL << 1)
#define VTIMER_INTID   27

static void write_lr(unsigned n, uint64_t v);
static uint64_t read_lr(unsigned n);

/* List registers this CPU has (at most 8 are used), as a bit mask. */
static uint32_t lr_mask;

struct vcpu *vgic_spi_target(struct domain *d, unsigned int intid)
{
	unsigned t = d->arch.vgic.spi[intid - VGIC_NR_PRIV].target;

	return d->vcpu[t < d->nr_vcpus ? t : 0];
}

static bool wants(const struct vgic_irq *irq)
{
	return irq->pending || (irq->level && !irq->edge);
}

static void set_bit32(uint32_t *w, unsigned bit, bool on)
{
	if (on)
		w[bit / 32] |= 1U << (bit % 32);
	else
		w[bit / 32] &= ~(1U << (bit % 32));
}

void vgic_update(struct domain *d, struct vcpu *v, unsigned int intid)
{
	struct vgic_irq *irq;
	bool on;

	ASSERT_LOCKED(&d->arch.vgic.lock);
	if (intid >= VGIC_NR_PRIV)
		v = vgic_spi_target(d, intid);
	irq = vgic_irq(v, intid);
	on = wants(irq);
	if (intid < VGIC_NR_PRIV) {
		set_bit32(&v->arch.vgic.pend, intid, on);
	} else {
		struct vgic_dist *dist = &d->arch.vgic;
		unsigned w = (intid - VGIC_NR_PRIV) / 32;

		set_bit32(dist->pend, intid - VGIC_NR_PRIV, on);
		set_bit32(&dist->pend_words, w, dist->pend[w] != 0);
	}
	if (on && irq->enabled)
		vcpu_kick(v);
}

int vgic_domain_init(struct domain *d)
{
	lr_mask = (1U << MIN(gic_nr_lrs(), 8U)) - 1;
	struct vgic_dist *dist = &d->arch.vgic;
	uint32_t n = d->cfg->nr_spis;

	spin_lock_init(&dist->lock, LOCK_VGIC);
	dist->nr_spis = n > VGIC_MAX_SPIS ? VGIC_MAX_SPIS : ALIGN_UP(n, 32);
	/* IDbits = 10 (value 9), CPUNumber, ITLinesNumber; no LPIs. */
	dist->typer = (9U << 19) | ((MIN(d->max_vcpus, 8U) - 1) << 5) |
		      (dist->nr_spis / 32);
	for (unsigned i = 0; i < dist->nr_spis; i++)
		dist->spi[i].priority = 0xa0;
	return vgic_mmio_init(d);
}

/* At construction and at every CPU_ON: under the domain's vGIC lock,
 * since another vCPU may be sending this one an SGI meanwhile. */
void vgic_vcpu_init(struct vcpu *v)
{
	struct vgic_cpu *c = &v->arch.vgic;

	spin_lock(&v->dom->arch.vgic.lock);
	memset(c->priv, 0, sizeof(c->priv));
	for (unsigned i = 0; i < VGIC_NR_PRIV; i++) {
		c->priv[i].edge = i < 16; /* SGIs are edge, PPIs level */
		c->priv[i].priority = 0xa0;
	}
	c->pend = 0;
	c->lr_used = 0;
	c->lr_hw = 0;
	c->fresh = true;
	spin_unlock(&v->dom->arch.vgic.lock);
}

/* Walks one word of a candidate bitmap; true if one is deliverable. */
static bool any_enabled(struct vcpu *v, uint32_t bits, unsigned base)
{
	for (; bits; bits &= bits - 1) {
		unsigned intid = base + (unsigned)__builtin_ctz(bits);
		const struct vgic_irq *irq = vgic_irq(v, intid);

		if (irq->enabled && !irq->in_lr &&
		    (intid < VGIC_NR_PRIV || vgic_spi_target(v->dom, intid) == v))
			return true;
	}
	return false;
}

static void sync_lrs(struct vcpu *v);

bool vgic_vcpu_pending_slow(struct vcpu *v)
{
	struct vgic_dist *dist = &v->dom->arch.vgic;
	bool found;

	spin_lock(&dist->lock);
	/* A list register the guest emptied still marks its interrupt
	 * in_lr until synced, which would hide it if it is pending again
	 * (a vtimer tick acknowledged on the host meanwhile). */
	if (v->arch.vgic.lr_used & (uint32_t)read_sysreg(ICH_ELRSR_EL2))
		sync_lrs(v);
	found = any_enabled(v, v->arch.vgic.pend, 0);
	for (uint32_t ws = dist->pend_words; !found && ws; ws &= ws - 1) {
		unsigned w = (unsigned)__builtin_ctz(ws);

		found = any_enabled(v, dist->pend[w], VGIC_NR_PRIV + 32 * w);
	}
	spin_unlock(&dist->lock);
	return found;
}

/* Folds what the guest finished with its list registers (the ones
 * ICH_ELRSR_EL2 reports empty) back into the interrupt state. */
static void sync_lrs(struct vcpu *v)
{
	struct vgic_cpu *c = &v->arch.vgic;
	uint32_t done = c->lr_used & (uint32_t)read_sysreg(ICH_ELRSR_EL2);

	for (; done; done &= done - 1) {
		unsigned n = (unsigned)__builtin_ctz(done);
		struct vgic_irq *irq = vgic_irq(v, c->lr_intid[n]);

		irq->active = 0;
		irq->in_lr = 0;
		/* The guest's EOI of an HW entry deactivated the physical one. */
		if (c->lr_hw & (1U << n))
			irq->hw = 0;
		c->lr_used &= ~(1U << n);
		c->lr_hw &= ~(1U << n);
		/* An empty LR needs no clearing: it is simply free again. Its
		 * candidate bit is already right unless it wants delivery
		 * again (line still high, or a new edge came meanwhile). */
		if (wants(irq))
			vgic_update(v->dom, v, c->lr_intid[n]);
	}
}

static uint64_t make_lr(const struct vgic_irq *irq, unsigned intid)
{
	uint64_t lr = intid | LR_PENDING | LR_GROUP1 |
		      ((uint64_t)irq->priority << LR_PRIO_SHIFT);

	if (irq->hw)
		lr |= LR_HW | ((uint64_t)intid << LR_PINTID_SHIFT);
	return lr;
}

/* Puts one interrupt in a free list register; false if none is free. */
static bool load_lr(struct vcpu *v, struct vgic_irq *irq, unsigned intid)
{
	struct vgic_cpu *c = &v->arch.vgic;
	uint32_t free = ~c->lr_used & lr_mask;
	unsigned n;

	if (!free)
		return false;
	n = (unsigned)__builtin_ctz(free);
	write_lr(n, make_lr(irq, intid));
	c->lr_used |= 1U << n;
	if (irq->hw)
		c->lr_hw |= 1U << n;
	else
		c->lr_hw &= ~(1U << n);
	c->lr_intid[n] = (uint16_t)intid;
	irq->in_lr = 1;
	irq->lr = (uint8_t)n;
	irq->pending = 0; /* now held by the list register */
	return true;
}

/*
 * Filling the list registers. Candidates are taken in priority order
 * (lower value first, then INTID), so when there are more than list
 * registers the guest still sees the most urgent ones first; a pending
 * (not yet acknowledged) entry of lower priority is evicted back to the
 * candidate set to make room for a more urgent one, as on Xen.
 */
#define MAX_CANDS 16

struct cand {
	uint16_t intid;
	uint8_t prio;
};

static bool deliverable(struct vcpu *v, const struct vgic_irq *irq,
			unsigned intid)
{
	return irq->enabled && !irq->in_lr && !irq->active &&
	       (intid < VGIC_NR_PRIV || vgic_spi_target(v->dom, intid) == v);
}

/* Inserts into the sorted array, dropping the least urgent when full (it
 * keeps its candidate bit and is found on a later pass). */
static void cand_insert(struct cand *cs, unsigned *n, unsigned intid, uint8_t prio)
{
	unsigned i;

	if (*n == MAX_CANDS) {
		if (cs[MAX_CANDS - 1].prio <= prio)
			return;
		i = MAX_CANDS - 1; /* replaces the least urgent */
	} else {
		i = (*n)++;
	}
	for (; i > 0 && cs[i - 1].prio > prio; i--)
		cs[i] = cs[i - 1];
	cs[i] = (struct cand){ (uint16_t)intid, prio };
}

static void collect_word(struct vcpu *v, uint32_t bits, unsigned base,
			 struct cand *cs, unsigned *n)
{
	for (; bits; bits &= bits - 1) {
		unsigned intid = base + (unsigned)__builtin_ctz(bits);
		const struct vgic_irq *irq = vgic_irq(v, intid);

		if (deliverable(v, irq, intid))
			cand_insert(cs, n, intid, irq->priority);
	}
}

static unsigned collect(struct vcpu *v, struct cand *cs)
{
	struct vgic_dist *dist = &v->dom->arch.vgic;
	unsigned n = 0;

	collect_word(v, v->arch.vgic.pend, 0, cs, &n);
	for (uint32_t ws = dist->pend_words; ws; ws &= ws - 1) {
		unsigned w = (unsigned)__builtin_ctz(ws);

		collect_word(v, dist->pend[w], VGIC_NR_PRIV + 32 * w, cs, &n);
	}
	return n;
}

/* Drops INTID's candidate bit once a list register holds all of it. */
static void cand_done(struct vcpu *v, unsigned intid)
{
	struct vgic_dist *dist = &v->dom->arch.vgic;
	unsigned w;

	if (intid < VGIC_NR_PRIV) {
		v->arch.vgic.pend &= ~(1U << intid);
		return;
	}
	w = (intid - VGIC_NR_PRIV) / 32;
	dist->pend[w] &= ~(1U << ((intid - VGIC_NR_PRIV) % 32));
	if (!dist->pend[w])
		dist->pend_words &= ~(1U << w);
}

/* Frees the list register holding the least urgent interrupt that is
 * still only pending, if it is less urgent than `prio`. */
static bool evict_for(struct vcpu *v, uint8_t prio)
{
	struct vgic_cpu *c = &v->arch.vgic;
	int victim = -1;
	uint8_t worst = prio;

	for (uint32_t used = c->lr_used; used; used &= used - 1) {
		unsigned n = (unsigned)__builtin_ctz(used);
		uint64_t lr = read_lr(n);
		uint8_t p = (uint8_t)(lr >> LR_PRIO_SHIFT);

		if ((lr & LR_STATE_MASK) == LR_PENDING && p > worst) {
			worst = p;
			victim = (int)n;
		}
	}
	if (victim < 0)
		return false;
	struct vgic_irq *irq = vgic_irq(v, c->lr_intid[victim]);

	irq->in_lr = 0;
	if (irq->edge || irq->hw)
		irq->pending = 1; /* back to the candidates; a level line re-pends by itself */
	c->lr_used &= ~(1U << victim);
	c->lr_hw &= ~(1U << victim); /* still active on the host: hw stays */
	vgic_update(v->dom, v, c->lr_intid[victim]);
	return true;
}

/* Loads candidates most urgent first; false if some had to stay out. */
static bool fill(struct vcpu *v)
{
	struct cand cs[MAX_CANDS];
	unsigned n = collect(v, cs);

	for (unsigned i = 0; i < n; i++) {
		struct vgic_irq *irq = vgic_irq(v, cs[i].intid);

		if (!load_lr(v, irq, cs[i].intid) &&
		    !(evict_for(v, cs[i].prio) && load_lr(v, irq, cs[i].intid)))
			return false;
		if (!wants(irq))
			cand_done(v, cs[i].intid);
	}
	return n < MAX_CANDS;
}

/* ICH_AP0R<n>/AP1R<n>: 1, 2 or 4 of each, from ICH_VTR_EL2.PREbits. */
static unsigned int apr_count = 1;

void vgic_init_cpu(void)
{
	unsigned int pre = (unsigned int)((read_sysreg(S3_4_C12_C11_1) >> 26) & 7) + 1;

	apr_count = pre >= 7 ? 4 : pre == 6 ? 2 : 1;
	lr_mask = (1U << MIN(gic_nr_lrs(), 8U)) - 1;
	for (unsigned int n = 0; lr_mask >> n; n++)
		write_lr(n, 0);
	write_sysreg(S3_4_C12_C11_0, 0); /* ICH_HCR_EL2 */
}

static unsigned int nr_aprs(void)
{
	return apr_count;
}

#define APR_R(n) case n: c->ap0r[n] = (uint32_t)read_sysreg(S3_4_C12_C8_##n); \
	c->ap1r[n] = (uint32_t)read_sysreg(S3_4_C12_C9_##n); break
#define APR_W(n) case n: write_sysreg(S3_4_C12_C8_##n, c->ap0r[n]); \
	write_sysreg(S3_4_C12_C9_##n, c->ap1r[n]); break

/* First entry after a reset, on the vCPU's own CPU: forget whatever the
 * virtual CPU interface held before. */
static void reset_hw(struct vgic_cpu *c)
{
	for (unsigned n = 0; lr_mask >> n; n++) {
		uint64_t lr = read_lr(n);

		/* A forwarded interrupt (the vtimer) still in a list register
		 * is active on the host (EOImode 1): deactivate it, or it would
		 * never fire again for the vCPU that starts here next. */
		if ((lr & LR_HW) && (lr & LR_STATE_MASK))
			write_sysreg(S3_0_C12_C11_1, (lr >> LR_PINTID_SHIFT) & 0x3ff);
		write_lr(n, 0);
	}
	write_sysreg(S3_4_C12_C11_7, 0); /* ICH_VMCR_EL2 */
	memset(c->ap0r, 0, sizeof(c->ap0r));
	memset(c->ap1r, 0, sizeof(c->ap1r));
	for (unsigned int n = 0; n < nr_aprs(); n++) {
		switch (n) { APR_W(0); APR_W(1); APR_W(2); APR_W(3); }
	}
	write_sysreg(S3_4_C12_C11_0, ICH_HCR_EN);
	c->uie = false;
	c->lr_hw = 0;
	c->fresh = false;
}


/*
 * The vtimer's physical interrupt stays active on this CPU until the
 * guest's EOI of an HW list register: if that has not happened, it is
 * deactivated here, where it is active (its timer output is already
 * silenced), and the guest finishes the virtual one alone, wherever it
 * runs next. Left active, it would never fire again on this CPU.
 */
void vgic_save(struct vcpu *v)
{
	struct vgic_cpu *c = &v->arch.vgic;
	struct vgic_irq *t = &c->priv[VTIMER_INTID];

	for (uint32_t used = c->lr_used; used; used &= used - 1) {
		unsigned int n = (unsigned int)__builtin_ctz(used);
		uint64_t lr = read_lr(n);

		/* A host SPI stays forwarded (its active state is the
		 * distributor's, which any CPU's EOI reaches); the vtimer's
		 * PPI is this CPU's, deactivated below. */
		if (c->lr_intid[n] < VGIC_NR_PRIV) {
			lr &= ~(LR_HW | (0x3ffULL << LR_PINTID_SHIFT));
			c->lr_hw &= ~(1U << n);
		}
		c->lr_saved[n] = lr;
		write_lr(n, 0); /* all zero again while no context is here */
	}
	spin_lock(&v->dom->arch.vgic.lock);
	if (t->hw) {
		write_sysreg(S3_0_C12_C11_1, VTIMER_INTID); /* ICC_DIR_EL1 */
		t->hw = 0;
	}
	spin_unlock(&v->dom->arch.vgic.lock);
	c->vmcr = read_sysreg(S3_4_C12_C11_7);
	for (unsigned int n = 0; n < nr_aprs(); n++) {
		switch (n) { APR_R(0); APR_R(1); APR_R(2); APR_R(3); }
	}
	write_sysreg(S3_4_C12_C11_0, 0); /* ICH_HCR_EL2: interface off */
}

void vgic_restore(struct vcpu *v)
{
	struct vgic_cpu *c = &v->arch.vgic;

	if (c->fresh) {
		reset_hw(c);
		return;
	}
	for (uint32_t used = c->lr_used; used; used &= used - 1) {
		unsigned int n = (unsigned int)__builtin_ctz(used);

		write_lr(n, c->lr_saved[n]);
	}
	write_sysreg(S3_4_C12_C11_7, c->vmcr);
	for (unsigned int n = 0; n < nr_aprs(); n++) {
		switch (n) { APR_W(0); APR_W(1); APR_W(2); APR_W(3); }
	}
	write_sysreg(S3_4_C12_C11_0, ICH_HCR_EN | (c->uie ? ICH_HCR_UIE : 0));
}

/*
 * The list registers drained while UIE asked to hear of it. The request
 * is withdrawn here, not only at the next entry: the interrupt is a
 * level, and a vCPU that blocked (or whose CPU went idle holding its
 * context) with UIE set and nothing left to load would otherwise take it
 * again after every eret, for ever. The next flush asks again if more
 * candidates wait.
 */
void vgic_maintenance(struct vcpu *v)
{
	write_sysreg(S3_4_C12_C11_0, v ? ICH_HCR_EN : 0);
	if (v)
		v->arch.vgic.uie = false;
	isb();
}

/* Out of list registers: ask for a maintenance interrupt once they drain,
 * so the rest gets delivered without waiting for another exit. */
static void set_uie(struct vgic_cpu *c, bool on)
{
	if (c->uie == on)
		return;
	c->uie = on;
	write_sysreg(S3_4_C12_C11_0, ICH_HCR_EN | (on ? ICH_HCR_UIE : 0));
}

void vgic_flush_slow(struct vcpu *v)
{
	struct vgic_dist *dist = &v->dom->arch.vgic;
	struct vgic_cpu *c = &v->arch.vgic;
	bool room;

	if (c->fresh)
		reset_hw(c);
	spin_lock(&dist->lock);
	sync_lrs(v);
	room = fill(v);
	spin_unlock(&dist->lock);
	set_uie(c, !room);
}

void arch_vgic_set_level(struct domain *d, unsigned int vcpu_id,
			 unsigned int intid, bool level)
{
	struct vgic_dist *dist = &d->arch.vgic;
	struct vcpu *v = d->vcpu[vcpu_id < d->nr_vcpus ? vcpu_id : 0];
	struct vgic_irq *irq;

	spin_lock(&dist->lock);
	irq = vgic_irq(v, intid);
	if (irq && irq->level != level) {
		irq->level = level;
		if (level && irq->edge)
			irq->pending = 1;
		vgic_update(d, v, intid);
	}
	spin_unlock(&dist->lock);
}

/* Runs on v's own CPU. The common case goes straight into a free list
 * register (the physical interrupt stays active until the guest's EOI
 * deactivates it through the HW bit, so it cannot fire again meanwhile). */
void vgic_vtimer_fired(struct vcpu *v)
{
	struct vgic_dist *dist = &v->dom->arch.vgic;
	struct vgic_irq *irq;

	uint32_t empty = (uint32_t)read_sysreg(ICH_ELRSR_EL2);

	spin_lock(&dist->lock);
	irq = &v->arch.vgic.priv[VTIMER_INTID];
	/* Steady state: the guest finished the previous tick in the list
	 * register still assigned to it; write the new tick there. */
	if (irq->in_lr && (empty & (1U << irq->lr)) && irq->enabled) {
		irq->active = 0;
		irq->hw = 1;
		write_lr(irq->lr, make_lr(irq, VTIMER_INTID));
		v->arch.vgic.lr_hw |= 1U << irq->lr;
		spin_unlock(&dist->lock);
		return;
	}
	/* Otherwise take back whatever the guest finished, then load. */
	if (v->arch.vgic.lr_used & empty)
		sync_lrs(v);
	irq->hw = 1;
	irq->pending = 1;
	if (v->arch.vgic.fresh || !irq->enabled || irq->in_lr ||
	    !load_lr(v, irq, VTIMER_INTID))
		vgic_update(v->dom, v, VTIMER_INTID);
	spin_unlock(&dist->lock);
}

void vgic_inject_hw_spi(struct domain *d, unsigned int intid)
{
	struct vgic_dist *dist = &d->arch.vgic;
	struct vgic_irq *irq = &dist->spi[intid - VGIC_NR_PRIV];

	spin_lock(&dist->lock);
	irq->hw = 1;
	irq->pending = 1;
	vgic_update(d, NULL, intid);
	spin_unlock(&dist->lock);
}

/* XEN_DMOP_set_irq_level (Xen 4.17's old vGIC): level 1 makes the SPI
 * pending on the vCPU it is routed to, level 0 does nothing (a falling
 * edge). Refused (-1) for an SPI the domain does not have, its vpl011's,
 * or one of a host device passed through to it (Xen's allocated_irqs). */
int arch_vgic_dm_irq(struct domain *d, unsigned int intid, bool level)
{
	struct vgic_dist *dist = &d->arch.vgic;

	if (intid < VGIC_NR_PRIV || intid - VGIC_NR_PRIV >= dist->nr_spis ||
	    (d->vpl011.enabled && intid == 32 + d->layout.uart_spi) || arch_spi_routed_to(d, intid))
		return -1;
	if (!level)
		return 0;
	spin_lock(&dist->lock);
	dist->spi[intid - VGIC_NR_PRIV].pending = 1;
	vgic_update(d, NULL, intid);
	spin_unlock(&dist->lock);
	return 0;
}

void vgic_spi_set_edge(struct domain *d, unsigned int intid, bool edge)
{
	d->arch.vgic.spi[intid - VGIC_NR_PRIV].edge = edge;
}

/* ICC_SGI1R_EL1: INTID [27:24], Aff1 [23:16], TargetList [15:0],
 * Aff2 [39:32], IRM [40], RS [47:44], Aff3 [55:48]. */
static void sgi_to(struct domain *d, struct vcpu *t, unsigned intid)
{
	t->arch.vgic.priv[intid].pending = 1;
	vgic_update(d, t, intid);
}

void vgic_send_sgi(struct vcpu *v, uint64_t sgi1r)
{
	struct domain *d = v->dom;
	unsigned intid = (sgi1r >> 24) & 0xf;
	bool all = (sgi1r >> 40) & 1;
	uint64_t aff1 = (sgi1r >> 16) & 0xff, rs = (sgi1r >> 44) & 0xf;
	uint32_t list = (uint32_t)(sgi1r & 0xffff);

	if ((sgi1r >> 32) & 0xff || (sgi1r >> 48) & 0xff)
		return; /* our vCPUs all have Aff2 = Aff3 = 0 */
	/* vCPU n has Aff1 = n / 16, Aff0 = n % 16 (so RS is 0): the target
	 * list names vCPUs 16 * Aff1 + bit directly, without a walk. */
	if (!all && (rs || aff1 * 16 >= d->nr_vcpus))
		return;
	spin_lock(&d->arch.vgic.lock);
	if (all) {
		for (unsigned i = 0; i < d->nr_vcpus; i++)
			if (d->vcpu[i] != v)
				sgi_to(d, d->vcpu[i], intid);
	} else {
		for (; list; list &= list - 1) {
			unsigned id = (unsigned)aff1 * 16 + (unsigned)__builtin_ctz(list);

			if (id < d->nr_vcpus)
				sgi_to(d, d->vcpu[id], intid);
		}
	}
	spin_unlock(&d->arch.vgic.lock);
}

/* ICH_LR<n>_EL2 is not indexable: one mrs/msr per register number. */
#define LR_CASE_R(n) case n: return read_sysreg(S3_4_C12_C12_##n)
static uint64_t read_lr(unsigned n)
{
	switch (n) {
	LR_CASE_R(0); LR_CASE_R(1); LR_CASE_R(2); LR_CASE_R(3);
	LR_CASE_R(4); LR_CASE_R(5); LR_CASE_R(6); LR_CASE_R(7);
	default: return 0;
	}
}

#define LR_CASE_W(n) case n: write_sysreg(S3_4_C12_C12_##n, v); break
static void write_lr(unsigned n, uint64_t v)
{
	switch (n) {
	LR_CASE_W(0); LR_CASE_W(1); LR_CASE_W(2); LR_CASE_W(3);
	LR_CASE_W(4); LR_CASE_W(5); LR_CASE_W(6); LR_CASE_W(7);
	default: break;
	}
}
