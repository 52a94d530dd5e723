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

