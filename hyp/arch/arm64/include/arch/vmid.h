/* SPDX-License-Identifier: MIT */
/*
 * VMIDs (arch/arm64/vmid.c): 8 bits (VTCR_EL2.VS = 0), VMID 0 never a
 * guest's, so 255 live domains at most. Handed out next-fit after the
 * last one given, so a VMID just freed is the last to be used again; a
 * VMID is freed only after every CPU's TLB has forgotten it. Host-
 * testable: the TLB flush is arch_tlb_flush_guests().
 */
#pragma once

#define NR_VMIDS 256

/* A free VMID, or 0 if all 255 are in use. */
unsigned int vmid_alloc(void);
/* Every TLB forgets every guest's entries, then vmid is free. */
void vmid_free(unsigned int vmid);
/* VMIDs in use. */
unsigned int vmid_count(void);
/* TLBI ALLE1IS: every EL1&0 entry of every VMID, on every CPU (vcpu.c;
 * a destruction is rare, and no VTTBR needs to be borrowed for it). */
void arch_tlb_flush_guests(void);
