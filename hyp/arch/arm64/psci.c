// SPDX-License-Identifier: MIT
/*
 * PSCI 1.1 and SMCCC 1.1 for guests, over HVC #0 or a trapped SMC, with the
 * function IDs and return codes of Xen 4.17 (see xen-arm-guest-abi.md A.6).
 */
#include <arch/cputype.h>
#include <arch/sysreg.h>
#include <arch/traps.h>
#include <xenith/arch-api.h>
#include <xenith/domain.h>
#include <xenith/sched.h>

#define SMCCC_VERSION          0x80000000U
#define SMCCC_ARCH_FEATURES    0x80000001U
#define SMCCC_ARCH_WORKAROUND_1 0x80008000U
#define SMCCC_ARCH_WORKAROUND_2 0x80007fffU
#define SMCCC_ARCH_WORKAROUND_3 0x80003fffU
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
	/* Under the domain's vcpu_lock, of two CPU_ONs racing for t one
	 * wins and the other finds it on (Xen 4.17 lets both succeed, the
	 * second overwriting the first), and no vcpu_info move for t runs.
	 * t's CPU starts it once it sees ON_PENDING, after its state. */
	spin_lock(&d->vcpu_lock);
	if (t->power != VCPU_OFF) {
		spin_unlock(&d->vcpu_lock);
		return PSCI_ALREADY_ON;
	}
	/* A CPU_OFF just made: t's CPU is on its way to take it off and
	 * save its context; only then is t ours to reset. */
	while (t->sched.run != RUN_OFFLINE ||
	       __atomic_load_n(&t->sched.ctx_cpu, __ATOMIC_ACQUIRE) >= 0)
		__asm__ volatile("yield" ::: "memory");
	arch_vcpu_init(t, entry, ctx);
	__atomic_store_n(&t->power, VCPU_ON_PENDING, __ATOMIC_RELEASE);
	spin_unlock(&d->vcpu_lock);
	sched_vcpu_start(t);
	return PSCI_SUCCESS;
}

#define MPIDR_HWID_MASK 0xff00ffffffULL

/* As Xen 4.17: ON (0) if any vCPU whose affinity matches `target` above
 * `level` is not powered off, else OFF (1), also when none matches. */
/* PSCI 0.1's CPU_ON has no context argument and knows fewer errors:
 * Xen 4.17 passes 0 and answers -2 for ALREADY_ON and INVALID_ADDRESS. */
static int64_t cpu_on_call(struct domain *d, uint32_t fn, const struct cpu_regs *r)
{
	int64_t rc;

	if (fn != PSCI_0_1_CPU_ON)
		return cpu_on(d, r->x[1], r->x[2], r->x[3]);
	rc = cpu_on(d, r->x[1], r->x[2], 0);
	return rc == PSCI_ALREADY_ON || rc == PSCI_INVALID_ADDRESS ?
	       PSCI_INVALID_PARAMETERS : rc;
}

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

/* Xen 4.17 marks these CPUs "branch predictor hardening" (WORKAROUND_1)
 * or "firmware BHB workaround" (WORKAROUND_3) by MIDR alone. */
static bool wa1_cpu(uint64_t midr)
{
	uint32_t part = (uint32_t)MIDR_PART(midr);

	if (MIDR_IMPL(midr) != IMPL_ARM)
		return false;
	return part == PART_A57 || part == PART_A73 || part == PART_A75 ||
	       (part == PART_A72 && MIDR_VARREV(midr) <= 0x10);
}

/*
 * The answers Xen 4.17 gives on the same CPU (docs/xen-abi.md, "SMCCC
 * workarounds"): WORKAROUND_1 "implemented" on the CPUs of its list,
 * WORKAROUND_2 "implemented" (Xen's default, dynamic SSBD, kept when the
 * firmware is SMCCC 1.0 as QEMU's is), WORKAROUND_3 only on A73/A75. The
 * calls themselves do nothing and return 0, as on Xen with such firmware.
 */
static int64_t arch_features(uint32_t fn)
{
	uint64_t midr = read_sysreg(midr_el1);

	switch (fn) {
	case SMCCC_VERSION:           return PSCI_SUCCESS;
	case SMCCC_ARCH_WORKAROUND_1: return wa1_cpu(midr) ? PSCI_SUCCESS : PSCI_NOT_SUPPORTED;
	case SMCCC_ARCH_WORKAROUND_2: return PSCI_SUCCESS;
	case SMCCC_ARCH_WORKAROUND_3: return bhb_firmware_cpu(midr) ? PSCI_SUCCESS : PSCI_NOT_SUPPORTED;
	default:                      return PSCI_NOT_SUPPORTED;
	}
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
		/* As Xen: a standby until an interrupt, like WFI. */
		arch_vcpu_block(v);
		return PSCI_SUCCESS;
	case PSCI_CPU_ON: case PSCI_64(PSCI_CPU_ON): case PSCI_0_1_CPU_ON:
		return cpu_on_call(d, fn, r);
	case PSCI_AFFINITY_INFO: case PSCI_64(PSCI_AFFINITY_INFO):
		return affinity_info(d, r->x[1], (uint32_t)r->x[2]); /* 32 bits, as Xen */
	case PSCI_CPU_OFF: case PSCI_0_1_CPU_OFF:
		v->power = VCPU_OFF;
		*v->sched.resched = true; /* leave the CPU at this exit */
		return PSCI_SUCCESS;
	case PSCI_SYSTEM_OFF:
		domain_shutdown(d, SHUTDOWN_poweroff);
		return PSCI_SUCCESS;
	case PSCI_SYSTEM_RESET:
		domain_shutdown(d, SHUTDOWN_reboot);
		return PSCI_SUCCESS;
	default:
		/* Off the switch, so the calls above keep their cost. */
		if (fn == SMCCC_ARCH_WORKAROUND_1 || fn == SMCCC_ARCH_WORKAROUND_2 ||
		    fn == SMCCC_ARCH_WORKAROUND_3)
			return 0;
		return PSCI_NOT_SUPPORTED;
	}
}

void vpsci_call(struct vcpu *v, struct cpu_regs *r)
{
	r->x[0] = (uint64_t)psci_dispatch(v, r);
}
