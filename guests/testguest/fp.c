// SPDX-License-Identifier: MIT
/*
 * test=fp secs=S: does a vCPU's FP/SIMD state survive being switched out?
 * The guest fills q0-q31 and FPCR with a pattern of its own (seeded by
 * its name), spins about a millisecond (and yields now and then, so a
 * neighbour on the same CPU runs and uses its own pattern), then compares.
 * Run two of them on one physical CPU, with the hypervisor's lazy and
 * eager FP switching. Output:
 *   <name>: fp: N rounds, E mismatches
 *   <name>: FP DONE
 * The rest of the guest is built without FP registers, so only these
 * two routines touch them.
 */
#include "tg.h"

uint64_t fp_fill(uint64_t seed);
uint64_t fp_check(uint64_t seed);

/* q_i = {seed + 2i, seed + 2i + 1}; FPCR = rounding mode from the seed.
 * fp_check returns the number of registers that differ (FPCR counts 1). */
__asm__(
	".arch armv8-a+fp+simd\n"
	".global fp_fill\n"
	"fp_fill:\n"
	"	mov	x1, x0\n"
	"	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
	"	fmov	d\\n, x1\n"
	"	add	x1, x1, #1\n"
	"	mov	v\\n\\().d[1], x1\n"
	"	add	x1, x1, #1\n"
	"	.endr\n"
	"	and	x1, x0, #3\n"
	"	lsl	x1, x1, #22\n"
	"	msr	fpcr, x1\n"
	"	ret\n"
	".global fp_check\n"
	"fp_check:\n"
	"	mov	x1, x0\n"
	"	mov	x2, #0\n"
	"	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
	"	fmov	x3, d\\n\n"
	"	cmp	x3, x1\n"
	"	cinc	x2, x2, ne\n"
	"	add	x1, x1, #1\n"
	"	mov	x3, v\\n\\().d[1]\n"
	"	cmp	x3, x1\n"
	"	cinc	x2, x2, ne\n"
	"	add	x1, x1, #1\n"
	"	.endr\n"
	"	mrs	x3, fpcr\n"
	"	and	x1, x0, #3\n"
	"	lsl	x1, x1, #22\n"
	"	cmp	x3, x1\n"
	"	cinc	x2, x2, ne\n"
	"	mov	x0, x2\n"
	"	ret\n"
	".arch armv8-a\n");

static uint64_t name_seed(const char *name)
{
	uint64_t h = 1469598103934665603ull;

	for (; *name && *name != ' '; name++)
		h = (h ^ (uint8_t)*name) * 1099511628211ull;
	return h & ~0xffffull; /* room for the +2i below the seed's bits */
}

void mode_fp(void)
{
	uint64_t secs = arg_num("secs", 1), frq = cntfrq();
	uint64_t end = cntvct() + secs * frq, rounds = 0, bad = 0;
	uint64_t seed = name_seed(arg("name", "fp"));

	/* FP/SIMD at EL1 and EL0: CPACR_EL1.FPEN = 0b11. */
	uint64_t cpacr = read_sysreg(cpacr_el1) | (3ull << 20);

	__asm__ volatile("msr cpacr_el1, %0\n\tisb" :: "r"(cpacr) : "memory");
	while (cntvct() < end) {
		uint64_t until = cntvct() + frq / 1000;

		fp_fill(seed + rounds);
		while (cntvct() < until)
			;
		if (rounds % 4 == 0)
			xen_hypercall(29, 0, 0, 0, 0, 0); /* SCHEDOP_yield */
		bad += fp_check(seed + rounds);
		rounds++;
	}
	say("fp: %llu rounds, %llu mismatches", (unsigned long long)rounds,
	    (unsigned long long)bad);
	say("FP DONE");
}
