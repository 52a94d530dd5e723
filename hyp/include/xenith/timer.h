/* SPDX-License-Identifier: MIT */
/*
 * Hypervisor timers: one sorted list per physical CPU, driven by the EL2
 * physical timer (arch_timer_program). A timer fires on the CPU it was
 * set on; its callback runs in interrupt context with no lock held.
 *
 * Ownership: a CPU's list and every timer in it are under that CPU's
 * timer lock (rank LOCK_TIMER, innermost but the console): any CPU may
 * stop a timer, a timer is only set on the calling CPU.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct timer {
	uint64_t expires;          /* ns of arch_time_ns(); valid while armed */
	void (*fn)(void *data);
	void *data;
	struct timer *next;
	volatile int cpu;          /* list it is on, -1 when not armed */
};

void timer_init(struct timer *t, void (*fn)(void *data), void *data);
/* Arms t on the calling CPU for `expires` (moved if already armed). */
void timer_set(struct timer *t, uint64_t expires);
/* Disarms t wherever it is armed; its callback will not run after this
 * returns unless it was already running. */
void timer_stop(struct timer *t);
/* Runs every expired timer of the calling CPU and reprograms the
 * hardware for the next one (the EL2 timer interrupt calls it). */
void timer_expire(void);
void timers_init(void);

/* ---- arch hooks ---- */
/* Programs this CPU's hypervisor timer to interrupt at `ns` (0: never). */
void arch_timer_program(uint64_t ns);
