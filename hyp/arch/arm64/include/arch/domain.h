/* SPDX-License-Identifier: MIT */
/* Arm64 part of a domain. */
#pragma once

#include <stdint.h>
#include <arch/vgic.h>
#include <xenith/config.h>

struct arch_domain {
	uint64_t vttbr;       /* VMID << 48 | stage-2 root */
	unsigned int vmid;    /* from the VMID allocator, not the domid */
	uint64_t cntvoff;
	/* Per CPU: 1 + id of the vCPU that last ran there, 0: none. Another
	 * vCPU of the domain arriving flushes the CPU's TLB for our VMID
	 * (local invalidations by the guest were made on another CPU).
	 * Each entry belongs to its CPU. */
	uint8_t last_ran[MAX_CPUS];
	struct vgic_dist vgic;
};
