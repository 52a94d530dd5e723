/* SPDX-License-Identifier: MIT */
/*
 * A pool's keyed run queue (credit2's): the vCPU with the highest key
 * first, in a pairing heap threaded through the vCPUs (xenith/pheap.h).
 * A wake-up or a decision never walks the pool's vCPUs, however many
 * domains it has. Under the pool's lock, like the list queue.
 */
#pragma once

#include <xenith/domain.h>
#include <xenith/pheap.h>
#include <xenith/sched.h>

static inline void runq_heap_insert(struct sched_pool *p, struct vcpu *v, int64_t key)
{
	pheap_insert(&p->rq_heap, &v->sched.rq, key);
	v->sched.in_heap = true;
	p->nr_queued++;
}

static inline void runq_heap_remove(struct sched_pool *p, struct vcpu *v)
{
	pheap_remove(&p->rq_heap, &v->sched.rq);
	v->sched.in_heap = false;
	p->nr_queued--;
}

static inline struct vcpu *runq_heap_top(const struct sched_pool *p)
{
	struct pheap_node *n = pheap_top(&p->rq_heap);

	return n ? pheap_entry(n, struct vcpu, sched.rq) : NULL;
}
