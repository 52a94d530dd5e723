// SPDX-License-Identifier: MIT
/*
 * Event channels: the per-domain port table, the EVTCHNOP_* calls and
 * VIRQ delivery. Where a port's pending state lives depends on the ABI
 * the guest chose (evtchn_2l.c or evtchn_fifo.c); this file decides who
 * may do what and when an event becomes pending, following Xen 4.17's
 * rules and error codes for an unprivileged guest.
 *
 * Locking. Each domain has one lock, ed->lock, covering its port table,
 * its VIRQ map and its FIFO queues. Raising an event on a port needs the
 * lock of the domain owning that port. Operations on an interdomain pair
 * (bind_interdomain, close, send) hold both domains' locks, and always
 * take the one of the LOWER domid first: two such operations can then
 * never each hold one lock while waiting for the other. Both ends of an
 * interdomain pair change state only with both locks held, so holding
 * either lock keeps the pair together. env->upcall is called with locks
 * held; it must not call back into this module.
 */
#include <xenith/assert.h>
#include <xenith/errno.h>
#include <xenith/lib.h>

#include "evtchn_priv.h"

/* ---- locks and lookups ---- */

/* Locks a and b (possibly the same domain), lower domid first. */
static void lock_pair(struct evtchn_domain *a, struct evtchn_domain *b)
{
	if (a == b) {
		spin_lock(&a->lock);
		return;
	}
	if (a->domid > b->domid) {
		struct evtchn_domain *t = a;

		a = b;
		b = t;
	}
	spin_lock(&a->lock);
	spin_lock(&b->lock);
}

static void unlock_pair(struct evtchn_domain *a, struct evtchn_domain *b)
{
	if (a != b)
		spin_unlock(&b->lock);
	spin_unlock(&a->lock);
}

/* The domain `dom` names from ed's point of view (DOMID_SELF is ed). */
static struct evtchn_domain *domain_by_any_id(struct evtchn_domain *ed,
					      uint16_t dom)
{
	if (dom == DOMID_SELF || dom == ed->domid)
		return ed;
	return ed->env->lookup(dom);
}

/* Ports below valid_ports exist; it only grows, under ed->lock, but is
 * read without it (status of another domain's port, as Xen does). */
bool evtchn_port_valid(const struct evtchn_domain *ed, uint32_t port)
{
	return port < __atomic_load_n(&ed->valid_ports, __ATOMIC_ACQUIRE);
}

/*
 * Locks ed and, for an interdomain port, its peer as well, in domid
 * order; returns the peer (ed itself for anything else, for loopback or
 * a peer that cannot be found). On return the port's binding is stable.
 * When the peer has the lower domid, ed is dropped and retaken after it,
 * and the port may have changed meanwhile: then we start over.
 */
static struct evtchn_domain *lock_port_and_peer(struct evtchn_domain *ed,
						uint32_t port)
{
	struct evtchn *ch = &ed->ch[port];
	struct evtchn_domain *rd;

	for (;;) {
		spin_lock(&ed->lock);
		if (ch->state != ECS_INTERDOMAIN)
			return ed;
		rd = domain_by_any_id(ed, ch->remote_dom);
		if (!rd || rd == ed)
			return ed;
		if (ed->domid < rd->domid) {
			spin_lock(&rd->lock);
			return rd;
		}
		spin_unlock(&ed->lock);
		lock_pair(ed, rd);
		if (ch->state == ECS_INTERDOMAIN && ch->remote_dom == rd->domid)
			return rd;
		unlock_pair(ed, rd);
	}
}

/* ---- raising events ---- */

void evtchn_mark_upcall(struct evtchn_domain *ed, unsigned int vcpu)
{
	struct xen_vcpu_info *vi = evtchn_vcpu_info(ed, vcpu);

	if (!vi)
		return;
	/* Only the 0 -> 1 edge needs the interrupt; while the flag stays
	 * set the (level) upcall line is already up. */
	if (!(GUEST_OR(&vi->evtchn_upcall_pending, 1) & 1))
		ed->env->upcall(ed, vcpu);
}

/* Marks port pending for delivery to vcpu, whichever ABI is in use. */
static void set_pending(struct evtchn_domain *ed, unsigned int vcpu,
			uint32_t port)
{
	ASSERT_LOCKED(&ed->lock);
	if (!evtchn_usable(&ed->ch[port]))
		return;
	if (ed->ch[port].xen_consumer) {
		if (ed->env->xen_event)
			ed->env->xen_event(ed, port);
		return;
	}
	if (ed->fifo)
		evtchn_fifo_set_pending(ed, vcpu, port);
	else
		evtchn_2l_set_pending(ed, vcpu, port);
	if (ed->env->port_pending)
		ed->env->port_pending(ed);
}

bool evtchn_port_pending(struct evtchn_domain *ed, uint32_t port)
{
	if (!evtchn_port_valid(ed, port))
		return false;
	return ed->fifo ? evtchn_fifo_is_pending(ed, port)
			: evtchn_2l_is_pending(ed, port);
}

static void clear_pending(struct evtchn_domain *ed, uint32_t port)
{
	if (ed->fifo)
		evtchn_fifo_clear_pending(ed, port);
	else
		evtchn_2l_clear_pending(ed, port);
}

/* ---- port allocation ---- */

/* Not reusable yet: under FIFO a closed port still linked on a queue. */
static bool port_busy(struct evtchn_domain *ed, uint32_t port)
{
	return ed->fifo && evtchn_fifo_is_busy(ed, port);
}

/*
 * Finds the lowest free port, making its bucket valid as Xen does when
 * it allocates one (so a later failure of the caller still leaves the
 * port "closed" rather than invalid). The port stays ECS_FREE until the
 * caller binds it. -ENOSPC when none is left.
 */
static long alloc_port(struct evtchn_domain *ed)
{
	ASSERT_LOCKED(&ed->lock);
	for (uint32_t port = 0; port < EVTCHN_MAX_PORTS; port++) {
		if (!evtchn_port_valid(ed, port)) {
			__atomic_store_n(&ed->valid_ports,
					 ALIGN_UP(port + 1, EVTCHN_BUCKET_PORTS),
					 __ATOMIC_RELEASE);
			return port;
		}
		if (ed->ch[port].state == ECS_FREE && !port_busy(ed, port))
			return port;
	}
	return -XEN_ENOSPC;
}

/* A freshly bound port: vCPU 0 unless told otherwise, and the default
 * FIFO priority (Xen sets it only under FIFO, and on switching to FIFO;
 * the value is unused in 2-level mode, so the result is the same). */
static struct evtchn *bind_port(struct evtchn_domain *ed, uint32_t port,
				enum evtchn_state state, unsigned int vcpu)
{
	struct evtchn *ch = &ed->ch[port];

	ASSERT_LOCKED(&ed->lock);
	ch->state = (uint8_t)state;
	ch->notify_vcpu = (uint8_t)vcpu;
	ch->priority = EVTCHN_FIFO_PRIORITY_DEFAULT;
	ch->xen_consumer = 0;
	ch->peer_gone = 0;
	return ch;
}

/* Closing: the port forgets its pending event and goes back to vCPU 0. */
static void free_port(struct evtchn_domain *ed, uint32_t port)
{
	struct evtchn *ch = &ed->ch[port];

	clear_pending(ed, port);
	ch->state = ECS_FREE;
	ch->notify_vcpu = 0;
}

/* ---- VIRQs ---- */

/* Per-vCPU VIRQs are bound once per vCPU; the others once, on vCPU 0. */
static bool virq_is_global(uint32_t virq)
{
	return virq != VIRQ_TIMER && virq != VIRQ_DEBUG &&
	       virq != VIRQ_XENOPROF && virq != VIRQ_XENPMU;
}

/* Slot of the VIRQ map recording a VIRQ port. */
static uint32_t *virq_slot(struct evtchn_domain *ed, const struct evtchn *ch)
{
	unsigned int v = virq_is_global(ch->virq) ? 0 : ch->notify_vcpu;

	return &ed->vcpu[v].virq_port[ch->virq];
}

/* ---- the operations ---- */

static long op_alloc_unbound(struct evtchn_domain *ed,
			     struct evtchn_alloc_unbound *a)
{
	struct evtchn_domain *d = domain_by_any_id(ed, a->dom);
	struct evtchn *ch;
	long port;

	if (!d)
		return -XEN_ESRCH;
	spin_lock(&d->lock);
	/* Xen finds the port before asking XSM, so a full target domain
	 * answers -ENOSPC even to a caller who may not use it. */
	port = alloc_port(d);
	if (port >= 0 && d != ed && !ed->privileged)
		port = -XEN_EPERM;
	if (port >= 0) {
		ch = bind_port(d, (uint32_t)port, ECS_UNBOUND, 0);
		ch->remote_dom = a->remote_dom == DOMID_SELF ? ed->domid
							     : a->remote_dom;
		a->port = (uint32_t)port;
	}
	spin_unlock(&d->lock);
	return port < 0 ? port : 0;
}

/* A free port of ed, unbound and offered to remote; the hypervisor's
 * own if xen_consumer. The port, or -ENOSPC. */
static long alloc_unbound(struct evtchn_domain *ed, uint16_t remote, bool xen_consumer,
			  unsigned int vcpu)
{
	long port;

	spin_lock(&ed->lock);
	port = alloc_port(ed);
	if (port >= 0) {
		struct evtchn *ch = bind_port(ed, (uint32_t)port, ECS_UNBOUND, vcpu);

		ch->remote_dom = remote;
		ch->xen_consumer = xen_consumer;
	}
	spin_unlock(&ed->lock);
	return port;
}

long evtchn_alloc_xen_port(struct evtchn_domain *ed, uint16_t remote)
{
	return alloc_unbound(ed, remote, true, 0);
}

long evtchn_alloc_xen_port_vcpu(struct evtchn_domain *ed, uint16_t remote, unsigned int vcpu)
{
	return alloc_unbound(ed, remote, true, vcpu);
}

bool evtchn_xen_send(struct evtchn_domain *ed, uint32_t port)
{
	struct evtchn_domain *rd;
	struct evtchn *ch;
	bool sent = false;

	if (!evtchn_port_valid(ed, port))
		return false;
	rd = lock_port_and_peer(ed, port);
	ch = &ed->ch[port];
	if (ch->xen_consumer && ch->state == ECS_INTERDOMAIN && rd != ed) {
		set_pending(rd, rd->ch[ch->remote_port].notify_vcpu, ch->remote_port);
		sent = true;
	}
	unlock_pair(ed, rd);
	return sent;
}

enum evtchn_xen_link evtchn_xen_link(const struct evtchn_domain *ed, uint32_t port)
{
	if (!evtchn_port_valid(ed, port))
		return XEN_LINK_GONE;
	if (__atomic_load_n(&ed->ch[port].state, __ATOMIC_RELAXED) == ECS_INTERDOMAIN)
		return XEN_LINK_BOUND;
	return __atomic_load_n(&ed->ch[port].peer_gone, __ATOMIC_RELAXED) ? XEN_LINK_GONE
									  : XEN_LINK_NEVER;
}

long evtchn_alloc_unbound_for(struct evtchn_domain *ed, uint16_t remote)
{
	return alloc_unbound(ed, remote, false, 0);
}

/* Joins ed's free port lport to rd's port rport, offered to ed. */
static void connect(struct evtchn_domain *ed, uint32_t lport,
		    struct evtchn_domain *rd, uint32_t rport)
{
	struct evtchn *lch = bind_port(ed, lport, ECS_INTERDOMAIN, 0);
	struct evtchn *rch = &rd->ch[rport];

	lch->remote_dom = rd->domid;
	lch->remote_port = rport;
	rch->state = ECS_INTERDOMAIN;
	rch->remote_dom = ed->domid;
	rch->remote_port = lport;
	rch->peer_gone = 0;
	/* The peer may have signalled while nobody was bound: always
	 * start with an event, the guest rechecks its condition. */
	set_pending(ed, lch->notify_vcpu, lport);
}

static long op_bind_interdomain(struct evtchn_domain *ed,
				struct evtchn_bind_interdomain *b)
{
	struct evtchn_domain *rd = domain_by_any_id(ed, b->remote_dom);
	const struct evtchn *rch;
	long lport;

	if (!rd)
		return -XEN_ESRCH;
	lock_pair(ed, rd);
	lport = alloc_port(ed);
	if (lport >= 0 && !evtchn_port_valid(rd, b->remote_port))
		lport = -XEN_EINVAL;
	if (lport >= 0) {
		rch = &rd->ch[b->remote_port];
		if (rch->state != ECS_UNBOUND || rch->remote_dom != ed->domid)
			lport = -XEN_EINVAL;
	}
	if (lport >= 0) {
		connect(ed, (uint32_t)lport, rd, b->remote_port);
		b->local_port = (uint32_t)lport;
	}
	unlock_pair(ed, rd);
	return lport < 0 ? lport : 0;
}

/* Makes port exist (its bucket and those below it, as alloc_port does). */
static void make_valid(struct evtchn_domain *ed, uint32_t port)
{
	if (!evtchn_port_valid(ed, port))
		__atomic_store_n(&ed->valid_ports, ALIGN_UP(port + 1, EVTCHN_BUCKET_PORTS),
				 __ATOMIC_RELEASE);
}

long evtchn_bind_static(struct evtchn_domain *ed, uint32_t port,
			struct evtchn_domain *rd, uint32_t rport)
{
	long rc = 0;

	if (!port || !rport || port >= EVTCHN_MAX_PORTS || rport >= EVTCHN_MAX_PORTS)
		return -XEN_ENOSPC;
	lock_pair(ed, rd);
	make_valid(ed, port);
	make_valid(rd, rport);
	if (ed->ch[port].state != ECS_FREE || rd->ch[rport].state != ECS_FREE ||
	    (ed == rd && port == rport)) {
		rc = -XEN_EBUSY;
	} else {
		/* Xen's alloc_static_evtchn: side 1 is offered to side 2
		 * (alloc_unbound), side 2 binds it (bind_interdomain, which
		 * leaves side 2's port pending). */
		struct evtchn *ch = bind_port(ed, port, ECS_UNBOUND, 0);

		ch->remote_dom = rd->domid;
		connect(rd, rport, ed, port);
	}
	unlock_pair(ed, rd);
	return rc;
}

static long op_bind_virq(struct evtchn_domain *ed, struct evtchn_bind_virq *b)
{
	struct evtchn *ch;
	long port;

	if (b->virq >= NR_VIRQS || (virq_is_global(b->virq) && b->vcpu != 0))
		return -XEN_EINVAL;
	if (b->vcpu >= ed->nr_vcpus)
		return -XEN_ENOENT;
	spin_lock(&ed->lock);
	if (ed->vcpu[b->vcpu].virq_port[b->virq])
		port = -XEN_EEXIST;
	else
		port = alloc_port(ed);
	if (port >= 0) {
		ch = bind_port(ed, (uint32_t)port, ECS_VIRQ, b->vcpu);
		ch->virq = b->virq;
		ed->vcpu[b->vcpu].virq_port[b->virq] = (uint32_t)port;
		b->port = (uint32_t)port;
	}
	spin_unlock(&ed->lock);
	return port < 0 ? port : 0;
}

static long op_bind_ipi(struct evtchn_domain *ed, struct evtchn_bind_ipi *b)
{
	long port;

	if (b->vcpu >= ed->nr_vcpus)
		return -XEN_ENOENT;
	spin_lock(&ed->lock);
	port = alloc_port(ed);
	if (port >= 0) {
		bind_port(ed, (uint32_t)port, ECS_IPI, b->vcpu);
		b->port = (uint32_t)port;
	}
	spin_unlock(&ed->lock);
	return port < 0 ? port : 0;
}

/* Arm has no physical-IRQ event channels: Xen checks the number against
 * its 1024 PIRQs, takes a port, then cannot allocate the PIRQ record. */
static long op_bind_pirq(struct evtchn_domain *ed,
			 const struct evtchn_bind_pirq *b)
{
	long port;

	if (b->pirq >= 1024)
		return -XEN_EINVAL;
	spin_lock(&ed->lock);
	port = alloc_port(ed);
	spin_unlock(&ed->lock);
	return port < 0 ? port : -XEN_ENOMEM;
}

/* Closes port with the needed locks held; rd is its peer (or ed). */
static long close_locked(struct evtchn_domain *ed, uint32_t port,
			 struct evtchn_domain *rd)
{
	struct evtchn *ch = &ed->ch[port];

	switch (ch->state) {
	case ECS_UNBOUND:
	case ECS_IPI:
		break;
	case ECS_VIRQ:
		*virq_slot(ed, ch) = 0;
		break;
	case ECS_INTERDOMAIN:
		/* The peer waits for a new partner, offered to us again. */
		if (rd) {
			struct evtchn *rch = &rd->ch[ch->remote_port];

			rch->state = ECS_UNBOUND;
			rch->remote_dom = ed->domid;
			if (rch->xen_consumer) {
				rch->peer_gone = 1;
				if (rd->env->xen_peer_closed)
					rd->env->xen_peer_closed(rd, ch->remote_port);
			}
		}
		break;
	default:
		return -XEN_EINVAL;  /* free or reserved */
	}
	free_port(ed, port);
	return 0;
}

static long close_port(struct evtchn_domain *ed, uint32_t port)
{
	struct evtchn_domain *rd;
	long rc;

	if (!evtchn_port_valid(ed, port) || ed->ch[port].xen_consumer)
		return -XEN_EINVAL;   /* the hypervisor's end (Xen: consumer_is_xen) */
	rd = lock_port_and_peer(ed, port);
	/* A missing peer (never, with static domains) only frees our end. */
	if (rd == ed && ed->ch[port].state == ECS_INTERDOMAIN &&
	    ed->ch[port].remote_dom != ed->domid)
		rc = close_locked(ed, port, NULL);
	else
		rc = close_locked(ed, port, rd);
	unlock_pair(ed, rd);
	return rc;
}

void evtchn_close_xen_port(struct evtchn_domain *ed, uint32_t port)
{
	struct evtchn_domain *rd;

	if (!evtchn_port_valid(ed, port))
		return;
	rd = lock_port_and_peer(ed, port);
	if (ed->ch[port].xen_consumer) {
		ed->ch[port].xen_consumer = 0;
		close_locked(ed, port, rd);
	}
	unlock_pair(ed, rd);
}

static long op_send(struct evtchn_domain *ed, const struct evtchn_send *s)
{
	struct evtchn_domain *rd;
	struct evtchn *ch;
	long rc = 0;

	if (!evtchn_port_valid(ed, s->port) || ed->ch[s->port].xen_consumer)
		return -XEN_EINVAL;
	rd = lock_port_and_peer(ed, s->port);
	ch = &ed->ch[s->port];
	switch (ch->state) {
	case ECS_INTERDOMAIN:
		if (rd != ed || ch->remote_dom == ed->domid)
			set_pending(rd, rd->ch[ch->remote_port].notify_vcpu,
				    ch->remote_port);
		break;
	case ECS_IPI:
		set_pending(ed, ch->notify_vcpu, s->port);
		break;
	case ECS_UNBOUND:
		break;  /* nobody listens yet: dropped, as in Xen */
	default:
		rc = -XEN_EINVAL;
	}
	unlock_pair(ed, rd);
	return rc;
}

/* Fills the OUT fields of status for a port of ed. Xen writes only the
 * union member that goes with the state; so do we. */
static void describe(const struct evtchn *ch, struct evtchn_status *s)
{
	switch (ch->state) {
	case ECS_UNBOUND:
		s->status = EVTCHNSTAT_unbound;
		s->u.unbound.dom = ch->remote_dom;
		break;
	case ECS_INTERDOMAIN:
		s->status = EVTCHNSTAT_interdomain;
		s->u.interdomain.dom = ch->remote_dom;
		s->u.interdomain.port = ch->remote_port;
		break;
	case ECS_VIRQ:
		s->status = EVTCHNSTAT_virq;
		s->u.virq = ch->virq;
		break;
	case ECS_IPI:
		s->status = EVTCHNSTAT_ipi;
		break;
	default:
		s->status = EVTCHNSTAT_closed;
	}
	s->vcpu = ch->notify_vcpu;
}

static long op_status(struct evtchn_domain *ed, struct evtchn_status *s)
{
	struct evtchn_domain *d = domain_by_any_id(ed, s->dom);

	if (!d)
		return -XEN_ESRCH;
	/* Xen validates the port before the permission check. */
	if (!evtchn_port_valid(d, s->port))
		return -XEN_EINVAL;
	if (d != ed && !ed->privileged)
		return -XEN_EPERM;
	spin_lock(&d->lock);
	describe(&d->ch[s->port], s);
	spin_unlock(&d->lock);
	return 0;
}

/* Which bindings may move to another vCPU: not IPIs, not per-vCPU VIRQs. */
static long rebind_locked(struct evtchn *ch, uint32_t vcpu)
{
	switch (ch->state) {
	case ECS_VIRQ:
		if (!virq_is_global(ch->virq))
			return -XEN_EINVAL;
		break;
	case ECS_UNBOUND:
	case ECS_INTERDOMAIN:
		break;
	default:
		return -XEN_EINVAL;
	}
	ch->notify_vcpu = (uint8_t)vcpu;
	return 0;
}

static long op_bind_vcpu(struct evtchn_domain *ed,
			 const struct evtchn_bind_vcpu *b)
{
	long rc;

	if (b->vcpu >= ed->nr_vcpus)
		return -XEN_ENOENT;
	if (!evtchn_port_valid(ed, b->port) || ed->ch[b->port].xen_consumer)
		return -XEN_EINVAL;   /* the hypervisor's end (Xen: consumer_is_xen) */
	spin_lock(&ed->lock);
	rc = rebind_locked(&ed->ch[b->port], b->vcpu);
	spin_unlock(&ed->lock);
	return rc;
}

static long op_unmask(struct evtchn_domain *ed, const struct evtchn_unmask *u)
{
	if (!evtchn_port_valid(ed, u->port))
		return -XEN_EINVAL;
	spin_lock(&ed->lock);
	/* Unmasking a free port is accepted and does nothing (Xen). */
	if (evtchn_usable(&ed->ch[u->port])) {
		if (ed->fifo)
			evtchn_fifo_unmask(ed, u->port);
		else
			evtchn_2l_unmask(ed, u->port);
	}
	spin_unlock(&ed->lock);
	return 0;
}

static long op_set_priority(struct evtchn_domain *ed,
			    const struct evtchn_set_priority *p)
{
	long rc;

	if (!evtchn_port_valid(ed, p->port))
		return -XEN_EINVAL;
	spin_lock(&ed->lock);
	if (!ed->fifo)
		rc = -XEN_ENOSYS;  /* 2-level has no priorities */
	else if (!evtchn_usable(&ed->ch[p->port]))
		rc = -XEN_EACCES;
	else
		rc = evtchn_fifo_set_priority(ed, p->port, p->priority);
	spin_unlock(&ed->lock);
	return rc;
}

static bool any_bound(struct evtchn_domain *ed)
{
	for (uint32_t port = 1; port < ed->valid_ports; port++)
		if (evtchn_usable(&ed->ch[port]))
			return true;
	return false;
}

/* Closes every port and returns to the 2-level ABI. A bind racing with
 * the reset leaves a port open: -EAGAIN, as Xen answers then. */
static long op_reset(struct evtchn_domain *ed, const struct evtchn_reset *r)
{
	struct evtchn_domain *d = domain_by_any_id(ed, r->dom);
	long rc = 0;

	if (!d)
		return -XEN_ESRCH;
	if (d != ed)
		return -XEN_EPERM;
	for (uint32_t port = 1; evtchn_port_valid(ed, port); port++)
		close_port(ed, port);  /* free ports just answer -EINVAL */
	spin_lock(&ed->lock);
	if (any_bound(ed))
		rc = -XEN_EAGAIN;
	else if (ed->fifo)
		evtchn_fifo_destroy(ed);
	spin_unlock(&ed->lock);
	return rc;
}

/* ---- the interface ---- */

void evtchn_domain_init(struct evtchn_domain *ed, uint16_t domid,
			unsigned int nr_vcpus, struct evtchn_vcpu *vcpus,
			void *shared_info, const struct evtchn_env *env)
{
	memset(ed, 0, sizeof(*ed));
	memset(vcpus, 0, nr_vcpus * sizeof(*vcpus));
	ed->domid = domid;
	ed->nr_vcpus = nr_vcpus;
	ed->vcpu = vcpus;
	ed->env = env;
	spin_lock_init(&ed->lock, LOCK_EVTCHN);
	ed->shared_info = shared_info;
	/* vCPU 0 starts on the legacy slot inside shared_info. */
	ed->vcpu[0].info = shared_info;
	/* Port 0 exists but is never handed out. */
	ed->valid_ports = EVTCHN_BUCKET_PORTS;
	ed->ch[0].state = ECS_RESERVED;
}

void evtchn_set_vcpu_info(struct evtchn_domain *ed, unsigned int vcpu, void *p)
{
	struct xen_vcpu_info *vi = p;

	if (vcpu >= ed->nr_vcpus || !vi)
		return;
	spin_lock(&ed->lock);
	__atomic_store_n(&ed->vcpu[vcpu].info, p, __ATOMIC_RELEASE);
	/* Events raised while the vCPU had no (or the old) vcpu_info may
	 * not be reflected in the new one: claim every word has work and
	 * raise the upcall; the guest copes with a spurious scan. Xen does
	 * this under both ABIs (FIFO guests ignore the selector). */
	GUEST_STORE(&vi->evtchn_pending_sel, ~0ULL);
	evtchn_mark_upcall(ed, vcpu);
	spin_unlock(&ed->lock);
}

size_t evtchn_op_size(int cmd)
{
	switch (cmd) {
	case EVTCHNOP_bind_interdomain: return sizeof(struct evtchn_bind_interdomain);
	case EVTCHNOP_bind_virq:        return sizeof(struct evtchn_bind_virq);
	case EVTCHNOP_bind_pirq:        return sizeof(struct evtchn_bind_pirq);
	case EVTCHNOP_close:            return sizeof(struct evtchn_close);
	case EVTCHNOP_send:             return sizeof(struct evtchn_send);
	case EVTCHNOP_status:           return sizeof(struct evtchn_status);
	case EVTCHNOP_alloc_unbound:    return sizeof(struct evtchn_alloc_unbound);
	case EVTCHNOP_bind_ipi:         return sizeof(struct evtchn_bind_ipi);
	case EVTCHNOP_bind_vcpu:        return sizeof(struct evtchn_bind_vcpu);
	case EVTCHNOP_unmask:           return sizeof(struct evtchn_unmask);
	case EVTCHNOP_reset:            return sizeof(struct evtchn_reset);
	case EVTCHNOP_init_control:     return sizeof(struct evtchn_init_control);
	case EVTCHNOP_expand_array:     return sizeof(struct evtchn_expand_array);
	case EVTCHNOP_set_priority:     return sizeof(struct evtchn_set_priority);
	default:                        return 0;
	}
}

long evtchn_op(struct evtchn_domain *ed, unsigned int vcpu, int cmd, void *arg)
{
	(void)vcpu;  /* no operation depends on the calling vCPU */
	switch (cmd) {
	case EVTCHNOP_alloc_unbound:    return op_alloc_unbound(ed, arg);
	case EVTCHNOP_bind_interdomain: return op_bind_interdomain(ed, arg);
	case EVTCHNOP_bind_virq:        return op_bind_virq(ed, arg);
	case EVTCHNOP_bind_ipi:         return op_bind_ipi(ed, arg);
	case EVTCHNOP_bind_pirq:        return op_bind_pirq(ed, arg);
	case EVTCHNOP_close:
		return close_port(ed, ((const struct evtchn_close *)arg)->port);
	case EVTCHNOP_send:             return op_send(ed, arg);
	case EVTCHNOP_status:           return op_status(ed, arg);
	case EVTCHNOP_bind_vcpu:        return op_bind_vcpu(ed, arg);
	case EVTCHNOP_unmask:           return op_unmask(ed, arg);
	case EVTCHNOP_reset:            return op_reset(ed, arg);
	case EVTCHNOP_init_control:     return evtchn_fifo_init_control(ed, arg);
	case EVTCHNOP_expand_array:     return evtchn_fifo_expand_array(ed, arg);
	case EVTCHNOP_set_priority:     return op_set_priority(ed, arg);
	default:                        return -XEN_ENOSYS;
	}
}

bool evtchn_send_virq(struct evtchn_domain *ed, unsigned int vcpu, uint32_t virq)
{
	bool global = virq_is_global(virq);
	uint32_t port;

	if (virq >= NR_VIRQS || vcpu >= ed->nr_vcpus)
		return false;
	spin_lock(&ed->lock);
	/* A global VIRQ is recorded on vCPU 0 but goes wherever its port
	 * was rebound; a per-vCPU one always to its own vCPU. */
	port = ed->vcpu[global ? 0 : vcpu].virq_port[virq];
	if (port)
		set_pending(ed, global ? ed->ch[port].notify_vcpu : vcpu, port);
	spin_unlock(&ed->lock);
	return port != 0;
}

bool evtchn_upcall_pending(struct evtchn_domain *ed, unsigned int vcpu)
{
	struct xen_vcpu_info *vi;

	if (vcpu >= ed->nr_vcpus)
		return false;
	vi = evtchn_vcpu_info(ed, vcpu);
	return vi && GUEST_LOAD(&vi->evtchn_upcall_pending);
}
