// SPDX-License-Identifier: MIT
/*
 * vGICv3 register emulation: the distributor at 0x03001000 and one
 * redistributor (RD + SGI frame, 128 KiB) per vCPU from 0x03020000, as
 * Xen 4.17 lays them out for a domU. Unknown registers read as zero and
 * ignore writes; accesses past the last vCPU's redistributor abort.
 */
#include <arch/vgic_int.h>
#include <xenith/config.h>
#include <xenith/domain.h>
#include <xenith/lib.h>

#define GICD_CTLR       0x0000
#define GICD_TYPER      0x0004
#define GICD_IIDR       0x0008
#define GICD_IGROUPR    0x0080
#define GICD_ISENABLER  0x0100
#define GICD_ICENABLER  0x0180
#define GICD_ISPENDR    0x0200
#define GICD_ICPENDR    0x0280
#define GICD_ISACTIVER  0x0300
#define GICD_ICACTIVER  0x0380
#define GICD_IPRIORITYR 0x0400
#define GICD_ICFGR      0x0c00
#define GICD_IROUTER    0x6000
#define GICD_PIDR2      0xffe8
#define GICR_CTLR       0x0000
#define GICR_IIDR       0x0004
#define GICR_TYPER      0x0008
#define GICR_WAKER      0x0014
#define GICR_SGI_BASE   0x10000
#define GICV3_PIDR2     0x30     /* ArchRev 3 */
#define IIDR_VALUE      0x0000043b /* implementer: Arm */
#define CTLR_ARE_NS     (1U << 4)
#define CTLR_ENABLES    0x3U
#define WAKER_PS        (1U << 1)
#define WAKER_CA        (1U << 2)

enum bit_op { OP_SET_ENABLE, OP_CLR_ENABLE, OP_SET_PEND, OP_CLR_PEND,
	      OP_SET_ACTIVE, OP_CLR_ACTIVE, OP_GROUP };

/* Reads one 32-interrupt word of a bit register. */
static uint32_t bits_read(struct vcpu *v, unsigned first, enum bit_op op)
{
	uint32_t val = 0;

	for (unsigned i = 0; i < 32; i++) {
		const struct vgic_irq *irq = vgic_irq(v, first + i);
		bool b = false;

		if (!irq)
			break;
		switch (op) {
		case OP_SET_ENABLE: case OP_CLR_ENABLE: b = irq->enabled; break;
		case OP_SET_PEND: case OP_CLR_PEND: b = irq->pending || irq->in_lr ||
			(irq->level && !irq->edge); break;
		case OP_SET_ACTIVE: case OP_CLR_ACTIVE: b = irq->active; break;
		case OP_GROUP: b = irq->group1; break;
		}
		val |= (uint32_t)b << i;
	}
	return val;
}

static void bit_apply(struct vgic_irq *irq, enum bit_op op, bool one)
{
	switch (op) {
	case OP_SET_ENABLE: if (one) irq->enabled = 1; break;
	case OP_CLR_ENABLE: if (one) irq->enabled = 0; break;
	case OP_SET_PEND:   if (one) irq->pending = 1; break;
	case OP_CLR_PEND:   if (one) irq->pending = 0; break;
	/* Active state is owned by the guest's CPU interface; Xen 4.17 also
	 * ignores these writes (Linux only clears at init). */
	case OP_SET_ACTIVE: case OP_CLR_ACTIVE: break;
	case OP_GROUP:      irq->group1 = one; break;
	}
}

static void bits_write(struct vcpu *v, unsigned first, enum bit_op op,
		       uint32_t val)
{
	/* Set/clear registers act on their 1 bits only; IGROUPR on all. */
	uint32_t todo = op == OP_GROUP ? (first ? ~0U : 0xffff0000U) : val;

	for (; todo; todo &= todo - 1) {
		unsigned i = (unsigned)__builtin_ctz(todo);
		struct vgic_irq *irq = vgic_irq(v, first + i);

		if (!irq)
			break;
		bit_apply(irq, op, (val >> i) & 1);
		vgic_update(v->dom, v, first + i);
	}
}

/* Byte-wide priority registers, any access width up to 4 (or 8). */
static uint64_t prio_read(struct vcpu *v, unsigned first, unsigned size)
{
	uint64_t val = 0;

	for (unsigned i = 0; i < size; i++) {
		const struct vgic_irq *irq = vgic_irq(v, first + i);

		val |= (uint64_t)(irq ? irq->priority : 0) << (8 * i);
	}
	return val;
}

static void prio_write(struct vcpu *v, unsigned first, unsigned size,
		       uint64_t val)
{
	for (unsigned i = 0; i < size; i++) {
		struct vgic_irq *irq = vgic_irq(v, first + i);

		if (irq)
			irq->priority = (uint8_t)(val >> (8 * i)) & 0xf8;
	}
}

static uint32_t cfg_read(struct vcpu *v, unsigned first)
{
	uint32_t val = 0;

	for (unsigned i = 0; i < 16; i++) {
		const struct vgic_irq *irq = vgic_irq(v, first + i);

		if (irq && irq->edge)
			val |= 2U << (2 * i);
	}
	return val;
}

static void cfg_write(struct vcpu *v, unsigned first, uint32_t val)
{
	for (unsigned i = 0; i < 16; i++) {
		struct vgic_irq *irq = vgic_irq(v, first + i);

		if (irq && first + i >= 16) /* SGI configuration is fixed */
			irq->edge = (val >> (2 * i + 1)) & 1;
	}
}

/* Registers common to the distributor (SPIs) and the SGI frame (private
 * interrupts): `first` is the INTID of bit 0 of word 0. */
static bool irq_regs(struct vcpu *v, struct mmio_access *a, unsigned off,
		     unsigned first)
{
	static const enum bit_op ops[] = {
		OP_GROUP, OP_SET_ENABLE, OP_CLR_ENABLE, OP_SET_PEND,
		OP_CLR_PEND, OP_SET_ACTIVE, OP_CLR_ACTIVE,
	};

	if (off >= GICD_IGROUPR && off < GICD_IPRIORITYR) {
		enum bit_op op = ops[(off - GICD_IGROUPR) / 0x80];
		unsigned intid = first + (off & 0x7f) * 8;

		if (a->size != 4)
			return false;
		if (a->write)
			bits_write(v, intid, op, (uint32_t)a->value);
		else
			a->value = bits_read(v, intid, op);
		return true;
	}
	if (off >= GICD_IPRIORITYR && off < GICD_IPRIORITYR + 0x400) {
		unsigned intid = first + off - GICD_IPRIORITYR;

		if (a->write)
			prio_write(v, intid, a->size, a->value);
		else
			a->value = prio_read(v, intid, a->size);
		return true;
	}
	if (off >= GICD_ICFGR && off < GICD_ICFGR + 0x100 && a->size == 4) {
		unsigned intid = first + (off - GICD_ICFGR) * 4;

		if (a->write)
			cfg_write(v, intid, (uint32_t)a->value);
		else
			a->value = cfg_read(v, intid);
		return true;
	}
	return false;
}

static bool irouter(struct vcpu *v, struct mmio_access *a, unsigned off)
{
	struct domain *d = v->dom;
	unsigned spi = (off - GICD_IROUTER) / 8;
	struct vgic_irq *irq;

	if (spi < 32 || spi - 32 >= d->arch.vgic.nr_spis || a->size != 8)
		return spi < 32 || a->size == 8; /* RAZ/WI for SGI/PPI slots */
	irq = &d->arch.vgic.spi[spi - 32];
	if (!a->write) {
		a->value = guest_vcpu_affinity(irq->target);
		return true;
	}
	/* Aff0 = id & 0xf, Aff1 = id >> 4; IRM (any CPU) routes to vCPU 0,
	 * and so does an affinity no vCPU has (Aff0 >= 16, Aff2/Aff3 set,
	 * or beyond the last vCPU): checked before it is narrowed. */
	uint64_t aff0 = a->value & 0xff, aff1 = (a->value >> 8) & 0xff;
	uint64_t id = aff1 * 16 + aff0;

	if ((a->value & (1ULL << 31)) || aff0 >= 16 || (a->value & 0xff00ff0000ULL) ||
	    id >= d->nr_vcpus)
		id = 0;
	irq->target = (uint8_t)id;
	vgic_update(d, v, spi);
	return true;
}

static bool dist_regs(struct vcpu *v, struct mmio_access *a)
{
	struct vgic_dist *dist = &v->dom->arch.vgic;
	unsigned off = (unsigned)a->offset;

	switch (off) {
	case GICD_CTLR:
		if (a->write)
			dist->ctlr = (uint32_t)a->value & CTLR_ENABLES;
		else
			a->value = dist->ctlr | CTLR_ARE_NS;
		return true;
	case GICD_TYPER: case GICD_IIDR: case GICD_PIDR2:
		return true; /* writes to identification registers: ignored */
	}
	if (off >= GICD_IROUTER && off < GICD_IROUTER + 8 * 1020)
		return irouter(v, a, off);
	/* With affinity routing, word 0 (SGIs/PPIs) lives in the
	 * redistributor: reads as zero here. */
	if (off >= GICD_IGROUPR && off < GICD_ICFGR + 0x100) {
		bool priv = (off < GICD_IPRIORITYR && (off & 0x7f) == 0) ||
			    (off >= GICD_IPRIORITYR && off < GICD_IPRIORITYR + 32) ||
			    (off >= GICD_ICFGR && off < GICD_ICFGR + 8);
		if (priv) {
			a->value = 0;
			return true;
		}
		return irq_regs(v, a, off, 0);
	}
	if (!a->write)
		a->value = 0;
	return true;
}

/* Identification registers never change: answered without the lock. */
static bool dist_id_regs(struct vcpu *v, struct mmio_access *a)
{
	switch (a->offset) {
	case GICD_TYPER:
		a->value = v->dom->arch.vgic.typer;
		return true;
	case GICD_IIDR:
		a->value = IIDR_VALUE;
		return true;
	case GICD_PIDR2:
		a->value = GICV3_PIDR2;
		return true;
	default:
		return false;
	}
}

static bool vgicd_mmio(struct vcpu *v, struct mmio_access *a, void *priv)
{
	struct vgic_dist *dist = priv;
	bool ok;

	if (!a->write && dist_id_regs(v, a))
		return true;
	spin_lock(&dist->lock);
	ok = dist_regs(v, a);
	spin_unlock(&dist->lock);
	return ok;
}

static bool rd_frame(struct vcpu *t, struct mmio_access *a, unsigned off)
{
	struct domain *d = t->dom;

	switch (off) {
	case GICR_TYPER:
		if (a->write)
			return true;
		/* Affinity [63:32], processor number [23:8], Last [4]. */
		a->value = guest_vcpu_affinity(t->id) << 32 | (uint64_t)t->id << 8 |
			   (t->id == d->nr_vcpus - 1 ? 1U << 4 : 0);
		if (a->size == 4 && (a->offset & 4))
			a->value >>= 32;
		return true;
	case GICR_TYPER + 4:
		if (!a->write)
			a->value = guest_vcpu_affinity(t->id);
		return true;
	case GICR_WAKER:
		if (a->write)
			t->arch.vgic.sleeping = (a->value & WAKER_PS) != 0;
		else
			a->value = t->arch.vgic.sleeping ? WAKER_PS | WAKER_CA : 0;
		return true;
	case GICR_IIDR:
		a->value = IIDR_VALUE;
		return true;
	case GICD_PIDR2:
		a->value = GICV3_PIDR2;
		return true;
	default:
		if (!a->write)
			a->value = 0; /* CTLR, PROPBASER ...: no LPIs */
		return true;
	}
}

static bool vgicr_mmio(struct vcpu *v, struct mmio_access *a, void *priv)
{
	struct vgic_dist *dist = priv;
	struct domain *d = v->dom;
	uint64_t idx = a->offset / GUEST_GICR_STRIDE;
	unsigned off = (unsigned)(a->offset % GUEST_GICR_STRIDE);
	struct vcpu *t;
	bool ok;

	if (idx >= d->nr_vcpus)
		return false;
	t = d->vcpu[idx];
	spin_lock(&dist->lock);
	if (off < GICR_SGI_BASE)
		ok = rd_frame(t, a, off);
	else if (!irq_regs(t, a, off - GICR_SGI_BASE, 0)) {
		if (!a->write)
			a->value = 0;
		ok = true;
	} else
		ok = true;
	spin_unlock(&dist->lock);
	return ok;
}

int vgic_mmio_init(struct domain *d)
{
	/* Where the guest's layout puts them: Xen's guest map, or the
	 * host's regions for a direct-mapped domain. */
	if (mmio_register(&d->mmio, d->layout.gicd_base, GUEST_GICD_SIZE,
			  vgicd_mmio, &d->arch.vgic) ||
	    mmio_register(&d->mmio, d->layout.gicr_base, d->layout.gicr_size,
			  vgicr_mmio, &d->arch.vgic))
		return -1;
	return 0;
}
