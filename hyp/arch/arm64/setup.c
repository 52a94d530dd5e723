// SPDX-License-Identifier: MIT
/* Per-CPU bring-up and the small CPU services generic code uses. */
#include <arch/asm.h>
#include <arch/gic.h>
#include <arch/sysreg.h>
#include <xenith/arch-api.h>
#include <xenith/console.h>
#include <xenith/lib.h>
#include <xenith/uart.h>

void mmu_map_ram(const struct host_info *h);
void mmu_report(const struct host_info *h);
void timer_init_cpu(unsigned int hyp_intid);
void vcpu_init_cpu(void);
void irq_set_hyp_timer(unsigned int intid);
void irq_set_maint(unsigned int intid);
void psci_fw_init(bool smc);
void irq_set_uart(uint64_t base, unsigned int intid);
extern char _start[], _end[];

uint8_t cpu_stacks[MAX_CPUS][STACK_SIZE] __attribute__((aligned(16), section(".noclear")));

unsigned int arch_irq_nr_lines(void)
{
	return gic_nr_spis() + 32;
}

unsigned int arch_cpu_id(void)
{
	return this_cpu();
}

void arch_image_range(uint64_t *start, uint64_t *end)
{
	*start = (uint64_t)(uintptr_t)_start;
	*end = (uint64_t)(uintptr_t)_end;
}

void bhb_init_cpu(unsigned int cpu, bool smc_conduit);
static bool fw_smc; /* the firmware's PSCI conduit is SMC (host DT) */
static unsigned int hyp_timer_intid = 26; /* the Arm-recommended PPI */

static void cpu_common_init(unsigned int cpu)
{
	/* FP/SIMD is not trapped until a vCPU is loaded (vcpu.c switches
	 * it; the hypervisor itself never touches FP registers). */
	write_sysreg(cptr_el2, 0x33ff);  /* RES1 bits only, SVE trapped */
	gic_init_cpu(cpu);
	timer_init_cpu(hyp_timer_intid);
	vcpu_init_cpu();
	bhb_init_cpu(cpu, fw_smc);
	isb();
}

void arch_init_primary(const void *fdt, const struct host_info *h)
{
	(void)fdt;
	psci_fw_init(h->psci_smc);
	fw_smc = h->psci_smc;
	if (h->timer_irq_hyp)
		hyp_timer_intid = h->timer_irq_hyp;
	irq_set_hyp_timer(hyp_timer_intid);
	mmu_map_ram(h);
	mmu_report(h);
	gic_init_dist(h);
	irq_set_maint(gic_maint_intid());
	cpu_common_init(0);
	irq_set_uart(h->uart_base, h->uart_irq);
	gic_enable_irq(h->uart_irq, 0);
	uart_enable_rx_irq(h->uart_base);
}

void arch_init_secondary(unsigned int cpu)
{
	cpu_common_init(cpu);
	printk("CPU%u up (MPIDR 0x%llx)\n", cpu,
	       (unsigned long long)(read_sysreg(mpidr_el1) & 0xff00ffffffULL));
}

/*
 * Waits for an interrupt, then lets its handler run. WFI executes with
 * IRQs masked: a masked interrupt still wakes it, and one that arrived
 * after the caller's last check is still pending here instead of having
 * been handled just before the WFI (which would sleep through it).
 */
void arch_cpu_idle(void)
{
	__asm__ volatile("dsb sy\n wfi\n msr daifclr, #2\n isb\n msr daifset, #2"
			 ::: "memory");
}

void arch_cpu_kick(unsigned int cpu)
{
	gic_send_sgi(cpu, GIC_SGI_KICK);
}

void arch_halt(void)
{
	for (;;)
		__asm__ volatile("msr daifset, #0xf\n wfi" ::: "memory");
}

void arch_clean_dcache(uint64_t pa, uint64_t size)
{
	uint64_t line = 4UL << ((read_sysreg(ctr_el0) >> 16) & 0xf);

	for (uint64_t a = pa & ~(line - 1); a < pa + size; a += line)
		__asm__ volatile("dc cvac, %0" : : "r"(a) : "memory");
	dsb(sy);
}

void arch_flush_dcache(uint64_t pa, uint64_t size)
{
	uint64_t line = 4UL << ((read_sysreg(ctr_el0) >> 16) & 0xf);

	for (uint64_t a = pa & ~(line - 1); a < pa + size; a += line)
		__asm__ volatile("dc civac, %0" : : "r"(a) : "memory");
	dsb(sy);
}

/* Zeroes memory a cache-line block per instruction (DC ZVA) where the
 * range allows: guest RAM is scrubbed at construction, so this is most of
 * the time between power-on and a guest's first instruction. */
void arch_clear_memory(uint64_t pa, uint64_t size)
{
	uint64_t dczid = read_sysreg(dczid_el0);
	uint64_t blk = 4ULL << (dczid & 0xf);
	uint64_t end = pa + size;

	if ((dczid & 0x10) || (pa & (blk - 1)) || (size & (4 * blk - 1))) {
		memset((void *)(uintptr_t)pa, 0, size); /* DC ZVA prohibited */
		return;
	}
	for (; pa < end; pa += 4 * blk)
		__asm__ volatile("dc zva, %0\n dc zva, %1\n dc zva, %2\n dc zva, %3"
				 : : "r"(pa), "r"(pa + blk), "r"(pa + 2 * blk),
				   "r"(pa + 3 * blk) : "memory");
	dsb(ish);
}
