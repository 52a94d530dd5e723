// SPDX-License-Identifier: MIT
/*
 * Trapped system-register accesses (ESR EC 0x18). Emulated: ICC_SGI1R_EL1
 * (IPIs), and the debug and PMU registers, which read as zero and ignore
 * writes as on Xen (no vPMU, no guest debug). Everything else: undefined.
 */
#include <stdbool.h>
#include <arch/traps.h>
#include <arch/vgic_api.h>
#include <xenith/domain.h>

bool sysreg_emulate(struct vcpu *v, struct cpu_regs *r, uint64_t iss);

/* ISS fields of a trapped MSR/MRS. */
#define SR_OP0(iss)  (((iss) >> 20) & 3)
#define SR_OP2(iss)  (((iss) >> 17) & 7)
#define SR_OP1(iss)  (((iss) >> 14) & 7)
#define SR_CRN(iss)  (((iss) >> 10) & 0xf)
#define SR_RT(iss)   (((iss) >> 5) & 0x1f)
#define SR_CRM(iss)  (((iss) >> 1) & 0xf)
#define SR_READ(iss) ((iss) & 1)

#define SR_KEY(op0, op1, crn, crm, op2) \
	(((op0) << 14) | ((op1) << 11) | ((crn) << 7) | ((crm) << 3) | (op2))
#define ICC_SGI1R_KEY SR_KEY(3, 0, 12, 11, 5)

static bool is_debug(uint64_t iss)
{
	return SR_OP0(iss) == 2 && SR_OP1(iss) == 0; /* MDSCR, DBG*, OSLAR ... */
}

static bool is_pmu(uint64_t iss)
{
	return SR_OP0(iss) == 3 && SR_OP1(iss) == 3 &&
	       (SR_CRN(iss) == 9 || SR_CRN(iss) == 14);
}

bool sysreg_emulate(struct vcpu *v, struct cpu_regs *r, uint64_t iss)
{
	unsigned key = SR_KEY(SR_OP0(iss), SR_OP1(iss), SR_CRN(iss),
			      SR_CRM(iss), SR_OP2(iss));

	if (key == ICC_SGI1R_KEY && !SR_READ(iss)) {
		vgic_send_sgi(v, regs_get(r, SR_RT(iss)));
		return true;
	}
	if (is_debug(iss) || is_pmu(iss)) {
		if (SR_READ(iss))
			regs_set(r, SR_RT(iss), 0);
		return true;
	}
	return false;
}
