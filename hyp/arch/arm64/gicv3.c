// SPDX-License-Identifier: MIT
/*
 * Host GICv3: distributor, one redistributor per CPU, and the system
 * register CPU interface. EOImode=1 splits priority drop from
 * deactivation, so an interrupt forwarded to a guest (the virtual timer)
 * is deactivated by the guest's own EOI through a hardware list register.
 */
#include <stdbool.h>
#include <arch/gic.h>
#include <arch/sysreg.h>
#include <xenith/console.h>

#define GICD_CTLR      0x0000
#define GICD_TYPER     0x0004
#define GICD_IGROUPR   0x0080
#define GICD_ISENABLER 0x0100
#define GICD_ICENABLER 0x0180
#define GICD_IPRIORITYR 0x0400
#define GICD_ICFGR     0x0c00
#define GICD_IROUTER   0x6100
#define GICD_CTLR_RWP  (1U << 31)

#define GICR_CTLR      0x0000
#define GICR_TYPER     0x0008
#define GICR_WAKER     0x0014
#define GICR_SGI       0x10000
#define GICR_STRIDE    0x20000
#define WAKER_PS       (1U << 1)
#define WAKER_CA       (1U << 2)
#define TYPER_LAST     (1U << 4)

#define IRQ_PRIO       0xa0

static uint64_t gicd, gicr_base, gicr_size;
static uint64_t gicr_of_cpu[MAX_CPUS];
static uint64_t mpidr_of_cpu[MAX_CPUS];
static unsigned int nr_irqs;
static unsigned int maint_irq;

static inline volatile uint32_t *r32(uint64_t a)
{
	return (volatile uint32_t *)(uintptr_t)a;
}

static inline volatile uint64_t *r64(uint64_t a)
{
	return (volatile uint64_t *)(uintptr_t)a;
}

static void dist_wait_rwp(void)
{
	while (*r32(gicd + GICD_CTLR) & GICD_CTLR_RWP)
		;
}

unsigned int gic_nr_spis(void)
{
	return nr_irqs - 32;
}

uint64_t gic_cpu_mpidr(unsigned int cpu)
{
	return mpidr_of_cpu[cpu];
}

/* Affinity fields of an MPIDR in IROUTER / GICR_TYPER layout. */
static uint64_t aff_of(uint64_t mpidr)
{
	return (mpidr & 0xffffff) | ((mpidr >> 32) & 0xff) << 32;
}

void gic_init_dist(const struct host_info *h)
{
	gicd = h->gicd_base;
	gicr_base = h->gicr_base;
	gicr_size = h->gicr_size;
	maint_irq = h->gic_maint_irq;
	nr_irqs = ((*r32(gicd + GICD_TYPER) & 0x1f) + 1) * 32;
	if (nr_irqs > 1020)
		nr_irqs = 1020;
	*r32(gicd + GICD_CTLR) = 0;
	dist_wait_rwp();
	for (unsigned i = 32; i < nr_irqs; i += 32) {
		*r32(gicd + GICD_ICENABLER + i / 8) = ~0U;
		*r32(gicd + GICD_IGROUPR + i / 8) = ~0U;
	}
	for (unsigned i = 32; i < nr_irqs; i += 4)
		*r32(gicd + GICD_IPRIORITYR + i) = IRQ_PRIO * 0x01010101U;
	/* Affinity routing, group 1 enabled (bit layout valid with or
	 * without security extensions). */
	*r32(gicd + GICD_CTLR) = (1U << 4) | (1U << 1) | 1U;
	dist_wait_rwp();
}

static uint64_t find_redist(uint64_t mpidr)
{
	for (uint64_t a = gicr_base; a < gicr_base + gicr_size; a += GICR_STRIDE) {
		uint64_t typer = *r64(a + GICR_TYPER);

		if ((typer >> 32) == aff_of(mpidr))
			return a;
		if (typer & TYPER_LAST)
			break;
	}
	return 0;
}

static void redist_init(uint64_t rd)
{
	uint64_t sgi = rd + GICR_SGI;

	*r32(rd + GICR_WAKER) &= ~WAKER_PS;
	while (*r32(rd + GICR_WAKER) & WAKER_CA)
		;
	*r32(sgi + GICD_IGROUPR) = ~0U;
	*r32(sgi + GICD_ICENABLER) = ~0U;
	for (unsigned i = 0; i < 32; i += 4)
		*r32(sgi + GICD_IPRIORITYR + i) = IRQ_PRIO * 0x01010101U;
	/* SGIs are always ours: enable them all. */
	*r32(sgi + GICD_ISENABLER) = 0xffff;
}

void gic_init_cpu(unsigned int cpu)
{
	uint64_t mpidr = read_sysreg(mpidr_el1) & 0xff00ffffffULL;

	mpidr_of_cpu[cpu] = mpidr;
	gicr_of_cpu[cpu] = find_redist(mpidr);
	if (!gicr_of_cpu[cpu])
		panic("GICv3: no redistributor for CPU%u (MPIDR 0x%llx)", cpu,
		      (unsigned long long)mpidr);
	redist_init(gicr_of_cpu[cpu]);
	if (maint_irq)
		gic_enable_irq(maint_irq, cpu);
	/* System register interface at EL2 and for EL1 (ICC_SRE_EL2.Enable). */
	write_sysreg(S3_4_C12_C9_5, 0xf);      /* ICC_SRE_EL2 */
	isb();
	write_sysreg(S3_0_C4_C6_0, 0xff);      /* ICC_PMR_EL1 */
	write_sysreg(S3_0_C12_C12_3, 0);       /* ICC_BPR1_EL1 */
	write_sysreg(S3_0_C12_C12_4, 1UL << 1); /* ICC_CTLR_EL1: EOImode=1 */
	write_sysreg(S3_0_C12_C12_7, 1);       /* ICC_IGRPEN1_EL1 */
	write_sysreg(S3_4_C12_C11_0, 1);       /* ICH_HCR_EL2: En */
	isb();
}

void gic_enable_irq(unsigned int intid, unsigned int cpu)
{
	if (intid < 32) {
		uint64_t sgi = gicr_of_cpu[cpu] + GICR_SGI;

		*r32(sgi + GICD_ISENABLER) = 1U << intid;
		return;
	}
	*r64(gicd + GICD_IROUTER + 8 * (intid - 32)) = aff_of(mpidr_of_cpu[cpu]);
	*r32(gicd + GICD_ISENABLER + (intid / 32) * 4) = 1U << (intid % 32);
}

void gic_set_trigger(unsigned int intid, bool edge)
{
	volatile uint32_t *cfg = r32(gicd + GICD_ICFGR + (intid / 16) * 4);
	uint32_t bit = 2U << (2 * (intid % 16));

	*cfg = edge ? (*cfg | bit) : (*cfg & ~bit);
}

void gic_send_sgi(unsigned int cpu, unsigned int sgi)
{
	uint64_t m = mpidr_of_cpu[cpu];
	uint64_t v = ((m >> 8) & 0xff) << 16 | ((m >> 16) & 0xff) << 32 |
		     ((m >> 32) & 0xff) << 48 | (uint64_t)sgi << 24 |
		     (1UL << (m & 0xf));

	dsb(ishst);
	write_sysreg(S3_0_C12_C11_5, v);       /* ICC_SGI1R_EL1 */
	isb();
}

unsigned int gic_nr_lrs(void)
{
	return (unsigned int)(read_sysreg(S3_4_C12_C11_1) & 0x1f) + 1; /* ICH_VTR_EL2 */
}

/* For the 'r' debug key: this CPU's pending and active SGI/PPI bits. */
void gic_ppi_state(unsigned int cpu, uint32_t *pending, uint32_t *active)
{
	volatile uint32_t *sgi = (volatile uint32_t *)(uintptr_t)(gicr_of_cpu[cpu] + GICR_SGI);

	*pending = sgi[0x200 / 4]; /* GICR_ISPENDR0 */
	*active = sgi[0x300 / 4];  /* GICR_ISACTIVER0 */
}

unsigned int gic_maint_intid(void)
{
	return maint_irq;
}
