// SPDX-License-Identifier: MIT
/*
 * The request path (Xen 4.17's try_fwd_ioserv, ioreq_send and the
 * completion): a guest access no device of the hypervisor handles goes
 * to the enabled server claiming it, highest id first; the vCPU blocks
 * until the device model answers, however long that takes, since the
 * access is synchronous. Only the answer's event wakes it (an interrupt
 * does not: the guest must not run with an access half done), or the
 * server going away, which completes the access as failed.
 *
 * Two things differ from Xen 4.17 on purpose (docs/xen-abi.md): a write
 * sends only the bytes of its size and a load sends 0 (Xen 4.17 sends the
 * whole register, leaking its old upper bits to the device model), and a
 * load takes only the answered bytes of its size (Xen 4.18 does the same).
 */
#include <xenith/console.h>
#include <xenith/evtchn.h>
#include <xenith/mmio.h>
#include "ioreq_priv.h"

static uint64_t size_mask(unsigned int size)
{
	return size >= 8 ? ~0ULL : (1ULL << (size * 8)) - 1;
}

/* The enabled server whose memory ranges hold all of [s, e] (lock
 * held): Xen looks from the highest id down. -1 if none. */
static int select_server(const struct domain *d, uint64_t s, uint64_t e)
{
	for (int id = IOREQ_MAX_SERVERS - 1; id >= 0; id--) {
		const struct ioreq_server *srv = d->ioreq.srv[id];

		if (srv && srv->enabled && srv->ranges[IOREQ_RANGE_MEMORY].r &&
		    rangeset_contains(&srv->ranges[IOREQ_RANGE_MEMORY], s, e))
			return id;
	}
	return -1;
}

static void fill(volatile struct ioreq *q, const struct mmio_access *a, uint32_t port)
{
	q->addr = a->addr;
	q->data = a->write ? a->value & size_mask(a->size) : 0;
	q->count = 1;
	q->size = a->size;
	q->vp_eport = port;
	q->type = IOREQ_TYPE_COPY;
	q->flags = (uint8_t)(IOREQ_STATE_NONE | (a->write ? 0 : IOREQ_DIR_READ));
}

/* v's access in state WAIT with key k fails: no answer will come. Its
 * slot is emptied for the next access (a late answer is reclaimed
 * there too) and the vCPU runs. */
static void fail_waiting(struct vcpu *v, uint64_t k)
{
	if (IO_STATE(k) != VIO_WAIT || !ioreq_io_move(v, k, VIO_FAILED))
		return;
	__atomic_store_n(&ioreq_slot(v->dom, IO_SRV(k), v->id)->flags, (uint8_t)IOREQ_STATE_NONE,
			 __ATOMIC_RELEASE);
	sched_wake_io(v);
}

/* Is [s, e] in a virtio window the domain's configuration declares
 * (boot/virtio_cfg.c)? Its backend may not have started yet. */
static bool declared(const struct domain *d, uint64_t s, uint64_t e)
{
	for (int i = 0; i < d->cfg->nr_virtio; i++) {
		uint64_t b = d->cfg->virtio[i].base;

		if (s >= b && e < b + GUEST_VIRTIO_DEV_SIZE)
			return true;
	}
	return false;
}

/* No server claims the access yet, but the window is declared: the vCPU
 * waits until a server is enabled or claims more (ioreq_unpark), then
 * the access traps again. Lock held, so no enabling can come between
 * the look and the wait. */
static void park(struct vcpu *v, const struct mmio_access *a)
{
	struct domain *d = v->dom;

	if (!d->ioreq.parked_said)
		printk("d%u v%u: the virtio device at %#llx has no backend yet: waiting for one\n",
		       d->id, v->id, (unsigned long long)a->addr);
	d->ioreq.parked_said = true;
	v->io.addr = a->addr;
	__atomic_store_n(&v->io.key, IO_KEY(VIO_PARKED, 0, 0), __ATOMIC_RELEASE);
	ioreq_wait_for_answer(v);
}

void ioreq_unpark(struct domain *d)
{
	for (unsigned int i = 0; i < d->nr_vcpus; i++) {
		struct vcpu *v = d->vcpu[i];
		uint64_t k = __atomic_load_n(&v->io.key, __ATOMIC_ACQUIRE);

		if (IO_STATE(k) == VIO_PARKED && ioreq_io_move(v, k, VIO_NONE))
			sched_wake_io(v);
	}
}

static void record(struct vcpu *v, const struct mmio_access *a, uint32_t arch)
{
	v->io.size = (uint8_t)a->size;
	v->io.write = a->write;
	v->io.arch = arch;
	v->io.addr = a->addr;
}

/* Server id's request for v, under the lock. True: sent (or failed at
 * once), the vCPU completes it when it resumes; false: the guest aborts. */
static bool send(struct vcpu *v, const struct mmio_access *a, uint32_t arch, int id)
{
	struct domain *d = v->dom;
	volatile struct ioreq *q = ioreq_slot(d, (unsigned int)id, v->id);
	uint32_t port = d->ioreq.srv[id]->port[v->id];
	uint64_t k = IO_KEY(VIO_WAIT, id, port);

	record(v, a, arch);
	if (evtchn_xen_link(&d->evtchn, port) == XEN_LINK_GONE) {
		/* Its device model closed this vCPU's port (it died) and no
		 * other bound it again: nothing would ever answer. */
		__atomic_store_n(&v->io.key, IO_KEY(VIO_FAILED, id, port), __ATOMIC_RELEASE);
		return true;
	}
	if (!ioreq_slot_free(q)) {
		printk("d%u v%u: ioreq server %d left its slot in state %u: access to %#llx aborted\n",
		       d->id, v->id, id, q->flags & 0xf, (unsigned long long)a->addr);
		return false;
	}
	fill(q, a, port);
	/* Blocked before the access is published: from then on a closed
	 * port (which needs no lock of ours) or the answer, which may come
	 * at once from another CPU, must find the vCPU waiting to wake it. */
	ioreq_wait_for_answer(v);
	__atomic_store_n(&v->io.key, k, __ATOMIC_RELEASE);
	if (!ioreq_post(d, q, port))
		fail_waiting(v, k);
	return true;
}

bool ioreq_forward(struct vcpu *v, const struct mmio_access *a, uint32_t arch)
{
	struct domain *d = v->dom;
	uint8_t st = vcpu_io_state(v);
	uint64_t last = a->addr + a->size - 1;
	bool decl, sent;
	int id;

	/* Resumed before its answer or its backend (never expected): the
	 * same access trapped again and goes on waiting. */
	if (st == VIO_WAIT || st == VIO_PARKED) {
		ioreq_wait_for_answer(v);
		return true;
	}
	/* The configuration is fixed: whether the window is declared is
	 * read once, outside the lock. */
	decl = declared(d, a->addr, last);
	if (!decl && !__atomic_load_n(&d->ioreq.nr_enabled, __ATOMIC_ACQUIRE))
		return false;
	spin_lock(&d->ioreq.lock);
	id = select_server(d, a->addr, last);
	if (id >= 0) {
		sent = send(v, a, arch, id);
	} else {
		sent = decl;
		if (sent)
			park(v, a);
	}
	spin_unlock(&d->ioreq.lock);
	return sent;
}

bool ioreq_event(struct domain *d, uint32_t port, unsigned int vcpu)
{
	volatile struct ioreq *q;
	struct vcpu *v;
	uint64_t k;

	if (vcpu >= d->nr_vcpus)
		return false;
	v = d->vcpu[vcpu];
	k = __atomic_load_n(&v->io.key, __ATOMIC_ACQUIRE);
	if (IO_STATE(k) == VIO_WAIT && IO_SRV(k) == IO_SRV_ALL)
		return ioreq_inval_event(v, k, port);
	if (IO_STATE(k) != VIO_WAIT || IO_PORT(k) != port)
		return false;
	q = ioreq_slot(d, IO_SRV(k), vcpu);
	/* An event before the answer is a device model's mistake: ignored. */
	if ((__atomic_load_n(&q->flags, __ATOMIC_ACQUIRE) & 0xf) != IORESP_READY)
		return true;
	if (!ioreq_io_move(v, k, VIO_TAKING))
		return true;
	v->io.value = q->data & size_mask(v->io.size);
	__atomic_store_n(&q->flags, (uint8_t)IOREQ_STATE_NONE, __ATOMIC_RELEASE);
	__atomic_store_n(&v->io.key, (k & ~0xffULL) | VIO_DONE, __ATOMIC_RELEASE);
	sched_wake_io(v);
	return true;
}

void ioreq_peer_closed(struct domain *d, uint32_t port, unsigned int vcpu)
{
	struct vcpu *v;
	uint64_t k;

	if (vcpu >= d->nr_vcpus)
		return;
	v = d->vcpu[vcpu];
	k = __atomic_load_n(&v->io.key, __ATOMIC_ACQUIRE);
	if (IO_SRV(k) == IO_SRV_ALL)
		ioreq_inval_fail_port(v, k, port);
	else if (IO_PORT(k) == port)
		fail_waiting(v, k);
}

void ioreq_fail_server(struct domain *d, uint16_t id)
{
	for (unsigned int i = 0; i < d->nr_vcpus; i++) {
		struct vcpu *v = d->vcpu[i];
		uint64_t k = __atomic_load_n(&v->io.key, __ATOMIC_ACQUIRE);

		if (IO_SRV(k) == IO_SRV_ALL)
			ioreq_inval_fail_server(v, k, id);
		else if (IO_SRV(k) == id)
			fail_waiting(v, k);
	}
}

void ioreq_vcpu_reset(struct vcpu *v)
{
	__atomic_store_n(&v->io.key, IO_KEY(VIO_NONE, 0, 0), __ATOMIC_RELEASE);
	__atomic_store_n(&v->io.inval_pending, 0, __ATOMIC_RELEASE);
	v->io.invalidate = false;
	__atomic_store_n(&v->sched.io_wait, false, __ATOMIC_SEQ_CST);
}

void ioreq_resume(struct vcpu *v, void *regs)
{
	uint64_t k = __atomic_load_n(&v->io.key, __ATOMIC_ACQUIRE);
	uint8_t st = IO_STATE(k);
	uint64_t value = v->io.value;

	if (st != VIO_DONE && st != VIO_FAILED)
		return;
	if (v->io.arch == IO_ARCH_NONE) {
		/* A broadcast (the invalidation): nothing in the registers. */
		__atomic_store_n(&v->io.key, IO_KEY(VIO_NONE, 0, 0), __ATOMIC_RELEASE);
		return;
	}
	if (st == VIO_FAILED) {
		/* No device model will answer: as a bus with nothing on it,
		 * a load reads all ones and a write goes nowhere. Said once
		 * per vCPU and server id (a guest may keep trying). */
		value = size_mask(v->io.size);
		if (!(v->io.warned & (1U << IO_SRV(k))))
			printk("d%u v%u: ioreq server %u will not answer the %s of %#llx "
			       "(its device model is gone): %s\n", v->dom->id, v->id, IO_SRV(k),
			       v->io.write ? "write" : "read", (unsigned long long)v->io.addr,
			       v->io.write ? "dropped" : "all ones returned");
		v->io.warned |= (uint8_t)(1U << IO_SRV(k));
	}
	arch_ioreq_complete(regs, v->io.arch, value, v->io.size);
	__atomic_store_n(&v->io.key, IO_KEY(VIO_NONE, 0, 0), __ATOMIC_RELEASE);
}
