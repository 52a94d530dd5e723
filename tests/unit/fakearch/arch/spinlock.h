/* SPDX-License-Identifier: MIT */
/*
 * Host stand-in for hyp/arch/arm64/include/arch/spinlock.h, first on the
 * include path of the host tests that need it. The tests are single
 * threaded, so a lock is just a flag: taking a lock that is already held
 * would deadlock on the real machine, and aborts here. An optional hook
 * sees every lock and unlock, for tests that check lock ordering.
 */
#pragma once

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <xenith/lock_order.h>

typedef struct {
	int held;
	int rank;    /* enum lock_rank, for the hooks that check the order */
} spinlock_t;

#define SPINLOCK_INIT_RANK(r) { 0, (r) }
#define SPINLOCK_INIT SPINLOCK_INIT_RANK(LOCK_UNRANKED)

static inline void spin_lock_init(spinlock_t *l, enum lock_rank rank)
{
	l->held = 0;
	l->rank = rank;
}

static inline bool spin_held(const spinlock_t *l)
{
	return l->held;
}

/* Set by a test (may stay NULL); `taking` is 1 for lock, 0 for unlock. */
extern void (*fake_spin_hook)(spinlock_t *l, int taking);

static inline void spin_lock(spinlock_t *l)
{
	if (l->held) {
		fprintf(stderr, "spin_lock(%p): already held, would deadlock\n",
			(void *)l);
		abort();
	}
	l->held = 1;
	if (fake_spin_hook)
		fake_spin_hook(l, 1);
}

/* The real one never waits: here, a held lock is simply refused. */
static inline bool spin_trylock(spinlock_t *l)
{
	if (l->held)
		return false;
	l->held = 1;
	if (fake_spin_hook)
		fake_spin_hook(l, 1);
	return true;
}

static inline void spin_unlock(spinlock_t *l)
{
	if (!l->held) {
		fprintf(stderr, "spin_unlock(%p): not held\n", (void *)l);
		abort();
	}
	if (fake_spin_hook)
		fake_spin_hook(l, 0);
	l->held = 0;
}
