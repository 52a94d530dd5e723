/* SPDX-License-Identifier: MIT */
/*
 * A list of 64-bit entries that grows a heap page at a time (common/
 * page_list.c): what a domain was given at run time, so that it can all
 * be given back. Entries are added and taken off at the end, each O(1);
 * nodes are doubly linked heap pages of 509 entries. No lock of its own:
 * the list's owner says which lock covers it.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct page_list {
	uint64_t head, tail;  /* first and last node (pa), 0: empty */
	uint64_t count;       /* entries */
	uint64_t nodes;       /* heap pages the list itself uses */
};

/* Appends v: 0, or -1 if a new node was needed and the heap had none. */
int page_list_add(struct page_list *l, uint64_t v);
/* Takes the last entry off into *v (false if empty); a node left empty
 * goes back to the heap. */
bool page_list_pop(struct page_list *l, uint64_t *v);
/* Removes one entry equal to v (the last one takes its place); false if
 * there is none. O(entries). */
bool page_list_remove(struct page_list *l, uint64_t v);
/* Calls fn for each entry, in order, until it returns true; true then. */
bool page_list_any(const struct page_list *l, bool (*fn)(void *arg, uint64_t v), void *arg);
