// SPDX-License-Identifier: MIT
/*
 * Xen hypercall dispatch. Numbers from xen/include/public/xen.h. Every
 * number we do not implement returns -ENOSYS, as Xen does for unknown
 * hypercalls.
 */
#include <xenith/domain.h>
#include <xenith/errno.h>
#include <xenith/hypercall.h>

int64_t do_hypercall(struct vcpu *v, unsigned long nr, const uint64_t args[5])
{
	(void)v;
	(void)args;
	switch (nr) {
	default:
		return -XEN_ENOSYS;
	}
}
