/* SPDX-License-Identifier: MIT */
/*
 * IOREQ servers, as Xen 4.17 offers them on Arm (docs/xen-abi.md, "IOREQ
 * servers"): a device model in another domain (dom0's user space) claims
 * ranges of a guest's physical address space; a guest access there that
 * no device of the hypervisor handles becomes a request in a page shared
 * with the device model, the vCPU waits, descheduled, until the answer,
 * and a load gets the answered value.
 *
 * Ownership. Everything per domain is the target's (the guest's):
 *  - d->ioreq.lock (LOCK_IOREQ) covers srv[], each server's ranges,
 *    enabled flag and ports, and page_pa[];
 *  - page_pa[id]: the request page of server slot id, allocated at the
 *    slot's first creation and kept until the domain's memory goes (a
 *    device model's mapping of it holds a reference on the domain, so it
 *    never points at a freed page);
 *  - nr_enabled: how many servers are enabled (atomic), so that an
 *    unclaimed access in a domain without servers costs one load;
 *  - a server holds a reference on its emulator domain until destroyed.
 * A vCPU's v->io is its own but for the one transition the answer makes
 * (WAIT -> DONE or FAILED, a compare-and-swap from the CPU delivering the
 * device model's event or destroying the server).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <arch/spinlock.h>
#include <xenith/rangeset.h>

struct domain;
struct vcpu;
struct mmio_access;

#define IOREQ_MAX_SERVERS   8     /* Xen's MAX_NR_IOREQ_SERVERS */
#define IOREQ_MAX_RANGES    256   /* per type: Xen's MAX_NR_IO_RANGES */
#define IOREQ_NR_TYPES      3     /* XEN_DMOP_IO_RANGE_PORT, _MEMORY, _PCI */
#define IOREQ_RANGE_MEMORY  1

/* struct ioreq (xen/include/public/hvm/ioreq.h), 32 bytes, one per vCPU
 * in the request page, indexed by vCPU id. */
struct ioreq {
	uint64_t addr;
	uint64_t data;
	uint32_t count;
	uint32_t size;
	uint32_t vp_eport;
	uint16_t pad0;
	uint8_t  flags;     /* state [3:0], data_is_ptr [4], dir [5], df [6] */
	uint8_t  type;
};
_Static_assert(sizeof(struct ioreq) == 32, "struct ioreq");

#define IOREQ_STATE_NONE      0
#define IOREQ_STATE_READY     1
#define IOREQ_STATE_INPROCESS 2
#define IORESP_READY          3
#define IOREQ_DIR_READ        (1U << 5)
#define IOREQ_TYPE_COPY       1
#define IOREQ_TYPE_INVALIDATE 8   /* drop every mapping of the guest's memory */

struct ioreq_server {
	struct domain *emulator;          /* reference held */
	bool enabled;
	struct rangeset ranges[IOREQ_NR_TYPES];   /* arrays on their own pages */
	uint32_t port[];                  /* per vCPU: the target's port */
};

struct ioreq_domain {
	spinlock_t lock;
	struct ioreq_server *srv[IOREQ_MAX_SERVERS];
	uint64_t page_pa[IOREQ_MAX_SERVERS];
	unsigned int nr_enabled;
	bool parked_said;          /* the first wait for a backend was logged */
};

/* A vCPU's access in flight (v->io). */
enum vcpu_io_state {
	VIO_NONE = 0,
	VIO_WAIT,       /* sent; the vCPU is blocked */
	VIO_TAKING,     /* the answer is being copied (a moment) */
	VIO_DONE,       /* answered: value holds a load's result */
	VIO_FAILED,     /* no answer will come: the server went */
	VIO_PARKED,     /* a declared virtio window no server claims yet:
			 * the vCPU waits for one, then retries the access */
};

/* v->io.key: the state with the server and port of the access it is
 * about, changed by compare-and-swap of the whole word, so that a CPU
 * acting on what it read of an earlier access (an answer, a closed port)
 * can never change a newer one. */
#define IO_KEY(state, srv, port) ((uint64_t)(state) | (uint64_t)(srv) << 8 | (uint64_t)(port) << 32)
#define IO_SRV_ALL    0xff   /* a broadcast (the mapcache invalidation): every server */
#define IO_ARCH_NONE  (~0U)  /* nothing to complete in the guest's registers */
#define IO_STATE(key) ((uint8_t)(key))
#define IO_SRV(key)   ((uint8_t)((key) >> 8))
#define IO_PORT(key)  ((uint32_t)((key) >> 32))

struct vcpu_io {
	volatile uint64_t key;     /* enum vcpu_io_state, server id, port */
	uint8_t warned;            /* server ids whose failure was logged */
	uint8_t size;
	bool write;
	uint32_t arch;             /* how to complete it (arch_ioreq_complete) */
	uint64_t addr;
	uint64_t value;
	/* The mapcache invalidation (invalidate.c): due after this
	 * hypercall (the vCPU's own: set by its memory or grant op), and
	 * while it is broadcast, the servers still to answer (atomic AND by
	 * the CPUs taking their answers) and the port each was sent on
	 * (written before the key). */
	bool invalidate;
	uint8_t inval_pending;
	uint32_t inval_port[IOREQ_MAX_SERVERS];
};

/* May caller be d's device model (dm_op, the ioreq resource)? The
 * control domain, or the domain d's configuration names with
 * "xenith,device-model" (Xen's XSM_DM_PRIV: privileged or d's
 * device-model domain). Mapping d's memory is not part of it. */
bool ioreq_may_emulate(const struct domain *caller, const struct domain *d);

/* The device-model operations (common/xen/dm_op.c decodes them); caller
 * is the emulator domain, d the target. 0 or a negated Xen error. */
int ioreq_create(struct domain *d, struct domain *caller, uint16_t *id);
int ioreq_destroy(struct domain *d, struct domain *caller, uint16_t id);
int ioreq_set_state(struct domain *d, struct domain *caller, uint16_t id, bool on);
int ioreq_map_range(struct domain *d, struct domain *caller, uint16_t id,
		    uint32_t type, uint64_t s, uint64_t e, bool map);
int ioreq_check_server(struct domain *d, struct domain *caller, uint16_t id);
/* XENMEM_acquire_resource: the host page of server id's frame, for the
 * caller to map (frame 1: the request page; frame 0, the buffered page,
 * does not exist on Arm). 0 or a negated Xen error. */
int ioreq_resource_frame(struct domain *d, struct domain *caller, uint32_t id,
			 uint64_t frame, uint64_t *pa);

/* The MMIO trap: no device of the hypervisor took the access. True if a
 * server claims it: the request is sent and the vCPU blocked (entry then
 * goes through the scheduler); false: the guest gets its abort. arch is
 * kept for arch_ioreq_complete. */
bool ioreq_forward(struct vcpu *v, const struct mmio_access *a, uint32_t arch);
/* On the way back into the guest after the vCPU was descheduled: if its
 * access was answered, completes it (a load's register, the PC). */
void ioreq_resume(struct vcpu *v, void *regs);
/* An event on one of d's ports the hypervisor consumes (xen_domain.c). */
bool ioreq_event(struct domain *d, uint32_t port, unsigned int vcpu);
/* The device model closed its end of such a port (it died, or unbound):
 * the vCPU waiting on it is released, its access failed. */
void ioreq_peer_closed(struct domain *d, uint32_t port, unsigned int vcpu);
/* Server id of d goes: every vCPU waiting for it is released (lock held). */
void ioreq_fail_server(struct domain *d, uint16_t id);
/* A server of d was enabled or claimed more: vCPUs waiting for a
 * backend of a declared virtio window retry their access (lock held). */
void ioreq_unpark(struct domain *d);
/* Teardown of d: its servers, and the servers d emulates for others, go
 * (waiting vCPUs are released). */
void ioreq_release(struct domain *d);
/* v's hypercall took a page of its domain's RAM out of the P2M (every
 * P2M change is the domain's own on Arm): every device model must drop
 * its mappings of that memory before v goes on, since the frame may come
 * back as another page (Xen's ioreq_request_mapcache_invalidate).
 * Nothing without a server. */
void ioreq_p2m_changed(struct vcpu *v);
/* At the end of v's hypercall, if due: IOREQ_TYPE_INVALIDATE goes to
 * each enabled server of v's domain, and v waits until all answer (Xen's
 * ioreq_signal_mapcache_invalidate). */
void ioreq_invalidate(struct vcpu *v);
/* The toolstack gives v a new context (or resets it): an access in
 * flight is forgotten. */
void ioreq_vcpu_reset(struct vcpu *v);
/* The domain's request pages, with its memory. */
void ioreq_free_pages(struct domain *d);
void ioreq_domain_init(struct domain *d);

/* Architecture: completes a forwarded access in the guest's registers
 * (regs: the trap frame or the saved context): a load gets value, the PC
 * moves past the instruction. */
void arch_ioreq_complete(void *regs, uint32_t arch, uint64_t value, unsigned int size);

/* Defined here for the entry path; struct vcpu is complete by then in
 * every file that calls it (it includes domain.h). */
#define vcpu_io_state(v) IO_STATE(__atomic_load_n(&(v)->io.key, __ATOMIC_ACQUIRE))
