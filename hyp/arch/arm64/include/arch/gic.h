/* SPDX-License-Identifier: MIT */
/* Host GICv3 driver (gicv3.c), used by the vGIC and the trap path. */
#pragma once

#include <stdint.h>
#include <xenith/config.h>

#define GIC_SGI_KICK   0   /* wake a CPU to re-check its vCPU */
#define GIC_INTID_SPURIOUS 1020

void gic_init_dist(const struct host_info *h);
void gic_init_cpu(unsigned int cpu);
void gic_enable_irq(unsigned int intid, unsigned int cpu);
void gic_send_sgi(unsigned int cpu, unsigned int sgi);
/* GICD_ICFGR of SPI intid: edge- or level-triggered (before enabling). */
void gic_set_trigger(unsigned int intid, bool edge);
/* The calling CPU's pending and active SGI/PPI bits (debug keys). */
void gic_ppi_state(unsigned int cpu, uint32_t *pending, uint32_t *active);
unsigned int gic_nr_lrs(void);
/* Host SPI count reported by GICD_TYPER. */
unsigned int gic_nr_spis(void);
uint64_t gic_cpu_mpidr(unsigned int cpu);

/* INTID of the virtual CPU interface's maintenance interrupt (0: none). */
unsigned int gic_maint_intid(void);

/* CPUs the 'r' debug key asked for their hardware view (irq.c). */
extern volatile uint32_t arch_dump_request;
