// SPDX-License-Identifier: MIT
/*
 * PSCI 1.1 and SMCCC 1.1 for guests, over HVC #0 or a trapped SMC, with the
 * function IDs and return codes of Xen 4.17 (see xen-arm-guest-abi.md A.6).
 */
#include <arch/sysreg.h>
#include <arch/traps.h>
#include <xenith/arch-api.h>
#include <xenith/domain.h>

#define SMCCC_VERSION          0x80000000U
#define SMCCC_ARCH_FEATURES    0x80000001U
#define PSCI_VERSION           0x84000000U
#define PSCI_CPU_SUSPEND       0x84000001U
#define PSCI_CPU_OFF           0x84000002U
#define PSCI_CPU_ON            0x84000003U
#define PSCI_AFFINITY_INFO     0x84000004U
#define PSCI_MIGRATE_INFO_TYPE 0x84000006U
#define PSCI_SYSTEM_OFF        0x84000008U
#define PSCI_SYSTEM_RESET      0x84000009U
#define PSCI_FEATURES          0x8400000aU
#define PSCI_64(fn)            ((fn) | 0x40000000U)
#define PSCI_0_1_CPU_OFF       1U   /* Xen's legacy IDs in the DT */
#define PSCI_0_1_CPU_ON        2U

#define PSCI_SUCCESS            0
#define PSCI_NOT_SUPPORTED      (-1)
#define PSCI_INVALID_PARAMETERS (-2)
#define PSCI_ALREADY_ON         (-4)
#define PSCI_INVALID_ADDRESS    (-9)

/* vCPU id from a guest MPIDR: Aff0 = id & 0xf, Aff1 = id >> 4 (Xen). */
static struct vcpu *vcpu_by_mpidr(struct domain *d, uint64_t mpidr)
{
	uint64_t id;

	if (mpidr & ~0xff0fULL)
		return NULL;
	id = ((mpidr >> 8) & 0xff) << 4 | (mpidr & 0xf);
	return id < d->nr_vcpus ? d->vcpu[id] : NULL;
}

static int64_t cpu_on(struct domain *d, uint64_t mpidr, uint64_t entry,
		      uint64_t ctx)
{
	struct vcpu *t = vcpu_by_mpidr(d, mpidr);

	if (!t)
		return PSCI_INVALID_PARAMETERS;
	if (entry & 1)
		return PSCI_INVALID_ADDRESS; /* Thumb bit: not for AArch64 */
	/* Of two CPU_ONs racing for t, one wins; the other finds it on
	 * (Xen 4.17 lets both succeed, the second overwriting the first). */
	if (!vcpu_power_claim(t))
		return PSCI_ALREADY_ON;
	arch_vcpu_init(t, entry, ctx);
	dsb(ish);
	t->power = VCPU_ON_PENDING;
	dsb(ish);
	arch_cpu_kick(t->pcpu);
	return PSCI_SUCCESS;
}

#define MPIDR_HWID_MASK 0xff00ffffffULL

/* As Xen 4.17: ON (0) if any vCPU whose affinity matches `target` above
 * `level` is not powered off, else OFF (1), also when none matches. */
static int64_t affinity_info(struct domain *d, uint64_t target, uint64_t level)
{
	uint64_t mask;

	if (level > 3)
		return PSCI_INVALID_PARAMETERS;
	mask = MPIDR_HWID_MASK & ~((1ULL << (((1U << level) >> 1) * 8)) - 1);
	for (unsigned int i = 0; i < d->nr_vcpus; i++)
		if ((d->vcpu[i]->arch.vmpidr & mask) == (target & mask) &&
		    d->vcpu[i]->power != VCPU_OFF)
			return 0;
	return 1;
}

static int64_t features(uint32_t fn)
{
	switch (fn) {
	case PSCI_VERSION: case PSCI_CPU_SUSPEND: case PSCI_64(PSCI_CPU_SUSPEND):
	case PSCI_CPU_OFF: case PSCI_CPU_ON: case PSCI_64(PSCI_CPU_ON):
	case PSCI_AFFINITY_INFO: case PSCI_64(PSCI_AFFINITY_INFO):
	case PSCI_MIGRATE_INFO_TYPE: case PSCI_SYSTEM_OFF:
	case PSCI_SYSTEM_RESET: case PSCI_FEATURES: case SMCCC_VERSION:
		return PSCI_SUCCESS;
	default:
		return PSCI_NOT_SUPPORTED;
	}
}

/* Xenith does not (yet) implement the Spectre workaround calls, so it
 * says so: "not supported" makes a guest fall back to its own
 * mitigations, where "not required" would wrongly tell it the CPU is
 * safe (the Cortex-A57 QEMU emulates is affected by Spectre v2 and BHB). */
static int64_t arch_features(uint32_t fn)
{
	return fn == SMCCC_VERSION ? PSCI_SUCCESS : PSCI_NOT_SUPPORTED;
}

static int64_t psci_dispatch(struct vcpu *v, struct cpu_regs *r)
{
	struct domain *d = v->dom;
	uint32_t fn = (uint32_t)r->x[0];

	switch (fn) {
	case SMCCC_VERSION:         return 0x10001;
	case SMCCC_ARCH_FEATURES:   return arch_features((uint32_t)r->x[1]);
	case PSCI_VERSION:          return 0x10001;
	case PSCI_FEATURES:         return features((uint32_t)r->x[1]);
	case PSCI_MIGRATE_INFO_TYPE: return 2;
	case PSCI_CPU_SUSPEND: case PSCI_64(PSCI_CPU_SUSPEND):
		return PSCI_SUCCESS; /* a wake-up is allowed to be immediate */
	case PSCI_CPU_ON: case PSCI_64(PSCI_CPU_ON): case PSCI_0_1_CPU_ON:
		return cpu_on(d, r->x[1], r->x[2], r->x[3]);
	case PSCI_AFFINITY_INFO: case PSCI_64(PSCI_AFFINITY_INFO):
		return affinity_info(d, r->x[1], r->x[2]);
	case PSCI_CPU_OFF: case PSCI_0_1_CPU_OFF:
		v->power = VCPU_OFF;
		return PSCI_SUCCESS;
	case PSCI_SYSTEM_OFF:
		domain_shutdown(d, SHUTDOWN_poweroff);
		return PSCI_SUCCESS;
	case PSCI_SYSTEM_RESET:
		domain_shutdown(d, SHUTDOWN_reboot);
		return PSCI_SUCCESS;
	default:
		return PSCI_NOT_SUPPORTED;
	}
}

void vpsci_call(struct vcpu *v, struct cpu_regs *r)
{
	r->x[0] = (uint64_t)psci_dispatch(v, r);
}
