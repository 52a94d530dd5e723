// SPDX-License-Identifier: MIT
/*
 * Per-CPU software timers on the EL2 physical timer: vCPU wake-ups
 * (a descheduled vCPU's virtual timer, SCHEDOP_poll timeouts) and the
 * scheduler's slices and budgets. Each CPU keeps a pairing heap keyed by
 * the negated expiry, so the earliest is the top (timer.h).
 */
#include <arch/spinlock.h>
#include <xenith/arch-api.h>
#include <xenith/timer.h>

struct cpu_timers {
	spinlock_t lock;
	struct pheap heap;
} __attribute__((aligned(64)));

static struct cpu_timers cpu_timers[MAX_CPUS];

void timers_init(void)
{
	for (unsigned i = 0; i < MAX_CPUS; i++)
		spin_lock_init(&cpu_timers[i].lock, LOCK_TIMER);
}

void timer_init(struct timer *t, void (*fn)(void *data), void *data)
{
	t->fn = fn;
	t->data = data;
	t->cpu = -1;
}

static struct timer *first(const struct cpu_timers *ct)
{
	struct pheap_node *n = pheap_top(&ct->heap);

	return n ? pheap_entry(n, struct timer, node) : NULL;
}

/* Takes t out of ct's heap (its lock held); true if it was the first. */
static bool unlink(struct cpu_timers *ct, struct timer *t)
{
	bool was_first = ct->heap.root == &t->node;

	pheap_remove(&ct->heap, &t->node);
	t->cpu = -1;
	return was_first;
}

static void program_first(struct cpu_timers *ct)
{
	struct timer *t = first(ct);

	arch_timer_program(t ? t->expires : 0);
}

void timer_stop(struct timer *t)
{
	int cpu = t->cpu;
	struct cpu_timers *ct;

	if (cpu < 0)
		return;
	ct = &cpu_timers[cpu];
	spin_lock(&ct->lock);
	/* It may have fired or moved while we took the lock. */
	if (t->cpu == cpu && unlink(ct, t) && cpu == (int)arch_cpu_id())
		program_first(ct);
	spin_unlock(&ct->lock);
	/* A timer left first on another CPU costs that CPU one early
	 * interrupt that finds nothing due: cheaper than an IPI. */
}

void timer_set(struct timer *t, uint64_t expires)
{
	unsigned int cpu = arch_cpu_id();
	struct cpu_timers *ct = &cpu_timers[cpu];
	bool was_first = false;

	/* Armed on another CPU: taken off there. Armed here (the slice
	 * timer, re-armed at every decision): moved under one lock. */
	if (t->cpu >= 0 && t->cpu != (int)cpu)
		timer_stop(t);
	spin_lock(&ct->lock);
	if (t->cpu == (int)cpu) {
		was_first = ct->heap.root == &t->node;
		pheap_remove(&ct->heap, &t->node);
	}
	/* Beyond 2^63 ns (292 years) is never: clamped, so that neither the
	 * key nor the hardware deadline can wrap to the front (a guest
	 * passes SCHEDOP_poll any timeout it likes). Earliest first, equal
	 * expiries in no particular order. */
	t->expires = expires > INT64_MAX ? INT64_MAX : expires;
	pheap_insert(&ct->heap, &t->node, -(int64_t)t->expires);
	t->cpu = (int)cpu;
	if (was_first || ct->heap.root == &t->node)
		program_first(ct);
	spin_unlock(&ct->lock);
}

void timer_expire(void)
{
	struct cpu_timers *ct = &cpu_timers[arch_cpu_id()];

	for (;;) {
		uint64_t now = arch_time_ns();
		struct timer *t;

		spin_lock(&ct->lock);
		t = first(ct);
		if (!t || t->expires > now) {
			program_first(ct);
			spin_unlock(&ct->lock);
			return;
		}
		unlink(ct, t);
		spin_unlock(&ct->lock);
		t->fn(t->data);
	}
}
