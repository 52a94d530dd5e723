// SPDX-License-Identifier: MIT
/* Guest-physical MMIO dispatch table (one per domain). */
#include <xenith/mmio.h>

int mmio_register(struct mmio_table *t, uint64_t base, uint64_t size,
		  mmio_handler_t h, void *priv)
{
	if (t->n == MAX_MMIO_REGIONS)
		return -1;
	t->r[t->n++] = (struct mmio_region){ base, size, h, priv };
	return 0;
}

bool mmio_dispatch(struct vcpu *v, struct mmio_table *t,
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
