/* SPDX-License-Identifier: MIT */
/* MIDR_EL1 fields and the Arm Ltd parts the Spectre tables name. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define MIDR_IMPL(midr)   (((midr) >> 24) & 0xff)
#define MIDR_PART(midr)   (((midr) >> 4) & 0xfff)
/* Variant and revision as 0xVR (r1p0 = 0x10). */
#define MIDR_VARREV(midr) ((((midr) >> 16) & 0xf0) | ((midr) & 0xf))

#define IMPL_ARM 0x41
#define PART_A57 0xd07
#define PART_A72 0xd08
#define PART_A73 0xd09
#define PART_A75 0xd0a

/* Spectre-BHB through the firmware's SMCCC_ARCH_WORKAROUND_3 on this CPU
 * (Xen 4.17's list: Cortex-A73, A75); spectre.c. */
bool bhb_firmware_cpu(uint64_t midr);
