/* SPDX-License-Identifier: MIT */
/* Generic Xen hypercall dispatch (common/hypercall.c). */
#pragma once

#include <stdint.h>

struct vcpu;

/* Returns the value for the guest's x0: >= 0 or a negated Xen errno.
 * args[] are the guest's x0-x4, in its trap frame. */
int64_t do_hypercall(struct vcpu *v, unsigned long nr, uint64_t args[5]);
