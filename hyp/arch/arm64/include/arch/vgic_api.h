/* SPDX-License-Identifier: MIT */
/* vGICv3 entry points used by the rest of arch/arm64. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct domain;
struct vcpu;

int vgic_domain_init(struct domain *d);
void vgic_vcpu_init(struct vcpu *v);
/* True if an enabled virtual interrupt is pending for v (WFI wake-up). */
bool vgic_vcpu_pending(struct vcpu *v);
/* Syncs list registers with the interrupt state; call before guest entry. */
void vgic_flush(struct vcpu *v);
/* Guest wrote ICC_SGI1R_EL1. */
void vgic_send_sgi(struct vcpu *v, uint64_t sgi1r);
/* The physical virtual-timer PPI fired on this CPU. */
void vgic_vtimer_fired(struct vcpu *v);
