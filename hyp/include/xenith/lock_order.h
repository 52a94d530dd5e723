/* SPDX-License-Identifier: MIT */
/*
 * The hypervisor's locks, outermost first. A CPU holding a lock of rank r
 * takes only locks of a higher rank; debug builds (make DEBUG=1) check
 * this on every spin_lock and panic naming both ranks. The table of what
 * each lock protects is in docs/architecture.md ("Ownership and locks").
 */
#pragma once

enum lock_rank {
	LOCK_UNRANKED = 0,  /* not checked */
	LOCK_LIFECYCLE,     /* lifecycle.c: creation and teardown (only ever tried) */
	LOCK_VCPUS,         /* d->vcpu_lock: CPU_ON vs register_vcpu_info */
	LOCK_CONIO,         /* d->conio_lock: console_io line buffer */
	LOCK_IOREQ,         /* d->ioreq.lock: a domain's ioreq servers */
	LOCK_EVTCHN,        /* ed->lock; two at once, lower domid first */
	LOCK_P2M,           /* d->p2m_lock: stage-2 tables, P2M pool, gfn records */
	LOCK_VPL011,        /* d->vpl011.lock */
	LOCK_VGIC,          /* d->arch.vgic.lock */
	LOCK_SCHED,         /* pool->lock: run queues, vCPU run states, per-CPU current */
	LOCK_TIMER,         /* a CPU's timer list */
	LOCK_DOMLIST,       /* domain.c: the domain table and list (writers) */
	LOCK_VMID,          /* the VMID allocator */
	LOCK_HEAP,          /* the run-time page heap (heap.c) */
	LOCK_GRACE,         /* grace.c: grace periods, memory waiting for one */
	LOCK_DOMCTL,        /* domctl.c: every domain's handle and max_pages (a leaf) */
	LOCK_CONIN,         /* console_io.c: dom0's console input ring (a leaf) */
	LOCK_CONSOLE,       /* console output */
	LOCK_RANKS
};
