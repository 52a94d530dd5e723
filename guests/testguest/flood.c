// SPDX-License-Identifier: MIT
/*
 * flood: prints as fast as it can, alternating console_io lines (hypercall
 * 18) and vpl011 lines, for lines= lines (default 20000); then waits for
 * the hypervisor's rate limit to let it print again and reports how long
 * the flood took. The flood_rate scenario checks that the hypervisor
 * printed no more of it than its rate limit allows, said how much it
 * dropped, and that a neighbour kept its pace.
 */
#include "tg.h"

#define HC_CONSOLE_IO 18

static uint64_t ms_since(uint64_t t0)
{
	return (cntvct() - t0) * 1000 / cntfrq();
}

static void wait_ms(uint64_t ms)
{
	uint64_t t0 = cntvct();

	while (ms_since(t0) < ms)
		cpu_relax();
}

void mode_flood(void)
{
	uint64_t n = arg_num("lines", 20000);
	char line[48];

	say("flood start: %llu lines", (unsigned long long)n);
	uint64_t t0 = cntvct();
	for (uint64_t i = 0; i < n; i++) {
		if (i & 1) {
			printk("flood vpl011 %llu\n", (unsigned long long)i);
			continue;
		}
		int len = snprintf(line, sizeof(line), "flood conio %llu\n",
				   (unsigned long long)i);
		xen_hypercall(HC_CONSOLE_IO, 0, (uint64_t)len,
			      (uint64_t)(uintptr_t)line, 0, 0);
	}
	uint64_t ms = ms_since(t0);
	/* Let the bucket refill so the report itself is printed. */
	wait_ms(500);
	say("flood done: %llu lines in %llu ms", (unsigned long long)n,
	    (unsigned long long)ms);
}
