// SPDX-License-Identifier: MIT
/*
 * Generic timer. The guest owns the EL1 virtual timer (CNTV_*) directly;
 * its interrupt (PPI 27) reaches EL2 and is forwarded through a hardware
 * list register. The EL1 physical timer is trapped (CNTHCTL_EL2.EL1PCEN
 * clear); the physical counter stays readable.
 */
#include <arch/gic.h>
#include <arch/sysreg.h>
#include <xenith/arch-api.h>
#include <xenith/domain.h>

void timer_init_cpu(void);
void timer_vcpu_enter(struct vcpu *v);

#define CNTHCTL_EL1PCTEN (1UL << 0)
#define VTIMER_INTID 27

void timer_init_cpu(void)
{
	write_sysreg(cnthctl_el2, CNTHCTL_EL1PCTEN);
	write_sysreg(cntv_ctl_el0, 0);
	gic_enable_irq(VTIMER_INTID, arch_cpu_id());
}

void timer_vcpu_enter(struct vcpu *v)
{
	write_sysreg(cntvoff_el2, v->dom->arch.cntvoff);
}

uint64_t arch_time_ns(void)
{
	uint64_t freq = read_sysreg(cntfrq_el0);
	uint64_t t = read_sysreg(cntpct_el0);

	if (!freq)
		return 0;
	return t / freq * 1000000000ULL + t % freq * 1000000000ULL / freq;
}
