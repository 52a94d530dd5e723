/* SPDX-License-Identifier: MIT */
/*
 * An intrusive pairing heap, highest key first: the nodes live in the
 * objects queued (a vCPU's run-queue entry, a timer), so the heap needs no
 * storage of its own and no bound on its size. Insert is O(1); taking the
 * top, or any node, is O(log n) amortised. Callers hold whatever lock
 * guards the heap.
 *
 * Links: child (first child), next (next sibling) and prev (previous
 * sibling, or the parent for a first child; NULL for the root).
 *
 * Inline: the scheduler takes the top and queues a vCPU on every switch,
 * and the timers on every block and wake-up.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pheap_node {
	struct pheap_node *child, *next, *prev;
	int64_t key;
};

struct pheap {
	struct pheap_node *root;
};

#define pheap_entry(n, type, member) \
	((type *)(void *)((char *)(n) - offsetof(type, member)))

/* Joins two heaps (either may be empty); returns the root. */
static inline struct pheap_node *pheap_meld(struct pheap_node *a, struct pheap_node *b)
{
	struct pheap_node *t;

	if (!a)
		return b;
	if (!b)
		return a;
	if (b->key > a->key) {
		t = a;
		a = b;
		b = t;
	}
	/* b becomes a's first child. */
	b->prev = a;
	b->next = a->child;
	if (a->child)
		a->child->prev = b;
	a->child = b;
	a->next = a->prev = NULL;
	return a;
}

/* The two-pass merge of a sibling list (the children of a removed node):
 * pairs left to right, then melds the pairs right to left. Iterative:
 * the list can be as long as the heap. */
static inline struct pheap_node *pheap_merge_pairs(struct pheap_node *first)
{
	struct pheap_node *pairs = NULL, *a, *b, *rest, *root = NULL;

	while (first) {
		a = first;
		b = a->next;
		rest = b ? b->next : NULL;
		a->next = a->prev = NULL;
		if (b)
			b->next = b->prev = NULL;
		a = pheap_meld(a, b);
		a->next = pairs;   /* a stack of the pairs */
		pairs = a;
		first = rest;
	}
	while (pairs) {
		a = pairs;
		pairs = a->next;
		a->next = NULL;
		root = pheap_meld(root, a);
	}
	return root;
}

static inline void pheap_insert(struct pheap *h, struct pheap_node *n, int64_t key)
{
	n->key = key;
	n->child = n->next = n->prev = NULL;
	h->root = pheap_meld(h->root, n);
}

/* n must be in h. */
static inline void pheap_remove(struct pheap *h, struct pheap_node *n)
{
	struct pheap_node *sub = pheap_merge_pairs(n->child);

	if (h->root == n) {
		h->root = sub;
	} else {
		/* Unlink n from its sibling list. */
		if (n->prev->child == n)
			n->prev->child = n->next;
		else
			n->prev->next = n->next;
		if (n->next)
			n->next->prev = n->prev;
		if (sub)
			sub->prev = NULL;
		h->root = pheap_meld(h->root, sub);
	}
	n->child = n->next = n->prev = NULL;
}

static inline struct pheap_node *pheap_top(const struct pheap *h)
{
	return h->root;
}
