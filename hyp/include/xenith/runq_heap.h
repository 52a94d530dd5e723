/* SPDX-License-Identifier: MIT */
/*
 * A run queue ordered by a key the policy computes when it queues a vCPU
 * (highest first): a pairing heap threaded through the vCPUs themselves,
 * so it needs no storage of its own and no bound on the pool's size.
 * Insert is O(1), taking the top or any vCPU O(log n) amortised: a
 * wake-up or a decision never walks the pool's vCPUs, however many
 * domains it has (credit2 keeps 64 hogs on two CPUs in one).
 *
 * Links: sched_vcpu.h_child (first child), .h_next (next sibling) and
 * .h_prev (previous sibling, or the parent for a first child; NULL for
 * the root). All under the pool's lock, like the list queue.
 *
 * Inline: a decision takes the top and a switch queues the vCPU it
 * leaves, both on the path every yield and wake-up measures.
 */
#pragma once

#include <xenith/domain.h>
#include <xenith/sched.h>

#define RQH(v) (&(v)->sched)


/* Joins two heaps (either may be NULL); returns the root. */
static inline struct vcpu *runq_heap_meld(struct vcpu *a, struct vcpu *b)
{
	struct vcpu *t;

	if (!a)
		return b;
	if (!b)
		return a;
	if (RQH(b)->key > RQH(a)->key) {
		t = a;
		a = b;
		b = t;
	}
	/* b becomes a's first child. */
	RQH(b)->h_prev = a;
	RQH(b)->h_next = RQH(a)->h_child;
	if (RQH(a)->h_child)
		RQH(RQH(a)->h_child)->h_prev = b;
	RQH(a)->h_child = b;
	RQH(a)->h_next = RQH(a)->h_prev = NULL;
	return a;
}

/* The two-pass merge of a sibling list (the children of a removed node):
 * pairs left to right, then melds the pairs right to left. Iterative:
 * the list can be as long as the pool. */
static inline struct vcpu *runq_heap_merge_pairs(struct vcpu *first)
{
	struct vcpu *pairs = NULL, *a, *b, *rest, *root = NULL;

	while (first) {
		a = first;
		b = RQH(a)->h_next;
		rest = b ? RQH(b)->h_next : NULL;
		RQH(a)->h_next = RQH(a)->h_prev = NULL;
		if (b)
			RQH(b)->h_next = RQH(b)->h_prev = NULL;
		a = runq_heap_meld(a, b);
		/* Stack the pair (h_next links the stack). */
		RQH(a)->h_next = pairs;
		pairs = a;
		first = rest;
	}
	while (pairs) {
		a = pairs;
		pairs = RQH(a)->h_next;
		RQH(a)->h_next = NULL;
		root = runq_heap_meld(root, a);
	}
	return root;
}

static inline void runq_heap_insert(struct sched_pool *p, struct vcpu *v, int64_t key)
{
	RQH(v)->key = key;
	RQH(v)->h_child = RQH(v)->h_next = RQH(v)->h_prev = NULL;
	RQH(v)->in_heap = true;
	p->h_root = runq_heap_meld(p->h_root, v);
	p->nr_queued++;
}

static inline void runq_heap_remove(struct sched_pool *p, struct vcpu *v)
{
	struct sched_vcpu *s = RQH(v);
	struct vcpu *sub = runq_heap_merge_pairs(s->h_child);

	if (p->h_root == v) {
		p->h_root = sub;
	} else {
		/* Unlink v from its sibling list (h_prev: the left sibling, or
		 * the parent if v is the first child). */
		struct vcpu *prev = s->h_prev;

		if (RQH(prev)->h_child == v)
			RQH(prev)->h_child = s->h_next;
		else
			RQH(prev)->h_next = s->h_next;
		if (s->h_next)
			RQH(s->h_next)->h_prev = prev;
		if (sub)
			RQH(sub)->h_prev = NULL;
		p->h_root = runq_heap_meld(p->h_root, sub);
	}
	s->h_child = s->h_next = s->h_prev = NULL;
	s->in_heap = false;
	p->nr_queued--;
}

static inline struct vcpu *runq_heap_top(const struct sched_pool *p)
{
	return p->h_root;
}
