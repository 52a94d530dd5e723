/* SPDX-License-Identifier: MIT */
/*
 * Hypervisor timers: one heap per physical CPU, earliest first, driven by
 * the EL2 physical timer (arch_timer_program). A timer fires on the CPU it
 * was set on; its callback runs in interrupt context with no lock held.
 * Every blocked vCPU with its virtual timer armed has one here, so a CPU
 * may hold as many as there are domains: setting and stopping one are
 * O(1) and O(log n), never a walk of the others.
 *
 * Ownership: a CPU's heap and every timer in it are under that CPU's
 * timer lock (rank LOCK_TIMER): any CPU may stop a timer, a timer is only
 * set on the calling CPU.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <xenith/pheap.h>

struct timer {
	uint64_t expires;          /* ns of arch_time_ns(); valid while armed */
	void (*fn)(void *data);
	void *data;
	struct pheap_node node;    /* in its CPU's heap, key -expires */
	volatile int cpu;          /* heap it is in, -1 when not armed */
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
