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
#include <xenith/timer.h>

void timer_init_cpu(unsigned int hyp_intid);

#define CNTHCTL_EL1PCTEN (1UL << 0)
#define VTIMER_INTID 27

/* The EL2 physical timer (CNTHP) drives the hypervisor's own timers:
 * slices, budgets and the wake-ups of descheduled vCPUs. */
void timer_init_cpu(unsigned int hyp_intid)
{
	write_sysreg(cnthctl_el2, CNTHCTL_EL1PCTEN);
	write_sysreg(cntv_ctl_el0, 0);
	write_sysreg(cnthp_ctl_el2, 0);
	gic_enable_irq(VTIMER_INTID, arch_cpu_id());
	gic_enable_irq(hyp_intid, arch_cpu_id());
}

uint64_t arch_counter(void)
{
	return read_sysreg(cntpct_el0);
}

uint64_t arch_ticks_to_ns(uint64_t t)
{
	uint64_t freq = read_sysreg(cntfrq_el0);

	if (!freq)
		return 0;
	return t / freq * 1000000000ULL + t % freq * 1000000000ULL / freq;
}

uint64_t arch_time_ns(void)
{
	return arch_ticks_to_ns(read_sysreg(cntpct_el0));
}

static uint64_t ns_to_ticks(uint64_t ns)
{
	uint64_t freq = read_sysreg(cntfrq_el0);

	return ns / 1000000000ULL * freq + ns % 1000000000ULL * freq / 1000000000ULL;
}

void arch_timer_program(uint64_t ns)
{
	if (!ns) {
		write_sysreg(cnthp_ctl_el2, 0);
		return;
	}
	write_sysreg(cnthp_cval_el2, ns_to_ticks(ns));
	write_sysreg(cnthp_ctl_el2, 1); /* enabled, not masked */
	isb();
}
