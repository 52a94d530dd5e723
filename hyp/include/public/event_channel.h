/* SPDX-License-Identifier: MIT */
/*
 * Event-channel part of the Xen guest ABI on arm64: the argument of every
 * EVTCHNOP_* call, the status codes, the VIRQ numbers, the FIFO event word
 * and control block, and the parts of shared_info / vcpu_info that carry
 * 2-level pending state. Numbers and layouts are those of Xen 4.17
 * (xen/include/public/event_channel.h and xen.h); the text is ours. The
 * command numbers themselves are in xenith/evtchn.h.
 *
 * Every struct is checked against the arm64 layout below, since a guest
 * hands us raw memory and a silent padding change would corrupt it.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* Values of evtchn_status.status */
#define EVTCHNSTAT_closed      0
#define EVTCHNSTAT_unbound     1
#define EVTCHNSTAT_interdomain 2
#define EVTCHNSTAT_pirq        3
#define EVTCHNSTAT_virq        4
#define EVTCHNSTAT_ipi         5

/* Virtual IRQs (xen.h). "V" ones are per vCPU, the rest global. */
#define VIRQ_TIMER      0   /* V */
#define VIRQ_DEBUG      1   /* V */
#define VIRQ_CONSOLE    2
#define VIRQ_DOM_EXC    3
#define VIRQ_TBUF       4
#define VIRQ_DEBUGGER   6
#define VIRQ_XENOPROF   7   /* V */
#define VIRQ_CON_RING   8
#define VIRQ_PCPU_STATE 9
#define VIRQ_MEM_EVENT  10
#define VIRQ_ARGO       11
#define VIRQ_ENOMEM     12
#define VIRQ_XENPMU     13  /* V */
#define VIRQ_ARCH_0     16  /* 16..23: global on Arm */
#define VIRQ_ARCH_7     23
#define NR_VIRQS        24

/* Op arguments. domid_t is u16, evtchn_port_t u32. */
struct evtchn_alloc_unbound {
	uint16_t dom;          /* IN: DOMID_SELF (or our own id) */
	uint16_t remote_dom;   /* IN: who may bind; DOMID_SELF = us */
	uint32_t port;         /* OUT */
};

struct evtchn_bind_interdomain {
	uint16_t remote_dom;   /* IN */
	uint16_t pad;
	uint32_t remote_port;  /* IN */
	uint32_t local_port;   /* OUT */
};

struct evtchn_bind_virq {
	uint32_t virq;         /* IN */
	uint32_t vcpu;         /* IN */
	uint32_t port;         /* OUT */
};

struct evtchn_bind_pirq {
	uint32_t pirq;         /* IN */
	uint32_t flags;        /* IN */
	uint32_t port;         /* OUT */
};

struct evtchn_bind_ipi {
	uint32_t vcpu;         /* IN */
	uint32_t port;         /* OUT */
};

struct evtchn_close {
	uint32_t port;         /* IN */
};

struct evtchn_send {
	uint32_t port;         /* IN */
};

struct evtchn_status {
	uint16_t dom;          /* IN */
	uint16_t pad;
	uint32_t port;         /* IN */
	uint32_t status;       /* OUT: EVTCHNSTAT_* */
	uint32_t vcpu;         /* OUT: vCPU notified */
	union {                /* OUT: only the member for `status` is written */
		struct {
			uint16_t dom;
		} unbound;
		struct {
			uint16_t dom;
			uint16_t pad;
			uint32_t port;
		} interdomain;
		uint32_t pirq;
		uint32_t virq;
	} u;
};

struct evtchn_bind_vcpu {
	uint32_t port;         /* IN */
	uint32_t vcpu;         /* IN */
};

struct evtchn_unmask {
	uint32_t port;         /* IN */
};

struct evtchn_reset {
	uint16_t dom;          /* IN */
};

struct evtchn_init_control {
	uint64_t control_gfn;  /* IN */
	uint32_t offset;       /* IN: 8-aligned, block must fit in the page */
	uint32_t vcpu;         /* IN */
	uint8_t link_bits;     /* OUT */
	uint8_t pad[7];
};

struct evtchn_expand_array {
	uint64_t array_gfn;    /* IN */
};

struct evtchn_set_priority {
	uint32_t port;         /* IN */
	uint32_t priority;     /* IN: 0 (highest) .. 15 */
};

_Static_assert(sizeof(struct evtchn_alloc_unbound) == 8, "alloc_unbound");
_Static_assert(offsetof(struct evtchn_alloc_unbound, port) == 4, "au.port");
_Static_assert(sizeof(struct evtchn_bind_interdomain) == 12, "bind_interdomain");
_Static_assert(offsetof(struct evtchn_bind_interdomain, remote_port) == 4, "bi.rport");
_Static_assert(offsetof(struct evtchn_bind_interdomain, local_port) == 8, "bi.lport");
_Static_assert(sizeof(struct evtchn_bind_virq) == 12, "bind_virq");
_Static_assert(offsetof(struct evtchn_bind_virq, port) == 8, "bv.port");
_Static_assert(sizeof(struct evtchn_bind_pirq) == 12, "bind_pirq");
_Static_assert(sizeof(struct evtchn_bind_ipi) == 8, "bind_ipi");
_Static_assert(offsetof(struct evtchn_bind_ipi, port) == 4, "ipi.port");
_Static_assert(sizeof(struct evtchn_close) == 4, "close");
_Static_assert(sizeof(struct evtchn_send) == 4, "send");
_Static_assert(sizeof(struct evtchn_status) == 24, "status");
_Static_assert(offsetof(struct evtchn_status, port) == 4, "st.port");
_Static_assert(offsetof(struct evtchn_status, status) == 8, "st.status");
_Static_assert(offsetof(struct evtchn_status, vcpu) == 12, "st.vcpu");
_Static_assert(offsetof(struct evtchn_status, u) == 16, "st.u");
_Static_assert(offsetof(struct evtchn_status, u.interdomain.port) == 20, "st.u.port");
_Static_assert(sizeof(struct evtchn_bind_vcpu) == 8, "bind_vcpu");
_Static_assert(sizeof(struct evtchn_unmask) == 4, "unmask");
_Static_assert(sizeof(struct evtchn_reset) == 2, "reset");
_Static_assert(sizeof(struct evtchn_init_control) == 24, "init_control");
_Static_assert(offsetof(struct evtchn_init_control, offset) == 8, "ic.offset");
_Static_assert(offsetof(struct evtchn_init_control, vcpu) == 12, "ic.vcpu");
_Static_assert(offsetof(struct evtchn_init_control, link_bits) == 16, "ic.link_bits");
_Static_assert(sizeof(struct evtchn_expand_array) == 8, "expand_array");
_Static_assert(sizeof(struct evtchn_set_priority) == 8, "set_priority");

/* 2-level ABI: 64 words of 64 bits, so 4096 ports. */
#define EVTCHN_2L_NR_CHANNELS 4096

/* FIFO ABI */
#define EVTCHN_FIFO_PRIORITY_MAX     0
#define EVTCHN_FIFO_PRIORITY_DEFAULT 7
#define EVTCHN_FIFO_PRIORITY_MIN     15
#define EVTCHN_FIFO_MAX_QUEUES       16

/* Bits of an event word (one u32 per port in the guest's event array). */
#define EVTCHN_FIFO_PENDING 31
#define EVTCHN_FIFO_MASKED  30
#define EVTCHN_FIFO_LINKED  29
#define EVTCHN_FIFO_BUSY    28
#define EVTCHN_FIFO_LINK_BITS 17
#define EVTCHN_FIFO_LINK_MASK ((1U << EVTCHN_FIFO_LINK_BITS) - 1)
#define EVTCHN_FIFO_NR_CHANNELS (1U << EVTCHN_FIFO_LINK_BITS)
#define EVTCHN_FIFO_WORDS_PER_PAGE 1024
#define EVTCHN_FIFO_MAX_PAGES \
	(EVTCHN_FIFO_NR_CHANNELS / EVTCHN_FIFO_WORDS_PER_PAGE)

/* Per-vCPU control block, in a guest page at an 8-aligned offset. */
struct evtchn_fifo_control_block {
	uint32_t ready;        /* bit q: queue q may be non-empty */
	uint32_t rsvd;
	uint32_t head[EVTCHN_FIFO_MAX_QUEUES];
};
_Static_assert(sizeof(struct evtchn_fifo_control_block) == 72, "control block");
_Static_assert(offsetof(struct evtchn_fifo_control_block, head) == 8, "cb.head");

/* vcpu_info (48 bytes on arm64): Arm has no upcall mask byte, masking is
 * the GIC's job. The time info is not used by event channels. */
struct xen_vcpu_info {
	uint8_t evtchn_upcall_pending;
	uint8_t pad0;
	uint8_t pad1[6];
	uint64_t evtchn_pending_sel;  /* bit w: evtchn_pending[w] has work */
	uint8_t time[32];             /* struct vcpu_time_info */
};
_Static_assert(sizeof(struct xen_vcpu_info) == 48, "vcpu_info");
_Static_assert(offsetof(struct xen_vcpu_info, evtchn_pending_sel) == 8, "vi.sel");
_Static_assert(offsetof(struct xen_vcpu_info, time) == 16, "vi.time");

/* shared_info: one legacy vcpu_info slot (vCPU 0) then the 2-level
 * bitmaps and the wallclock. */
struct xen_shared_info {
	struct xen_vcpu_info vcpu_info[1];
	uint64_t evtchn_pending[64];
	uint64_t evtchn_mask[64];
	uint32_t wc_version;
	uint32_t wc_sec;
	uint32_t wc_nsec;
	uint32_t wc_sec_hi;
};
_Static_assert(offsetof(struct xen_shared_info, evtchn_pending) == 48, "si.pending");
_Static_assert(offsetof(struct xen_shared_info, evtchn_mask) == 560, "si.mask");
_Static_assert(offsetof(struct xen_shared_info, wc_version) == 1072, "si.wc");
_Static_assert(sizeof(struct xen_shared_info) == 1088, "shared_info");
