/* SPDX-License-Identifier: MIT */
/*
 * MMIO dispatch: each emulated device registers a guest-physical range per
 * domain; a stage-2 data abort does one lookup and one call.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct vcpu;

struct mmio_access {
	uint64_t addr;    /* guest physical */
	uint64_t offset;  /* from the region base */
	unsigned size;    /* bytes: 1, 2, 4, 8 */
	bool write;
	uint64_t value;   /* write: data; read: filled by the handler */
};

/* Returns true if handled; false makes the guest take a data abort. */
typedef bool (*mmio_handler_t)(struct vcpu *v, struct mmio_access *a,
			       void *priv);

struct mmio_region {
	uint64_t base, size;
	mmio_handler_t handler;
	void *priv;
};

#define MAX_MMIO_REGIONS 6

struct mmio_table {
	struct mmio_region r[MAX_MMIO_REGIONS];
	int n;
};

int mmio_register(struct mmio_table *t, uint64_t base, uint64_t size,
		  mmio_handler_t h, void *priv);
/* Finds and calls the handler; false if no region covers the access.
 * Inline: it is the whole MMIO trap path between decode and device. */
static inline bool mmio_dispatch(struct vcpu *v, struct mmio_table *t,
				 struct mmio_access *a)
{
	for (int i = 0; i < t->n; i++) {
		const struct mmio_region *r = &t->r[i];

		if (a->addr - r->base < r->size) {
			a->offset = a->addr - r->base;
			return r->handler(v, a, r->priv);
		}
	}
	return false;
}
