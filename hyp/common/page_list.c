// SPDX-License-Identifier: MIT
/* Heap-backed lists of 64-bit entries (page_list.h). */
#include <xenith/heap.h>
#include <xenith/page_list.h>

#define NODE_ENTRIES 509

struct node {
	uint64_t next, prev;
	uint64_t n;
	uint64_t e[NODE_ENTRIES];
};
_Static_assert(sizeof(struct node) == 4096, "a node is one page");

static struct node *node(uint64_t pa)
{
	return (struct node *)(uintptr_t)pa;
}

int page_list_add(struct page_list *l, uint64_t v)
{
	struct node *t = l->tail ? node(l->tail) : NULL;

	if (!t || t->n == NODE_ENTRIES) {
		uint64_t pa = heap_alloc_page();   /* zeroed */

		if (!pa)
			return -1;
		node(pa)->prev = l->tail;
		if (t)
			t->next = pa;
		else
			l->head = pa;
		l->tail = pa;
		l->nodes++;
		t = node(pa);
	}
	t->e[t->n++] = v;
	l->count++;
	return 0;
}

bool page_list_pop(struct page_list *l, uint64_t *v)
{
	struct node *t;

	if (!l->tail)
		return false;
	t = node(l->tail);
	*v = t->e[--t->n];
	l->count--;
	if (!t->n) {
		uint64_t pa = l->tail;

		l->tail = t->prev;
		if (l->tail)
			node(l->tail)->next = 0;
		else
			l->head = 0;
		l->nodes--;
		heap_free_page(pa);
	}
	return true;
}

bool page_list_remove(struct page_list *l, uint64_t v)
{
	for (uint64_t pa = l->head; pa; pa = node(pa)->next) {
		struct node *n = node(pa);

		for (uint64_t i = 0; i < n->n; i++) {
			struct node *t = node(l->tail);
			uint64_t last;

			if (n->e[i] != v)
				continue;
			/* The last entry fills the hole, unless it is the one. */
			if (pa != l->tail || i != t->n - 1)
				n->e[i] = t->e[t->n - 1];
			page_list_pop(l, &last);
			return true;
		}
	}
	return false;
}

bool page_list_any(const struct page_list *l, bool (*fn)(void *arg, uint64_t v), void *arg)
{
	for (uint64_t pa = l->head; pa; pa = node(pa)->next)
		for (uint64_t i = 0; i < node(pa)->n; i++)
			if (fn(arg, node(pa)->e[i]))
				return true;
	return false;
}
