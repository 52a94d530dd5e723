/* SPDX-License-Identifier: MIT */
/* Ticket spinlock (fair, so one CPU cannot starve another). */
#pragma once

#include <stdint.h>

typedef struct {
	volatile uint16_t owner;
	volatile uint16_t next;
} spinlock_t;

#define SPINLOCK_INIT { 0, 0 }

static inline void spin_lock(spinlock_t *l)
{
	uint32_t tmp, ticket, newv;

	__asm__ volatile(
		"1:	ldaxr	%w0, [%3]\n"
		"	add	%w1, %w0, #0x10000\n"
		"	stxr	%w2, %w1, [%3]\n"
		"	cbnz	%w2, 1b\n"
		: "=&r"(ticket), "=&r"(newv), "=&r"(tmp)
		: "r"(l)
		: "memory");
	/* ticket's upper half is our number, lower half the current owner. */
	while ((uint16_t)(ticket >> 16) != l->owner)
		__asm__ volatile("yield" ::: "memory");
	__asm__ volatile("dmb ish" ::: "memory");
}

static inline void spin_unlock(spinlock_t *l)
{
	__asm__ volatile("dmb ish" ::: "memory");
	l->owner = (uint16_t)(l->owner + 1);
}
