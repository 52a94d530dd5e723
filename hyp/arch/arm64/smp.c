// SPDX-License-Identifier: MIT
/* Calls to the platform firmware's PSCI (SMC or HVC per the host DT). */
#include <stdbool.h>
#include <arch/sysreg.h>
#include <xenith/arch-api.h>
#include <xenith/console.h>

#define PSCI_0_2_CPU_ON_64   0xc4000003UL
#define PSCI_0_2_SYSTEM_OFF  0x84000008UL

static bool use_smc = true;
extern char secondary_entry[];

void psci_fw_init(bool smc);

void psci_fw_init(bool smc)
{
	use_smc = smc;
}

static int64_t fw_call(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
	register uint64_t x0 __asm__("x0") = fn;
	register uint64_t x1 __asm__("x1") = a1;
	register uint64_t x2 __asm__("x2") = a2;
	register uint64_t x3 __asm__("x3") = a3;

	if (use_smc)
		__asm__ volatile("smc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
				 : : "memory");
	else
		__asm__ volatile("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
				 : : "memory");
	return (int64_t)x0;
}

int arch_cpu_start(unsigned int cpu, uint64_t mpidr)
{
	return (int)fw_call(PSCI_0_2_CPU_ON_64, mpidr,
			    (uint64_t)(uintptr_t)secondary_entry, cpu);
}

void arch_system_off(void)
{
	fw_call(PSCI_0_2_SYSTEM_OFF, 0, 0, 0);
	arch_halt();
}
