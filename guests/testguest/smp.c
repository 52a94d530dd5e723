// SPDX-License-Identifier: MIT
/*
 * smp: every vCPU of a large domain comes up and takes an interrupt.
 *
 *   test=smp
 *       vCPU 0 starts every other cpu node of the DT (up to 128) with
 *       PSCI CPU_ON, by the MPIDR the node gives; each vCPU checks that
 *       its MPIDR_EL1 is that one, wakes its own redistributor and waits
 *       in WFI (IRQs masked) for SGI 1. vCPU 0 then sends SGI 1 to each,
 *       targeted by Aff1 and the target list, and waits for every one to
 *       have taken it. Prints
 *         <name>: smp: N vCPUs, N up, N MPIDRs right, N SGIs taken
 *         <name>: SMP DONE
 *       or "smp: FAIL: ..." naming the first vCPU that did not.
 */
#include "tg.h"

#define SMP_MAX 128
#define SMP_SGI 1

static uint64_t smp_mpidr[SMP_MAX];
static volatile uint32_t smp_up[SMP_MAX], smp_right[SMP_MAX], smp_got[SMP_MAX];

static void smp_secondary(uint64_t idx)
{
	unsigned i = (unsigned)idx;

	if (i >= SMP_MAX)
		return;
	smp_right[i] = (read_sysreg(mpidr_el1) & 0xff00ffffffull) == smp_mpidr[i] &&
		       gic_init_secondary(SMP_SGI);
	dsb();
	smp_up[i] = 1;
	dsb();
	for (;;) {
		uint32_t intid = gic_ack();

		if (intid == SMP_SGI) {
			gic_eoi(intid);
			smp_got[i] = 1;
			dsb();
			return;
		}
		if (intid < 1020)
			gic_eoi(intid);
		__asm__ volatile("wfi" ::: "memory");
	}
}

/* Waits until every flag[1..n-1] is set; the first that is not, or 0. */
static unsigned wait_all(volatile uint32_t *flag, unsigned n, uint64_t ms)
{
	uint64_t end = cntvct() + cntfrq() * ms / 1000;

	for (unsigned i = 1; i < n; i++)
		while (!flag[i])
			if ((int64_t)(cntvct() - end) > 0)
				return i;
	return 0;
}

static unsigned count(volatile uint32_t *flag, unsigned n)
{
	unsigned c = 1; /* vCPU 0 */

	for (unsigned i = 1; i < n; i++)
		c += flag[i] != 0;
	return c;
}

void mode_smp(void)
{
	unsigned n = dt_cpu_mpidrs(smp_mpidr, SMP_MAX), late;

	if (n > SMP_MAX)
		n = SMP_MAX;
	if (!gic_init(g_fdt)) {
		say("smp: FAIL: no GIC");
		return;
	}
	secondary_hook = smp_secondary;
	dsb();
	for (unsigned i = 1; i < n; i++) {
		int64_t rc = psci_call(PSCI_CPU_ON_64, smp_mpidr[i],
				       (uint64_t)(uintptr_t)secondary_entry, i);

		if (rc) {
			say("smp: FAIL: CPU_ON(vCPU %u, MPIDR %#llx) = %lld", i,
			    (unsigned long long)smp_mpidr[i], (long long)rc);
			return;
		}
	}
	late = wait_all(smp_up, n, 10000);
	if (late) {
		say("smp: FAIL: vCPU %u (MPIDR %#llx) did not come up", late,
		    (unsigned long long)smp_mpidr[late]);
		return;
	}
	for (unsigned i = 1; i < n; i++)
		gic_send_sgi(smp_mpidr[i], SMP_SGI);
	late = wait_all(smp_got, n, 10000);
	if (late)
		say("smp: FAIL: vCPU %u (MPIDR %#llx) did not take its SGI", late,
		    (unsigned long long)smp_mpidr[late]);
	say("smp: %u vCPUs, %u up, %u MPIDRs right, %u SGIs taken", n,
	    count(smp_up, n), count(smp_right, n), count(smp_got, n));
	say("SMP DONE");
}
