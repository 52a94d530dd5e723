// SPDX-License-Identifier: MIT
/* Guest virtual memory copies for hypercalls (see guest_access.h). */
#include <stdbool.h>
#include <xenith/arch-api.h>
#include <xenith/errno.h>
#include <xenith/guest_access.h>
#include <xenith/lib.h>

#define PAGE_SIZE 4096ULL

static int copy_guest(uint64_t gva, void *buf, size_t len, bool to_guest)
{
	uint8_t *b = buf;

	while (len) {
		size_t chunk = MIN(len, (size_t)(PAGE_SIZE - (gva & (PAGE_SIZE - 1))));
		uint64_t pa = arch_gva_to_pa(gva, to_guest);
		void *p = (void *)(uintptr_t)pa;

		if (!pa)
			return -XEN_EFAULT;
		if (to_guest)
			memcpy(p, b, chunk);
		else
			memcpy(b, p, chunk);
		gva += chunk;
		b += chunk;
		len -= chunk;
	}
	return 0;
}

int copy_from_guest(void *dst, uint64_t gva, size_t len)
{
	return copy_guest(gva, dst, len, false);
}

int copy_to_guest(uint64_t gva, const void *src, size_t len)
{
	return copy_guest(gva, (void *)src, len, true);
}
