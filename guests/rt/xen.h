/* SPDX-License-Identifier: MIT */
/*
 * The parts of the Xen guest ABI (arm64 layouts, Xen 4.17 numbers) the
 * test guests use: memory_op add_to_physmap, vcpu_op register_vcpu_info,
 * event_channel_op and the 2-level event state in shared_info/vcpu_info.
 * Written from the ABI notes (docs: xen-arm-guest-abi.md B.3, B.5, B.6).
 */
#pragma once

#include "rt.h"

#define XEN_HC_memory_op        12
#define XEN_HC_vcpu_op          24
#define XEN_HC_event_channel_op 32

#define DOMID_SELF 0x7ff0u

/* Xen errno values (negated in hypercall results). */
#define XEN_EPERM   1
#define XEN_ENOENT  2
#define XEN_ESRCH   3
#define XEN_EINVAL  22
#define XEN_ENOSYS  38

/* memory_op */
#define XENMEM_decrease_reservation 1
struct xen_memory_reservation {
	uint64_t extent_start;   /* a guest address: the frame numbers */
	uint64_t nr_extents;
	uint32_t extent_order;
	uint32_t mem_flags;
	uint16_t domid;
};
_Static_assert(sizeof(struct xen_memory_reservation) == 32, "memory_reservation");
#define XENMEM_add_to_physmap    7
#define XENMAPSPACE_shared_info  0
struct xen_add_to_physmap {
	uint16_t domid;
	uint16_t size;
	uint32_t space;
	uint64_t idx;
	uint64_t gpfn;
};
_Static_assert(sizeof(struct xen_add_to_physmap) == 24, "add_to_physmap");

/* vcpu_op */
#define VCPUOP_register_vcpu_info 10
struct vcpu_register_vcpu_info {
	uint64_t mfn;     /* a guest frame number on Arm */
	uint32_t offset;
	uint32_t rsvd;
};
_Static_assert(sizeof(struct vcpu_register_vcpu_info) == 16, "register_vcpu_info");

/* vcpu_info and shared_info (2-level event channel state). */
struct xen_vcpu_info {
	uint8_t evtchn_upcall_pending;
	uint8_t pad0;
	uint8_t pad1[6];
	uint64_t evtchn_pending_sel;
	uint8_t time[32];
};
_Static_assert(sizeof(struct xen_vcpu_info) == 48, "vcpu_info");

struct xen_shared_info {
	struct xen_vcpu_info vcpu_info[1];   /* legacy slot of vCPU 0 */
	uint64_t evtchn_pending[64];
	uint64_t evtchn_mask[64];
	uint32_t wc_version, wc_sec, wc_nsec, wc_sec_hi;
};
_Static_assert(__builtin_offsetof(struct xen_shared_info, evtchn_pending) == 48, "pending");
_Static_assert(__builtin_offsetof(struct xen_shared_info, evtchn_mask) == 560, "mask");
_Static_assert(__builtin_offsetof(struct xen_shared_info, wc_version) == 1072, "wc");

/* event_channel_op commands and arguments */
#define EVTCHNOP_bind_interdomain 0
#define EVTCHNOP_close            3
#define EVTCHNOP_send             4
#define EVTCHNOP_status           5
#define EVTCHNOP_alloc_unbound    6
#define EVTCHNOP_unmask           9
#define EVTCHNOP_reset            10

struct evtchn_alloc_unbound {
	uint16_t dom, remote_dom;
	uint32_t port;             /* OUT */
};
struct evtchn_bind_interdomain {
	uint16_t remote_dom, pad;
	uint32_t remote_port;
	uint32_t local_port;       /* OUT */
};
struct evtchn_port_arg {       /* close, send, unmask */
	uint32_t port;
};
struct evtchn_status {
	uint16_t dom, pad;
	uint32_t port;
	uint32_t status;           /* OUT: 0 closed, 1 unbound, 2 interdomain, ... */
	uint32_t vcpu;             /* OUT */
	uint32_t u[2];             /* OUT: depends on status */
};
struct evtchn_reset {
	uint16_t dom;
};
_Static_assert(sizeof(struct evtchn_bind_interdomain) == 12, "bind_interdomain");
_Static_assert(sizeof(struct evtchn_status) == 24, "status");

static inline int64_t evtchn_op(uint32_t cmd, void *arg)
{
	return xen_hypercall(XEN_HC_event_channel_op, cmd,
			     (uint64_t)(uintptr_t)arg, 0, 0, 0);
}

/* The 2-level scan an upcall makes: clears the upcall flag, takes the
 * selector, then each pending and unmasked port of each selected word,
 * clearing its pending bit; on_port() is called for each port whose bit
 * this scan cleared (not one another vCPU took first). */
static inline void evtchn_scan_2l(volatile struct xen_vcpu_info *vi,
				  volatile struct xen_shared_info *si,
				  void (*on_port)(uint32_t port))
{
	vi->evtchn_upcall_pending = 0;
	__asm__ volatile("dmb ish" ::: "memory");
	uint64_t sel = atomic_xchg64(&vi->evtchn_pending_sel, 0);
	while (sel) {
		unsigned w = (unsigned)__builtin_ctzll(sel);
		sel &= sel - 1;
		uint64_t ready = si->evtchn_pending[w] & ~si->evtchn_mask[w];
		while (ready) {
			unsigned b = (unsigned)__builtin_ctzll(ready);
			ready &= ready - 1;
			uint64_t bit = 1ull << b;
			if (atomic_and64(&si->evtchn_pending[w], ~bit) & bit)
				on_port(w * 64 + b);
		}
	}
}
