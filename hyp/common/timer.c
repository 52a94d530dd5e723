// SPDX-License-Identifier: MIT
/*
 * Per-CPU software timers on the EL2 physical timer: vCPU wake-ups
 * (a descheduled vCPU's virtual timer, SCHEDOP_poll timeouts) and the
 * scheduler's slices and budgets. Lists are short (a few timers per CPU),
 * so a sorted singly-linked list is enough.
 */
#include <arch/spinlock.h>
#include <xenith/arch-api.h>
#include <xenith/timer.h>

struct cpu_timers {
	spinlock_t lock;
	struct timer *head;
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
	t->next = NULL;
	t->cpu = -1;
}

/* Unlinks t from list ct (its lock held); true if it was the head. */
static bool unlink(struct cpu_timers *ct, struct timer *t)
{
	struct timer **pp = &ct->head;
	bool was_head = ct->head == t;

	while (*pp && *pp != t)
		pp = &(*pp)->next;
	if (*pp)
		*pp = t->next;
	t->next = NULL;
	t->cpu = -1;
	return was_head;
}

static void program_head(struct cpu_timers *ct)
{
	arch_timer_program(ct->head ? ct->head->expires : 0);
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
		program_head(ct);
	spin_unlock(&ct->lock);
	/* A timer left at the head of another CPU's list costs that CPU
	 * one early interrupt that finds nothing due: cheaper than an IPI. */
}

void timer_set(struct timer *t, uint64_t expires)
{
	unsigned int cpu = arch_cpu_id();
	struct cpu_timers *ct = &cpu_timers[cpu];
	struct timer **pp;

	timer_stop(t);
	spin_lock(&ct->lock);
	t->expires = expires;
	for (pp = &ct->head; *pp && (*pp)->expires <= expires; pp = &(*pp)->next)
		;
	t->next = *pp;
	*pp = t;
	t->cpu = (int)cpu;
	if (ct->head == t)
		program_head(ct);
	spin_unlock(&ct->lock);
}

void timer_expire(void)
{
	struct cpu_timers *ct = &cpu_timers[arch_cpu_id()];

	for (;;) {
		uint64_t now = arch_time_ns();
		struct timer *t;

		spin_lock(&ct->lock);
		t = ct->head;
		if (!t || t->expires > now) {
			program_head(ct);
			spin_unlock(&ct->lock);
			return;
		}
		unlink(ct, t);
		spin_unlock(&ct->lock);
		t->fn(t->data);
	}
}
