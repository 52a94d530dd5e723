/* SPDX-License-Identifier: MIT */
/* Arm64 part of a domain. */
#pragma once

#include <stdint.h>
#include <arch/vgic.h>

struct arch_domain {
	uint64_t vttbr;       /* VMID << 48 | stage-2 root */
	unsigned int vmid;    /* from the VMID allocator, not the domid */
	uint64_t cntvoff;
	struct vgic_dist vgic;
};
