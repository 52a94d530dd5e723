// SPDX-License-Identifier: MIT
/* vGICv3 placeholder: replaced by the full emulation. */
#include <arch/vgic_api.h>
#include <xenith/arch-api.h>
#include <xenith/domain.h>

int vgic_domain_init(struct domain *d) { (void)d; return 0; }
void vgic_vcpu_init(struct vcpu *v) { (void)v; }
bool vgic_vcpu_pending(struct vcpu *v) { (void)v; return false; }
void vgic_flush(struct vcpu *v) { (void)v; }
void vgic_send_sgi(struct vcpu *v, uint64_t sgi1r) { (void)v; (void)sgi1r; }
void vgic_vtimer_fired(struct vcpu *v) { (void)v; }
void arch_vgic_set_level(struct domain *d, unsigned int vcpu_id,
			 unsigned int intid, bool level)
{ (void)d; (void)vcpu_id; (void)intid; (void)level; }
