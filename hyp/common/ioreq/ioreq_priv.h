/* SPDX-License-Identifier: MIT */
/*
 * What the request path (forward.c) and the mapcache invalidation
 * (invalidate.c) share: a server's slot for a vCPU, the compare-and-swap
 * that moves a vCPU's access on, and the wait for an answer.
 */
#pragma once

#include <xenith/domain.h>
#include <xenith/evtchn.h>
#include <xenith/ioreq.h>
#include <xenith/sched.h>

static inline volatile struct ioreq *ioreq_slot(const struct domain *d, unsigned int srv,
						unsigned int vcpu)
{
	return (volatile struct ioreq *)(uintptr_t)d->ioreq.page_pa[srv] + vcpu;
}

/* Moves v's access from `from` (as read) to state `to`; true if it was
 * still that access and this CPU made the move. */
static inline bool ioreq_io_move(struct vcpu *v, uint64_t from, uint8_t to)
{
	return __atomic_compare_exchange_n(&v->io.key, &from, (from & ~0xffULL) | to, false,
					   __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
}

/* The vCPU waits for its answer: only sched_wake_io() makes it run. */
static inline void ioreq_wait_for_answer(struct vcpu *v)
{
	v->sched.io_wait = true;
	sched_block_nocheck(v);
}

/* The slot of a vCPU with no access in flight: NONE, or a late answer to
 * an access that failed (reclaimed). Anything else is the device
 * model's doing: false (Xen: "device model set bad IO state"). */
static inline bool ioreq_slot_free(volatile struct ioreq *q)
{
	uint8_t st = __atomic_load_n(&q->flags, __ATOMIC_ACQUIRE) & 0xf;

	if (st == IORESP_READY)
		__atomic_store_n(&q->flags, (uint8_t)IOREQ_STATE_NONE, __ATOMIC_RELEASE);
	return st == IOREQ_STATE_NONE || st == IORESP_READY;
}

/* Makes the request in q visible and tells its device model, under
 * d->ioreq.lock (the port cannot be closed and handed to the guest
 * meanwhile). False if nothing will answer: its device model closed the
 * port. A port never bound yet waits for one, as on Xen (binding raises
 * an event there, which scans the slots). */
static inline bool ioreq_post(struct domain *d, volatile struct ioreq *q, uint32_t port)
{
	__atomic_store_n(&q->flags, (uint8_t)(q->flags | IOREQ_STATE_READY), __ATOMIC_RELEASE);
	return evtchn_xen_send(&d->evtchn, port) ||
	       evtchn_xen_link(&d->evtchn, port) != XEN_LINK_GONE;
}

/* invalidate.c: the broadcast's side of an event, a closed port and a
 * server going (k: v's key, read by the caller, with IO_SRV_ALL). */
bool ioreq_inval_event(struct vcpu *v, uint64_t k, uint32_t port);
void ioreq_inval_fail_port(struct vcpu *v, uint64_t k, uint32_t port);
void ioreq_inval_fail_server(struct vcpu *v, uint64_t k, unsigned int id);
