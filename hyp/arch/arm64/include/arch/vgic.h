/* SPDX-License-Identifier: MIT */
/*
 * Virtual GICv3. One design: the state of every virtual interrupt lives in
 * struct vgic_irq (in the domain for SPIs, in the vCPU for SGIs/PPIs); the
 * list registers are only a cache of it, owned by the vCPU whose physical
 * CPU they belong to, and synced back on every exit that may change them.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <arch/spinlock.h>

#define VGIC_NR_PRIV     32
#define VGIC_MAX_SPIS    256
#define VGIC_NR_LRS_MAX  16

struct vgic_irq {
	uint8_t priority;
	uint8_t enabled : 1;
	uint8_t pending : 1;   /* latched (edge, or SW-set pending) */
	uint8_t level : 1;     /* current line level (level-sensitive) */
	uint8_t active : 1;
	uint8_t edge : 1;      /* ICFGR: 1 = edge-triggered */
	uint8_t group1 : 1;
	uint8_t hw : 1;        /* vtimer: the physical interrupt is active on
				* this vCPU's CPU until the guest's EOI of an
				* HW list register deactivates it */
	uint8_t in_lr : 1;
	uint8_t lr;            /* list register holding it, if in_lr */
	uint8_t target;        /* SPIs: vCPU index from IROUTER */
};

struct vgic_cpu {
	struct vgic_irq priv[VGIC_NR_PRIV]; /* SGIs and PPIs, banked */
	uint32_t pend;          /* priv IRQs pending or with line high */
	uint32_t lr_used;       /* bitmap of list registers in use */
	uint32_t lr_hw;         /* of those, loaded with the HW bit */
	uint16_t lr_intid[VGIC_NR_LRS_MAX];
	bool sleeping;          /* GICR_WAKER.ProcessorSleep */
	bool fresh;             /* reset: hardware LRs still hold old state */
	bool uie;               /* underflow interrupt requested */
	/* The virtual CPU interface while the vCPU is switched out. */
	uint64_t lr_saved[VGIC_NR_LRS_MAX];
	uint64_t vmcr;
	uint32_t ap0r[4], ap1r[4];
};

struct vgic_dist {
	uint32_t ctlr;
	uint32_t nr_spis;
	uint32_t typer;         /* GICD_TYPER, fixed at creation */
	struct vgic_irq spi[VGIC_MAX_SPIS];
	uint32_t pend[VGIC_MAX_SPIS / 32]; /* SPIs pending or line high */
	uint32_t pend_words;     /* bit w set when pend[w] != 0 */
	spinlock_t lock;        /* the domain's one vGIC lock: spi[], pend[]
				 * and every vCPU's priv[]/pend */
};
