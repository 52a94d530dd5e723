/* SPDX-License-Identifier: MIT */
/* vGICv3 entry points used by the rest of arch/arm64. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <arch/sysreg.h>
#include <xenith/domain.h>

#define ICH_ELRSR_EL2 S3_4_C12_C11_5

int vgic_domain_init(struct domain *d);
void vgic_vcpu_init(struct vcpu *v);
bool vgic_vcpu_pending_slow(struct vcpu *v);

/* True if an enabled virtual interrupt is pending for v, whose context is
 * loaded here (WFI's wake-up). A list register the guest has not finished
 * with, or no candidate at all, is answered inline without the lock (a
 * racing setter kicks us). */
static inline bool vgic_vcpu_pending(struct vcpu *v)
{
	const struct vgic_cpu *c = &v->arch.vgic;

	if (c->lr_used & ~(uint32_t)read_sysreg(ICH_ELRSR_EL2))
		return true;
	if (!c->pend && !v->dom->arch.vgic.pend_words)
		return false;
	return vgic_vcpu_pending_slow(v);
}
void vgic_flush_slow(struct vcpu *v);
/* Context switch: the virtual CPU interface (list registers, VMCR,
 * active priorities) of v, on the CPU it is loaded on. */
void vgic_save(struct vcpu *v);
/* Per CPU at boot: an empty virtual CPU interface (list registers are
 * UNKNOWN at reset; afterwards they are all zero whenever no vCPU's
 * context is loaded, so a switch writes only the ones in use). */
void vgic_init_cpu(void);
void vgic_restore(struct vcpu *v);

/* Syncs list registers with the interrupt state; call before guest entry.
 * Runs on every trap, so the common case is inline: nothing new to deliver
 * (no candidate bits) and no list register the guest has finished with
 * (ICH_ELRSR_EL2 marks empty ones) means nothing to do. A racing setter
 * kicks this CPU after setting its bit, so a bit missed here is seen on
 * the exit that kick causes. (A vCPU's first entry goes through
 * vgic_flush_slow(), which resets the hardware state.) */
static inline void vgic_flush(struct vcpu *v)
{
	const struct vgic_cpu *c = &v->arch.vgic;

	if (!c->pend && !v->dom->arch.vgic.pend_words &&
	    !(c->lr_used & read_sysreg(ICH_ELRSR_EL2)))
		return;
	vgic_flush_slow(v);
}
/* The maintenance interrupt (list registers drained with UIE set) on
 * the CPU holding v's context, or nobody's (v NULL). */
void vgic_maintenance(struct vcpu *v);
/* Guest wrote ICC_SGI1R_EL1. */
void vgic_send_sgi(struct vcpu *v, uint64_t sgi1r);
/* The physical virtual-timer PPI fired on this CPU. */
void vgic_vtimer_fired(struct vcpu *v);
/* A host SPI given to d fired (any CPU): its virtual SPI becomes pending
 * with the HW bit, the physical one staying active until the guest's
 * EOI of the list register deactivates it. */
void vgic_inject_hw_spi(struct domain *d, unsigned int intid);
/* Boot: the virtual SPI's trigger as the device tree gives it. */
void vgic_spi_set_edge(struct domain *d, unsigned int intid, bool edge);
