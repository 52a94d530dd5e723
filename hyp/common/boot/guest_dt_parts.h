/* SPDX-License-Identifier: MIT */
/*
 * Private to common/boot: the nodes Xen 4.17 writes the same way for a
 * domU (guest_dt.c) and for dom0 (dom0_dt.c).
 */
#pragma once

#include <xenith/config.h>
#include <xenith/fdt.h>

#define IRQ_TYPE_EDGE_RISING 1
#define IRQ_TYPE_LEVEL_HIGH  4
#define IRQ_TYPE_LEVEL_LOW   8

/* GIC interrupt specifier <type number flags> for INTID irq, signalled to
 * all (up to 4) CPUs; Xen's set_interrupt(). */
void gic_irq(uint32_t cell[3], uint32_t irq, uint32_t type);
/* Node name "<prefix>@<hex address>". */
void begin_unit(struct dt_writer *w, const char *prefix, uint64_t addr);
/* /psci: PSCI 1.0 over HVC, with the 0.1 function IDs Xen advertises. */
void make_psci(struct dt_writer *w);
/* /cpus: one node per vCPU of d, its reg the affinity Xen gives it. */
void make_cpus(struct dt_writer *w, const struct domain_config *d,
	       const struct host_info *h);
