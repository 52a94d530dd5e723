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
static void time_init(void);

#define CNTHCTL_EL1PCTEN (1UL << 0)
#define VTIMER_INTID 27

/* The EL2 physical timer (CNTHP) drives the hypervisor's own timers:
 * slices, budgets and the wake-ups of descheduled vCPUs. */
void timer_init_cpu(unsigned int hyp_intid)
{
	time_init();
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

/* ns = ticks * 10^9 / CNTFRQ as one multiply: 32.32 fixed-point factors
 * computed once (the frequency is fixed; all CPUs share it). */
static uint64_t ns_per_tick_q32, ticks_per_ns_q32;

static void time_init(void)
{
	uint64_t freq = read_sysreg(cntfrq_el0);

	if (!freq || ns_per_tick_q32)
		return;
	/* Both fit in 64 bits for any counter up to 4 GHz (Armv8.6 fixes
	 * it at 1 GHz; QEMU's is 62.5 MHz). */
	ns_per_tick_q32 = (1000000000ULL << 32) / freq;
	ticks_per_ns_q32 = (freq << 32) / 1000000000ULL;
}

uint64_t arch_counter_freq(void)
{
	return read_sysreg(cntfrq_el0);
}

uint64_t arch_ticks_to_ns(uint64_t t)
{
	return (uint64_t)(((__uint128_t)t * ns_per_tick_q32) >> 32);
}

uint64_t arch_time_ns(void)
{
	return arch_ticks_to_ns(read_sysreg(cntpct_el0));
}

/* Rounded up: a timer never fires before its time (and is not
 * re-armed in the past over and over). */
/* Rounded up; saturates rather than wrapping to a deadline in the past
 * (which would interrupt at once, again and again). */
static uint64_t ns_to_ticks(uint64_t ns)
{
	__uint128_t t = (((__uint128_t)ns * ticks_per_ns_q32) >> 32) + 1;

	return t > UINT64_MAX ? UINT64_MAX : (uint64_t)t;
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
