// SPDX-License-Identifier: MIT
/*
 * Spectre-BHB (branch history injection): which sequence runs on every
 * exception from a guest, chosen per CPU as Xen 4.17 chooses it
 * (xen/arch/arm/cpuerrata.c), and installed by pointing VBAR_EL2 at the
 * vector table that runs it (entry.S):
 *
 *   CSV2 = 3 or ECBHB           nothing (the CPU is not affected)
 *   CLRBHB implemented          CLRBHB; ISB
 *   Cortex-A72 r1p0 and later   loop of 8 taken branches
 *   A76, A77, Neoverse-N1       loop of 24
 *   A78, A78C, X1, X2, A710,
 *   Neoverse-N2, Neoverse-V1    loop of 32
 *   A73, A75                    firmware SMCCC_ARCH_WORKAROUND_3, if the
 *                               firmware offers it
 *   anything else (Cortex-A57)  nothing: Xen 4.17 has no BHB entry for it
 */
#include <stdbool.h>
#include <stdint.h>
#include <arch/cputype.h>
#include <arch/sysreg.h>
#include <xenith/arch-api.h>
#include <xenith/config.h>
#include <xenith/console.h>

void bhb_init_cpu(unsigned int cpu, bool fw_smc);

/* Read by entry.S's bhb_loop on each CPU: taken branches to run. */
uint8_t bhb_loop_count[MAX_CPUS];

extern char hyp_vectors[], hyp_vectors_bhb_loop[], hyp_vectors_bhb_clrbhb[],
	hyp_vectors_bhb_firmware[];

#define ID_AA64ISAR2_EL1 "s3_0_c0_c6_2"
#define SMCCC_VERSION 0x80000000ULL
#define SMCCC_ARCH_FEATURES 0x80000001ULL
#define SMCCC_ARCH_WORKAROUND_3 0x80003fffULL

struct bhb_part {
	uint16_t part;       /* MIDR PartNum, implementer Arm */
	uint8_t min_varrev;  /* lowest variant/revision affected, 0xVR */
	uint8_t loops;       /* 0: firmware workaround */
	const char *name;
};

static const struct bhb_part parts[] = {
	{ PART_A72, 0x10, 8, "Cortex-A72" },
	{ 0xd0b, 0, 24, "Cortex-A76" },
	{ 0xd0d, 0, 24, "Cortex-A77" },
	{ 0xd0c, 0, 24, "Neoverse-N1" },
	{ 0xd41, 0, 32, "Cortex-A78" },
	{ 0xd4b, 0, 32, "Cortex-A78C" },
	{ 0xd44, 0, 32, "Cortex-X1" },
	{ 0xd48, 0, 32, "Cortex-X2" },
	{ 0xd47, 0, 32, "Cortex-A710" },
	{ 0xd49, 0, 32, "Neoverse-N2" },
	{ 0xd40, 0, 32, "Neoverse-V1" },
	{ PART_A73, 0, 0, "Cortex-A73" },
	{ PART_A75, 0, 0, "Cortex-A75" },
};

static uint64_t fw_smc(uint64_t fn, uint64_t a1)
{
	register uint64_t x0 __asm__("x0") = fn;
	register uint64_t x1 __asm__("x1") = a1;

	/* SMCCC 1.0 firmware may change x0-x17 (1.1 keeps x4-x17). */
	__asm__ volatile("smc #0" : "+r"(x0), "+r"(x1) :
			 : "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10",
			   "x11", "x12", "x13", "x14", "x15", "x16", "x17", "memory");
	return x0;
}

/* The firmware implements SMCCC 1.1 and WORKAROUND_3 (over SMC). */
static bool firmware_has_wa3(bool smc_conduit)
{
	if (!smc_conduit || (int64_t)fw_smc(SMCCC_VERSION, 0) < 0x10001)
		return false;
	return (int64_t)fw_smc(SMCCC_ARCH_FEATURES, SMCCC_ARCH_WORKAROUND_3) >= 0;
}

static const struct bhb_part *affected_part(uint64_t midr)
{
	if (MIDR_IMPL(midr) != IMPL_ARM)
		return NULL;
	for (unsigned int i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		if (parts[i].part == MIDR_PART(midr) &&
		    MIDR_VARREV(midr) >= parts[i].min_varrev)
			return &parts[i];
	return NULL;
}

bool bhb_firmware_cpu(uint64_t midr)
{
	const struct bhb_part *p = affected_part(midr);

	return p && !p->loops;
}

void bhb_init_cpu(unsigned int cpu, bool smc_conduit)
{
	uint64_t midr = read_sysreg(midr_el1);
	uint64_t pfr0 = read_sysreg(id_aa64pfr0_el1);
	uint64_t mmfr1 = read_sysreg(id_aa64mmfr1_el1);
	uint64_t isar2;
	const struct bhb_part *p = affected_part(midr);
	const char *what = "nothing to do (Xen 4.17 has no entry for it)";
	char *vectors = hyp_vectors;

	__asm__ volatile("mrs %0, " ID_AA64ISAR2_EL1 : "=r"(isar2));
	if (((pfr0 >> 56) & 0xf) == 3 || ((mmfr1 >> 60) & 0xf) == 1) {
		what = "not needed (CSV2 = 3 or ECBHB)";
	} else if (((isar2 >> 28) & 0xf) == 1) {
		what = "CLRBHB on every guest exit";
		vectors = hyp_vectors_bhb_clrbhb;
	} else if (p && p->loops) {
		bhb_loop_count[cpu] = p->loops;
		vectors = hyp_vectors_bhb_loop;
	} else if (p && firmware_has_wa3(smc_conduit)) {
		what = "firmware WORKAROUND_3 on every guest exit";
		vectors = hyp_vectors_bhb_firmware;
	} else if (p) {
		what = "firmware has no WORKAROUND_3: not mitigated";
	}
	write_sysreg(vbar_el2, (uint64_t)(uintptr_t)vectors);
	isb();
	if (cpu != 0)
		return;
	if (bhb_loop_count[cpu])
		printk("Spectre-BHB: %s: loop of %u branches on every guest exit\n",
		       p->name, bhb_loop_count[cpu]);
	else
		printk("Spectre-BHB: %s (MIDR 0x%llx): %s\n", p ? p->name : "CPU",
		       (unsigned long long)midr, what);
}
