/* SPDX-License-Identifier: MIT */
/*
 * What the event-channel core (evtchn.c) and its two pending-state
 * back ends (evtchn_2l.c, evtchn_fifo.c) share. Every function here
 * expects the caller to hold ed->lock.
 */
#pragma once

#include <xenith/evtchn.h>

/* Atomics on words the guest also writes: full barriers, like Xen's
 * guest bit operations, so the order of the steps below is what the
 * guest observes. */
#define GUEST_OR(p, v)   __atomic_fetch_or((p), (v), __ATOMIC_SEQ_CST)
#define GUEST_AND(p, v)  __atomic_fetch_and((p), (v), __ATOMIC_SEQ_CST)
#define GUEST_LOAD(p)    __atomic_load_n((p), __ATOMIC_SEQ_CST)
#define GUEST_STORE(p, v) __atomic_store_n((p), (v), __ATOMIC_SEQ_CST)

/* A port the guest may signal: bound to something (not free/reserved). */
static inline bool evtchn_usable(const struct evtchn *ch)
{
	return ch->state > ECS_RESERVED;
}

/* vcpu's vcpu_info, or NULL while a secondary vCPU has not registered. */
static inline struct xen_vcpu_info *evtchn_vcpu_info(struct evtchn_domain *ed,
						     unsigned int vcpu)
{
	return __atomic_load_n(&ed->vcpu[vcpu].info, __ATOMIC_ACQUIRE);
}

/* evtchn.c: sets vcpu's evtchn_upcall_pending and, if it was clear,
 * asks the hypervisor to raise the upcall interrupt. */
void evtchn_mark_upcall(struct evtchn_domain *ed, unsigned int vcpu);
bool evtchn_port_valid(const struct evtchn_domain *ed, uint32_t port);

/* evtchn_2l.c */
void evtchn_2l_set_pending(struct evtchn_domain *ed, unsigned int vcpu,
			   uint32_t port);
void evtchn_2l_clear_pending(struct evtchn_domain *ed, uint32_t port);
void evtchn_2l_unmask(struct evtchn_domain *ed, uint32_t port);
bool evtchn_2l_is_pending(struct evtchn_domain *ed, uint32_t port);

/* evtchn_fifo.c */
void evtchn_fifo_set_pending(struct evtchn_domain *ed, unsigned int vcpu,
			     uint32_t port);
void evtchn_fifo_clear_pending(struct evtchn_domain *ed, uint32_t port);
void evtchn_fifo_unmask(struct evtchn_domain *ed, uint32_t port);
bool evtchn_fifo_is_busy(struct evtchn_domain *ed, uint32_t port);
bool evtchn_fifo_is_pending(struct evtchn_domain *ed, uint32_t port);
long evtchn_fifo_init_control(struct evtchn_domain *ed,
			      struct evtchn_init_control *ic);
long evtchn_fifo_expand_array(struct evtchn_domain *ed,
			      const struct evtchn_expand_array *ea);
long evtchn_fifo_set_priority(struct evtchn_domain *ed, uint32_t port,
			      uint32_t priority);
void evtchn_fifo_destroy(struct evtchn_domain *ed);
