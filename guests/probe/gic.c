// SPDX-License-Identifier: MIT
/*
 * Just enough GICv3 for the probe: the distributor and redistributor
 * addresses come from the device tree ("arm,gic-v3" reg[0], reg[1]), the
 * CPU interface is the ICC_* system registers. The same code drives QEMU's
 * GIC directly (no hypervisor) and a hypervisor's vGIC.
 */
#include "probe.h"

struct pgic pgic;

#define GICD_CTLR        0x0000
#define CTLR_ENABLE_G1   (1u << 1)   /* EnableGrp1 (DS=1) / EnableGrp1A (NS) */
#define CTLR_ARE         (1u << 4)   /* ARE (DS=1) / ARE_NS (NS) */
#define CTLR_RWP         (1u << 31)

#define GICR_STRIDE      0x20000
#define GICR_TYPER       0x0008
#define TYPER_VLPIS      (1u << 1)
#define TYPER_LAST       (1u << 4)
#define GICR_WAKER       0x0014
#define WAKER_PSLEEP     (1u << 1)
#define WAKER_CASLEEP    (1u << 2)
#define GICR_SGI         0x10000
#define GICR_IGROUPR0    0x0080
#define GICR_ISENABLER0  0x0100
#define GICR_ICENABLER0  0x0180
#define GICR_IPRIORITYR  0x0400

#define PRIO             0x80u

/* Plain ldr/str only: a hypervisor can emulate an MMIO access only if the
 * abort syndrome describes it (ESR.ISV), which is never the case for
 * post/pre-indexed (writeback) forms the compiler likes in loops. */
static inline uint32_t rd32(uint64_t a)
{
	uint32_t v;
	__asm__ volatile("ldr %w0, [%1]" : "=r"(v) : "r"(a) : "memory");
	return v;
}

static inline void wr32(uint64_t a, uint32_t v)
{
	__asm__ volatile("str %w0, [%1]" :: "r"(v), "r"(a) : "memory");
}

bool pgic_find(const void *fdt)
{
	struct dt_node it = { .off = -1 };
	while (dt_next(fdt, &it)) {
		if (!dt_compatible(fdt, it.off, "arm,gic-v3"))
			continue;
		uint64_t s;
		if (!dt_reg(fdt, it.off, 0, &pgic.gicd, &s) ||
		    !dt_reg(fdt, it.off, 1, &pgic.gicr, &pgic.gicr_size))
			return false;
		return true;
	}
	return false;
}

void pgic_dist_init(void)
{
	uint32_t c = rd32(pgic.gicd + GICD_CTLR);
	wr32(pgic.gicd + GICD_CTLR, c | CTLR_ARE | CTLR_ENABLE_G1);
	for (int i = 0; i < 100000 && (rd32(pgic.gicd + GICD_CTLR) & CTLR_RWP); i++)
		;
}

static uint64_t my_rd(void)
{
	uint64_t mpidr = read_sysreg(mpidr_el1);
	uint32_t aff = (uint32_t)(((mpidr >> 32) & 0xff) << 24) |
		       (uint32_t)(mpidr & 0xffffff);
	for (uint64_t f = pgic.gicr; f < pgic.gicr + pgic.gicr_size;) {
		uint32_t lo = rd32(f + GICR_TYPER);
		uint32_t hi = rd32(f + GICR_TYPER + 4);
		if (hi == aff)
			return f;
		if (lo & TYPER_LAST)
			break;
		f += (lo & TYPER_VLPIS) ? 2 * GICR_STRIDE : GICR_STRIDE;
	}
	return 0;
}

bool pgic_cpu_init(uint32_t enable)
{
	uint64_t rd = my_rd();
	if (!rd)
		return false;
	wr32(rd + GICR_WAKER, rd32(rd + GICR_WAKER) & ~WAKER_PSLEEP);
	for (int i = 0; i < 100000 && (rd32(rd + GICR_WAKER) & WAKER_CASLEEP); i++)
		;
	uint64_t sgi = rd + GICR_SGI;
	wr32(sgi + GICR_ICENABLER0, ~0u);
	wr32(sgi + GICR_IGROUPR0, ~0u);
	for (int i = 0; i < 8; i++)
		wr32(sgi + GICR_IPRIORITYR + 4 * i, PRIO * 0x01010101u);
	wr32(sgi + GICR_ISENABLER0, enable);

	uint64_t sre;
	__asm__ volatile("mrs %0, icc_sre_el1" : "=r"(sre));
	__asm__ volatile("msr icc_sre_el1, %0\n\tisb" :: "r"(sre | 1));
	__asm__ volatile("msr icc_pmr_el1, %0" :: "r"(0xffull));
	__asm__ volatile("msr icc_bpr1_el1, %0" :: "r"(0ull));
	__asm__ volatile("msr icc_ctlr_el1, %0" :: "r"(0ull)); /* EOImode 0 */
	__asm__ volatile("msr icc_igrpen1_el1, %0\n\tisb" :: "r"(1ull));
	return true;
}

bool pgic_enable(uint32_t intid)
{
	uint64_t rd = my_rd();
	if (!rd || intid >= 32)
		return false;
	wr32(rd + GICR_SGI + GICR_ISENABLER0, 1u << intid);
	return true;
}

uint32_t pgic_ack(void)
{
	uint64_t v;
	__asm__ volatile("mrs %0, icc_iar1_el1" : "=r"(v) :: "memory");
	return (uint32_t)v;
}

void pgic_eoi(uint32_t iar)
{
	__asm__ volatile("msr icc_eoir1_el1, %0\n\tisb" :: "r"((uint64_t)iar) : "memory");
}

uint64_t pgic_sgi1r(uint64_t mpidr, unsigned intid)
{
	uint64_t aff0 = mpidr & 0xff, aff1 = (mpidr >> 8) & 0xff;
	uint64_t aff2 = (mpidr >> 16) & 0xff, aff3 = (mpidr >> 32) & 0xff;
	return (1ull << (aff0 & 0xf)) | (aff1 << 16) | ((uint64_t)(intid & 0xf) << 24) |
	       (aff2 << 32) | ((aff0 >> 4) << 44) | (aff3 << 48);
}
