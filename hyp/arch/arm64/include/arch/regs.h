/* SPDX-License-Identifier: MIT */
/* The guest register frame pushed by entry.S on every trap. */
#pragma once

#include <stdint.h>

struct cpu_regs {
	uint64_t x[31];
	uint64_t pc;    /* ELR_EL2 */
	uint64_t pstate; /* SPSR_EL2 */
	uint64_t pad;
};
_Static_assert(sizeof(struct cpu_regs) == 272, "entry.S FRAME_SIZE");

/* Reads register n of a trapped instruction; x31 reads as zero (XZR). */
static inline uint64_t regs_get(const struct cpu_regs *r, unsigned n)
{
	return n < 31 ? r->x[n] : 0;
}

static inline void regs_set(struct cpu_regs *r, unsigned n, uint64_t v)
{
	if (n < 31)
		r->x[n] = v;
}
