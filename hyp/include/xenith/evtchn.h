/* SPDX-License-Identifier: MIT */
/*
 * Xen event channels (2-level and FIFO ABIs), generic and host-testable.
 *
 * The module owns each domain's port table and the guest-visible pending
 * state (shared_info bitmaps for 2-level, event words and control blocks
 * for FIFO). It knows nothing about struct domain: the hypervisor fills
 * struct evtchn_env with the few services it needs. Guest-shared words are
 * updated with atomics, since the guest changes them concurrently.
 *
 * Numbers and layouts: xen/include/public/event_channel.h (Xen 4.17).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <arch/spinlock.h>
#include <public/event_channel.h>

#define EVTCHN_MAX_PORTS   1024   /* dom0less domU limit (ports 1..1023) */
/* Xen materialises ports in buckets of this many (a page of 64-byte
 * struct evtchn); a port above the highest bucket in use is invalid. */
#define EVTCHN_BUCKET_PORTS 64

/* EVTCHNOP_* command numbers */
#define EVTCHNOP_bind_interdomain 0
#define EVTCHNOP_bind_virq        1
#define EVTCHNOP_bind_pirq        2
#define EVTCHNOP_close            3
#define EVTCHNOP_send             4
#define EVTCHNOP_status           5
#define EVTCHNOP_alloc_unbound    6
#define EVTCHNOP_bind_ipi         7
#define EVTCHNOP_bind_vcpu        8
#define EVTCHNOP_unmask           9
#define EVTCHNOP_reset            10
#define EVTCHNOP_init_control     11
#define EVTCHNOP_expand_array     12
#define EVTCHNOP_set_priority     13

#define DOMID_SELF 0x7ff0U

struct evtchn_domain;

struct evtchn_env {
	/* Event-channel state of domain `domid` (not DOMID_SELF), or NULL. */
	struct evtchn_domain *(*lookup)(uint16_t domid);
	/* vCPU `vcpu` of ed has evtchn_upcall_pending set: raise its upcall
	 * interrupt (and wake it). */
	void (*upcall)(struct evtchn_domain *ed, unsigned int vcpu);
	/* A port of ed became pending, masked or not (wakes SCHEDOP_poll
	 * waiters); may be NULL. Called with ed->lock held. */
	void (*port_pending)(struct evtchn_domain *ed);
	/* Host pointer to the 4 KiB guest page at gfn if it is the guest's
	 * RAM, else NULL (FIFO control blocks and event-array pages). */
	void *(*map_gfn)(struct evtchn_domain *ed, uint64_t gfn);
	/* An event arrived on a port of ed the hypervisor consumes (Xen's
	 * consumer_is_xen: a vpl011 with its backend in another domain);
	 * called with ed->lock held; may be NULL. */
	void (*xen_event)(struct evtchn_domain *ed, uint32_t port);
	/* The peer of such a port closed its end (an ioreq server's device
	 * model went away); called with ed->lock held; may be NULL. */
	void (*xen_peer_closed)(struct evtchn_domain *ed, uint32_t port);
};

enum evtchn_state {
	ECS_FREE = 0, ECS_RESERVED, ECS_UNBOUND, ECS_INTERDOMAIN, ECS_PIRQ,
	ECS_VIRQ, ECS_IPI,
};

struct evtchn {
	uint8_t state;        /* enum evtchn_state */
	uint8_t priority;     /* FIFO: 0 (highest) .. 15, default 7 */
	uint8_t notify_vcpu;
	uint8_t fifo_pending; /* FIFO: raised before its event word existed */
	uint16_t remote_dom;  /* UNBOUND: who may bind; INTERDOMAIN: peer */
	uint8_t xen_consumer; /* events go to env->xen_event, not the guest */
	uint8_t peer_gone;    /* xen_consumer: its peer closed (until bound again) */
	uint32_t remote_port; /* INTERDOMAIN */
	uint32_t virq;        /* VIRQ */
	/* FIFO: queue it was last linked on, (vcpu << 8) | priority */
	uint32_t fifo_q;
};

/* Per-vCPU FIFO state (control block pointer and queue tails). */
struct evtchn_fifo_vcpu {
	void *control;        /* host pointer to the guest's control block */
	uint32_t tail[EVTCHN_FIFO_MAX_QUEUES];  /* 0: queue empty */
};

/* Per-vCPU event state: the caller provides one per vCPU. */
struct evtchn_vcpu {
	void *info;                   /* host pointer to its vcpu_info, may be NULL */
	struct evtchn_fifo_vcpu fifo;
	uint32_t virq_port[NR_VIRQS]; /* bound VIRQ ports */
};

struct evtchn_domain {
	uint16_t domid;
	/* The control domain's: it may allocate ports in, and ask the status
	 * of ports of, other domains (Xen's XSM_TARGET). Fixed at creation. */
	bool privileged;
	unsigned int nr_vcpus;
	const struct evtchn_env *env;
	spinlock_t lock;
	void *shared_info;                      /* host pointer, 4 KiB */
	struct evtchn_vcpu *vcpu;               /* nr_vcpus of them */
	bool fifo;                              /* FIFO ABI in use */
	/* Event-array pages: as in Xen a guest may add up to 128, although
	 * only the first holds ports below EVTCHN_MAX_PORTS. */
	void *fifo_array[EVTCHN_FIFO_MAX_PAGES];
	unsigned int fifo_array_pages;
	unsigned int valid_ports;  /* ports below this exist (bucket-rounded) */
	struct evtchn ch[EVTCHN_MAX_PORTS];
};

/* shared_info (4 KiB, zeroed) becomes the domain's, and vcpus (nr_vcpus
 * of them, zeroed here) its per-vCPU state; vCPU 0's vcpu_info defaults
 * to its legacy slot at offset 0, the others to NULL until registered. */
void evtchn_domain_init(struct evtchn_domain *ed, uint16_t domid,
			unsigned int nr_vcpus, struct evtchn_vcpu *vcpus,
			void *shared_info, const struct evtchn_env *env);
/* Construction: a free port of ed, unbound and offered to domain remote
 * (a dom0less domain's xenstore channel). The port, or -ENOSPC. */
long evtchn_alloc_unbound_for(struct evtchn_domain *ed, uint16_t remote);
/* A port of ed the hypervisor consumes (its events go to env->xen_event
 * instead of the guest), unbound and offered to domain remote: a vpl011's
 * channel to its backend. The port, or -ENOSPC. */
long evtchn_alloc_xen_port(struct evtchn_domain *ed, uint16_t remote);
/* The same with the port's notify vCPU set (an ioreq server's port for
 * that vCPU: the hypervisor reads it back in env->xen_event). */
long evtchn_alloc_xen_port_vcpu(struct evtchn_domain *ed, uint16_t remote, unsigned int vcpu);
/* Closes a port of ed the hypervisor consumes, as Xen's
 * free_xen_event_channel: a peer bound to it is left unbound. */
void evtchn_close_xen_port(struct evtchn_domain *ed, uint32_t port);
/* A port of ed the hypervisor consumes: bound to its peer, not bound yet,
 * or its peer closed it (and nobody bound it again). Read unlocked. */
enum evtchn_xen_link { XEN_LINK_BOUND, XEN_LINK_NEVER, XEN_LINK_GONE };
enum evtchn_xen_link evtchn_xen_link(const struct evtchn_domain *ed, uint32_t port);
/* The hypervisor notifies through its port of ed, as if ed had sent on
 * it; true if a peer was bound to receive it. */
bool evtchn_xen_send(struct evtchn_domain *ed, uint32_t port);
/* VCPUOP_register_vcpu_info moved vCPU `vcpu`'s vcpu_info to p (the
 * caller validated and copied it); events pending are re-signalled. */
void evtchn_set_vcpu_info(struct evtchn_domain *ed, unsigned int vcpu, void *p);
/* Boot: a static interdomain channel, ed's `port` to rd's `rport` (rd
 * may be ed), bound as Xen 4.17's alloc_static_evtchn binds it: rport
 * starts pending. 0, -XEN_EBUSY if either port is taken, -XEN_ENOSPC if
 * out of range (0 included: a static port is never "any free one"). */
long evtchn_bind_static(struct evtchn_domain *ed, uint32_t port,
			struct evtchn_domain *rd, uint32_t rport);
/* Size of the argument struct of EVTCHNOP `cmd`, 0 if unknown. */
size_t evtchn_op_size(int cmd);
/* Performs EVTCHNOP `cmd` for vCPU `vcpu` of ed; `arg` is the caller's
 * copy of the guest struct (OUT fields are filled for copy-back).
 * Returns 0 or a negated Xen errno (-ENOSYS for unknown commands). */
long evtchn_op(struct evtchn_domain *ed, unsigned int vcpu, int cmd, void *arg);
/* Raises a VIRQ bound on (vcpu); false if it is not bound. */
bool evtchn_send_virq(struct evtchn_domain *ed, unsigned int vcpu, uint32_t virq);
/* True if port exists and is pending (SCHEDOP_poll), under either ABI. */
bool evtchn_port_pending(struct evtchn_domain *ed, uint32_t port);
bool evtchn_port_valid(const struct evtchn_domain *ed, uint32_t port);
/* vcpu_info->evtchn_upcall_pending of the vCPU (false without vcpu_info). */
bool evtchn_upcall_pending(struct evtchn_domain *ed, unsigned int vcpu);
