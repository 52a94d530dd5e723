/* SPDX-License-Identifier: MIT */
/* Shared between vgic.c (state, list registers) and vgic_mmio.c. */
#pragma once

#include <stdbool.h>
#include <arch/vgic.h>
#include <xenith/domain.h>

struct domain;
struct vcpu;

/* Per-interrupt state of INTID for vCPU v (NULL if out of range).
 * Caller holds the domain's vGIC lock. */
static inline struct vgic_irq *vgic_irq(struct vcpu *v, unsigned int intid)
{
	struct vgic_dist *dist = &v->dom->arch.vgic;

	if (intid < VGIC_NR_PRIV)
		return &v->arch.vgic.priv[intid];
	if (intid - VGIC_NR_PRIV < dist->nr_spis)
		return &dist->spi[intid - VGIC_NR_PRIV];
	return NULL;
}
/* Recomputes whether INTID wants delivery and kicks its vCPU if needed.
 * Caller holds the lock. */
void vgic_update(struct domain *d, struct vcpu *v, unsigned int intid);
/* vCPU an SPI is routed to. */
struct vcpu *vgic_spi_target(struct domain *d, unsigned int intid);
int vgic_mmio_init(struct domain *d);
