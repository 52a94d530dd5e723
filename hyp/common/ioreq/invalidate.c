// SPDX-License-Identifier: MIT
/*
 * The mapcache invalidation (Xen 4.17's ioreq_request_mapcache_invalidate
 * and ioreq_signal_mapcache_invalidate, Arm): when a page of a guest's RAM
 * leaves its P2M (a balloon's decrease_reservation, a remove or add to
 * physmap over RAM), a device model may still have that frame mapped and
 * would go on reading the old page when the frame comes back as another.
 * So at the end of the hypercall the vCPU sends IOREQ_TYPE_INVALIDATE
 * (size 4, a write of ~0: everything) to every enabled server of its
 * domain at once and waits until all have answered.
 *
 * One vCPU key covers the broadcast (server IO_SRV_ALL); which servers
 * still owe an answer is v->io.inval_pending, cleared bit by bit with an
 * atomic AND by the CPU that takes a server's answer, or sees its port
 * closed or the server go; the one that clears the last bit completes
 * the wait. A server that cannot be reached (its device model gone) is
 * left out and logged, as Xen logs "Unsuccessful map-cache invalidate".
 */
#include <xenith/console.h>
#include <xenith/evtchn.h>
#include "ioreq_priv.h"

void ioreq_p2m_changed(struct vcpu *v)
{
	if (__atomic_load_n(&v->dom->ioreq.nr_enabled, __ATOMIC_ACQUIRE))
		v->io.invalidate = true;
}

/* Server id's part is over (answered, or it never will be). */
static void part_done(struct vcpu *v, uint64_t k, unsigned int id)
{
	uint8_t bit = (uint8_t)(1U << id);
	uint8_t old = __atomic_fetch_and(&v->io.inval_pending, (uint8_t)~bit, __ATOMIC_ACQ_REL);

	if (old == bit && ioreq_io_move(v, k, VIO_DONE))   /* the last one */
		sched_wake_io(v);
}

/* The invalidation for server id in v's slot, and its port, if the
 * server can take one (lock held); false if its device model is gone or
 * its slot is busy. */
static bool post(struct vcpu *v, unsigned int id)
{
	struct domain *d = v->dom;
	volatile struct ioreq *q = ioreq_slot(d, id, v->id);
	uint32_t port = d->ioreq.srv[id]->port[v->id];

	if (evtchn_xen_link(&d->evtchn, port) == XEN_LINK_GONE || !ioreq_slot_free(q)) {
		printk("d%u v%u: ioreq server %u cannot take the mapcache invalidation\n", d->id,
		       v->id, id);
		return false;
	}
	q->addr = 0;
	q->data = ~0ULL;
	q->count = 1;
	q->size = 4;
	q->vp_eport = port;
	q->type = IOREQ_TYPE_INVALIDATE;
	q->flags = IOREQ_STATE_NONE;   /* a write */
	v->io.inval_port[id] = port;
	return true;
}

/* Server id's invalidation goes out. Its port may be closed meanwhile
 * (that needs no lock of ours): a part already given up gets its slot
 * back to NONE, not a request nobody waits for. */
static void ready(struct vcpu *v, uint64_t k, unsigned int id)
{
	struct domain *d = v->dom;
	volatile struct ioreq *q = ioreq_slot(d, id, v->id);
	uint8_t bit = (uint8_t)(1U << id), st = IOREQ_STATE_READY;

	if (!ioreq_post(d, q, v->io.inval_port[id]))
		part_done(v, k, id);
	if (!(__atomic_load_n(&v->io.inval_pending, __ATOMIC_ACQUIRE) & bit))
		__atomic_compare_exchange_n(&q->flags, &st, (uint8_t)IOREQ_STATE_NONE, false,
					    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
}

void ioreq_invalidate(struct vcpu *v)
{
	struct domain *d = v->dom;
	uint64_t k = IO_KEY(VIO_WAIT, IO_SRV_ALL, 0);
	uint8_t pending = 0;

	v->io.invalidate = false;
	if (!__atomic_load_n(&d->ioreq.nr_enabled, __ATOMIC_ACQUIRE))
		return;
	spin_lock(&d->ioreq.lock);
	for (unsigned int id = 0; id < IOREQ_MAX_SERVERS; id++)
		if (d->ioreq.srv[id] && d->ioreq.srv[id]->enabled && post(v, id))
			pending |= (uint8_t)(1U << id);
	if (pending) {
		v->io.arch = IO_ARCH_NONE;
		v->io.size = 4;
		v->io.write = true;
		v->io.addr = 0;
		__atomic_store_n(&v->io.inval_pending, pending, __ATOMIC_RELEASE);
		/* Waiting before the broadcast is published: a closed port or
		 * an answer, from another CPU, must find the vCPU to wake. */
		ioreq_wait_for_answer(v);
		__atomic_store_n(&v->io.key, k, __ATOMIC_RELEASE);
		for (unsigned int id = 0; id < IOREQ_MAX_SERVERS; id++)
			if (pending & (1U << id))
				ready(v, k, id);
	}
	spin_unlock(&d->ioreq.lock);
}

/* The server whose invalidation went out on port: -1 if none is owed. */
static int owner(const struct vcpu *v, uint32_t port)
{
	uint8_t pending = __atomic_load_n(&v->io.inval_pending, __ATOMIC_ACQUIRE);

	for (unsigned int id = 0; id < IOREQ_MAX_SERVERS; id++)
		if ((pending & (1U << id)) && v->io.inval_port[id] == port)
			return (int)id;
	return -1;
}

bool ioreq_inval_event(struct vcpu *v, uint64_t k, uint32_t port)
{
	int id = owner(v, port);
	volatile struct ioreq *q;
	uint8_t resp;

	if (id < 0)
		return false;
	q = ioreq_slot(v->dom, (unsigned int)id, v->id);
	/* An event before the answer is a device model's mistake: ignored.
	 * Two CPUs may take the same answer (two events): one wins. */
	resp = __atomic_load_n(&q->flags, __ATOMIC_ACQUIRE);
	if ((resp & 0xf) == IORESP_READY &&
	    __atomic_compare_exchange_n(&q->flags, &resp, (uint8_t)IOREQ_STATE_NONE, false,
					__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		part_done(v, k, (unsigned int)id);
	return true;
}

/* A server that will not answer: its slot emptied, its part over. */
static void give_up(struct vcpu *v, uint64_t k, unsigned int id)
{
	printk("d%u v%u: ioreq server %u went before answering the mapcache invalidation\n",
	       v->dom->id, v->id, id);
	__atomic_store_n(&ioreq_slot(v->dom, id, v->id)->flags, (uint8_t)IOREQ_STATE_NONE,
			 __ATOMIC_RELEASE);
	part_done(v, k, id);
}

void ioreq_inval_fail_port(struct vcpu *v, uint64_t k, uint32_t port)
{
	int id = owner(v, port);

	if (id >= 0)
		give_up(v, k, (unsigned int)id);
}

void ioreq_inval_fail_server(struct vcpu *v, uint64_t k, unsigned int id)
{
	if (__atomic_load_n(&v->io.inval_pending, __ATOMIC_ACQUIRE) & (1U << id))
		give_up(v, k, id);
}
