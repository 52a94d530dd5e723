/* SPDX-License-Identifier: MIT */
/*
 * Ticket spinlock (fair, so one CPU cannot starve another). Each lock has
 * a rank (xenith/lock_order.h); debug builds (XENITH_DEBUG) record which
 * CPU holds a lock, so spin_held() can be asserted where protected state
 * changes, and check that locks are taken in rank order.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <xenith/lock_order.h>

typedef struct {
	volatile uint16_t owner;
	volatile uint16_t next;
#ifdef XENITH_DEBUG
	volatile uint16_t holder;   /* CPU index + 1, 0: free */
	uint8_t rank;
#endif
} __attribute__((aligned(4))) spinlock_t; /* LDAXR of a word needs it */

#ifdef XENITH_DEBUG
#define SPINLOCK_INIT_RANK(r) { 0, 0, 0, (r) }
/* Before waiting for l: checks the rank order (a violation panics
 * instead of deadlocking later). After getting it: records the holder. */
void lock_debug_before(spinlock_t *l);
void lock_debug_after(spinlock_t *l);
void lock_debug_release(spinlock_t *l);
bool lock_debug_held(const spinlock_t *l);
#else
#define SPINLOCK_INIT_RANK(r) { 0, 0 }
#endif
#define SPINLOCK_INIT SPINLOCK_INIT_RANK(LOCK_UNRANKED)

static inline void spin_lock_init(spinlock_t *l, enum lock_rank rank)
{
	*l = (spinlock_t)SPINLOCK_INIT_RANK(rank);
	(void)rank;
}

static inline void spin_lock(spinlock_t *l)
{
	uint32_t tmp, ticket, newv;

#ifdef XENITH_DEBUG
	lock_debug_before(l);
#endif
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
#ifdef XENITH_DEBUG
	lock_debug_after(l);
#endif
}

/* Takes l only if nobody holds or waits for it; true if taken. Never
 * waits, so it may be tried in any order (the lifecycle lock is only
 * ever tried). */
static inline bool spin_trylock(spinlock_t *l)
{
	uint32_t v, tmp, fail;

	__asm__ volatile(
		"1:	ldaxr	%w0, [%3]\n"
		"	eor	%w1, %w0, %w0, ror #16\n"  /* owner == next: free */
		"	cbnz	%w1, 2f\n"
		"	add	%w1, %w0, #0x10000\n"
		"	stxr	%w2, %w1, [%3]\n"
		"	cbnz	%w2, 1b\n"
		"	b	3f\n"
		"2:	clrex\n"
		"3:\n"
		: "=&r"(v), "=&r"(tmp), "=&r"(fail)
		: "r"(l)
		: "memory");
	if ((uint16_t)v != (uint16_t)(v >> 16))
		return false;
	__asm__ volatile("dmb ish" ::: "memory");
#ifdef XENITH_DEBUG
	lock_debug_after(l);
#endif
	return true;
}

static inline void spin_unlock(spinlock_t *l)
{
#ifdef XENITH_DEBUG
	lock_debug_release(l);
#endif
	__asm__ volatile("dmb ish" ::: "memory");
	l->owner = (uint16_t)(l->owner + 1);
}

/* True if the calling CPU holds l (always true without XENITH_DEBUG:
 * only debug builds can tell). */
static inline bool spin_held(const spinlock_t *l)
{
#ifdef XENITH_DEBUG
	return lock_debug_held(l);
#else
	(void)l;
	return true;
#endif
}
