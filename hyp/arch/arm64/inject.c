// SPDX-License-Identifier: MIT
/*
 * Exceptions injected into a guest: what the guest sees when it does
 * something the hypervisor does not emulate. The guest's own vector table
 * handles it; the hypervisor and other domains are unaffected.
 */
#include <arch/sysreg.h>
#include <arch/traps.h>

#define VEC_CUR_SP0  0x000
#define VEC_CUR_SPX  0x200
#define VEC_LOWER64  0x400
#define VEC_LOWER32  0x600
#define PSR_AARCH32  (1UL << 4)
#define FSC_SYNC_EXTERNAL 0x10
#define ISS_WNR (1UL << 6)

/* Sync exception vector the guest's PSTATE selects. */
static uint64_t vector_offset(uint64_t pstate)
{
	if (pstate & PSR_AARCH32)
		return VEC_LOWER32; /* a 32-bit EL0 task */
	switch (pstate & 0xf) {
	case PSR_MODE_EL1H: return VEC_CUR_SPX;
	case PSR_MODE_EL1T: return VEC_CUR_SP0;
	default:            return VEC_LOWER64;
	}
}

static bool from_el0(const struct cpu_regs *r)
{
	return (r->pstate & PSR_AARCH32) || (r->pstate & 0xf) == PSR_MODE_EL0T;
}

static void enter_el1(struct cpu_regs *r, uint64_t esr)
{
	write_sysreg(esr_el1, esr);
	write_sysreg(elr_el1, r->pc);
	write_sysreg(spsr_el1, r->pstate);
	r->pc = read_sysreg(vbar_el1) + vector_offset(r->pstate);
	r->pstate = PSR_GUEST64_INIT;
}

void inject_undef(struct cpu_regs *r)
{
	enter_el1(r, ((uint64_t)ESR_EC_UNKNOWN << ESR_EC_SHIFT) | ESR_IL);
}

void inject_dabt(struct cpu_regs *r, uint64_t far, bool write)
{
	uint64_t ec = from_el0(r) ? ESR_EC_DABT_LOW : ESR_EC_DABT_CUR;

	write_sysreg(far_el1, far);
	enter_el1(r, (ec << ESR_EC_SHIFT) | ESR_IL | FSC_SYNC_EXTERNAL |
		     (write ? ISS_WNR : 0));
}

void inject_iabt(struct cpu_regs *r, uint64_t far)
{
	uint64_t ec = from_el0(r) ? ESR_EC_IABT_LOW : ESR_EC_IABT_CUR;

	write_sysreg(far_el1, far);
	enter_el1(r, (ec << ESR_EC_SHIFT) | ESR_IL | FSC_SYNC_EXTERNAL);
}
