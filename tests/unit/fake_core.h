/* SPDX-License-Identifier: MIT */
/*
 * Fakes of what the scheduler core (common/sched) reaches outside itself,
 * for the programs that link it: test_sched, test_ctl, test_lifecycle.
 * Timers are recorded, not run (the tests fire them); printk keeps the
 * last line for the tests to read; panic aborts the test program.
 *
 * Included once per program, after the includer has declared
 * this_cpu (the CPU the test is acting as; timer_set arms on it).
 */
#pragma once

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <xenith/console.h>
#include <xenith/sched.h>
#include <xenith/timer.h>

void timers_init(void)
{
}

void timer_init(struct timer *t, void (*fn)(void *data), void *data)
{
	t->fn = fn;
	t->data = data;
	t->cpu = -1;
}

void timer_set(struct timer *t, uint64_t expires)
{
	t->expires = expires;
	t->cpu = (int)this_cpu;
}

void timer_stop(struct timer *t)
{
	t->cpu = -1;
}

/* The console: the last line kept for the tests to read. */
static char printk_last[256];

int printk(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(printk_last, sizeof(printk_last), fmt, ap);
	va_end(ap);
	return n;
}

void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "panic: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	abort();
}

const char *sched_name(enum sched_kind k)
{
	static const char *const n[] = { "credit2", "null", "rtds", "arinc653" };

	return (unsigned int)k < NR_SCHED_KINDS ? n[k] : "?";
}

void (*fake_spin_hook)(spinlock_t *l, int taking);
