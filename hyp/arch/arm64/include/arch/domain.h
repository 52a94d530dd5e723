/* SPDX-License-Identifier: MIT */
/* Arm64 part of a domain. */
#pragma once

#include <stdint.h>
#include <arch/vgic.h>

struct arch_domain {
	uint64_t vttbr;       /* VMID << 48 | stage-2 root */
	uint64_t cntvoff;
	struct vgic_dist vgic;
};
