// SPDX-License-Identifier: MIT
/*
 * psci: queries the SMCCC/PSCI interface over HVC and, with a second vCPU
 * in the DT, starts it with CPU_ON, checks AFFINITY_INFO, and stops it
 * again with CPU_OFF. Results are printed as signed numbers.
 */
#include "tg.h"

static volatile uint32_t cpu_up[8];
static volatile uint32_t cpu_stop[8];

static void show(const char *what, int64_t r)
{
	say("%s = %lld (%#llx)", what, (long long)r, (unsigned long long)r);
}

static bool wait_flag(volatile uint32_t *f, uint64_t ms)
{
	uint64_t end = cntvct() + cntfrq() * ms / 1000;
	while (!*f) {
		if ((int64_t)(cntvct() - end) > 0)
			return false;
		cpu_relax();
	}
	return true;
}

void mode_psci(void)
{
	show("PSCI_VERSION", psci_call(PSCI_VERSION, 0, 0, 0));
	show("PSCI_FEATURES(CPU_ON_64)",
	     psci_call(PSCI_FEATURES, PSCI_CPU_ON_64, 0, 0));
	show("PSCI_FEATURES(SYSTEM_OFF)",
	     psci_call(PSCI_FEATURES, PSCI_SYSTEM_OFF, 0, 0));
	show("PSCI_FEATURES(CPU_OFF)",
	     psci_call(PSCI_FEATURES, PSCI_CPU_OFF, 0, 0));
	show("PSCI_FEATURES(0x8400001f)",
	     psci_call(PSCI_FEATURES, 0x8400001f, 0, 0));
	show("SMCCC_VERSION", psci_call(SMCCC_VERSION, 0, 0, 0));
	show("MIGRATE_INFO_TYPE", psci_call(PSCI_MIGRATE_INFO_TYPE, 0, 0, 0));

	uint64_t mpidrs[2] = { 0, 0 };
	unsigned ncpu = dt_cpu_mpidrs(mpidrs, 2);
	uint64_t mpidr0 = mpidrs[0], mpidr1 = mpidrs[1];
	show("AFFINITY_INFO(0)",
	     psci_call(PSCI_AFFINITY_INFO_64, mpidr0, 0, 0));
	show("UNKNOWN_SMCCC(0xc2001234)", psci_call(0xc2001234, 0, 0, 0));
	show("SMCCC_ARCH_FEATURES(WORKAROUND_1)",
	     psci_call(0x80000001, 0x80008000, 0, 0));
	show("SMCCC_ARCH_FEATURES(WORKAROUND_2)",
	     psci_call(0x80000001, 0x80007fff, 0, 0));
	show("SMCCC_ARCH_FEATURES(WORKAROUND_3)",
	     psci_call(0x80000001, 0x80003fff, 0, 0));
	show("ARCH_WORKAROUND_1 x0", psci_call(0x80008000, 0, 0, 0));

	if (ncpu >= 2) {
		show("AFFINITY_INFO(1) before CPU_ON",
		     psci_call(PSCI_AFFINITY_INFO_64, mpidr1, 0, 0));
		/* Print only once cpu1 has printed: the vCPUs share one UART
		 * and there are no locks with the MMU off. */
		int64_t on = psci_call(PSCI_CPU_ON_64, mpidr1,
				       (uint64_t)(uintptr_t)secondary_entry, 1);
		bool up = on == 0 && wait_flag(&cpu_up[1], 2000);
		show("CPU_ON(1)", on);
		if (!up)
			say("cpu1 did not come up");
		show("AFFINITY_INFO(1)",
		     psci_call(PSCI_AFFINITY_INFO_64, mpidr1, 0, 0));
		show("CPU_ON(1) again",
		     psci_call(PSCI_CPU_ON_64, mpidr1,
			       (uint64_t)(uintptr_t)secondary_entry, 1));
		show("CPU_ON(bad mpidr 0xff)",
		     psci_call(PSCI_CPU_ON_64, 0xff,
			       (uint64_t)(uintptr_t)secondary_entry, 1));
		/* Error paths, answered as Xen 4.17 answers them. */
		show("CPU_ON(affinity 2)",
		     psci_call(PSCI_CPU_ON_64, 2,
			       (uint64_t)(uintptr_t)secondary_entry, 1));
		show("CPU_ON(1, thumb entry)",
		     psci_call(PSCI_CPU_ON_64, mpidr1,
			       (uint64_t)(uintptr_t)secondary_entry | 1, 1));
		show("AFFINITY_INFO(0xff)",
		     psci_call(PSCI_AFFINITY_INFO_64, 0xff, 0, 0));
		show("AFFINITY_INFO(0x100, level 1)",
		     psci_call(PSCI_AFFINITY_INFO_64, 0x100, 1, 0));
		show("AFFINITY_INFO(0, level 3)",
		     psci_call(PSCI_AFFINITY_INFO_64, 0, 3, 0));
		show("AFFINITY_INFO(0, level 4)",
		     psci_call(PSCI_AFFINITY_INFO_64, 0, 4, 0));
		/* Ask cpu1 to CPU_OFF itself, then poll until it is off. */
		cpu_stop[1] = 1;
		dsb();
		int64_t st = 0;
		uint64_t end = cntvct() + cntfrq() * 2;
		while ((st = psci_call(PSCI_AFFINITY_INFO_64, mpidr1, 0, 0)) != 1 &&
		       (int64_t)(cntvct() - end) < 0)
			cpu_relax();
		show("AFFINITY_INFO(1) after CPU_OFF", st);
	} else {
		say("only %u cpu(s) in the DT: CPU_ON not tested", ncpu);
	}
	say("PSCI DONE");
}

void psci_secondary(uint64_t idx)
{
	say("cpu%llu up", (unsigned long long)idx);
	cpu_up[idx & 7] = 1;
	dsb();
	while (!cpu_stop[idx & 7])
		cpu_relax();
	int64_t r = psci_call(PSCI_CPU_OFF, 0, 0, 0);
	say("cpu%llu: CPU_OFF returned %lld", (unsigned long long)idx,
	    (long long)r);
}
