// SPDX-License-Identifier: MIT
/*
 * GICv3, guest side, as little as one boot vCPU needs to take a PPI:
 * distributor on (affinity routing, group 1), this CPU's redistributor
 * awake, the interrupt in group 1 and enabled, and the CPU interface
 * driven through the ICC_* system registers with EOImode 0 (the EOI also
 * deactivates).
 */
#include "rt.h"

#define GICD_CTLR          0x0000
#define GICD_CTLR_ENABLE_G1A (1u << 1)
#define GICD_CTLR_ARE_NS   (1u << 4)

#define GICR_STRIDE        0x20000   /* RD + SGI frames, no VLPI frames */
#define GICR_WAKER         0x0014
#define GICR_TYPER         0x0008
#define GICR_TYPER_LAST    (1u << 4)
#define GICR_WAKER_SLEEP   (1u << 1)
#define GICR_WAKER_ASLEEP  (1u << 2)
#define GICR_SGI           0x10000
#define GICR_IGROUPR0      (GICR_SGI + 0x0080)
#define GICR_ISENABLER0    (GICR_SGI + 0x0100)
#define GICR_IPRIORITYR    (GICR_SGI + 0x0400)

static uint64_t gicd, gicr;  /* gicr: this CPU's RD frame */
static uint64_t rd_base, rd_size; /* the redistributor region */

static inline uint32_t rd32(uint64_t a)
{
	return *(volatile uint32_t *)(uintptr_t)a;
}

static inline void wr32(uint64_t a, uint32_t v)
{
	*(volatile uint32_t *)(uintptr_t)a = v;
}

static int find_gic(const void *fdt)
{
	struct dt_node it = { .off = -1 };
	while (dt_next(fdt, &it))
		if (dt_compatible(fdt, it.off, "arm,gic-v3"))
			return it.off;
	return -1;
}

/* The redistributor frame whose GICR_TYPER affinity is this CPU's. */
static uint64_t find_rd(uint64_t base, uint64_t size)
{
	uint64_t mpidr = read_sysreg(mpidr_el1);
	uint32_t aff = (uint32_t)(((mpidr >> 32) & 0xff) << 24) |
		       (uint32_t)(mpidr & 0xffffff);
	for (uint64_t rd = base; rd + GICR_STRIDE <= base + size;
	     rd += GICR_STRIDE) {
		uint32_t lo = rd32(rd + GICR_TYPER);
		uint32_t hi = rd32(rd + GICR_TYPER + 4);
		if (hi == aff)
			return rd;
		if (lo & GICR_TYPER_LAST)
			break;
	}
	return 0;
}

bool gic_init(const void *fdt)
{
	uint64_t dbase, dsize, rbase, rsize;
	int n = find_gic(fdt);
	if (n < 0 || !dt_reg(fdt, n, 0, &dbase, &dsize) ||
	    !dt_reg(fdt, n, 1, &rbase, &rsize))
		return false;
	gicd = dbase;
	rd_base = rbase;
	rd_size = rsize;
	gicr = find_rd(rbase, rsize);
	if (!gicr)
		return false;

	wr32(gicd + GICD_CTLR, GICD_CTLR_ARE_NS | GICD_CTLR_ENABLE_G1A);
	/* Wake the redistributor (RAZ/WI on virtual GICs, harmless). */
	wr32(gicr + GICR_WAKER, rd32(gicr + GICR_WAKER) & ~GICR_WAKER_SLEEP);
	for (int i = 0; i < 100000 && (rd32(gicr + GICR_WAKER) & GICR_WAKER_ASLEEP); i++)
		cpu_relax();

	uint64_t sre = read_sysreg(icc_sre_el1);
	if (!(sre & 1)) {
		__asm__ volatile("msr icc_sre_el1, %0\n\tisb" :: "r"(sre | 1));
	}
	__asm__ volatile("msr icc_pmr_el1, %0\n\t"
			 "msr icc_bpr1_el1, xzr\n\t"
			 "msr icc_igrpen1_el1, %1\n\t"
			 "isb"
			 :
			 : "r"(0xf0ull), "r"(1ull)
			 : "memory");
	return true;
}

bool gic_enable_ppi(uint32_t intid)
{
	if (!gicr || intid >= 32)
		return false;
	uint64_t prio = gicr + GICR_IPRIORITYR + (intid & ~3u);
	unsigned shift = (intid & 3) * 8;
	wr32(prio, (rd32(prio) & ~(0xffu << shift)) | (0xa0u << shift));
	wr32(gicr + GICR_IGROUPR0, rd32(gicr + GICR_IGROUPR0) | (1u << intid));
	wr32(gicr + GICR_ISENABLER0, 1u << intid);
	dsb();
	return true;
}

/* An SPI, group 1, priority 0xa0, routed to the vCPU with affinity aff. */
bool gic_enable_spi(uint32_t intid, uint64_t aff)
{
	if (!gicd || intid < 32 || intid >= 1020)
		return false;
	uint64_t prio = gicd + 0x400 + (intid & ~3u);
	unsigned shift = (intid & 3) * 8;
	wr32(prio, (rd32(prio) & ~(0xffu << shift)) | (0xa0u << shift));
	wr32(gicd + 0x80 + 4 * (intid / 32), rd32(gicd + 0x80 + 4 * (intid / 32)) | (1u << (intid % 32)));
	*(volatile uint64_t *)(uintptr_t)(gicd + 0x6000 + 8 * intid) = aff;
	wr32(gicd + 0x100 + 4 * (intid / 32), 1u << (intid % 32));
	dsb();
	return true;
}

bool gic_set_priority(uint32_t intid, uint8_t prio)
{
	if (!gicr || intid >= 32)
		return false;
	uint64_t reg = gicr + GICR_IPRIORITYR + (intid & ~3u);
	unsigned shift = (intid & 3) * 8;
	wr32(reg, (rd32(reg) & ~(0xffu << shift)) | ((uint32_t)prio << shift));
	dsb();
	return true;
}

uint8_t gic_get_priority(uint32_t intid)
{
	if (!gicr || intid >= 32)
		return 0;
	return (uint8_t)(rd32(gicr + GICR_IPRIORITYR + (intid & ~3u)) >> ((intid & 3) * 8));
}

/*
 * ICC_SGI1R_EL1 for one target: TargetList [15:0] (bit Aff0 % 16),
 * Aff1 [23:16], INTID [27:24], Aff2 [39:32], RS [47:44] (Aff0 / 16),
 * Aff3 [55:48].
 */
void gic_send_sgi(uint64_t mpidr, uint32_t intid)
{
	uint64_t aff0 = mpidr & 0xff, aff1 = (mpidr >> 8) & 0xff;
	uint64_t aff2 = (mpidr >> 16) & 0xff, aff3 = (mpidr >> 32) & 0xff;
	uint64_t v = (1ull << (aff0 & 0xf)) | (aff1 << 16) |
		     ((uint64_t)(intid & 0xf) << 24) | (aff2 << 32) |
		     ((aff0 >> 4) << 44) | (aff3 << 48);
	__asm__ volatile("msr icc_sgi1r_el1, %0\n\tisb" :: "r"(v) : "memory");
}

void gic_send_sgi_self(uint32_t intid)
{
	gic_send_sgi(read_sysreg(mpidr_el1), intid);
}

uint32_t gic_ack(void)
{
	uint64_t v;
	__asm__ volatile("mrs %0, icc_iar1_el1" : "=r"(v) :: "memory");
	__asm__ volatile("dsb sy" ::: "memory");
	return (uint32_t)v & 0xffffff;
}

void gic_eoi(uint32_t intid)
{
	__asm__ volatile("msr icc_eoir1_el1, %0\n\tisb" :: "r"((uint64_t)intid) : "memory");
}

/* On another CPU, after gic_init on the boot one: its own redistributor
 * awake, SGI `sgi` in group 1 and enabled there, its CPU interface on.
 * false if it has no redistributor frame. */
bool gic_init_secondary(uint32_t sgi)
{
	uint64_t rd = find_rd(rd_base, rd_size);

	if (!rd || sgi >= 16)
		return false;
	wr32(rd + GICR_WAKER, rd32(rd + GICR_WAKER) & ~GICR_WAKER_SLEEP);
	wr32(rd + GICR_IGROUPR0, rd32(rd + GICR_IGROUPR0) | (1u << sgi));
	wr32(rd + GICR_ISENABLER0, 1u << sgi);
	dsb();
	__asm__ volatile("msr icc_sre_el1, %0\n\t"
			 "isb\n\t"
			 "msr icc_pmr_el1, %1\n\t"
			 "msr icc_bpr1_el1, xzr\n\t"
			 "msr icc_igrpen1_el1, %2\n\t"
			 "isb"
			 :
			 : "r"(read_sysreg(icc_sre_el1) | 1), "r"(0xf0ull), "r"(1ull)
			 : "memory");
	return true;
}
